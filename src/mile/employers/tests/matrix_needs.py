"""Role × URL rows for employers' needs (views/needs.py).

A new assessment is recorded for Alpenblick (Innsbruck, the employer contact's company, the
other partner's site), so the Milan case worker does not know the company (404); the one
corrected belongs to Officine (Milan), unknown to Innsbruck's staff and to the contact.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from mile.conftest import World
from mile.core.tests.matrix import CW, EV, OP, OPU, E, Row, S, _none, _signed_in


def _innsbruck_employer(world: World) -> dict[str, Any]:
    from mile.employers.tests.factories import employer_in

    return {"pk": employer_in(world.other_site, world.employer).pk}


def _milan_assessment(world: World) -> dict[str, Any]:
    from mile.employers.models import NeedsAssessment
    from mile.employers.tests.factories import employer_in

    employer = employer_in(world.site, world.other_employer)
    assessment = NeedsAssessment.objects.create(employer=employer, obstacles=["language"])
    return {"pk": employer.pk, "item": assessment.pk}


ROWS: dict[str, Row] = {
    # Staff and evaluators read the summary; the companies and stakeholders do not (403).
    "employers:needs_summary": Row("get", _none, _signed_in(200, **{E: 403, S: 403})),
    # Staff of the company's site and its own contact record; evaluators only read (403).
    "employers:needs_add": Row(
        "post",
        _innsbruck_employer,
        _signed_in(302, **{CW: 404, S: 404, EV: 403, OP: 404}),
        data=lambda w: {
            "assessed_on": timezone.localdate().isoformat(),
            "obstacles": ["language"],
            "save": "1",
        },
    ),
    "employers:needs_edit": Row(
        "get", _milan_assessment, _signed_in(200, **{OPU: 404, E: 404, S: 404, EV: 403, OP: 404})
    ),
}
