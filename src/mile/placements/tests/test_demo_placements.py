"""The demo's placement workflow: what a newcomer finds after ``make run`` (ESCO, then the demo).

One test loads the demo (about five seconds) and checks it all, then loads it again: the
other demo tests each load their own, and no fixture shares one across tests.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from mile.accounts.models import User
from mile.demo.loader import load_demo
from mile.employers.models import Decision, Offer, Proposal
from mile.participants.models import Consent, ServiceRecord, Status, StatusChange
from mile.placements.models import (
    FollowUp,
    LeftReason,
    MatchRun,
    Method,
    Outcome,
    Placement,
    PlacementStatus,
)
from mile.placements.outcomes import outcome_rows

pytestmark = pytest.mark.django_db

COORDINATOR = "coordinator@demo.mile.example"
MILAN_CASEWORKER = "caseworker.milan@demo.mile.example"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> None:
    # The demo stores CVs and evidence photos.
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> dict[str, int]:
    counts = {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("placements").get_models()
    }
    for model in (Offer, Proposal, Consent, StatusChange, ServiceRecord, User):
        counts[model.__name__] = model._default_manager.count()
    return counts


def test_it_shows_runs_answers_placements_and_follow_ups_once(esco: Path, media: None) -> None:
    load_demo()
    today = timezone.localdate()
    coordinator = User.objects.get(email=COORDINATOR)

    # Two runs in Milan by the coordinator: the site (best total fit, with the women's floor
    # when it can be met) and one offer; both with suggestions and the greedy figure beside.
    runs = MatchRun.objects.filter(programme__slug="mile")
    assert set(runs.values_list("run_by", flat=True)) == {coordinator.pk}
    site_run = runs.get(site__city="Milan", offer=None)
    offer_run = runs.get(offer__site__city="Milan")
    assert site_run.method == Method.OPTIMAL
    assert site_run.floors in ({}, {"women": 0.4})
    assert not site_run.infeasible
    assert offer_run.method in (Method.STABLE, Method.GREEDY)
    for run in (site_run, offer_run):
        assert run.suggestions.exists()
        assert run.greedy_fit > 0
        assert run.total_fit >= run.greedy_fit
    assert site_run.suggestions.count() + offer_run.suggestions.count() >= 3
    # A few proposed from the site run, one set aside.
    assert site_run.suggestions.exclude(proposal=None).count() >= 2
    assert site_run.suggestions.exclude(dismissed_at=None).count() == 1

    # Candidates' answers: one declined with a reason, one accepted with their name shared.
    declined = Proposal.objects.get(participant_answer=Decision.DECLINED)
    assert declined.participant_reason == "The shifts start too early for childcare."
    assert declined.suggestions.filter(run=site_run).exists()
    assert (
        Proposal.objects.filter(
            participant_answer=Decision.ACCEPTED, decision=Decision.ACCEPTED, placement=None
        )
        .exclude(identity_shared_at=None)
        .exists()
    )

    # Placements started 400, 200, 100 and 25 days ago, in Innsbruck and Milan.
    placements = Placement.objects.filter(participant__programme__slug="mile")
    assert sorted((today - p.starts_on).days for p in placements) == [25, 100, 200, 400]
    assert {p.offer.site.city for p in placements} == {"Innsbruck", "Milan"}
    for placement in placements:
        assert placement.proposal.accepted_by_both
        assert placement.participant.site_id == placement.offer.site_id
    # Hired at three months: the person is employed.
    hired = FollowUp.objects.get(outcome=Outcome.HIRED, months=3)
    assert (today - hired.placement.starts_on).days == 400
    assert hired.placement.participant.status == Status.EMPLOYED
    # Left at six months on their own: the placement ended early, later check-ins dropped.
    left = FollowUp.objects.get(outcome=Outcome.LEFT)
    assert (left.months, left.left_reason) == (6, LeftReason.RESIGNED)
    assert left.placement.status == PlacementStatus.ENDED_EARLY
    assert not left.placement.follow_ups.filter(months=12).exists()
    ongoing = placements.get(starts_on=today - dt.timedelta(days=100))
    assert set(ongoing.follow_ups.exclude(done_on=None).values_list("months", "outcome")) == {
        (1, Outcome.STILL_PLACED),
        (3, Outcome.STILL_PLACED),
    }
    # The Milan case worker tutors the newest one: its first check-in is due within days.
    marco = User.objects.get(email=MILAN_CASEWORKER)
    coming = FollowUp.objects.for_user(marco).due().filter(due_on__gte=today)
    assert [(f.months, f.placement.programme_tutor_id) for f in coming] == [(1, marco.pk)]
    assert (coming.get().due_on - today).days <= 14
    # One check-in is overdue, on the coordinator's list.
    overdue = [f for f in FollowUp.objects.for_user(coordinator).due() if f.overdue]
    assert len(overdue) == 1

    # The outcomes give a hiring rate.
    _rows, total = outcome_rows(Placement.objects.for_user(coordinator), "site")
    assert total.started == 4
    assert total.hired.value is not None
    assert total.hired.value > 0

    counts = _counts()
    # Each placement is one work placement in the person's pathway, never two.
    for placement in Placement.objects.all():
        assert (
            ServiceRecord.objects.filter(
                participant=placement.participant,
                service_type="work_placement",
                provider=placement.offer.employer.organisation,
            ).count()
            == 1
        ), placement

    load_demo()
    assert _counts() == counts
