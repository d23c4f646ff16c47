"""The matching benchmark keeps working: it generates a programme and times the real pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mile.employers.models import Offer, OfferStatus
from mile.participants.models import Participant
from mile.placements.models import MatchRun

PAGES = ("offer_matches", "participant_matches")


@pytest.mark.django_db
def test_it_generates_a_programme_and_reports_each_matching_page() -> None:
    out = io.StringIO()
    call_command(
        "bench_placements_run",
        participants=40,
        offers=8,
        skills=60,
        occupations=6,
        requests=3,
        baseline_share=0.5,
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert Participant.objects.count() == 40
    assert Offer.objects.filter(status=OfferStatus.OPEN).count() == 8
    assert (result["baseline_size"], result["baseline_offers"]) == (20, 4)
    for measured in (result["baseline"], result["full"]):
        for page in PAGES:
            figures = measured[page]
            assert figures["cold_ms"] > 0
            assert 0 < figures["p50_ms"] <= figures["p95_ms"]
            # Every page answered 200 (the command fails otherwise) in a few queries, not N.
            assert 0 < figures["queries"] < 40
        # One run per site, each redirected to its result (the command fails otherwise).
        assert [run["site"] for run in measured["runs"]] == [
            "Milan",
            "Innsbruck",
            "Athens",
            "Patras",
        ]
        assert all(run["seconds"] > 0 and run["request_ms"] > 0 for run in measured["runs"])
    assert MatchRun.objects.count() == 8
    # People fit some offers: the full runs suggest pairs.
    assert sum(run["pairs"] for run in result["full"]["runs"]) > 0


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_participants(world) -> None:
    from mile.participants.tests.factories import participant_in

    participant_in(world.site)
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("bench_placements_run", participants=10, stdout=io.StringIO())
