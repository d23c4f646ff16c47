"""The placement pages: the candidate's answer, starting, the list, one placement, ending."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mile.accounts.models import User
from mile.conftest import World, client_for
from mile.core.roles import Role
from mile.core.tests.factories import MembershipFactory
from mile.employers.models import Decision, Offer, OfferStatus, Proposal
from mile.employers.tests.factories import employer_in, offer_of, proposal_for
from mile.participants.models import Participant, Status
from mile.participants.tests.factories import participant_in
from mile.placements.models import FollowUp, Placement, PlacementStatus
from mile.placements.tests.factories import accepted, started

pytestmark = pytest.mark.django_db


def _offer(world: World, **kwargs: Any) -> Offer:
    """An open offer of the employer contact's company at the Milan site."""
    kwargs.setdefault("title", "Kitchen help")
    return offer_of(
        employer_in(world.site, world.employer),
        status=OfferStatus.OPEN,
        tutor_name="Greta Tutorin",
        tutor_email="greta@alpenblick.example",
        **kwargs,
    )


def _person(world: World, **kwargs: Any) -> Participant:
    kwargs.setdefault("status", Status.ACTIVE)
    return participant_in(world.site, **kwargs)


def _own_account(person: Participant) -> Client:
    user = User.objects.create_user(person.email, None, full_name=person.full_name)
    Participant.objects.filter(pk=person.pk).update(user=user)
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, pk: int | None = None) -> str:
    return reverse(f"placements:{name}", kwargs={"pk": pk} if pk is not None else None)


def _iso(day: dt.date) -> str:
    return day.isoformat()


# --- The candidate's answer --------------------------------------------------------------------


def test_it_lets_the_person_accept_on_their_own_page_and_share_their_name(world: World) -> None:
    person = _person(world, family_name="Haddad", email="amal@example.org")
    proposal = proposal_for(_offer(world), person)
    own = _own_account(person)
    page = own.get(reverse("participants:me")).content.decode()
    assert "Offers proposed to you" in page
    assert "Kitchen help" in page
    assert _url("proposal_answer", proposal.pk) in page
    response = own.post(
        _url("proposal_answer", proposal.pk), {"decision": "accepted", "share_identity": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:me")
    proposal.refresh_from_db()
    assert proposal.participant_answer == Decision.ACCEPTED
    assert proposal.identity_shared_at is not None
    page = own.get(reverse("participants:me")).content.decode()
    assert "Your answer: Accepted" in page


def test_it_re_shows_a_decline_without_reason_and_saves_nothing(world: World) -> None:
    person = _person(world, email="amal@example.org")
    proposal = proposal_for(_offer(world), person)
    response = _own_account(person).post(
        _url("proposal_answer", proposal.pk), {"decision": "declined", "reason": "  "}
    )
    assert response.status_code == 400
    assert "Say why the offer is declined." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.participant_answer == Decision.PENDING
    assert proposal.participant_answered_at is None


def test_it_lets_the_case_worker_record_the_answer(world: World) -> None:
    proposal = proposal_for(_offer(world), _person(world))
    client = client_for(world, "caseworker")
    page = client.get(_url("proposal_answer", proposal.pk))
    assert page.status_code == 200
    assert "The person also agreed to show their name" in page.content.decode()
    response = client.post(
        _url("proposal_answer", proposal.pk), {"decision": "declined", "reason": "Too far away"}
    )
    assert response["Location"] == reverse("employers:candidate_detail", args=[proposal.pk])
    proposal.refresh_from_db()
    assert proposal.participant_answer == Decision.DECLINED
    assert proposal.participant_reason == "Too far away"
    assert proposal.participant_answered_by == world.users["caseworker"]


def test_it_says_when_the_offer_was_already_answered(world: World) -> None:
    proposal = accepted(_offer(world), _person(world))
    client = client_for(world, "caseworker")
    page = client.get(_url("proposal_answer", proposal.pk)).content.decode()
    assert "This offer has already been answered: Accepted" in page
    assert 'name="decision"' not in page
    response = client.post(
        _url("proposal_answer", proposal.pk), {"decision": "declined", "reason": "Changed mind"}
    )
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.participant_answer == Decision.ACCEPTED


def test_it_never_lets_the_company_answer_for_the_candidate(world: World) -> None:
    proposal = proposal_for(_offer(world), _person(world))
    response = client_for(world, "employer_contact").post(
        _url("proposal_answer", proposal.pk), {"decision": "accepted"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.participant_answer == Decision.PENDING


# --- Starting ----------------------------------------------------------------------------------


def test_it_offers_to_start_once_both_accepted_with_the_offer_s_details(world: World) -> None:
    proposal = proposal_for(_offer(world, hours_per_week=25), _person(world))
    client = client_for(world, "caseworker")
    detail = client.get(reverse("employers:candidate_detail", args=[proposal.pk])).content
    assert _url("placement_start", proposal.pk) not in detail.decode()
    Proposal.objects.filter(pk=proposal.pk).update(
        decision=Decision.ACCEPTED, participant_answer=Decision.ACCEPTED
    )
    detail = client.get(reverse("employers:candidate_detail", args=[proposal.pk])).content
    assert _url("placement_start", proposal.pk) in detail.decode()
    form = client.get(_url("placement_start", proposal.pk)).content.decode()
    assert 'value="Greta Tutorin"' in form
    assert 'value="greta@alpenblick.example"' in form
    assert 'value="25"' in form
    # The case worker is a tutor of the programme: chosen by default.
    caseworker = world.users["caseworker"]
    assert f'<option value="{caseworker.pk}" selected>' in form


def test_it_starts_the_placement_and_the_tutor_sees_the_first_follow_up_when_due(
    world: World,
) -> None:
    person = _person(world, family_name="Haddad")
    proposal = accepted(_offer(world), person)
    caseworker = world.users["caseworker"]
    client = client_for(world, "caseworker")
    start = timezone.localdate() - dt.timedelta(days=25)
    response = client.post(
        _url("placement_start", proposal.pk),
        {
            "starts_on": _iso(start),
            "ends_on": _iso(start + dt.timedelta(days=180)),
            "hours_per_week": "30",
            "company_tutor": "Greta Tutorin",
            "programme_tutor": caseworker.pk,
        },
    )
    placement = Placement.objects.get(proposal=proposal)
    assert response["Location"] == _url("placement_detail", placement.pk)
    assert sorted(placement.follow_ups.values_list("months", flat=True)) == [1, 3, 6, 12]
    person.refresh_from_db()
    assert person.status == Status.PLACED
    first = placement.follow_ups.get(months=1)
    assert 0 < (first.due_on - timezone.localdate()).days <= 14
    page = client.get(_url("follow_up_list")).content.decode()
    assert "Haddad" in page
    assert _url("follow_up_record", first.pk) in page
    assert _url("follow_up_record", placement.follow_ups.get(months=3).pk) not in page
    # The coordinator does not tutor it: it is on their "All I follow" list only.
    coordinator = client_for(world, "coordinator")
    assert "Haddad" not in coordinator.get(_url("follow_up_list")).content.decode()
    assert "Haddad" in coordinator.get(_url("follow_up_list") + "?show=all").content.decode()


def test_it_re_shows_the_start_form_with_its_errors(world: World) -> None:
    proposal = accepted(_offer(world), _person(world))
    response = client_for(world, "caseworker").post(
        _url("placement_start", proposal.pk),
        {
            "starts_on": "2025-03-10",
            "ends_on": "2025-01-10",
            "company_tutor": "Typed by hand",
            "programme_tutor": world.users["caseworker"].pk,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end cannot be before the start." in page
    assert 'value="Typed by hand"' in page
    assert not Placement.objects.exists()


def test_it_does_not_start_before_both_accepted(world: World) -> None:
    proposal = proposal_for(_offer(world), _person(world))
    client = client_for(world, "caseworker")
    page = client.get(_url("placement_start", proposal.pk)).content.decode()
    assert "A placement starts once the candidate and the employer accept." in page
    response = client.post(
        _url("placement_start", proposal.pk),
        {
            "starts_on": _iso(timezone.localdate()),
            "company_tutor": "Greta",
            "programme_tutor": world.users["caseworker"].pk,
        },
    )
    assert response.status_code == 400
    assert not Placement.objects.exists()


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_placements_with_filters_in_a_constant_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    coordinator = world.users["coordinator"]
    started(coordinator, _offer(world, title="Barista"), _person(world, family_name="Haddad"))
    client = client_for(world, "caseworker")
    with CaptureQueriesContext(connection) as one:
        page = client.get(_url("placement_list"))
    assert "Haddad" in page.content.decode()
    for name in ("Okafor", "Nguyen", "Popescu"):
        started(coordinator, _offer(world), _person(world, family_name=name))
    with django_assert_num_queries(len(one)):
        page = client.get(_url("placement_list"))
    html = page.content.decode()
    assert all(name in html for name in ("Haddad", "Okafor", "Nguyen", "Popescu"))
    found = client.get(_url("placement_list"), {"q": "barista"}).content.decode()
    assert "Haddad" in found
    assert "Okafor" not in found
    ended = client.get(_url("placement_list"), {"status": "completed"}).content.decode()
    assert "No placement matches." in ended


def test_it_keeps_the_list_for_staff(world: World) -> None:
    for persona in ("employer_contact", "stakeholder", "evaluator"):
        assert client_for(world, persona).get(_url("placement_list")).status_code == 403


# --- One placement -----------------------------------------------------------------------------


def test_it_shows_the_placement_with_its_follow_ups_to_staff(world: World) -> None:
    placement = started(
        world.users["caseworker"], _offer(world), _person(world, family_name="Haddad")
    )
    page = client_for(world, "caseworker").get(_url("placement_detail", placement.pk))
    html = page.content.decode()
    assert "Haddad" in html
    assert "Greta Tutorin" in html
    assert _url("placement_end", placement.pk) in html
    for follow_up in placement.follow_ups.all():
        assert _url("follow_up_record", follow_up.pk) in html


def test_it_shows_the_company_its_placement_under_the_code(world: World) -> None:
    contact = world.users["employer_contact"]
    # A contact of two companies lands on the portal's choice, with the placements below it.
    employer_in(world.site, world.other_employer)
    MembershipFactory(
        user=contact,
        programme=world.programme,
        organisation=world.other_employer,
        role=Role.EMPLOYER_CONTACT,
    )
    placement = started(
        world.users["caseworker"], _offer(world), _person(world, family_name="Haddad")
    )
    reference = placement.proposal.reference
    client = client_for(world, "employer_contact")
    portal = client.get(reverse("employers:portal")).content.decode()
    assert reference in portal
    assert "Haddad" not in portal
    assert _url("placement_detail", placement.pk) in portal
    detail = client.get(_url("placement_detail", placement.pk))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert reference in html
    assert "Haddad" not in html
    assert _url("placement_end", placement.pk) not in html
    assert "follow-ups/" not in html
    Proposal.objects.filter(pk=placement.proposal_id).update(identity_shared_at=timezone.now())
    assert "Haddad" in client.get(_url("placement_detail", placement.pk)).content.decode()
    assert "Haddad" in client.get(reverse("employers:portal")).content.decode()


def test_it_hides_a_milan_placement_from_the_other_partner(world: World) -> None:
    placement = started(world.users["caseworker"], _offer(world), _person(world))
    client = client_for(world, "other_partner_user")
    assert client.get(_url("placement_detail", placement.pk)).status_code == 404
    assert client.get(_url("placement_end", placement.pk)).status_code == 404
    follow_up = placement.follow_ups.first()
    assert follow_up is not None
    assert client.get(_url("follow_up_record", follow_up.pk)).status_code == 404
    assert client.get(_url("placement_start", placement.proposal_id)).status_code == 404


# --- Ending ------------------------------------------------------------------------------------


def test_it_ends_the_placement_and_asks_a_note_for_another_reason(world: World) -> None:
    person = _person(world)
    placement = started(world.users["caseworker"], _offer(world), person, days_ago=40)
    client = client_for(world, "caseworker")
    url = _url("placement_end", placement.pk)
    today = _iso(timezone.localdate())
    refused = client.post(url, {"ended_on": today, "end_reason": "other", "end_note": ""})
    assert refused.status_code == 400
    assert "Say in a few words why it ended." in refused.content.decode()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ONGOING
    response = client.post(url, {"ended_on": today, "end_reason": "resigned"})
    assert response["Location"] == _url("placement_detail", placement.pk)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED_EARLY
    person.refresh_from_db()
    assert person.status == Status.ACTIVE
    # Ended: the page no longer offers to end it, and the form sends back to the placement.
    html = client.get(_url("placement_detail", placement.pk)).content.decode()
    assert url not in html
    assert client.get(url)["Location"] == _url("placement_detail", placement.pk)


def test_it_refuses_ending_to_the_company(world: World) -> None:
    placement = started(world.users["caseworker"], _offer(world), _person(world))
    response = client_for(world, "employer_contact").post(
        _url("placement_end", placement.pk),
        {"ended_on": _iso(timezone.localdate()), "end_reason": "ended"},
    )
    assert response.status_code == 403
    assert Placement.objects.get().status == PlacementStatus.ONGOING


# --- The person's own page ---------------------------------------------------------------------


def test_it_shows_the_person_their_placement_and_tutors(world: World) -> None:
    person = _person(world, email="amal@example.org")
    own = _own_account(person)
    started(world.users["caseworker"], _offer(world), person)
    html = own.get(reverse("participants:me")).content.decode()
    assert "Your placement" in html
    assert "Greta Tutorin" in html
    assert world.users["caseworker"].email in html
    assert "Your answer: Accepted" in html


# --- Languages ---------------------------------------------------------------------------------


def test_it_renders_every_page_in_german(world: World) -> None:
    placement = started(world.users["caseworker"], _offer(world), _person(world), days_ago=20)
    pending = proposal_for(_offer(world), _person(world))
    ready = accepted(_offer(world), _person(world))
    follow_up = FollowUp.objects.filter(placement=placement).first()
    assert follow_up is not None
    client = client_for(world, "caseworker")
    with translation.override("de"):
        urls = [
            _url("proposal_answer", pending.pk),
            _url("placement_start", ready.pk),
            _url("placement_list"),
            _url("placement_detail", placement.pk),
            _url("placement_end", placement.pk),
            _url("follow_up_list"),
            _url("follow_up_record", follow_up.pk),
            _url("outcomes"),
        ]
    for url in urls:
        assert url.startswith("/de/")
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="de"' in response.content.decode(), url
