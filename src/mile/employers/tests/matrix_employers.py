"""Role × URL rows of the employers' pages, workplaces, engagement log and portal.

The company of these rows is the employer contact's own (Alpenblick, followed by the Innsbruck
site): the caseworker (Milan) does not see it, the other partner's staff (Innsbruck) do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, OPU, C, E, Row, S, _none, _signed_in
from mile.employers.models import Employer


def _employer(world: World) -> Employer:
    from mile.employers.tests.factories import employer_in

    # With its author: employer_update's full_clean refuses an empty created_by.
    return employer_in(world.other_site, world.employer, created_by=world.users[C])


def _pk(world: World) -> dict[str, Any]:
    return {"pk": _employer(world).pk}


def _workplace(world: World) -> dict[str, Any]:
    employer = _employer(world)
    workplace = employer.workplaces.create(name="Hotel", city="Innsbruck", country="AT")
    return {"pk": employer.pk, "item": workplace.pk}


def _engagement(world: World) -> dict[str, Any]:
    employer = _employer(world)
    entry = employer.engagements.create(
        kind="meeting", occurred_on=dt.date(2024, 3, 1), subject="First meeting"
    )
    return {"pk": employer.pk, "item": entry.pk}


def _portal(world: World) -> dict[str, Any]:
    _employer(world)
    return {}


def _new_employer(world: World) -> dict[str, Any]:
    return {
        "name": "Matrix Kitchen Srl",
        "country": "IT",
        "programme": world.programme.pk,
        "site": world.site.pk,
        "status": "prospect",
    }


def _profile(world: World) -> dict[str, Any]:
    # Staff's form has every field; a contact's has no name, country, site or status.
    return {
        "name": world.employer.name,
        "country": "AT",
        "city": "Innsbruck",
        "site": world.other_site.pk,
        "status": "engaged",
        "hosts_placements": "on",
    }


def _place(world: World) -> dict[str, Any]:
    return {"name": "Warehouse", "city": "Hall in Tirol", "country": "AT"}


def _contact(world: World) -> dict[str, Any]:
    return {"kind": "contact", "occurred_on": "2024-02-01", "subject": "Call about placements"}


# Whoever keeps the company: staff of its scope and its own contact; evaluators only read.
_KEEPERS = _signed_in(302, **{CW: 404, S: 404, EV: 403, OP: 404})
# The engagement log is kept by staff alone.
_STAFF = _signed_in(302, **{CW: 404, E: 403, S: 404, EV: 403, OP: 404})

ROWS: dict[str, Row] = {
    "employers:employer_list": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
    # Partner staff add employers to their own site only: the Milan site is not OPU's (400).
    "employers:employer_create": Row(
        "post",
        _none,
        _signed_in(302, **{OPU: 400, E: 403, S: 403, EV: 403, OP: 400}),
        data=_new_employer,
    ),
    "employers:employer_detail": Row("get", _pk, _signed_in(200, **{CW: 404, S: 404, OP: 404})),
    "employers:employer_edit": Row("post", _pk, _KEEPERS, data=_profile),
    "employers:workplace_add": Row("post", _pk, _KEEPERS, data=_place),
    "employers:workplace_edit": Row("post", _workplace, _KEEPERS, data=_place),
    "employers:workplace_delete": Row("post", _workplace, _KEEPERS),
    "employers:engagement_add": Row("post", _pk, _STAFF, data=_contact),
    "employers:engagement_edit": Row("post", _engagement, _STAFF, data=_contact),
    "employers:engagement_delete": Row("post", _engagement, _STAFF),
    # Staff go on to the list, a contact to their company; others have no portal. Asked with
    # HEAD (the same answers): a redirect is no page for the every-language check to render.
    "employers:portal": Row("head", _portal, _signed_in(302, **{S: 404})),
}
