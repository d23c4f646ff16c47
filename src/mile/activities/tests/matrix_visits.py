"""Role × URL rows for study visits (collected by core/tests/test_url_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import ADM, CW, OP, OPU, C, Row, _none, _signed_in


def _visit(world: World) -> dict[str, Any]:
    from mile.activities.models import StudyVisit

    # A visit of the Milan site: the Innsbruck partner reads it but does not run it.
    visit = StudyVisit.objects.create(
        programme=world.programme,
        site=world.site,
        title="Learning from the Tyrol",
        host_city="Innsbruck",
        host_country="AT",
        organiser=world.partner,
        starts_on=dt.date(2025, 5, 12),
        ends_on=dt.date(2025, 5, 14),
    )
    return {"pk": visit.pk}


def _item(world: World) -> dict[str, Any]:
    from mile.activities.models import StudyVisitItem

    pk = _visit(world)["pk"]
    item = StudyVisitItem.objects.create(visit_id=pk, day=dt.date(2025, 5, 13), host="AMS")
    return {"pk": pk, "item": item.pk}


def _visitor(world: World) -> dict[str, Any]:
    from mile.activities.models import StudyVisitor

    pk = _visit(world)["pk"]
    visitor = StudyVisitor.objects.create(
        visit_id=pk, full_name="Anna Berger", organisation_name="Caritas", kind="stakeholder"
    )
    return {"pk": pk, "item": visitor.pk}


# Every member reads the Milan visit; those who run it (coordinators, the Milan partner) write;
# other programmes do not know it exists.
_READ = _signed_in(200, **{OP: 404})
_WRITE_PAGE = _signed_in(403, **{ADM: 200, C: 200, CW: 200, OP: 404})
_WRITE_POST = _signed_in(403, **{ADM: 302, C: 302, CW: 302, OP: 404})

ROWS: dict[str, Row] = {
    "activities:visit_list": Row("get", _none, _signed_in(200)),
    "activities:visit_create": Row(
        "get", _none, _signed_in(403, **{ADM: 200, C: 200, CW: 200, OPU: 200, OP: 200})
    ),
    "activities:visit_detail": Row("get", _visit, _READ),
    "activities:visit_edit": Row("get", _visit, _WRITE_PAGE),
    "activities:visit_delete": Row("post", _visit, _WRITE_POST),
    "activities:visit_item_add": Row(
        "post", _visit, _WRITE_POST, data=lambda w: {"day": "2025-05-12", "host": "AMS"}
    ),
    "activities:visit_item_delete": Row("post", _item, _WRITE_POST),
    "activities:visit_visitor_add": Row(
        "post",
        _visit,
        _WRITE_POST,
        data=lambda w: {
            "full_name": "Eva Moser",
            "organisation_name": "Verein Tirol",
            "country": "AT",
            "kind": "associate",
        },
    ),
    "activities:visit_visitor_delete": Row("post", _visitor, _WRITE_POST),
}
