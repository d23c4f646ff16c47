"""Role × URL rows for placements: answering, starting, following up, outcomes.

The offer is at the Milan site, from the employer contact's company; the person is followed by
the Milan case worker, so the Innsbruck partner does not know the placement exists (404). The
company reads its placements but never changes them (403); evaluators read them under codes.
"""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import EV, OP, OPU, C, E, Row, S, _none, _signed_in


def _offer(world: World) -> Any:
    from mile.employers.models import OfferStatus
    from mile.employers.tests.factories import employer_in, offer_of

    return offer_of(
        employer_in(world.site, world.employer), status=OfferStatus.OPEN, tutor_name="Greta"
    )


def _person(world: World) -> Any:
    from mile.participants.tests.factories import participant_in

    return participant_in(world.site, status="active")


def _pending(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import proposal_for

    return {"pk": proposal_for(_offer(world), _person(world)).pk}


def _accepted(world: World) -> dict[str, Any]:
    from mile.placements.tests.factories import accepted

    return {"pk": accepted(_offer(world), _person(world)).pk}


def _placement(world: World) -> Any:
    from mile.placements.tests.factories import started

    return started(world.users[C], _offer(world), _person(world))


def _placement_pk(world: World) -> dict[str, Any]:
    return {"pk": _placement(world).pk}


def _follow_up(world: World) -> dict[str, Any]:
    return {"pk": _placement(world).follow_ups.first().pk}


# Staff who follow the person; the company and evaluators read, never write; others 404.
_CASE_WORK = _signed_in(200, **{OP: 404, E: 403, S: 404, EV: 403, OPU: 404})
# Lists of case work: staff only.
_STAFF_LIST = _signed_in(200, **{E: 403, S: 403, EV: 403})

ROWS: dict[str, Row] = {
    # The person answers on their own page; staff who follow them record it.
    "placements:proposal_answer": Row("get", _pending, _CASE_WORK),
    "placements:placement_start": Row("get", _accepted, _CASE_WORK),
    "placements:placement_list": Row("get", _none, _STAFF_LIST),
    # The company reads its placements under codes, evaluators pseudonymised.
    "placements:placement_detail": Row(
        "get", _placement_pk, _signed_in(200, **{OP: 404, S: 404, OPU: 404})
    ),
    "placements:placement_end": Row("get", _placement_pk, _CASE_WORK),
    "placements:follow_up_list": Row("get", _none, _STAFF_LIST),
    "placements:follow_up_record": Row("get", _follow_up, _CASE_WORK),
    # Rates without names, for those who read the programme's indicators.
    "placements:outcomes": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
}
