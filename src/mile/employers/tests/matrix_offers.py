"""Role × URL rows for offers (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, Row, S, _none, _signed_in


def _offer(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import employer_in, offer_of

    # The employer contact's company, followed by the Innsbruck partner.
    return {"pk": offer_of(employer_in(world.other_site, world.employer)).pk}


def _employer(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import employer_in

    return {"pk": employer_in(world.other_site, world.employer).pk}


def _offer_skill(world: World) -> dict[str, Any]:
    from mile.employers.models import OfferSkill
    from mile.taxonomy.models import Concept

    offer = _offer(world)["pk"]
    skill, _ = Concept.objects.get_or_create(
        uri="http://data.europa.eu/esco/skill/matrix-offer",
        defaults={"kind": "skill", "version": "1"},
    )
    return {"pk": offer, "item": OfferSkill.objects.create(offer_id=offer, skill=skill).pk}


# Innsbruck offers: the Milan case worker, stakeholders and other programmes do not see them;
# evaluators read them but do not write.
_READ = _signed_in(200, **{CW: 404, S: 404, OP: 404})
_WRITE_PAGE = _signed_in(200, **{CW: 404, S: 404, OP: 404, EV: 403})
_WRITE_POST = _signed_in(302, **{CW: 404, S: 404, OP: 404, EV: 403})

ROWS: dict[str, Row] = {
    "employers:offer_list": Row("get", _none, _signed_in(200, **{S: 403})),
    "employers:offer_create": Row("get", _employer, _WRITE_PAGE),
    "employers:offer_detail": Row("get", _offer, _READ),
    "employers:offer_edit": Row("get", _offer, _WRITE_PAGE),
    "employers:offer_skills": Row("get", _offer, _WRITE_PAGE),
    "employers:offer_skill_delete": Row("post", _offer_skill, _WRITE_POST),
    "employers:offer_languages": Row("get", _offer, _WRITE_PAGE),
    "employers:offer_status": Row("post", _offer, _WRITE_POST, data=lambda w: {"status": "closed"}),
    "employers:offer_duplicate": Row("post", _offer, _WRITE_POST),
}
