"""The programme calendar: course sessions, study visits, working-group meetings and events.

``entries`` collects what a user may see between two moments as plain ``Entry`` values;
the month page and the iCalendar feed both draw from it. Entries carry titles, times and
places only: nobody's name or registration is in them, so a feed may leave the platform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mile.activities.models import (
    Course,
    CourseSession,
    CourseStatus,
    Event,
    GroupMeeting,
    StudyVisit,
    WorkingGroup,
    runs_scope,
)
from mile.core import permissions

FEED_SALT = "activities.calendar"


@dataclass(frozen=True)
class Entry:
    """One thing in the calendar; ``starts_at``/``ends_at`` are aware, ``all_day`` uses dates."""

    uid: str  # stable across feeds: "session-12@mile"
    kind: str  # "session", "visit", "meeting" or "event"
    title: str
    url: str  # the page of the activity, a path ("" while it has none)
    place: str
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    # Study visits last whole days: the first and the last day, both included.
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    note: str = ""  # "Draft", "Cancelled": shown to those who run the course

    @property
    def all_day(self) -> bool:
        return self.first_day is not None

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        if self.starts_at is not None:
            return (self.starts_at, self.uid)
        day = self.first_day or dt.date.min
        return (timezone.make_aware(dt.datetime.combine(day, dt.time.min)), self.uid)

    def days(self) -> list[dt.date]:
        """The local days the entry covers (a timed entry ending at midnight not the next)."""
        if self.first_day is not None:
            first, last = self.first_day, self.last_day or self.first_day
        else:
            assert self.starts_at is not None
            first = timezone.localtime(self.starts_at).date()
            end = self.ends_at or self.starts_at
            last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
            last = max(first, last)
        count = min((last - first).days, 366) + 1
        return [first + dt.timedelta(days=n) for n in range(count)]


def _link(*candidates: tuple[str, dict[str, Any]]) -> str:
    """The first of the activity's pages that exists (each part of the app owns its routes)."""
    for name, kwargs in candidates:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def _visible_courses(user: Any) -> Any:
    courses = Course.objects.for_user(user)
    # Platform administrators see drafts and cancelled courses everywhere.
    if permissions.is_platform_admin(user):
        return courses
    # Members see published courses; drafts and cancelled ones only those who run them.
    return courses.filter(
        Q(status=CourseStatus.PUBLISHED) | runs_scope(user) | Q(trainer_id=user.pk)
    )


def _scoped(queryset: Any, prefix: str, programme: Any, site: Any) -> Any:
    if programme is not None:
        queryset = queryset.filter(**{f"{prefix}programme": programme})
    if site is not None:
        queryset = queryset.filter(**{f"{prefix}site": site})
    return queryset


def _sessions(user: Any, start: dt.datetime, end: dt.datetime, programme: Any, site: Any) -> Any:
    courses = _scoped(_visible_courses(user), "", programme, site)
    sessions = (
        CourseSession.objects.filter(course__in=courses, starts_at__lt=end, ends_at__gt=start)
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    notes: dict[str, str] = {
        CourseStatus.DRAFT: _("Draft"),
        CourseStatus.CANCELLED: _("Cancelled"),
    }
    for session in sessions:
        course = session.course
        title = f"{course.title}: {session.title}" if session.title else course.title
        yield Entry(
            uid=f"session-{session.pk}@mile",
            kind="session",
            title=title,
            url=_link(("activities:course_detail", {"pk": course.pk})),
            place=session.place or course.place or (_("Online") if course.online else ""),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            note=str(notes.get(course.status, "")),
        )


def _visits(user: Any, start: dt.datetime, end: dt.datetime, programme: Any, site: Any) -> Any:
    first = timezone.localtime(start).date()
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date()
    visits = _scoped(StudyVisit.objects.for_user(user), "", programme, site).filter(
        starts_on__lte=last, ends_on__gte=first
    )
    for visit in visits.order_by("starts_on", "pk"):
        country = visit.host_country.name if visit.host_country else ""
        yield Entry(
            uid=f"visit-{visit.pk}@mile",
            kind="visit",
            title=visit.title,
            url=_link(("activities:visit_detail", {"pk": visit.pk})),
            place=", ".join(part for part in (visit.host_city, str(country)) if part),
            first_day=visit.starts_on,
            last_day=visit.ends_on,
        )


def _meetings(user: Any, start: dt.datetime, end: dt.datetime, programme: Any, site: Any) -> Any:
    groups = _scoped(WorkingGroup.objects.for_user(user), "", programme, site)
    # A meeting without an end is taken as two hours long, to find it in a range.
    meetings = (
        GroupMeeting.objects.filter(group__in=groups, starts_at__lt=end)
        .filter(
            Q(ends_at__gt=start)
            | Q(ends_at__isnull=True, starts_at__gt=start - dt.timedelta(hours=2))
        )
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        yield Entry(
            uid=f"meeting-{meeting.pk}@mile",
            kind="meeting",
            title=meeting.group.name,
            url=_link(
                ("activities:meeting_detail", {"pk": meeting.group_id, "meeting": meeting.pk}),
                ("activities:group_detail", {"pk": meeting.group_id}),
            ),
            place=meeting.place,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        )


def _events(user: Any, start: dt.datetime, end: dt.datetime, programme: Any, site: Any) -> Any:
    events = _scoped(Event.objects.for_user(user), "", programme, site).filter(
        starts_at__lt=end, ends_at__gt=start
    )
    for event in events.order_by("starts_at", "pk"):
        yield Entry(
            uid=f"event-{event.pk}@mile",
            kind="event",
            title=event.title,
            url=reverse("activities:event_detail", kwargs={"pk": event.pk}),
            place=event.place or (_("Online") if event.online else ""),
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )


def entries(
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    programme: Any = None,
    site: Any = None,
) -> list[Entry]:
    """Everything ``user`` may see that takes place, even in part, from ``start`` to ``end``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    found: list[Entry] = []
    for source in (_sessions, _visits, _meetings, _events):
        found.extend(source(user, start, end, programme, site))
    return sorted(found, key=lambda entry: entry.sort_key)


# --- The personal feed -------------------------------------------------------------------------


def feed_token(user: Any) -> str:
    """A token naming the user, for calendar apps that cannot sign in; it does not expire.

    Without a timestamp the address stays the same each time the page shows it.
    """
    return signing.Signer(salt=FEED_SALT).sign_object(user.pk)


def feed_user(token: str) -> Any:
    """The active user the token names, or None."""
    from mile.accounts.models import User

    try:
        pk = signing.Signer(salt=FEED_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def summary(entry: Entry) -> str:
    """The entry's title as a calendar app shows it: alone there, so it says what it is."""
    if entry.kind == "visit":
        title = _("Study visit: %(title)s") % {"title": entry.title}
    elif entry.kind == "meeting":
        title = _("Meeting: %(group)s") % {"group": entry.title}
    else:
        title = entry.title
    if entry.note:
        return _("%(title)s (%(note)s)") % {"title": title, "note": entry.note}
    return title


def to_ical(found: list[Entry], *, base_url: str, name: str) -> bytes:
    """The entries as an iCalendar file; times in UTC, visits as whole days."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//MILE//Activities calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for entry in found:
        item = icalendar.Event()
        item.add("uid", entry.uid)
        item.add("dtstamp", stamp)
        item.add("summary", summary(entry))
        if entry.all_day:
            assert entry.first_day is not None
            item.add("dtstart", entry.first_day)
            # DTEND of a whole-day entry is the day after the last one.
            item.add("dtend", (entry.last_day or entry.first_day) + dt.timedelta(days=1))
        else:
            assert entry.starts_at is not None
            item.add("dtstart", entry.starts_at.astimezone(dt.UTC))
            if entry.ends_at is not None:
                item.add("dtend", entry.ends_at.astimezone(dt.UTC))
        if entry.place:
            item.add("location", entry.place)
        if entry.url:
            item.add("url", f"{base_url}{entry.url}")
        calendar.add_component(item)
    data: bytes = calendar.to_ical()
    return data
