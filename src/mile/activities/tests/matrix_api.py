"""Role × URL rows for the activities API (collected by core/tests/test_url_matrix.py).

Every member of the programme reads its activities, the other programme does not know them
(404); the API answers anonymous callers 401. The session row removes a Milan session: only
those who run Milan's activities may (the Innsbruck partner, the companies, stakeholders and
evaluators get 403).
"""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import EV, OP, OPU, E, Row, S, _none, _signed_in


def _milan_course(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import course_in

    return {"pk": course_in(world.site).pk}


def _milan_session(world: World) -> dict[str, Any]:
    from mile.activities.tests.factories import course_in, sessions_of

    return {"pk": sessions_of(course_in(world.site), 1)[0].pk}


def _milan_group(world: World) -> dict[str, Any]:
    from mile.activities.models import WorkingGroup

    group = WorkingGroup.objects.create(
        programme=world.programme, scope="local", site=world.site, theme="wg1", name="Matrix"
    )
    return {"pk": group.pk}


def _milan_event(world: World) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from mile.activities.models import Event

    starts = timezone.now() + dt.timedelta(days=3)
    event = Event.objects.create(
        programme=world.programme,
        site=world.site,
        title="Matrix day",
        kind="awareness",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
    )
    return {"pk": event.pk}


_READ = _signed_in(200, anonymous=401, **{OP: 404})

ROWS: dict[str, Row] = {
    "api:course-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:course-detail": Row("get", _milan_course, _READ),
    "api:session-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:session-detail": Row(
        "delete",
        _milan_session,
        _signed_in(204, anonymous=401, **{OPU: 403, E: 403, S: 403, EV: 403, OP: 404}),
    ),
    "api:working-group-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:working-group-detail": Row("get", _milan_group, _READ),
    "api:event-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:event-detail": Row("get", _milan_event, _READ),
}
