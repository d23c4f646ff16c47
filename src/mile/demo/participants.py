"""Invented participants for the demo: names that look invented, spread over the sites."""

from __future__ import annotations

import datetime as dt
import random

from mile.accounts.models import Membership
from mile.core.roles import Role
from mile.participants.models import (
    Gender,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    ResidenceStatus,
    Status,
    StatusChange,
    WorkAuthorisation,
)
from mile.programmes.models import Programme
from mile.taxonomy.models import Concept

GIVEN = [
    ("Samira", Gender.FEMALE), ("Tesfaye", Gender.MALE), ("Leyla", Gender.FEMALE),
    ("Farid", Gender.MALE), ("Nadia", Gender.FEMALE), ("Kofi", Gender.MALE),
    ("Mariam", Gender.FEMALE), ("Hamid", Gender.MALE), ("Amina", Gender.FEMALE),
    ("Yusuf", Gender.MALE), ("Rahel", Gender.FEMALE), ("Idris", Gender.MALE),
]  # fmt: skip
FAMILY = ["Exempla", "Probe", "Muster", "Esempio", "Paradeigma", "Ejemplo", "Sample", "Példa"]
NATIONALITIES = ["SY", "AF", "ER", "NG", "PK", "UA", "MA", "IQ", "SO", "VE"]
# A pathway a little further along for each step, so every status shows in the demo.
PATHS = [
    [Status.APPLICANT],
    [Status.APPLICANT, Status.ELIGIBLE],
    [Status.APPLICANT, Status.ELIGIBLE, Status.ENROLLED],
    [Status.APPLICANT, Status.ELIGIBLE, Status.ENROLLED, Status.ACTIVE],
    [Status.APPLICANT, Status.ELIGIBLE, Status.ENROLLED, Status.ACTIVE, Status.PLACED],
    [Status.APPLICANT, Status.ELIGIBLE, Status.ENROLLED, Status.ACTIVE, Status.EMPLOYED],
    [Status.APPLICANT, Status.ELIGIBLE, Status.DROPPED_OUT],
]
PER_SITE = 8
# ESCO skills the demo profiles draw on (English preferred labels of ESCO 1.1.1).
SKILLS = [
    "operate forklift", "clean rooms", "speak different languages", "use microsoft office",
    "perform cleaning duties", "cook vegetable products", "teamwork principles",
    "drive vehicles", "lay bricks", "use hand tools",
]  # fmt: skip
MOTHER_TONGUES = {"SY": "ar", "AF": "fa", "ER": "ti", "NG": "en", "PK": "ur", "UA": "uk",
                  "MA": "ar", "IQ": "ar", "SO": "so", "VE": "es"}  # fmt: skip
HOST_LANGUAGE = {"IT": "it", "AT": "de", "GR": "el", "ES": "es"}


def load_participants() -> int:
    """Eight participants per MILE site, the same on every run."""
    rng = random.Random(2026)  # a fixed seed: the demo is the same for everyone
    programme = Programme.objects.get(slug="mile")
    # Skills only where ESCO was imported (make run does it first); the demo works without.
    skills = list(
        Concept.objects.filter(
            kind="skill", labels__language="en", labels__kind="p", labels__folded__in=SKILLS
        ).order_by("uri")
    )
    tracks = list(programme.tracks.order_by("name"))
    created = 0
    for site in programme.sites.order_by("city"):
        staff = (
            Membership.objects.filter(programme=programme, site=site, role=Role.PARTNER_STAFF)
            .select_related("user")
            .first()
        )
        for n in range(PER_SITE):
            given, gender = GIVEN[(n + site.pk) % len(GIVEN)]
            family = f"{FAMILY[(n * 3 + site.pk) % len(FAMILY)]}-{site.city[:3]}{n + 1}"
            if Participant.objects.filter(given_names=given, family_name=family).exists():
                continue
            path = PATHS[n % len(PATHS)]
            status = path[-1]
            nationality = NATIONALITIES[rng.randrange(len(NATIONALITIES))]
            # django-countries types a multiple CountryField as one code.
            participant = Participant.objects.create(  # type: ignore[misc]
                programme=programme,
                site=site,
                organisation=site.lead_partner,
                track=tracks[n % len(tracks)] if tracks else None,
                given_names=given,
                family_name=family,
                birth_date=dt.date(
                    1975 + rng.randrange(28), 1 + rng.randrange(12), 1 + rng.randrange(28)
                ),
                gender=gender,
                nationalities=[nationality],
                country_of_birth=nationality,
                arrival_date=dt.date(2015 + rng.randrange(4), 1 + rng.randrange(12), 1),
                residence_status=rng.choice(list(ResidenceStatus)),
                work_authorisation=WorkAuthorisation.YES if n % 5 else WorkAuthorisation.PENDING,
                email=f"{given.lower()}.{family.lower()}@participants.demo.mile.example",
                status=status,
                notes="Invented demo person." if n % 2 else "",
                created_by=staff.user if staff else None,
            )
            participant.language_skills.create(
                language=MOTHER_TONGUES[nationality],
                assessment=LanguageSkill.Assessment.MOTHER_TONGUE,
            )
            level = ["A1", "A2", "B1", "B2"][n % 4]
            participant.language_skills.create(
                language=HOST_LANGUAGE[site.country.code],
                assessment=LanguageSkill.Assessment.TESTED
                if n % 2
                else LanguageSkill.Assessment.SELF,
                listening=level,
                reading=level,
                spoken_interaction=level,
                spoken_production=level,
                writing=["A1", "A1", "A2", "B1"][n % 4],
            )
            for skill in rng.sample(skills, k=min(3, len(skills))):
                participant.skills.create(
                    skill=skill,
                    evidence=rng.choice(list(ParticipantSkill.Evidence)),
                    recorded_by=staff.user if staff else None,
                )
            day = dt.datetime(2019, 2, 1, 10, tzinfo=dt.UTC)
            previous = Status.APPLICANT
            for step, to_status in enumerate(path):
                StatusChange.objects.create(
                    participant=participant,
                    from_status=previous,
                    to_status=to_status,
                    reason="Moved to another city" if to_status == Status.DROPPED_OUT else "",
                    changed_at=day + dt.timedelta(days=30 * step),
                    changed_by=staff.user if staff else None,
                )
                previous = to_status
            participant.status_changed_at = day + dt.timedelta(days=30 * (len(path) - 1))
            participant.save(update_fields=["status_changed_at"])
            created += 1
    return created
