"""Courses, sessions and enrolments for tests, in the shared test world's sites."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mile.activities.models import Course, CourseSession, CourseStatus, Enrolment
from mile.programmes.models import Site


def course_in(site: Site | None, programme: Any = None, **kwargs: Any) -> Course:
    """A published course of the site (or of the whole programme when ``site`` is None)."""
    fields: dict[str, Any] = {
        "title": "Kitchen hygiene (HACCP)",
        "audience": "migrants",
        "topics": ["technical"],
        "language": "en",
        "capacity": 10,
        "status": CourseStatus.PUBLISHED,
        **kwargs,
    }
    return Course.objects.create(programme=programme or site.programme, site=site, **fields)  # type: ignore[union-attr]


def sessions_of(
    course: Course, count: int, *, first: dt.datetime | None = None
) -> list[CourseSession]:
    """``count`` weekly three-hour sessions, the first one today (or at ``first``)."""
    start = first or timezone.now().replace(minute=0, second=0, microsecond=0)
    return [
        CourseSession.objects.create(
            course=course,
            starts_at=start + dt.timedelta(days=7 * n),
            ends_at=start + dt.timedelta(days=7 * n, hours=3),
            place="Room 2",
        )
        for n in range(count)
    ]


def enrol(course: Course, **kwargs: Any) -> Enrolment:
    return Enrolment.objects.create(course=course, **kwargs)
