"""What the activities of a programme reached: organisations, people and hours of training.

Plain functions returning dataclasses, for the counts page and for monitoring. A fixed number
of queries however many activities and attendees there are: one ``values()`` query per kind of
attendee, one for the attendees' memberships, one each for sessions and attendance, one count
per kind of activity; everything else is one pass in Python.

What counts (decision recorded here, the monitoring indicators rely on it):

- Only what has happened by now, within the dates asked for: courses with a session that has
  started (sessions of cancelled courses never count), study visits that have started, events
  that have started, and working-group memberships that overlap the dates. A site narrows
  everything to the activities of that site (the programme-wide ones are left out).
- Reached: people *enrolled* in a course (the waiting list and withdrawn enrolments are not
  reached), every study visitor, every member of a working group, and every registration for
  an event unless it is recorded as absent (``attended`` is not False). Attendance is not
  always taken at events, so a registration counts until someone records that the person did
  not come.
- People are told apart by participant id, by user id, and for people from outside by e-mail
  (a user's e-mail too, so a user who also registered online is one person) or else by name,
  in both cases ignoring case and spacing.
- Organisations are the known organisation an attendee came for; else the name typed in
  (the same name, ignoring case, as a known organisation counts as that organisation); else,
  for a user of MILE, the organisation of their membership of the programme. The partner
  following a participant is not an organisation reached. Typed-in names have the type
  "other or unknown".
- Each person falls in one group: participants are migrants; users by their role in the
  programme (employer contacts are employers, stakeholders stakeholders, the other roles the
  partners' staff); otherwise what their registration says (the audience they came as, the
  part they took in a study visit), then the type of their organisation, then the audience of
  the course, and working-group members are stakeholders. When rows disagree the strongest
  evidence wins.
- A person's country is their site's for participants; for others the country given when
  registering, else their organisation's.
- Hours delivered: the hours of the course sessions held. Hours received: for each enrolment,
  the hours of the sessions the person attended. A course with several topics counts its
  hours under each of them, so the topic rows may add up to more than the total.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.accounts.models import Membership
from mile.activities.models import (
    Attendance,
    Audience,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Event,
    EventRegistration,
    GroupMeeting,
    GroupMember,
    StudyVisit,
    StudyVisitor,
    Topic,
    VisitorKind,
    WorkingGroup,
)
from mile.core.roles import Role
from mile.programmes.models import OrganisationType

UNKNOWN = "unknown"
TENTH = Decimal("0.1")


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Courses")
    VISIT = "visit", _("Study visits")
    GROUP = "group", _("Working groups")
    EVENT = "event", _("Events")


class PersonGroup(models.TextChoices):
    """Who a person reached is, for the counts (one group per person)."""

    MIGRANTS = "migrants", _("Migrants")
    EMPLOYERS = "employers", _("Employers")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    PARTNERS = "partners", _("Partners' staff")
    CITIZENS = "citizens", _("Citizens")
    UNKNOWN = "unknown", _("Other or unknown")


@dataclass(frozen=True)
class Line:
    """One row of a table: a key (a code), its label in the reader's language, a count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class HoursLine:
    key: str
    label: str
    hours: Decimal


@dataclass(frozen=True)
class ActivityCounts:
    programme_id: int
    site_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    activities: list[Line]  # held, by kind
    organisations: int
    organisations_by_type: list[Line]
    organisations_by_country: list[Line]
    organisations_by_kind: list[Line]
    people: int
    people_by_group: list[Line]
    people_by_country: list[Line]
    people_by_kind: list[Line]
    hours_delivered: Decimal
    hours_delivered_by_audience: list[HoursLine]
    hours_delivered_by_topic: list[HoursLine]
    hours_received: Decimal
    hours_received_by_participants: Decimal
    hours_received_by_others: Decimal

    @property
    def held(self) -> int:
        return sum(line.count for line in self.activities)


# --- Scopes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    programme_id: int
    site_id: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def activities[M: models.Model](self, model: type[M]) -> QuerySet[M]:
        queryset = model._default_manager.filter(programme_id=self.programme_id)
        if self.site_id is not None:
            queryset = queryset.filter(site_id=self.site_id)
        return queryset

    def held(self, field_name: str) -> Q:
        """A datetime field ``field_name`` that has passed and falls within the dates."""
        condition = Q(**{f"{field_name}__lte": self.now})
        if self.starts_on:
            condition &= Q(**{f"{field_name}__date__gte": self.starts_on})
        if self.ends_on:
            condition &= Q(**{f"{field_name}__date__lte": self.ends_on})
        return condition

    def sessions(self) -> QuerySet[CourseSession]:
        courses = self.activities(Course).exclude(status=CourseStatus.CANCELLED)
        return CourseSession.objects.filter(self.held("starts_at"), course__in=courses)

    def courses(self) -> QuerySet[Course]:
        return self.activities(Course).filter(pk__in=self.sessions().values("course_id"))

    def visits(self) -> QuerySet[StudyVisit]:
        visits = self.activities(StudyVisit).filter(starts_on__lte=self.today)
        if self.starts_on:
            visits = visits.filter(ends_on__gte=self.starts_on)
        if self.ends_on:
            visits = visits.filter(starts_on__lte=self.ends_on)
        return visits

    def members(self) -> QuerySet[GroupMember]:
        members = GroupMember.objects.filter(
            group__in=self.activities(WorkingGroup), joined_on__lte=self.today
        )
        if self.starts_on:
            members = members.filter(Q(left_on__isnull=True) | Q(left_on__gte=self.starts_on))
        if self.ends_on:
            members = members.filter(joined_on__lte=self.ends_on)
        return members

    def groups(self) -> QuerySet[WorkingGroup]:
        """Groups that met within the dates or had members then."""
        met = GroupMeeting.objects.filter(self.held("starts_at"), group=OuterRef("pk"))
        had_members = self.members().filter(group=OuterRef("pk"))
        return self.activities(WorkingGroup).filter(Exists(met) | Exists(had_members))

    def events(self) -> QuerySet[Event]:
        return self.activities(Event).filter(self.held("starts_at"))


# --- Attendees ---------------------------------------------------------------------------------

_FIELDS = (
    "participant_id",
    "participant__site__country",
    "user_id",
    "user__email",
    "full_name",
    "email",
    "organisation_id",
    "organisation__name",
    "organisation__type",
    "organisation__country",
    "organisation_name",
    "country",
)

# How sure a row is of the person's group: the lower, the surer.
_AS_PARTICIPANT, _BY_ROLE, _AS_REGISTERED, _BY_ORGANISATION, _BY_COURSE, _BY_ACTIVITY = range(6)
_GROUP_ORDER = {value: n for n, value in enumerate(PersonGroup.values)}

_ROLE_GROUP: dict[str, str] = {
    Role.EMPLOYER_CONTACT: PersonGroup.EMPLOYERS,
    Role.STAKEHOLDER: PersonGroup.STAKEHOLDERS,
    Role.ADMIN: PersonGroup.PARTNERS,
    Role.COORDINATOR: PersonGroup.PARTNERS,
    Role.PARTNER_STAFF: PersonGroup.PARTNERS,
    Role.EVALUATOR: PersonGroup.PARTNERS,
}
_AUDIENCE_GROUP = {
    Audience.MIGRANTS: PersonGroup.MIGRANTS,
    Audience.EMPLOYERS: PersonGroup.EMPLOYERS,
    Audience.STAKEHOLDERS: PersonGroup.STAKEHOLDERS,
    Audience.CITIZENS: PersonGroup.CITIZENS,
}
_VISITOR_GROUP = {
    VisitorKind.PARTNER: PersonGroup.PARTNERS,
    VisitorKind.ASSOCIATE: PersonGroup.STAKEHOLDERS,
    VisitorKind.STAKEHOLDER: PersonGroup.STAKEHOLDERS,
}


def _organisation_group(organisation_type: str) -> str:
    if organisation_type in (OrganisationType.EMPLOYER, OrganisationType.EMPLOYERS_ASSOCIATION):
        return PersonGroup.EMPLOYERS
    if organisation_type == OrganisationType.PARTNER:
        return PersonGroup.PARTNERS
    return PersonGroup.STAKEHOLDERS


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class _Organisation:
    type: str
    country: str
    kinds: set[str] = field(default_factory=set)


@dataclass
class _Person:
    group: tuple[int, int, str] = (99, 99, PersonGroup.UNKNOWN)  # (sureness, order, group)
    country: tuple[int, str] = (99, "")  # (sureness, code)
    kinds: set[str] = field(default_factory=set)


@dataclass
class _Membership:
    organisation_id: int
    organisation_name: str
    organisation_type: str
    organisation_country: str
    group: str


def _attendee_rows(scope: _Scope) -> list[tuple[str, dict[str, Any]]]:
    """(kind, row) for every attendee reached, four queries."""
    enrolments = Enrolment.objects.filter(
        course__in=scope.courses(), status=EnrolmentStatus.ENROLLED
    ).values(*_FIELDS, "course__audience")
    visitors = StudyVisitor.objects.filter(visit__in=scope.visits()).values(*_FIELDS, "kind")
    members = scope.members().values(*_FIELDS)
    # Attendance is not always taken at events: a registration counts unless marked absent.
    registrations = (
        EventRegistration.objects.filter(event__in=scope.events())
        .exclude(attended=False)
        .values(*_FIELDS, "audience")
    )
    return [
        *((ActivityKind.COURSE.value, row) for row in enrolments),
        *((ActivityKind.VISIT.value, row) for row in visitors),
        *((ActivityKind.GROUP.value, row) for row in members),
        *((ActivityKind.EVENT.value, row) for row in registrations),
    ]


def _memberships(programme_id: int, user_ids: set[int]) -> dict[int, _Membership]:
    """Each user's organisation and group in the programme (their first active membership)."""
    found: dict[int, _Membership] = {}
    if not user_ids:
        return found
    rows = (
        Membership.objects.filter(programme_id=programme_id, user_id__in=user_ids, is_active=True)
        .order_by("pk")
        .values_list(
            "user_id",
            "role",
            "organisation_id",
            "organisation__name",
            "organisation__type",
            "organisation__country",
        )
    )
    for user_id, role, organisation_id, name, organisation_type, country in rows:
        group = _ROLE_GROUP.get(role, PersonGroup.UNKNOWN)
        known = found.get(user_id)
        # Someone who is an employer contact and a stakeholder counts as the former.
        if known is None or _GROUP_ORDER[group] < _GROUP_ORDER[known.group]:
            found[user_id] = _Membership(
                organisation_id=known.organisation_id if known else organisation_id,
                organisation_name=known.organisation_name if known else name,
                organisation_type=known.organisation_type if known else organisation_type,
                organisation_country=known.organisation_country if known else str(country),
                group=group,
            )
    return found


def _row_group(kind: str, row: dict[str, Any], organisation_type: str) -> tuple[int, str]:
    """How sure, and which group, one row alone says the person is (users aside)."""
    if kind == ActivityKind.EVENT and row.get("audience") in _AUDIENCE_GROUP:
        return _AS_REGISTERED, _AUDIENCE_GROUP[row["audience"]]
    if kind == ActivityKind.VISIT and row.get("kind") in _VISITOR_GROUP:
        return _AS_REGISTERED, _VISITOR_GROUP[row["kind"]]
    if organisation_type and organisation_type != UNKNOWN:
        return _BY_ORGANISATION, _organisation_group(organisation_type)
    if kind == ActivityKind.COURSE and row.get("course__audience") in _AUDIENCE_GROUP:
        return _BY_COURSE, _AUDIENCE_GROUP[row["course__audience"]]
    if kind == ActivityKind.GROUP:
        return _BY_ACTIVITY, PersonGroup.STAKEHOLDERS
    return _BY_ACTIVITY, PersonGroup.UNKNOWN


def _tally(
    rows: list[tuple[str, dict[str, Any]]], memberships: dict[int, _Membership]
) -> tuple[dict[tuple[str, Any], _Organisation], dict[tuple[str, Any], _Person]]:
    """The distinct organisations and people among ``rows``, with what the counts need."""
    # Typed-in names that are the name of a known organisation count as that organisation.
    known_names = {
        _folded(m.organisation_name): (
            m.organisation_id,
            m.organisation_type,
            m.organisation_country,
        )
        for m in memberships.values()
    }
    known_names.update(
        (
            _folded(row["organisation__name"]),
            (row["organisation_id"], row["organisation__type"], str(row["organisation__country"])),
        )
        for _kind, row in rows
        if row["organisation_id"]
    )
    # People from outside with a user's e-mail are that user.
    user_emails = {
        _folded(row["user__email"]): row["user_id"] for _kind, row in rows if row["user_id"]
    }
    organisations: dict[tuple[str, Any], _Organisation] = {}
    people: dict[tuple[str, Any], _Person] = defaultdict(_Person)
    for kind, row in rows:
        membership = memberships.get(row["user_id"]) if row["user_id"] else None
        # The organisation the person came for.
        org_key: tuple[str, Any] | None = None
        org_type, org_country = "", ""
        name = _folded(row["organisation_name"])
        if row["organisation_id"]:
            org_key = ("o", row["organisation_id"])
            org_type, org_country = row["organisation__type"], str(row["organisation__country"])
        elif name and name in known_names:
            organisation_id, org_type, org_country = known_names[name]
            org_key = ("o", organisation_id)
        elif name:
            org_key = ("t", name)
            org_type, org_country = UNKNOWN, str(row["country"] or "")
        elif membership is not None:
            org_key = ("o", membership.organisation_id)
            org_type, org_country = membership.organisation_type, membership.organisation_country
        if org_key is not None:
            organisation = organisations.get(org_key)
            if organisation is None:
                organisation = organisations[org_key] = _Organisation(org_type, org_country)
            organisation.kinds.add(kind)
            org_type, org_country = organisation.type, organisation.country
        # The person.
        email = _folded(row["email"])
        if row["participant_id"]:
            key: tuple[str, Any] = ("p", row["participant_id"])
            group = (_AS_PARTICIPANT, PersonGroup.MIGRANTS.value)
            country = (0, str(row["participant__site__country"] or ""))
        else:
            if row["user_id"]:
                key = ("u", row["user_id"])
            elif email:
                key = ("u", user_emails[email]) if email in user_emails else ("e", email)
            else:
                key = ("n", _folded(row["full_name"]))
            if membership is not None and membership.group != PersonGroup.UNKNOWN:
                group = (_BY_ROLE, membership.group)
            else:
                group = _row_group(kind, row, org_type)
            country = (0, str(row["country"])) if row["country"] else (1, org_country)
        person = people[key]
        person.kinds.add(kind)
        person.group = min(person.group, (group[0], _GROUP_ORDER[group[1]], group[1]))
        if country[1] and country[0] < person.country[0]:
            person.country = country
    return organisations, dict(people)


# --- Hours -------------------------------------------------------------------------------------


def _hours(starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """As ``CourseSession.hours``: each session to a tenth of an hour."""
    seconds = (ends_at - starts_at).total_seconds()
    return (Decimal(seconds) / Decimal(3600)).quantize(TENTH)


def _hours_lines(hours: dict[str, Decimal], labels: dict[str, str]) -> list[HoursLine]:
    lines = [
        HoursLine(key=key, label=labels.get(key, key), hours=value)
        for key, value in hours.items()
        if value
    ]
    return sorted(lines, key=lambda line: (-line.hours, line.label.casefold()))


# --- Tables ------------------------------------------------------------------------------------


def _fixed(counts: Counter[str], choices: type[models.TextChoices]) -> list[Line]:
    """Every choice, in the list's order, zero or not."""
    return [Line(key=v, label=str(label), count=counts[v]) for v, label in choices.choices]


def _ranked(counts: Counter[str], labels: dict[str, str]) -> list[Line]:
    """The keys counted, the largest first, "unknown" last."""
    lines = [
        Line(key=key or UNKNOWN, label=labels.get(key or UNKNOWN, key), count=n)
        for key, n in counts.items()
        if n
    ]
    return sorted(lines, key=lambda line: (line.key == UNKNOWN, -line.count, line.label.casefold()))


def _country_labels(codes: Iterable[str]) -> dict[str, str]:
    labels = {code: str(countries.name(code) or code) for code in codes if code}
    labels[UNKNOWN] = str(_("Unknown"))
    return labels


def _kind_counts(items: Iterable[Any]) -> Counter[str]:
    return Counter(kind for item in items for kind in item.kinds)


# --- The counts --------------------------------------------------------------------------------


def activity_counts(
    programme: Any,
    *,
    site: Any = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ActivityCounts:
    """Organisations and people reached, hours delivered and received, for one programme.

    ``programme`` and ``site`` are objects or ids; the dates are inclusive. Labels are in the
    active language. See the module's docstring for what counts.
    """
    scope = _Scope(
        programme_id=int(getattr(programme, "pk", programme)),
        site_id=None if site is None else int(getattr(site, "pk", site)),
        starts_on=starts_on,
        ends_on=ends_on,
        now=now or timezone.now(),
    )
    held = Counter(
        {
            ActivityKind.COURSE.value: scope.courses().count(),
            ActivityKind.VISIT.value: scope.visits().count(),
            ActivityKind.GROUP.value: scope.groups().count(),
            ActivityKind.EVENT.value: scope.events().count(),
        }
    )
    rows = _attendee_rows(scope)
    memberships = _memberships(scope.programme_id, {r["user_id"] for _k, r in rows if r["user_id"]})
    organisations, people = _tally(rows, memberships)

    # Hours delivered: the sessions held, by the course's audience and topics.
    by_audience: dict[str, Decimal] = defaultdict(Decimal)
    by_topic: dict[str, Decimal] = defaultdict(Decimal)
    delivered = Decimal(0)
    for starts_at, ends_at, audience, topics in scope.sessions().values_list(
        "starts_at", "ends_at", "course__audience", "course__topics"
    ):
        hours = _hours(starts_at, ends_at)
        delivered += hours
        by_audience[audience] += hours
        for topic in set(topics or []):
            by_topic[topic] += hours
    # Hours received: each enrolled person's sessions attended.
    by_participants = by_others = Decimal(0)
    for starts_at, ends_at, participant_id in Attendance.objects.filter(
        present=True, session__in=scope.sessions(), enrolment__status=EnrolmentStatus.ENROLLED
    ).values_list("session__starts_at", "session__ends_at", "enrolment__participant_id"):
        if participant_id:
            by_participants += _hours(starts_at, ends_at)
        else:
            by_others += _hours(starts_at, ends_at)

    type_labels = {k: str(v) for k, v in OrganisationType.choices}
    type_labels[UNKNOWN] = str(_("Other or unknown"))
    org_countries = Counter(o.country or UNKNOWN for o in organisations.values())
    people_countries = Counter(p.country[1] or UNKNOWN for p in people.values())
    return ActivityCounts(
        programme_id=scope.programme_id,
        site_id=scope.site_id,
        starts_on=starts_on,
        ends_on=ends_on,
        activities=_fixed(held, ActivityKind),
        organisations=len(organisations),
        organisations_by_type=_ranked(
            Counter(o.type or UNKNOWN for o in organisations.values()), type_labels
        ),
        organisations_by_country=_ranked(org_countries, _country_labels(org_countries)),
        organisations_by_kind=_fixed(_kind_counts(organisations.values()), ActivityKind),
        people=len(people),
        people_by_group=_fixed(Counter(p.group[2] for p in people.values()), PersonGroup),
        people_by_country=_ranked(people_countries, _country_labels(people_countries)),
        people_by_kind=_fixed(_kind_counts(people.values()), ActivityKind),
        hours_delivered=delivered,
        hours_delivered_by_audience=_hours_lines(
            by_audience, {k: str(v) for k, v in Audience.choices}
        ),
        hours_delivered_by_topic=_hours_lines(by_topic, {k: str(v) for k, v in Topic.choices}),
        hours_received=by_participants + by_others,
        hours_received_by_participants=by_participants,
        hours_received_by_others=by_others,
    )
