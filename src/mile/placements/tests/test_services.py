"""The placement workflow through its services: run, propose, answer, start, follow up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mile.conftest import World
from mile.employers import services as employer_services
from mile.employers.models import Decision, OfferStatus
from mile.participants.models import ServiceRecord, ServiceType, Status
from mile.placements import services
from mile.placements.models import FollowUp, Method, Outcome, PlacementStatus
from mile.placements.tests.factories import accepted, matchable_person, open_offer, started

pytestmark = pytest.mark.django_db


def test_it_assigns_the_fitting_person_and_prints_greedy_beside(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer, places=1, languages={"it": "B1"})
    cook = matchable_person(world.site, skills=("cook",), languages={"it": "B2"})
    matchable_person(world.site, skills=("java",), languages={"it": "A1"})
    run = services.match_run(by=coordinator, programme=world.programme, site=world.site)
    assert (run.people, run.offers, run.places) == (2, 1, 1)
    pairs = [(s.participant_id, s.offer_id) for s in run.suggestions.all()]
    assert pairs == [(cook.pk, offer.pk)]
    assert run.total_fit >= run.greedy_fit > 0
    reasons = run.suggestions.get().reasons
    assert ["essential", {"have": 1, "of": 1, "missing": [], "partial": []}] in reasons


def test_it_leaves_out_people_without_consent_and_pairs_already_proposed(
    world: World, esco: object
) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer, places=3)
    matchable_person(world.site, consent=False)
    declined = matchable_person(world.site)
    proposal = employer_services.proposal_create(by=coordinator, offer=offer, participant=declined)
    employer_services.proposal_answer(
        by=coordinator, proposal=proposal, decision=Decision.DECLINED, reason="Too far"
    )
    run = services.match_run(by=coordinator, programme=world.programme, site=world.site)
    assert run.people == 1
    assert not run.suggestions.exists()


def test_it_proposes_from_a_suggestion_and_records_the_candidacy(
    world: World, esco: object
) -> None:
    coordinator = world.users["coordinator"]
    open_offer(world.site, world.employer)
    person = matchable_person(world.site)
    run = services.match_run(by=coordinator, programme=world.programme, site=world.site)
    proposal = services.suggestion_propose(by=coordinator, suggestion=run.suggestions.get())
    assert proposal.score == run.suggestions.get().score
    record = ServiceRecord.objects.get(participant=person)
    assert record.service_type == ServiceType.JOB_GUIDANCE
    assert record.outcome == ServiceRecord.Outcome.ONGOING
    employer_services.proposal_answer(
        by=coordinator, proposal=proposal, decision=Decision.ACCEPTED, reason=""
    )
    employer_services.proposal_decide(
        by=world.users["employer_contact"], proposal=proposal, decision=Decision.ACCEPTED, reason=""
    )
    record.refresh_from_db()
    assert record.outcome == ServiceRecord.Outcome.COMPLETED


def test_it_refuses_a_run_to_those_who_do_not_propose(world: World, esco: object) -> None:
    with pytest.raises(PermissionDenied):
        services.match_run(by=world.users["evaluator"], programme=world.programme)


def test_it_refuses_floors_with_another_method(world: World, esco: object) -> None:
    with pytest.raises(ValidationError):
        services.match_run(
            by=world.users["coordinator"],
            programme=world.programme,
            method=Method.GREEDY,
            floors={"women": 0.5},
        )


def test_it_starts_a_placement_with_four_follow_ups(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer, places=1)
    person = matchable_person(world.site)
    placement = started(coordinator, offer, person)
    assert [f.months for f in placement.follow_ups.all()] == [1, 3, 6, 12]
    person.refresh_from_db()
    offer.refresh_from_db()
    assert person.status == Status.PLACED
    assert offer.status == OfferStatus.FILLED
    assert placement.service_record is not None
    assert placement.service_record.service_type == ServiceType.WORK_PLACEMENT


def test_it_starts_only_what_both_accepted(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer)
    person = matchable_person(world.site)
    proposal = accepted(offer, person)
    proposal.participant_answer = Decision.PENDING
    proposal.save()
    with pytest.raises(ValidationError):
        services.placement_start(
            by=coordinator,
            proposal=proposal,
            fields={
                "starts_on": timezone.localdate(),
                "company_tutor": "X",
                "programme_tutor": coordinator,
            },
        )


def test_a_hired_outcome_makes_the_person_employed(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    person = matchable_person(world.site)
    placement = started(coordinator, open_offer(world.site, world.employer), person, days_ago=40)
    first = placement.follow_ups.get(months=1)
    services.follow_up_record(
        by=coordinator, follow_up=first, done_on=timezone.localdate(), outcome=Outcome.HIRED
    )
    person.refresh_from_db()
    assert person.status == Status.EMPLOYED
    assert first.service_record is not None
    assert first.service_record.service_type == ServiceType.POST_PLACEMENT


def test_leaving_ends_the_placement_and_drops_later_check_ins(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    person = matchable_person(world.site)
    placement = started(coordinator, open_offer(world.site, world.employer), person, days_ago=100)
    services.follow_up_record(
        by=coordinator,
        follow_up=placement.follow_ups.get(months=3),
        done_on=timezone.localdate(),
        outcome=Outcome.LEFT,
        left_reason="resigned",
    )
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED_EARLY
    assert sorted(
        FollowUp.objects.filter(placement=placement).values_list("months", flat=True)
    ) == [1, 3]
    person.refresh_from_db()
    assert person.status == Status.ACTIVE


def test_due_dates_keep_the_day_or_take_the_month_end() -> None:
    assert FollowUp.due_date(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert FollowUp.due_date(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert FollowUp.due_date(dt.date(2026, 3, 10), 12) == dt.date(2027, 3, 10)


def test_a_run_never_suggests_a_pair_the_engine_excludes(world: World, esco: object) -> None:
    from mile.participants.models import WorkAuthorisation

    coordinator = world.users["coordinator"]
    open_offer(world.site, world.employer, places=3, driving_licence="C")
    matchable_person(world.site, driving_licences=["B"])
    matchable_person(world.site, driving_licences=["CE"], work_authorisation=WorkAuthorisation.NO)
    fitting = matchable_person(world.site, driving_licences=["CE"])
    run = services.match_run(by=coordinator, programme=world.programme, site=world.site)
    assert run.people == 3
    assert list(run.suggestions.values_list("participant_id", flat=True)) == [fitting.pk]


def test_a_placement_takes_over_the_same_one_entered_by_hand(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer)
    person = matchable_person(world.site)
    by_hand = ServiceRecord.objects.create(
        participant=person,
        service_type=ServiceType.WORK_PLACEMENT,
        title="Placement at the hotel",
        started_on=timezone.localdate() - dt.timedelta(days=3),
        outcome=ServiceRecord.Outcome.ONGOING,
        provider=world.employer,
    )
    earlier = ServiceRecord.objects.create(
        participant=person,
        service_type=ServiceType.WORK_PLACEMENT,
        title="Last year's placement",
        started_on=timezone.localdate() - dt.timedelta(days=400),
        ended_on=timezone.localdate() - dt.timedelta(days=300),
        provider=world.employer,
    )
    placement = started(coordinator, offer, person)
    assert placement.service_record_id == by_hand.pk
    assert (
        ServiceRecord.objects.filter(
            participant=person, service_type=ServiceType.WORK_PLACEMENT
        ).count()
        == 2
    )
    earlier.refresh_from_db()
    assert earlier.title == "Last year's placement"


def test_proposing_from_a_ranking_refuses_an_excluded_pair_and_says_why(
    world: World, esco: object
) -> None:
    from mile.employers.models import Proposal

    offer = open_offer(world.site, world.employer, driving_licence="C")
    person = matchable_person(world.site, driving_licences=["B"])
    with pytest.raises(ValidationError) as refused:
        services.proposal_from_match(by=world.users["coordinator"], offer=offer, participant=person)
    assert "driving licence C required" in " ".join(refused.value.messages)
    assert not Proposal.objects.filter(offer=offer).exists()
    fitting = matchable_person(world.site, driving_licences=["CE"])
    proposal = services.proposal_from_match(
        by=world.users["coordinator"], offer=offer, participant=fitting
    )
    assert proposal.score is not None
    assert proposal.reasons[0][0] == "essential"
