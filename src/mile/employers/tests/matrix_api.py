"""Role × URL rows for the employers API (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, OPU, E, Row, S, _none, _signed_in


def _milan_employer(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import employer_in

    return {"pk": employer_in(world.site, world.other_employer).pk}


def _milan_offer(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import employer_in, offer_of

    return {"pk": offer_of(employer_in(world.site, world.other_employer)).pk}


def _contacts_offer(world: World) -> dict[str, Any]:
    """An offer of the employer contact's own company, followed from Innsbruck."""
    from mile.employers.tests.factories import employer_in, offer_of

    return {"pk": offer_of(employer_in(world.other_site, world.employer)).pk}


def _close(_: World) -> dict[str, Any]:
    return {"status": "closed"}


# Milan's records: the other partner, the employer contact (of another company), stakeholders
# and the other programme do not see them.
_MILAN = {OPU: 404, E: 404, S: 404, OP: 404}
# The contact's own company in Innsbruck: the Milan caseworker does not see it.
_CONTACTS = {CW: 404, S: 404, OP: 404}

ROWS: dict[str, Row] = {
    "api:employer-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:employer-detail": Row("get", _milan_employer, _signed_in(200, anonymous=401, **_MILAN)),
    "api:offer-list": Row("get", _none, _signed_in(200, anonymous=401)),
    "api:offer-detail": Row("get", _contacts_offer, _signed_in(200, anonymous=401, **_CONTACTS)),
    # Evaluators read offers but never change them.
    "api:offer-status": Row(
        "post", _contacts_offer, _signed_in(200, anonymous=401, **_CONTACTS, **{EV: 403}), _close
    ),
    "api:offer-duplicate": Row(
        "post", _milan_offer, _signed_in(201, anonymous=401, **_MILAN, **{EV: 403})
    ),
}
