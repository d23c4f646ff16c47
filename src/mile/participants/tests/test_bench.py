"""The benchmark command keeps working: it generates its data and times real pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from mile.participants.models import Participant, ServiceRecord


@pytest.mark.django_db
def test_it_generates_participants_and_services_and_reports_each_page() -> None:
    out = io.StringIO()
    call_command(
        "bench_participants_run",
        participants=60,
        services_per_participant=3,
        requests=3,
        baseline_share=0.5,
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert Participant.objects.count() == 60
    assert ServiceRecord.objects.count() == 180
    assert result["baseline_size"] == 30
    assert set(result["full"]) == {"list", "search", "detail", "timeline"}
    # Every page answered 200 (the command fails otherwise) and ran a few queries, not N.
    assert all(0 < page["queries"] < 25 for page in result["full"].values())


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_participants(world) -> None:
    from mile.participants.tests.factories import participant_in

    participant_in(world.site)
    with pytest.raises(CommandError, match="empty scratch database"):
        call_command("bench_participants_run", participants=10, stdout=io.StringIO())
