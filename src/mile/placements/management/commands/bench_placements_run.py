"""One backend's run of ``mile bench placements``: generate a programme, then time matching.

Run by ``mile.benchmarks`` in a subprocess whose DATABASE_URL points at a scratch database;
never against a database holding real data (it refuses when participants exist already).

The data is invented and seeded: ESCO-like skills with skewed frequencies (a few are
everywhere, most are rare), a hierarchy and related skills for partial credit, occupations
with ISCO codes whose core skills most of their offers ask for, people who trained for one of
them, CEFR levels in the site's language and English, driving licences, work authorisation.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mile.accounts.models import User
from mile.employers.models import (
    Employer,
    EmployerStatus,
    Offer,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
)
from mile.participants.management.commands.bench_participants_run import (
    GIVEN,
    NATIONALITIES,
    _family,
    _settle,
    _world,
)
from mile.participants.models import (
    Consent,
    Gender,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    Purpose,
    ResidenceStatus,
    Status,
    WorkAuthorisation,
)
from mile.placements import matching as placements_matching
from mile.placements.models import MatchRun, Method
from mile.programmes.models import Organisation, OrganisationType, Programme, Site
from mile.taxonomy.models import Concept, Kind, Label, Relation, SkillRelation, fold

SKILL_URI = "http://data.europa.eu/esco/skill/bench-"
OCCUPATION_URI = "http://data.europa.eu/esco/occupation/bench-"
SITE_LANGUAGE = {"Milan": "it", "Innsbruck": "de", "Athens": "el", "Patras": "el"}
MOTHER_TONGUES = ["ar", "fa", "ti", "so", "uk", "ps", "ur", "fr", "es", "bn", "am", "wo"]
LEVELS = ["A1", "A2", "B1", "B2", "C1"]
VERBS = ["operate", "maintain", "prepare", "inspect", "assemble", "clean", "install", "sort",
         "repair", "plan", "record", "serve", "measure", "pack", "load", "monitor"]  # fmt: skip
NOUNS = ["kitchen equipment", "forklifts", "timber frames", "pipework", "stock", "customer orders",
         "electrical wiring", "crops", "cash registers", "pallets", "hotel rooms", "vehicles",
         "welding joints", "spreadsheets", "patients' meals", "tiles"]  # fmt: skip
ISCO = ["5120", "5131", "9412", "7112", "7115", "8322", "9321", "5223", "4321", "7411", "7126",
        "6111", "9211", "5311", "3221", "2512", "4110", "7512", "8160", "9112", "7212", "9313"]  # fmt: skip
CORE_SKILLS = 15
RUN_MIN_FIT = 30


@dataclass
class Taxonomy:
    """The invented ESCO: skill pks with their skewed weights, occupations with core skills."""

    skills: list[int]
    weights: np.ndarray[Any, np.dtype[np.float64]]
    occupations: list[int]
    core: dict[int, list[int]]


class Command(BaseCommand):
    help = "Generate a programme's people, offers and skills, then time the matching pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=5_000)
        parser.add_argument("--offers", type=int, default=500)
        parser.add_argument("--skills", type=int, default=2_000)
        parser.add_argument("--occupations", type=int, default=100)
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--baseline-share", type=float, default=0.01)

    def handle(self, *args: Any, **options: Any) -> None:
        # ESCO too: the invented skills would sit beside the real ones.
        if Participant.objects.exists() or Concept.objects.exists():
            raise CommandError("The benchmark needs an empty scratch database.")
        rng = random.Random(2026)  # noqa: S311  (repeatable invented data)
        draw = np.random.default_rng(2026)
        total, offers = options["participants"], options["offers"]
        requests = options["requests"]
        programme, sites, user = _world()
        results: dict[str, Any] = {"vendor": connection.vendor}
        began = time.perf_counter()
        taxonomy = _taxonomy(options["skills"], options["occupations"], rng, draw)
        employers = _employers(programme, sites, max(len(sites), offers // 5))
        # The baseline: the same pages over a small share of the data, in the same run.
        small = max(10, int(total * options["baseline_share"]))
        few = max(len(sites), int(offers * options["baseline_share"]))
        _participants(programme, sites, taxonomy, 0, small, rng, draw)
        _offers(employers, taxonomy, 0, few, rng, draw)
        _settle()
        generating = time.perf_counter() - began
        results["baseline_size"] = small
        results["baseline_offers"] = few
        results["baseline"] = _measure(user, programme, sites, requests, rng)
        began = time.perf_counter()
        _participants(programme, sites, taxonomy, small, total, rng, draw)
        _offers(employers, taxonomy, few, offers, rng, draw)
        _settle()
        results["generate_s"] = round(generating + time.perf_counter() - began, 1)
        results["size"] = total
        results["offers"] = offers
        results["skills"] = len(taxonomy.skills)
        results["participant_skills"] = ParticipantSkill.objects.count()
        results["full"] = _measure(user, programme, sites, requests, rng)
        self.stdout.write(json.dumps(results))


# --- Generating --------------------------------------------------------------------------------


def _taxonomy(n_skills: int, n_occupations: int, rng: random.Random, draw: Any) -> Taxonomy:
    """Skills with English labels, a hierarchy and relations; occupations with ISCO codes."""
    skills = Concept.objects.bulk_create(
        [
            Concept(uri=f"{SKILL_URI}{i:05d}", kind=Kind.SKILL, version="bench")
            for i in range(n_skills)
        ],
        batch_size=5000,
    )
    occupations = Concept.objects.bulk_create(
        [
            Concept(
                uri=f"{OCCUPATION_URI}{i:04d}",
                kind=Kind.OCCUPATION,
                code=f"{ISCO[i % len(ISCO)]}.{i // len(ISCO) + 1}",
                version="bench",
            )
            for i in range(n_occupations)
        ]
    )
    if skills and skills[0].pk is None:  # SQLite < 3.35 would not return keys
        by_uri = dict(Concept.objects.values_list("uri", "pk"))
        for c in [*skills, *occupations]:
            c.pk = by_uri[c.uri]
    labels = [
        Label(concept=c, language="en", kind=Label.Kind.PREFERRED, text=text, folded=fold(text))
        for c, text in [
            *((s, f"{VERBS[i % len(VERBS)]} {NOUNS[i // len(VERBS) % len(NOUNS)]} ({i})")
              for i, s in enumerate(skills)),
            *((o, f"{NOUNS[i % len(NOUNS)]} worker ({i})") for i, o in enumerate(occupations)),
        ]
    ]  # fmt: skip
    Label.objects.bulk_create(labels, batch_size=5000)
    # A tenth of the skills are broader ones; most others sit under one of them.
    through = Concept.broader.through
    through.objects.bulk_create(
        [
            through(from_concept_id=s.pk, to_concept_id=skills[i // 10].pk)
            for i, s in enumerate(skills)
            if i >= 10 and rng.random() < 0.7
        ],
        batch_size=5000,
    )
    pairs = {
        (rng.randrange(n_skills), rng.randrange(n_skills)) for _ in range(max(1, n_skills // 2))
    }
    SkillRelation.objects.bulk_create(
        [
            SkillRelation(
                skill_id=skills[a].pk,
                related_id=skills[b].pk,
                relation=Relation.ESSENTIAL if rng.random() < 0.6 else Relation.OPTIONAL,
            )
            for a, b in sorted(pairs)
            if a != b
        ],
        batch_size=5000,
    )
    weights = np.array([1 / (i + 1) ** 1.1 for i in range(n_skills)])
    weights /= weights.sum()
    skill_pks = [s.pk for s in skills]
    core = {
        o.pk: [
            skill_pks[i]
            for i in draw.choice(n_skills, min(CORE_SKILLS, n_skills), replace=False, p=weights)
        ]
        for o in occupations
    }
    return Taxonomy(skill_pks, weights, [o.pk for o in occupations], core)


def _skewed(taxonomy: Taxonomy, n: int, draw: Any) -> list[int]:
    n = min(n, len(taxonomy.skills))
    return [
        taxonomy.skills[i]
        for i in draw.choice(len(taxonomy.skills), n, replace=False, p=taxonomy.weights)
    ]


def _pick(
    taxonomy: Taxonomy, occupation: int, n: int, share: float, rng: random.Random, draw: Any
) -> list[int]:
    """``n`` distinct skills, about ``share`` of them from the occupation's core."""
    core = taxonomy.core[occupation]
    chosen = rng.sample(core, min(len(core), round(n * share)))
    for pk in _skewed(taxonomy, n * 2, draw):
        if len(chosen) >= n:
            break
        if pk not in chosen:
            chosen.append(pk)
    return chosen[:n]


def _employers(programme: Programme, sites: list[Site], n: int) -> list[Employer]:
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench employer {i:04d}",
                type=OrganisationType.EMPLOYER,
                country=sites[i % len(sites)].country,
                city=sites[i % len(sites)].city,
            )
            for i in range(n)
        ]
    )
    if organisations and organisations[0].pk is None:
        organisations = list(Organisation.objects.filter(type=OrganisationType.EMPLOYER))
    employers = Employer.objects.bulk_create(
        [
            Employer(
                programme=programme,
                organisation=org,
                site=sites[i % len(sites)],
                status=EmployerStatus.HOSTING,
                hosts_placements=True,
            )
            for i, org in enumerate(organisations)
        ]
    )
    if employers and employers[0].pk is None:
        employers = list(Employer.objects.filter(programme=programme).select_related("site"))
    return employers


def _participants(
    programme: Programme,
    sites: list[Site],
    taxonomy: Taxonomy,
    start: int,
    stop: int,
    rng: random.Random,
    draw: Any,
) -> None:
    today = timezone.localdate()
    batch = 5000
    for first in range(start, stop, batch):
        people = []
        for i in range(first, min(stop, first + batch)):
            site = sites[i % len(sites)]
            people.append(
                Participant(  # type: ignore[misc]
                    programme=programme,
                    site=site,
                    organisation=site.lead_partner,
                    given_names=GIVEN[i % len(GIVEN)],
                    family_name=_family(i),
                    birth_date=dt.date(1965 + i % 40, 1 + i % 12, 1 + i % 28),
                    gender=rng.choice(list(Gender)),
                    nationalities=[rng.choice(NATIONALITIES)],
                    residence_status=rng.choice(list(ResidenceStatus)),
                    work_authorisation=rng.choices(
                        [WorkAuthorisation.YES, WorkAuthorisation.RESTRICTED, WorkAuthorisation.NO],
                        [85, 10, 5],
                    )[0],
                    driving_licences=["B"] if rng.random() < 0.3 else [],
                    available_from=today + dt.timedelta(days=rng.randint(-60, 60)),
                    hours_per_week=rng.choice([None, 20, 30, 40]),
                    status=Status.ACTIVE,
                    email=f"person{i}@bench.example",
                )
            )
        created = Participant.objects.bulk_create(people, batch_size=batch)
        if not created or created[0].pk is None:  # SQLite < 3.35 would not return keys
            created = list(
                Participant.objects.filter(email__in=[p.email for p in people]).select_related(
                    "site"
                )
            )
        skills, languages, consents, preferred = [], [], [], []
        through = Participant.preferred_occupations.through
        for person in created:
            trade = rng.choice(taxonomy.occupations)
            for pk in _pick(taxonomy, trade, rng.randint(5, 15), 0.4, rng, draw):
                skills.append(
                    ParticipantSkill(
                        participant=person,
                        skill_id=pk,
                        evidence=ParticipantSkill.Evidence.DECLARED,
                        origin=ParticipantSkill.Origin.MANUAL,
                    )
                )
            if rng.random() < 0.6:
                preferred.append(through(participant_id=person.pk, concept_id=trade))
            languages.append(
                LanguageSkill(
                    participant=person,
                    language=rng.choice(MOTHER_TONGUES),
                    assessment=LanguageSkill.Assessment.MOTHER_TONGUE,
                )
            )
            local = SITE_LANGUAGE.get(person.site.city, "it")
            for language in rng.sample([local, "en"], rng.randint(0, 2)):
                level = rng.randrange(len(LEVELS))
                # The five skills near one level, as people assess themselves.
                five = [LEVELS[max(0, min(4, level + rng.choice((-1, 0, 0, 1))))] for _ in range(5)]
                languages.append(
                    LanguageSkill(
                        participant=person,
                        language=language,
                        listening=five[0],
                        reading=five[1],
                        spoken_interaction=five[2],
                        spoken_production=five[3],
                        writing=five[4],
                        assessment=LanguageSkill.Assessment.SELF,
                    )
                )
            consents.append(
                Consent(
                    participant=person,
                    purpose=Purpose.EMPLOYERS,
                    given=True,
                    wording_version="bench",
                    language="en",
                )
            )
        ParticipantSkill.objects.bulk_create(skills, batch_size=10_000)
        LanguageSkill.objects.bulk_create(languages, batch_size=10_000)
        Consent.objects.bulk_create(consents, batch_size=10_000)
        through.objects.bulk_create(preferred, batch_size=10_000)


def _offers(
    employers: list[Employer],
    taxonomy: Taxonomy,
    start: int,
    stop: int,
    rng: random.Random,
    draw: Any,
) -> None:
    today = timezone.localdate()
    now = timezone.now()
    rows, occupations = [], []
    for i in range(start, stop):
        employer = employers[i % len(employers)]
        occupation = rng.choice(taxonomy.occupations)
        starts = today + dt.timedelta(days=rng.randint(7, 60))
        occupations.append(occupation)
        rows.append(
            Offer(
                employer=employer,
                title=f"Bench offer {i:05d}",
                occupation_id=occupation,
                site=employer.site,
                hours_per_week=rng.choice([20, 30, 40]),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=rng.choice([90, 180, 365])),
                places=rng.randint(1, 3),
                paid=rng.random() < 0.5,
                driving_licence="B" if rng.random() < 0.1 else "",
                status=OfferStatus.OPEN,
                published_at=now,
            )
        )
    created = Offer.objects.bulk_create(rows, batch_size=5000)
    if created and created[0].pk is None:
        by_title = dict(
            Offer.objects.filter(title__in=[o.title for o in rows]).values_list("title", "pk")
        )
        for offer in created:
            offer.pk = by_title[offer.title]
    skills, languages = [], []
    for offer, occupation in zip(created, occupations, strict=True):
        essential = _pick(taxonomy, occupation, rng.randint(3, 8), 0.8, rng, draw)
        optional = [pk for pk in _skewed(taxonomy, rng.randint(0, 5), draw) if pk not in essential]
        skills += [OfferSkill(offer=offer, skill_id=pk, essential=True) for pk in essential]
        skills += [OfferSkill(offer=offer, skill_id=pk, essential=False) for pk in optional]
        local = SITE_LANGUAGE.get(offer.site.city, "it")
        for language in rng.sample([local, "en"], rng.choice([0, 1, 1, 2])):
            languages.append(
                OfferLanguage(offer=offer, language=language, min_level=rng.choice(LEVELS[:4]))
            )
    OfferSkill.objects.bulk_create(skills, batch_size=10_000)
    OfferLanguage.objects.bulk_create(languages, batch_size=10_000)


# --- Measuring ---------------------------------------------------------------------------------


def _ms(began: float) -> float:
    return (time.perf_counter() - began) * 1000


def _get(client: Client, target: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(target)
        took = _ms(began)
    if response.status_code != 200:
        raise CommandError(f"{target} answered {response.status_code}")
    return took, len(captured.captured_queries)


def _measure(
    user: User, programme: Programme, sites: list[Site], requests: int, rng: random.Random
) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    offer_ids = list(Offer.objects.filter(status=OfferStatus.OPEN).values_list("pk", flat=True))
    people_ids = list(Participant.objects.values_list("pk", flat=True))
    with translation.override("en"):
        runs_url = reverse("placements:run_list")
        offer_url = reverse("placements:offer_matches", kwargs={"pk": 1})
        person_url = reverse("placements:participant_matches", kwargs={"pk": 1})
    # Sessions, middleware and templates warm, as for a user arriving at a running server.
    _get(client, runs_url)

    cases: dict[str, Callable[[], str]] = {
        "offer_matches": lambda: offer_url.replace("/1/", f"/{rng.choice(offer_ids)}/"),
        "participant_matches": lambda: person_url.replace("/1/", f"/{rng.choice(people_ids)}/"),
    }
    out: dict[str, Any] = {}
    for name, url in cases.items():
        # Cold: the skill graph is read again, as after a restart or an ESCO import.
        placements_matching.forget_esco()
        cold, cold_queries = _get(client, url())
        timings, queries = [], []
        for _ in range(requests):
            took, count = _get(client, url())
            timings.append(took)
            queries.append(count)
        timings.sort()
        out[name] = {
            "cold_ms": round(cold, 1),
            "cold_queries": cold_queries,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
            "queries": max(queries),
        }
    out["runs"] = [_run(client, runs_url, programme, site) for site in sites]
    return out


def _run(client: Client, url: str, programme: Programme, site: Site) -> dict[str, Any]:
    """One run over a site's open places, posted as the coordinator posts it."""
    data = {
        "programme": programme.pk,
        "site": site.pk,
        "offer": "",
        "method": Method.OPTIMAL,
        "min_score": RUN_MIN_FIT,
        "floor_refugees": "",
        "floor_women": "",
    }
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.post(url, data)
        took = _ms(began)
    if response.status_code != 302:
        raise CommandError(f"The run of {site.city} answered {response.status_code}")
    run = MatchRun.objects.filter(site=site).order_by("-pk").first()
    assert run is not None
    return {
        "site": site.city,
        "people": run.people,
        "offers": run.offers,
        "places": run.places,
        "pairs": run.placed,
        "seconds": round(run.seconds or 0.0, 3),
        "request_ms": round(took, 1),
        "queries": len(captured.captured_queries),
    }
