"""Role × URL rows for matching: runs, suggestions, rankings and skill gaps (views/matching.py).

Everything is in Milan: the offer of a Milan company, a consenting active person of the Milan
partner, a run with a suggestion of the two. Matching is for those who may propose candidates:
employer contacts, stakeholders and evaluators get 403 before anything is looked up; the
other programme's coordinator 404. The Innsbruck partner's staff read the programme's runs
but neither the Milan offer nor the Milan person (404). No ESCO is loaded: the rankings are
empty or skill-less, which is all the matrix needs to check who gets in.
"""

from __future__ import annotations

from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import EV, OP, OPU, C, E, Row, S, _none, _signed_in

# Who matches: coordinators, administrators and partner staff who follow the person or offer.
_PAGE = _signed_in(200, **{OPU: 404, E: 403, S: 403, EV: 403, OP: 404})
_POST = _signed_in(302, **{OPU: 404, E: 403, S: 403, EV: 403, OP: 404})


def _milan_offer(world: World) -> Any:
    from mile.employers.models import OfferStatus
    from mile.employers.tests.factories import employer_in, offer_of

    return offer_of(employer_in(world.site, world.other_employer), status=OfferStatus.OPEN)


def _milan_person(world: World) -> Any:
    from mile.employers.tests.factories import consenting
    from mile.participants.tests.factories import participant_in

    return consenting(participant_in(world.site, status="active"))


def _offer(world: World) -> dict[str, Any]:
    return {"pk": _milan_offer(world).pk}


def _participant(world: World) -> dict[str, Any]:
    return {"pk": _milan_person(world).pk}


def _suggestion(world: World) -> Any:
    from mile.placements.models import MatchRun, Suggestion

    run = MatchRun.objects.create(
        programme=world.programme,
        site=world.site,
        people=1,
        offers=1,
        places=1,
        placed=1,
        total_fit=0.8,
        greedy_fit=0.8,
        greedy_placed=1,
        run_by=world.users[C],
    )
    return Suggestion.objects.create(
        run=run,
        participant=_milan_person(world),
        offer=_milan_offer(world),
        score=0.8,
        reasons=[["same_site", {}]],
    )


def _gap_skill(world: World) -> dict[str, Any]:
    from mile.taxonomy.models import Concept, Kind

    concept, _ = Concept.objects.get_or_create(
        uri="http://data.europa.eu/esco/skill/matrix-gap",
        defaults={"kind": Kind.SKILL, "version": "1"},
    )
    return {"skill": concept.pk}


ROWS: dict[str, Row] = {
    # The other programme's coordinator matches there: the list (of nothing) is theirs too.
    "placements:run_list": Row("get", _none, _signed_in(200, **{E: 403, S: 403, EV: 403})),
    # The Innsbruck staff read the programme's run, without the Milan person in it.
    "placements:run_detail": Row(
        "get",
        lambda w: {"pk": _suggestion(w).run_id},
        _signed_in(200, **{E: 403, S: 403, EV: 403, OP: 404}),
    ),
    "placements:suggestion_dismiss": Row("post", lambda w: {"pk": _suggestion(w).pk}, _POST),
    "placements:offer_matches": Row("get", _offer, _PAGE),
    "placements:offer_match_propose": Row(
        "post", _offer, _POST, data=lambda w: {"participant": _milan_person(w).pk}
    ),
    "placements:participant_matches": Row("get", _participant, _PAGE),
    "placements:participant_match_propose": Row(
        "post", _participant, _POST, data=lambda w: {"offer": _milan_offer(w).pk}
    ),
    # Adding to the plan is case work: evaluators, the company and stakeholders never do it.
    "placements:gap_to_plan": Row("post", _participant, _POST, data=_gap_skill),
}
