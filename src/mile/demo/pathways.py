"""Demo plans, service records and validations, in step with each participant's status.

The MILE tracks get their planned services; every participant from enrolment on gets a plan
started from their track and the services recorded that their status implies: enrolled people
an assessment and a first talk, active people their trainings, placed and employed people a
work placement too (ongoing or completed), employed people post-placement support. Eligible
people have a draft plan; applicants and those who dropped out have none. A few skills are on
their way through validation (identified, documented, assessed). Everything goes through the
services case workers use, so plans move on as the records come in. Running it again changes
nothing: a person who has a plan is left as they are.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mile.accounts.models import Membership
from mile.core.roles import Role
from mile.participants import services
from mile.participants.models import (
    IntegrationPlan,
    Participant,
    PlannedService,
    SkillValidation,
    Status,
    StatusChange,
)
from mile.programmes.models import Organisation, Programme, Track
from mile.programmes.services import track_planned_services_save

TRACK_SERVICES: dict[str, list[dict[str, Any]]] = {
    "Comprehensive": [
        {"service": "skills_assessment", "hours": 4},
        {"service": "technical_training", "hours": 120},
        {"service": "soft_skills", "hours": 20},
        {"service": "language_course", "hours": 80},
        {"service": "job_guidance", "hours": 6},
        {"service": "tutoring", "hours": 10},
        {"service": "work_placement", "hours": 240},
        {"service": "post_placement", "hours": 4},
        {"service": "validation", "hours": 6},
    ],
    "Light": [
        {"service": "skills_assessment", "hours": 2},
        {"service": "job_guidance", "hours": 4},
        {"service": "soft_skills", "hours": 12},
        {"service": "counselling", "hours": 2},
        {"service": "validation", "hours": 3},
    ],
}

GOALS = [
    "Find a job in a kitchen and reach B1 in the language.",
    "Work in logistics with a forklift licence.",
    "Get the diploma recognised and work in care.",
    "Work in construction with a regular contract.",
    "Improve the language and find part-time work near home.",
]

# (service, days after enrolment it starts, days it lasts, title, hours received, outcome)
# per status; hours None means "as planned".
Step = tuple[str, int, int, str, Decimal | None, str]
_ENROLLED: list[Step] = [
    ("skills_assessment", 7, 0, "Skills assessment interview", None, "completed")
]
_ACTIVE: list[Step] = [
    *_ENROLLED,
    ("counselling", 12, 0, "Residence permit and work contract questions", None, "completed"),
    ("language_course", 10, 45, "Language course A2 (demo school)", None, "completed"),
    ("soft_skills", 15, 14, "Workshop: teamwork and job interviews", None, "completed"),
    ("technical_training", 20, 35, "Technical course (demo training centre)", None, "completed"),
    ("tutoring", 20, 35, "Weekly tutoring", None, "completed"),
    ("job_guidance", 40, 0, "Job guidance: CV and applications", Decimal(2), "completed"),
]
_PLACED: list[Step] = [
    *_ACTIVE,
    ("work_placement", 60, 90, "Work placement (demo employer)", Decimal(120), "ongoing"),
]
_EMPLOYED: list[Step] = [
    *_ACTIVE,
    ("work_placement", 60, 90, "Work placement (demo employer)", None, "completed"),
    ("post_placement", 155, 0, "Follow-up visit after the placement", None, "completed"),
    ("validation", 160, 0, "Validation of skills acquired", None, "completed"),
]
RECORDS: dict[str, list[Step]] = {
    Status.ENROLLED: _ENROLLED,
    Status.ACTIVE: _ACTIVE,
    Status.PLACED: _PLACED,
    Status.EMPLOYED: _EMPLOYED,
}
EMPLOYERS = {"Milan": "brambilla", "Innsbruck": "alpenblick", "Athens": "kataskevi"}


def demo_png() -> bytes:
    """A small grey PNG: the "photo" a demo evidence document holds."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    width = height = 8
    rows = b"".join(b"\x00" + b"\x99" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _set_track_services(programme: Programme, coordinator: Any) -> None:
    for track in Track.objects.filter(programme=programme, name__in=TRACK_SERVICES):
        wanted = TRACK_SERVICES[track.name]
        if track.planned_services != wanted:
            track_planned_services_save(by=coordinator, track=track, services=wanted)


def _enrolled_on(person: Participant) -> dt.date | None:
    change = (
        StatusChange.objects.filter(participant=person, to_status=Status.ENROLLED)
        .order_by("changed_at")
        .first()
    )
    return change.changed_at.date() if change else None


def _planned_dates(plan: IntegrationPlan, start: dt.date, by: Any) -> dict[str, PlannedService]:
    """Give each planned service its dates and a person responsible; by service type."""
    timing = {row[0]: (row[1], row[2]) for row in _EMPLOYED}
    by_type = {}
    for item in plan.services.order_by("pk"):
        after, lasting = timing.get(item.service_type, (30, 0))
        begins = start + dt.timedelta(days=after)
        services.planned_service_save(
            by=by,
            participant=plan.participant,
            planned=item,
            fields={
                "starts_on": begins,
                "ends_on": begins + dt.timedelta(days=lasting) if lasting else None,
                "responsible": by,
            },
        )
        by_type[item.service_type] = item
    return by_type


def _pathway(person: Participant, n: int, by: Any, organisations: dict[str, Organisation]) -> None:
    start = _enrolled_on(person)
    goals = GOALS[n % len(GOALS)]
    if start is None:
        # Eligible, not enrolled yet: the goals are written, nothing agreed or planned.
        services.plan_save(by=by, participant=person, goals=goals, agreed_on=None)
        return
    services.plan_save(by=by, participant=person, goals=goals, agreed_on=start)
    if person.track is not None and person.track.planned_services:
        services.plan_from_track(by=by, participant=person)
    plan = IntegrationPlan.objects.get(participant=person)
    planned = _planned_dates(plan, start, by)
    if person.status != Status.ENROLLED and "work_placement" not in planned:
        # Light tracks plan no placement; these people get one through the programme.
        planned["work_placement"] = services.planned_service_save(
            by=by,
            participant=person,
            fields={
                "service_type": "work_placement",
                "hours": Decimal(160),
                "responsible": by,
                "starts_on": start + dt.timedelta(days=60),
                "ends_on": start + dt.timedelta(days=150),
            },
        )
    employer = organisations.get(EMPLOYERS.get(person.site.city, ""))
    for service, after, lasting, title, hours, outcome in RECORDS.get(Status(person.status), []):
        item = planned.get(service)
        if item is None:
            continue
        begins = start + dt.timedelta(days=after)
        services.service_record_save(
            by=by,
            participant=person,
            fields={
                "service_type": service,
                "title": title,
                "started_on": begins,
                "ended_on": begins + dt.timedelta(days=lasting) if outcome == "completed" else None,
                "hours": hours or item.hours,
                "provider": employer
                if service == "work_placement" and employer
                else person.organisation,
                "outcome": outcome,
                "notes": "Invented demo note." if n % 3 == 0 else "",
                "planned": item,
            },
        )


def _validations(people: list[Participant], by_site: dict[int, Any]) -> None:
    """A few skills on their way through validation, in the phases before certification."""
    phases = ["identify", "document", "assess"]
    for n, person in enumerate(p for p in people if p.status in (Status.ACTIVE, Status.PLACED)):
        taken = set(person.validations.values_list("skill_id", flat=True))
        skill = next(
            (s for s in person.skills.order_by("-skill_id") if s.skill_id not in taken), None
        )
        if skill is None:
            continue
        by = by_site[person.site_id]
        start = (_enrolled_on(person) or dt.date(2019, 4, 2)) + dt.timedelta(days=30)
        validation = services.validation_start(
            by=by, participant=person, skill=skill.skill, identified_on=start
        )
        phase = phases[n % len(phases)]
        if phase in ("document", "assess"):
            services.validation_advance(
                by=by,
                validation=validation,
                phase="document",
                on=start + dt.timedelta(days=14),
                upload=SimpleUploadedFile("work-sample.png", demo_png(), "image/png"),
                description="Photo of work done in the course",
            )
        if phase == "assess":
            services.validation_advance(
                by=by,
                validation=validation,
                phase="assess",
                on=start + dt.timedelta(days=40),
                result=SkillValidation.Result.PASSED
                if n % 2
                else SkillValidation.Result.NOT_PASSED,
                assessor="Assessore Inventato (demo)",
            )


def load_pathways() -> int:
    """Plans, services and validations for the MILE demo participants; how many plans were made."""
    programme = Programme.objects.filter(slug="mile").first()
    if programme is None:
        return 0
    coordinator = (
        Membership.objects.filter(programme=programme, role=Role.COORDINATOR, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return 0
    _set_track_services(programme, coordinator.user)
    staff = {
        m.site_id: m.user
        for m in Membership.objects.filter(
            programme=programme, role=Role.PARTNER_STAFF, is_active=True
        ).select_related("user")
    }
    organisations = {
        key: org
        for key, name in (
            ("brambilla", "Officine Brambilla Demo S.r.l."),
            ("alpenblick", "Alpenblick Hotelbetriebe Demo GmbH"),
            ("kataskevi", "Kataskeves Demo Athina AE"),
        )
        if (org := Organisation.objects.filter(name=name).first()) is not None
    }
    people = list(
        Participant.objects.filter(programme=programme)
        .select_related("site", "track", "organisation")
        .order_by("pk")
    )
    by_site = {p.site_id: staff.get(p.site_id, coordinator.user) for p in people}
    made = 0
    fresh = []
    for n, person in enumerate(people):
        if person.status in (Status.APPLICANT, Status.DROPPED_OUT):
            continue
        if IntegrationPlan.objects.filter(participant=person).exists():
            continue
        _pathway(person, n, by_site[person.site_id], organisations)
        fresh.append(person)
        made += 1
    _validations(fresh, by_site)
    return made
