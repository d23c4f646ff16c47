"""Role × URL rows for candidates proposed to employers (views/candidates.py).

The offer and the candidate are in Innsbruck: the employer contact's company, the other
partner's site. The Milan case worker follows neither, so both are unknown to them (404).
"""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, E, Row, S, _none, _signed_in


def _open_offer(world: World) -> Any:
    from mile.employers.models import OfferStatus
    from mile.employers.tests.factories import employer_in, offer_of

    return offer_of(employer_in(world.other_site, world.employer), status=OfferStatus.OPEN)


def _offer(world: World) -> dict[str, Any]:
    return {"pk": _open_offer(world).pk}


def _proposal(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import consenting, proposal_for
    from mile.participants.tests.factories import participant_in

    person = consenting(participant_in(world.other_site, status="active"))
    return {"pk": proposal_for(_open_offer(world), person).pk}


ROWS: dict[str, Row] = {
    # Staff propose; the company and evaluators read the offer but cannot (403).
    "employers:proposal_create": Row(
        "get", _offer, _signed_in(200, **{CW: 404, E: 403, S: 404, EV: 403, OP: 404})
    ),
    # Evaluators see the list under references only; stakeholders have no part in it.
    "employers:candidate_list": Row("get", _none, _signed_in(200, **{S: 403})),
    "employers:candidate_detail": Row(
        "get", _proposal, _signed_in(200, **{CW: 404, S: 404, OP: 404})
    ),
    # Only the company's contacts answer for it.
    "employers:candidate_decide": Row(
        "post",
        _proposal,
        _signed_in(403, **{E: 302, CW: 404, S: 404, OP: 404}),
        data=lambda w: {"decision": "accepted"},
    ),
    # The person or staff who follow them share the name; never the company itself.
    "employers:candidate_share": Row(
        "post", _proposal, _signed_in(302, **{CW: 404, E: 403, S: 404, EV: 403, OP: 404})
    ),
}
