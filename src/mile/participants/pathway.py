"""Reads about a participant's pathway: who may be responsible, hours per service, the timeline.

Each function takes a participant already loaded through ``access.py``: the scope is checked
there, these only gather what belongs to that one person, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mile.accounts.models import User
from mile.core.roles import Cap, roles_with
from mile.participants.models import (
    Consent,
    Document,
    IntegrationPlan,
    Participant,
    PlannedService,
    ServiceRecord,
    ServiceType,
    SkillValidation,
    Status,
)
from mile.programmes.models import Organisation, Relation
from mile.taxonomy.models import Concept


def responsible_staff(programme_id: int) -> QuerySet[User]:
    """Active members of the programme who may manage participants: who can own a service."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__programme_id=programme_id,
            memberships__is_active=True,
            memberships__role__in=roles_with(Cap.MANAGE_PARTICIPANTS),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def providers(programme_id: int) -> QuerySet[Organisation]:
    """Organisations that take part in the programme and can provide a service."""
    return (
        Organisation.objects.filter(
            involvements__programme_id=programme_id,
            involvements__relation__in=[
                Relation.LEAD,
                Relation.PARTNER,
                Relation.ASSOCIATE,
                Relation.EMPLOYER,
                Relation.STAKEHOLDER,
            ],
        )
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class ServiceHours:
    service_type: str
    label: str
    planned: Decimal
    received: Decimal


def hours_by_service(participant: Participant) -> tuple[list[ServiceHours], ServiceHours]:
    """Hours planned (cancelled services left out) and received (attended) per service type.

    Returns the rows in the order of ``ServiceType`` and a row of totals.
    """
    planned = dict(
        PlannedService.objects.filter(plan__participant=participant)
        .exclude(state=PlannedService.State.CANCELLED)
        .order_by()
        .values_list("service_type")
        .annotate(total=Sum("hours"))
        .values_list("service_type", "total")
    )
    received = dict(
        ServiceRecord.objects.filter(participant=participant)
        .exclude(outcome=ServiceRecord.Outcome.NOT_ATTENDED)
        .order_by()
        .values_list("service_type")
        .annotate(total=Sum("hours"))
        .values_list("service_type", "total")
    )
    zero = Decimal(0)
    rows = [
        ServiceHours(value, str(label), planned.get(value) or zero, received.get(value) or zero)
        for value, label in ServiceType.choices
        if value in planned or value in received
    ]
    total = ServiceHours(
        "",
        _("Total"),
        sum((r.planned for r in rows), zero),
        sum((r.received for r in rows), zero),
    )
    return rows, total


# --- Timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One dated step of the pathway, as the timeline shows it."""

    when: dt.datetime  # for ordering; date-only events sit at the start of their day
    timed: bool  # False when only the day is known
    kind: str  # status, consent, plan, service, validation, document
    title: str
    detail: str = ""
    who: str = ""

    @property
    def day(self) -> dt.date:
        return self.when.date()

    @property
    def label(self) -> str:
        return str(KINDS[self.kind][0])

    @property
    def icon(self) -> str:
        return KINDS[self.kind][1]


# The label and the icon of each kind of event; the icon is decoration, the label is read out.
KINDS: dict[str, tuple[Any, str]] = {
    "status": (gettext_lazy("Status"), "🚩"),
    "consent": (gettext_lazy("Consent"), "✍"),
    "plan": (gettext_lazy("Plan"), "📋"),
    "service": (gettext_lazy("Service"), "🛠"),
    "validation": (gettext_lazy("Validation"), "🎓"),
    "document": (gettext_lazy("Document"), "📄"),
}


def _on_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _at(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _hours(value: Decimal | None) -> str:
    if value is None:
        return ""
    number = f"{value.normalize():f}"
    return _("%(hours)s hours") % {"hours": number}


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def timeline(participant: Participant, *, personal: bool, newest_first: bool = True) -> list[Event]:
    """The whole pathway of one person in date order, in seven queries whatever its length.

    ``personal`` adds what only those who see personal data read: the plan's goals, who made
    a change, file names. Case notes and service notes never appear here.
    """
    events: list[Event] = []

    def who(user: User | None) -> str:
        return str(user) if user is not None else ""

    for change in participant.status_changes.select_related("changed_by"):
        first = change.from_status == change.to_status == Status.APPLICANT
        events.append(
            Event(
                _at(change.changed_at),
                True,
                "status",
                _("Registered as an applicant")
                if first
                else _("Status: %(status)s") % {"status": change.get_to_status_display()},
                change.reason,
                who(change.changed_by),
            )
        )
    for consent in Consent.objects.filter(participant=participant).select_related("recorded_by"):
        purpose = consent.get_purpose_display()
        events.append(
            Event(
                _at(consent.recorded_at),
                True,
                "consent",
                _("Consent given: %(purpose)s") % {"purpose": purpose}
                if consent.given
                else _("Consent not given: %(purpose)s") % {"purpose": purpose},
                "",
                who(consent.recorded_by),
            )
        )
    plan = (
        IntegrationPlan.objects.filter(participant=participant)
        .prefetch_related(Prefetch("services", queryset=PlannedService.objects.order_by("pk")))
        .first()
    )
    if plan is not None:
        if plan.agreed_on:
            events.append(
                Event(
                    _on_day(plan.agreed_on),
                    False,
                    "plan",
                    _("Integration plan agreed"),
                    plan.goals if personal else "",
                )
            )
        for item in plan.services.all():
            if item.starts_on is None:
                continue  # not on the calendar yet
            events.append(
                Event(
                    _on_day(item.starts_on),
                    False,
                    "plan",
                    _("Planned: %(service)s") % {"service": item.get_service_type_display()},
                    _join(item.description, _hours(item.hours), item.get_state_display()),
                )
            )
    for record in ServiceRecord.objects.filter(participant=participant).select_related("provider"):
        events.append(
            Event(
                _on_day(record.started_on),
                False,
                "service",
                record.title,
                _join(
                    record.get_service_type_display(),
                    _("until %(date)s")
                    % {"date": date_format(record.ended_on, "SHORT_DATE_FORMAT")}
                    if record.ended_on
                    else "",
                    _hours(record.hours),
                    record.provider.name if record.provider else "",
                    record.get_outcome_display(),
                ),
            )
        )
    validations = SkillValidation.objects.filter(participant=participant).prefetch_related(
        Prefetch("skill", queryset=Concept.objects.with_labels())
    )
    for validation in validations:
        skill = validation.skill.label()
        steps: list[tuple[dt.date | None, str, str]] = [
            (validation.identified_on, _("Skill identified: %(skill)s"), ""),
            (validation.documented_on, _("Evidence documented: %(skill)s"), ""),
            (
                validation.assessed_on,
                _("Skill assessed: %(skill)s"),
                validation.get_result_display() if validation.result else "",
            ),
            (validation.certified_on, _("Skill certified: %(skill)s"), ""),
        ]
        for day, title, detail in steps:
            if day is not None:
                events.append(
                    Event(_on_day(day), False, "validation", title % {"skill": skill}, detail)
                )
    for document in Document.objects.filter(participant=participant).select_related("uploaded_by"):
        events.append(
            Event(
                _at(document.uploaded_at),
                True,
                "document",
                _("Document added: %(kind)s") % {"kind": document.get_kind_display()},
                document.original_name if personal else "",
                who(document.uploaded_by) if personal else "",
            )
        )
    if not personal:
        # Pseudonymised readers see what happened and when, not who recorded it.
        events = [Event(e.when, e.timed, e.kind, e.title, e.detail) for e in events]
    events.sort(key=lambda e: e.when, reverse=newest_first)
    return events
