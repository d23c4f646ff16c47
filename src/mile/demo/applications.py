"""Invented online applications waiting for a case worker, one a likely duplicate."""

from __future__ import annotations

import datetime as dt

from mile.participants.consent import CONSENT_WORDING_VERSION, PURPOSE_ORDER
from mile.participants.models import (
    Consent,
    Gender,
    LanguageSkill,
    Participant,
    Purpose,
    ResidenceStatus,
    Source,
    Status,
    StatusChange,
    WorkAuthorisation,
)
from mile.programmes.models import Programme

# (city, given, family, born, gender, nationality, mother tongue, language, purposes said yes to)
APPLICATIONS = [
    ("Athens", "Zainab", "Prototypo", (1994, 6, 2), Gender.FEMALE, "AF", "fa", "el",
     {Purpose.PARTICIPATION, Purpose.EMPLOYERS}),
    ("Athens", "Omid", "Dokimi", (1988, 11, 20), Gender.MALE, "IQ", "ar", "el",
     {Purpose.PARTICIPATION, Purpose.EMPLOYERS, Purpose.NEWSLETTER}),
    ("Milan", "Grace", "Campione", (1999, 2, 14), Gender.FEMALE, "NG", "en", "it",
     {Purpose.PARTICIPATION}),
    ("Milan", "Olena", "Prova", (1985, 8, 9), Gender.FEMALE, "UA", "uk", "uk",
     {Purpose.PARTICIPATION, Purpose.EMPLOYERS, Purpose.STORIES}),
]  # fmt: skip
APPLIED_ON = dt.datetime(2021, 10, 4, 9, tzinfo=dt.UTC)
DOMAIN = "applications.demo.mile.example"


def _apply(
    programme: Programme,
    city: str,
    given: str,
    family: str,
    born: dt.date,
    gender: str,
    nationality: str,
    mother_tongue: str,
    language: str,
    yes: set[Purpose],
    when: dt.datetime,
) -> bool:
    email = f"{given.lower()}.{family.lower()}@{DOMAIN}"
    if Participant.objects.filter(email=email).exists():
        return False
    site = programme.sites.get(city=city)
    # django-countries types a multiple CountryField as one code.
    person = Participant.objects.create(  # type: ignore[misc]
        programme=programme,
        site=site,
        organisation=site.lead_partner,
        given_names=given,
        family_name=family,
        birth_date=born,
        gender=gender,
        nationalities=[nationality],
        country_of_birth=nationality,
        residence_status=ResidenceStatus.ASYLUM_SEEKER
        if nationality in {"AF", "IQ"}
        else ResidenceStatus.OTHER_PERMIT,
        work_authorisation=WorkAuthorisation.YES,
        email=email,
        source=Source.ONLINE,
        status=Status.APPLICANT,
        status_changed_at=when,
        languages_spoken=[mother_tongue],
    )
    StatusChange.objects.create(
        participant=person,
        from_status=Status.APPLICANT,
        to_status=Status.APPLICANT,
        reason="Applied online",
        changed_at=when,
    )
    person.language_skills.create(
        language=mother_tongue, assessment=LanguageSkill.Assessment.MOTHER_TONGUE
    )
    for purpose in PURPOSE_ORDER:
        Consent.objects.create(
            participant=person,
            purpose=purpose,
            given=purpose in yes,
            wording_version=CONSENT_WORDING_VERSION,
            language=language,
            recorded_at=when,
        )
    return True


def load_applications() -> int:
    """Four applications at Athens and Milan, and one from a person already registered."""
    programme = Programme.objects.get(slug="mile")
    created = 0
    for n, (city, given, family, born, gender, nat, mother, lang, yes) in enumerate(APPLICATIONS):
        created += _apply(
            programme,
            city,
            given,
            family,
            dt.date(*born),
            gender,
            nat,
            mother,
            lang,
            yes,
            APPLIED_ON + dt.timedelta(days=n),
        )
    # Someone registered at intake in Athens applies again online, names swapped: the record
    # page shows the case worker the likely duplicate and offers to merge.
    known = (
        Participant.objects.filter(programme=programme, site__city="Athens", source=Source.INTAKE)
        .order_by("pk")
        .first()
    )
    if known is not None:
        nationality = str(known.nationalities[0].code) if known.nationalities else "SY"
        created += _apply(
            programme,
            "Athens",
            known.family_name,
            known.given_names,
            known.birth_date,
            known.gender,
            nationality,
            "ar",
            "el",
            {Purpose.PARTICIPATION},
            APPLIED_ON + dt.timedelta(days=len(APPLICATIONS)),
        )
    return created
