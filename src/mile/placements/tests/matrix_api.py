"""Role × URL rows for the placements API (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mile.conftest import World
from mile.core.tests.matrix import EV, OP, OPU, C, E, Row, S, _none, _signed_in


def _person(world: World) -> Any:
    """A Milan participant who may be proposed to employers."""
    from mile.employers.tests.factories import consenting
    from mile.participants.models import Status
    from mile.participants.tests.factories import participant_in

    return consenting(participant_in(world.site, status=Status.ACTIVE))


def _offer(world: World) -> Any:
    """An open offer of the employer contact's own company, followed from Milan."""
    from mile.employers.models import Offer, OfferStatus
    from mile.employers.tests.factories import employer_in, offer_of

    offer = offer_of(employer_in(world.site, world.employer))
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.OPEN)
    offer.refresh_from_db()
    return offer


def _match_person(world: World) -> dict[str, Any]:
    return {"participant": _person(world).pk}


def _pair(world: World) -> dict[str, Any]:
    return {"participant": _person(world).pk, "offer": _offer(world).pk, "note": "Good cook"}


def _placement(world: World) -> dict[str, Any]:
    from mile.placements.tests.factories import started

    return {"pk": started(world.users[C], _offer(world), _person(world)).pk}


def _first_check_in(world: World) -> dict[str, Any]:
    return {**_placement(world), "months": 1}


def _today(world: World) -> dict[str, Any]:
    return {"ended_on": timezone.localdate().isoformat(), "reason": "ended"}


def _still_placed(world: World) -> dict[str, Any]:
    return {"done_on": timezone.localdate().isoformat(), "outcome": "still_placed"}


# Matching is for those who propose candidates: the others are refused before any lookup.
_NOT_PROPOSING = {E: 403, S: 403, EV: 403}
# A Milan placement with the contact's company: the Innsbruck partner, stakeholders and the
# other programme do not see it; the company's contact and evaluators read it, never change it.
_MILAN = {OPU: 404, S: 404, OP: 404}
_READ_ONLY = {E: 403, EV: 403}

ROWS: dict[str, Row] = {
    "api:match-list": Row(
        "get",
        _none,
        _signed_in(200, anonymous=401, **_NOT_PROPOSING, **{OPU: 404, OP: 404}),
        _match_person,
    ),
    # People one does not follow are unknown in the body: a field error, not a 404.
    "api:match-propose": Row(
        "post",
        _none,
        _signed_in(201, anonymous=401, **_NOT_PROPOSING, **{OPU: 400, OP: 400}),
        _pair,
    ),
    "api:placement-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:placement-detail": Row("get", _placement, _signed_in(200, anonymous=401, **_MILAN)),
    "api:placement-end": Row(
        "post", _placement, _signed_in(200, anonymous=401, **_MILAN, **_READ_ONLY), _today
    ),
    "api:placement-follow-up": Row(
        "post",
        _first_check_in,
        _signed_in(200, anonymous=401, **_MILAN, **_READ_ONLY),
        _still_placed,
    ),
}
