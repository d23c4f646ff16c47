"""One backend's run of ``mile bench participants``: generate, then time the staff pages.

Run by ``mile.bench`` in a subprocess whose DATABASE_URL points at a scratch database; never
against a database holding real data (it refuses when participants exist already).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mile.accounts.models import Membership, User
from mile.core.roles import Role
from mile.participants.models import (
    Gender,
    Participant,
    ResidenceStatus,
    ServiceRecord,
    ServiceType,
    Status,
    WorkAuthorisation,
)
from mile.programmes.models import Involvement, Organisation, Programme, Relation, Site

GIVEN = ["Amina", "Yonas", "Farida", "Omid", "Lina", "Tariq", "Selam", "Bilal", "Noor", "Dawit",
         "Hana", "Karim", "Samira", "Jamal", "Rania", "Idris", "Mariam", "Yusuf", "Aster", "Zainab"]  # fmt: skip
FAMILY_ROOTS = ["Benchmark", "Probe", "Sample", "Trial", "Mock", "Proxy", "Dummy", "Model",
                "Pattern", "Specimen", "Exemplar", "Draft", "Sketch", "Token", "Stub"]  # fmt: skip
NATIONALITIES = ["SY", "AF", "ER", "SO", "NG", "PK", "IQ", "UA", "MA", "SN", "GM", "BD", "VE"]
SITES = [("Milan", "IT"), ("Innsbruck", "AT"), ("Athens", "GR"), ("Patras", "GR")]


def _family(i: int) -> str:
    return f"{FAMILY_ROOTS[i % len(FAMILY_ROOTS)]}{i // len(FAMILY_ROOTS):05d}"


class Command(BaseCommand):
    help = "Generate participants and services, then time list, search and detail pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=100_000)
        parser.add_argument("--services-per-participant", type=int, default=10)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--baseline-share", type=float, default=0.01)

    def handle(self, *args: Any, **options: Any) -> None:
        if Participant.objects.exists():
            raise CommandError("The benchmark needs an empty scratch database.")
        rng = random.Random(2026)  # noqa: S311  (repeatable invented data)
        programme, sites, user = _world()
        total = options["participants"]
        per = options["services_per_participant"]
        requests = options["requests"]
        results: dict[str, Any] = {"vendor": connection.vendor}
        # The baseline: the same pages over a small share of the data, in the same run.
        small = max(10, int(total * options["baseline_share"]))
        started = time.perf_counter()
        _generate(programme, sites, 0, small, per, rng)
        _settle()
        results["baseline_size"] = small
        results["baseline"] = _measure(user, small, requests, rng)
        _generate(programme, sites, small, total, per, rng)
        _settle()
        results["generate_s"] = round(time.perf_counter() - started, 1)
        results["size"] = total
        results["services"] = ServiceRecord.objects.count()
        results["full"] = _measure(user, total, requests, rng)
        self.stdout.write(json.dumps(results))


def _settle() -> None:
    """What the database's own maintenance does after a bulk load, before users arrive.

    Fresh statistics for the planner; on PostgreSQL also the visibility map, without which an
    index-only scan still visits the table (autovacuum would set it within minutes).
    """
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (as in the test of this command).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _world() -> tuple[Programme, list[Site], User]:
    programme = Programme.objects.create(  # type: ignore[misc]
        name="Benchmark programme",
        slug="bench",
        funder="Benchmark fund",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        countries=["IT", "AT", "GR"],
        languages=["en", "it", "de", "el"],
    )
    sites = []
    for i, (city, country) in enumerate(SITES):
        org = Organisation.objects.create(name=f"Bench partner {i}", country=country, city=city)
        Involvement.objects.create(
            programme=programme, organisation=org, relation=Relation.LEAD if i == 0 else "partner"
        )
        sites.append(
            Site.objects.create(programme=programme, city=city, country=country, lead_partner=org)
        )
    user = User.objects.create_user("bench.coordinator@example.org", None, full_name="Bench")
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert Authenticator.objects.filter(user=user).exists()
    Membership.objects.create(
        user=user,
        programme=programme,
        organisation=sites[0].lead_partner,
        role=Role.COORDINATOR,
        site=sites[0],
    )
    return programme, sites, user


def _generate(
    programme: Programme, sites: list[Site], start: int, stop: int, per: int, rng: random.Random
) -> None:
    statuses = list(Status)
    kinds = list(ServiceType)
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
                    birth_date=dt.date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    gender=rng.choice(list(Gender)),
                    nationalities=[rng.choice(NATIONALITIES)],
                    residence_status=rng.choice(list(ResidenceStatus)),
                    work_authorisation=WorkAuthorisation.YES,
                    status=rng.choice(statuses),
                    email=f"person{i}@bench.example",
                )
            )
        created = Participant.objects.bulk_create(people, batch_size=batch)
        if not created or created[0].pk is None:  # SQLite < 3.35 would not return keys
            created = list(Participant.objects.filter(email__in=[p.email for p in people]))
        records = [
            ServiceRecord(
                participant=person,
                service_type=kinds[(person.pk + k) % len(kinds)],
                title=f"Session {k + 1}",
                started_on=dt.date(2024, 1, 1) + dt.timedelta(days=(person.pk * 7 + k * 11) % 900),
                hours=Decimal(1 + (person.pk + k) % 8),
            )
            for person in created
            for k in range(per)
        ]
        ServiceRecord.objects.bulk_create(records, batch_size=10_000)


def _measure(user: User, size: int, requests: int, rng: random.Random) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    ids = list(Participant.objects.values_list("pk", flat=True)[:size])
    pages = max(1, size // 25)
    with translation.override("en"):
        list_url = reverse("participants:participant_list")
        detail = reverse("participants:participant_detail", kwargs={"pk": 1})[:-2]
        timeline = reverse("participants:participant_timeline", kwargs={"pk": 1})

    def page() -> str:
        return f"{list_url}?page={rng.randint(1, pages)}"

    def search() -> str:
        return f"{list_url}?q={_family(rng.randrange(size))}"

    def one() -> str:
        return f"{detail}{rng.choice(ids)}/"

    def pathway() -> str:
        return timeline.replace("/1/", f"/{rng.choice(ids)}/")

    cases: dict[str, Callable[[], str]] = {
        "list": page,
        "search": search,
        "detail": one,
        "timeline": pathway,
    }
    out: dict[str, Any] = {}
    for name, url in cases.items():
        client.get(url())  # warm the caches a user would meet warm
        timings, queries = [], []
        for _ in range(requests):
            target = url()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(target)
                timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{target} answered {response.status_code}")
            queries.append(len(captured.captured_queries))
        timings.sort()
        out[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "queries": max(queries),
        }
    return out
