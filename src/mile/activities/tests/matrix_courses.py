"""Role × URL rows for courses, sessions, enrolment and registration online (views/courses.py).

The course is in Innsbruck, the other partner's site, published and open to registration:
every member of the programme reads it, but only the coordinator, the administrator and the
Innsbruck partner's staff run it; the Milan case worker, employers, stakeholders and
evaluators get 403 writing, the other programme 404. The registration pages need no account.
Creating a course takes running activities somewhere: the other programme's coordinator does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, E, Row, S, _all, _none, _signed_in


def _innsbruck_course(world: World) -> Any:
    from mile.activities.tests.factories import course_in, sessions_of

    course = course_in(world.other_site, public_registration=True)
    sessions_of(course, 1, first=timezone.now() + dt.timedelta(days=7))
    return course


def _course(world: World) -> dict[str, Any]:
    return {"pk": _innsbruck_course(world).pk}


def _session(world: World) -> dict[str, Any]:
    course = _innsbruck_course(world)
    return {"pk": course.pk, "item": course.sessions.get().pk}


def _enrolment(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import enrol

    course = _innsbruck_course(world)
    return {"pk": course.pk, "item": enrol(course, full_name="Matrix Person").pk}


# Reading the course is for every member; running it for the Innsbruck staff and coordinators.
_WRITE_PAGE = _signed_in(200, **{CW: 403, E: 403, S: 403, EV: 403, OP: 404})
_WRITE_POST = _signed_in(302, **{CW: 403, E: 403, S: 403, EV: 403, OP: 404})

ROWS: dict[str, Row] = {
    "activities:course_list": Row("get", _none, _signed_in(200)),
    "activities:course_create": Row("get", _none, _signed_in(200, **{E: 403, S: 403, EV: 403})),
    "activities:course_detail": Row("get", _course, _signed_in(200, **{OP: 404})),
    "activities:course_edit": Row("get", _course, _WRITE_PAGE),
    "activities:session_add": Row("get", _course, _WRITE_PAGE),
    "activities:session_edit": Row("get", _session, _WRITE_PAGE),
    "activities:session_delete": Row("post", _session, _WRITE_POST),
    "activities:enrolment_add": Row("get", _course, _WRITE_PAGE),
    "activities:enrolment_withdraw": Row("post", _enrolment, _WRITE_POST),
    # Public: anyone registers, with or without an account.
    "activities:course_register": Row("get", _course, _all(200)),
    "activities:course_register_done": Row("get", _course, _all(200)),
}
