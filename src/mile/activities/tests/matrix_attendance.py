"""Role × URL rows for the roll-call, certificates and the survey (views/attendance.py).

The course is in Milan, the case worker's site: they run it with the coordinator. The other
partner's staff, employers, stakeholders and evaluators read the course but take no roll-call
(403); the other programme does not see it (404). Attendees' certificates are personal data:
404 for whoever does not run the course. The survey needs no account: the token is the key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mile.conftest import World
from mile.core.tests.matrix import ADM, CW, OP, C, Row, _all, _signed_in


def _session(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import course_in, sessions_of

    return {"pk": sessions_of(course_in(world.site), 2)[0].pk}


def _past_course(world: World) -> Any:
    from mile.activities.tests.factories import course_in, sessions_of

    course = course_in(world.site)
    sessions_of(course, 2, first=timezone.now() - dt.timedelta(days=10))
    return course


def _completed_enrolment(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import enrol
    from mile.participants.tests.factories import participant_in

    person = participant_in(world.site)
    enrolment = enrol(_past_course(world), participant=person, completed_at=timezone.now())
    return {"pk": enrolment.pk}


def _survey_token(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import enrol
    from mile.activities.views.attendance import survey_token

    enrolment = enrol(_past_course(world), full_name="Outside Person", email="o@example.org")
    return {"token": survey_token(enrolment)}


ROWS: dict[str, Row] = {
    "activities:session_rollcall": Row(
        "get", _session, _signed_in(403, **{ADM: 200, C: 200, CW: 200, OP: 404})
    ),
    "activities:enrolment_certificate": Row(
        "get", _completed_enrolment, _signed_in(404, **{ADM: 200, C: 200, CW: 200})
    ),
    "activities:enrolment_survey": Row("get", _survey_token, _all(200)),
}
