"""The placements API: live matches and proposals from them, placements and their check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mile.conftest import World, client_for
from mile.employers.models import Decision, Offer, Proposal
from mile.participants.models import Participant, Status
from mile.placements.models import FollowUp, Outcome, Placement, PlacementStatus
from mile.placements.tests.factories import (
    accepted,
    concept,
    matchable_person,
    open_offer,
    started,
)
from mile.taxonomy.models import Label

JSON = "application/json"
MATCHES = "/api/v1/matches/"
PROPOSE = "/api/v1/matches/propose/"
PLACEMENTS = "/api/v1/placements/"


def _post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type=JSON)


def _errors(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == "The data sent is not valid."
    errors: dict[str, Any] = body["errors"]
    return errors


def _today(days: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _milan_offer(world: World, **kwargs: Any) -> Offer:
    """An open offer of the employer contact's company, followed from Milan."""
    return open_offer(world.site, world.employer, **kwargs)


def _placement(world: World, *, days_ago: int = 0, **kwargs: Any) -> Placement:
    return started(
        world.users["coordinator"],
        _milan_offer(world),
        matchable_person(world.site, **kwargs),
        days_ago=days_ago,
    )


# --- Matches -----------------------------------------------------------------------------------


def test_it_ranks_the_best_offers_for_a_person_with_the_reasons(world: World, esco: object) -> None:
    cooking = _milan_offer(world, essential=("cook",), title="Cook")
    coding = _milan_offer(world, essential=("java",), title="Developer")
    person = matchable_person(world.site, skills=("cook",))
    response = client_for(world, "caseworker").get(MATCHES, {"participant": person.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [m["offer"] for m in body] == [cooking.pk, coding.pk]
    best = body[0]
    assert best["participant"] == person.pk
    assert best["score"] > body[1]["score"]
    assert 0 < best["parts"]["essential"] <= 1
    assert {"code": "essential", "params": {"have": 1, "of": 1, "missing": [], "partial": []}} in (
        best["reasons"]
    )
    assert "1 of 1 essential skill." in best["explanation"]


def test_it_names_missing_skills_in_the_readers_language(world: World, esco: object) -> None:
    Label.objects.create(
        concept=concept("java"), language="it", kind=Label.Kind.PREFERRED,
        text="programmare in java", folded="programmare in java",
    )  # fmt: skip
    _milan_offer(world, essential=("java",))
    person = matchable_person(world.site, skills=("cook",))
    client = client_for(world, "caseworker")
    italian = client.get(MATCHES, {"participant": person.pk}, HTTP_ACCEPT_LANGUAGE="it").json()
    assert any("programmare in java" in sentence for sentence in italian[0]["explanation"])
    english = client.get(MATCHES, {"participant": person.pk}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert not any("programmare" in sentence for sentence in english[0]["explanation"])


def test_it_ranks_the_best_people_for_an_offer_within_the_limit(world: World, esco: object) -> None:
    offer = _milan_offer(world, essential=("cook",), optional=("team",))
    best = matchable_person(world.site, skills=("cook", "team"))
    good = matchable_person(world.site, skills=("cook",))
    matchable_person(world.site, skills=("java",))
    matchable_person(world.site, consent=False)  # never shown to employers, never ranked
    client = client_for(world, "coordinator")
    body = client.get(MATCHES, {"offer": offer.pk}).json()
    assert [m["participant"] for m in body[:2]] == [best.pk, good.pk]
    assert len(body) == 3
    assert len(client.get(MATCHES, {"offer": offer.pk, "limit": 1}).json()) == 1
    high = client.get(MATCHES, {"offer": offer.pk, "min_score": body[1]["score"]}).json()
    assert {m["participant"] for m in high} == {best.pk, good.pk}


def test_it_leaves_out_offers_already_proposed_to_the_person(world: World, esco: object) -> None:
    offer = _milan_offer(world)
    person = matchable_person(world.site)
    client = client_for(world, "caseworker")
    assert _post(client, PROPOSE, {"participant": person.pk, "offer": offer.pk}).status_code == 201
    assert client.get(MATCHES, {"participant": person.pk}).json() == []


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({}, {"participant", "offer"}),
        ({"participant": 1, "offer": 1}, {"participant", "offer"}),
        ({"participant": "abc"}, {"participant"}),
        ({"participant": str(2**70)}, {"participant"}),
        ({"offer": 0}, {"offer"}),
        ({"offer": 1, "limit": 0}, {"limit"}),
        ({"offer": 1, "limit": 51}, {"limit"}),
        ({"offer": 1, "limit": "ten"}, {"limit"}),
        ({"offer": 1, "min_score": 2}, {"min_score"}),
        ({"offer": 1, "min_score": "nan"}, {"min_score"}),
    ],
)
def test_it_explains_a_wrong_matching_query_field_by_field(
    world: World, query: dict[str, Any], fields: set[str]
) -> None:
    response = client_for(world, "coordinator").get(MATCHES, query)
    assert set(_errors(response)) == fields


def test_it_ranks_only_for_those_who_propose_and_within_their_scope(
    world: World, esco: object
) -> None:
    person = matchable_person(world.site)
    offer = _milan_offer(world)
    for persona, query, expected in (
        ("other_partner_user", {"participant": person.pk}, 404),  # follows Innsbruck only
        ("other_programme_user", {"offer": offer.pk}, 404),
        ("evaluator", {"participant": person.pk}, 403),
        ("employer_contact", {"offer": offer.pk}, 403),  # their own company's offer
        ("stakeholder", {"offer": offer.pk}, 403),
        ("anonymous", {"offer": offer.pk}, 401),
    ):
        response = client_for(world, persona).get(MATCHES, query)
        assert response.status_code == expected, persona
        assert set(response.json()) == {"detail", "errors"}


def test_it_proposes_a_match_and_keeps_its_fit(world: World, esco: object) -> None:
    offer = _milan_offer(world, essential=("cook", "java"))
    person = matchable_person(world.site, skills=("cook",))
    client = client_for(world, "caseworker")
    data = {"participant": person.pk, "offer": offer.pk, "note": "Worked in a trattoria"}
    response = _post(client, PROPOSE, data)
    assert response.status_code == 201, response.content
    body = response.json()
    proposal = Proposal.objects.get(pk=body["id"])
    assert body["reference"] == proposal.reference
    assert (body["participant"], body["offer"]) == (person.pk, offer.pk)
    assert proposal.score is not None
    assert body["score"] == proposal.score > 0
    java = concept("java")
    essential = {"have": 1, "of": 2, "missing": [java.uri], "partial": []}
    assert {"code": "essential", "params": essential} in body["reasons"]
    assert f"Missing: {java.label()}." in " ".join(body["explanation"])
    assert proposal.note == "Worked in a trattoria"
    assert proposal.proposed_by == world.users["caseworker"]
    again = _post(client, PROPOSE, data)
    assert _errors(again) == {
        "non_field_errors": ["This person has already been proposed for this offer."]
    }


def test_it_refuses_a_proposal_field_by_field_and_stores_nothing(
    world: World, esco: object
) -> None:
    offer = _milan_offer(world)
    innsbruck = matchable_person(world.other_site)
    no_consent = matchable_person(world.site, consent=False)
    client = client_for(world, "caseworker")
    unknown = _errors(_post(client, PROPOSE, {"participant": innsbruck.pk, "offer": offer.pk}))
    assert unknown == {"participant": ["Unknown participant: choose someone you follow."]}
    missing = _errors(_post(client, PROPOSE, {"participant": "x", "note": 3}))
    assert set(missing) == {"participant", "offer"}
    huge = _errors(_post(client, PROPOSE, {"participant": no_consent.pk, "offer": 2**70}))
    assert set(huge) == {"offer"}
    refused = _errors(_post(client, PROPOSE, {"participant": no_consent.pk, "offer": offer.pk}))
    assert refused == {
        "non_field_errors": ["The person has not agreed to share their profile with employers."]
    }
    evaluator = client_for(world, "evaluator")
    data = {"participant": no_consent.pk, "offer": offer.pk}
    assert _post(evaluator, PROPOSE, data).status_code == 403
    assert not Proposal.objects.exists()


# --- Placements: reading -----------------------------------------------------------------------


def test_it_lists_the_placements_each_role_may_see(world: World, esco: object) -> None:
    placement = _placement(world)
    expected = {
        "admin": [placement.pk],
        "coordinator": [placement.pk],
        "caseworker": [placement.pk],
        "employer_contact": [placement.pk],
        "evaluator": [placement.pk],
        "other_partner_user": [],
        "stakeholder": [],
        "other_programme_user": [],
    }
    for persona, ids in expected.items():
        response = client_for(world, persona).get(PLACEMENTS)
        assert response.status_code == 200, persona
        assert [p["id"] for p in response.json()["results"]] == ids, persona
    assert client_for(world, "anonymous").get(PLACEMENTS).status_code == 401


def test_it_serves_a_placement_with_its_follow_ups(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=40)
    start = timezone.localdate() - dt.timedelta(days=40)
    body = client_for(world, "caseworker").get(f"{PLACEMENTS}{placement.pk}/").json()
    assert body["candidate"] == placement.proposal.reference
    assert body["participant"] == placement.participant_id
    assert body["offer"] == placement.offer_id
    assert body["employer_name"] == "Alpenblick Test GmbH"
    assert body["site"] == world.site.pk
    assert body["status"] == "ongoing"
    assert body["starts_on"] == start.isoformat()
    assert body["company_tutor"] == "Greta Tutorin"
    assert body["programme_tutor_name"] == "Persona coordinator"
    assert [f["months"] for f in body["follow_ups"]] == [1, 3, 6, 12]
    first = body["follow_ups"][0]
    assert first["due_on"] == FollowUp.due_date(start, 1).isoformat()
    assert first["done_on"] is None
    assert first["outcome"] == ""
    assert first["overdue"] is True
    assert first["notes"] == ""


def test_it_shows_the_employer_the_candidate_by_pseudonym_only(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=40)
    FollowUp.objects.filter(placement=placement, months=1).update(
        done_on=timezone.localdate(), outcome=Outcome.STILL_PLACED, notes="Worries about rent"
    )
    for persona in ("employer_contact", "evaluator"):
        body = client_for(world, persona).get(f"{PLACEMENTS}{placement.pk}/").json()
        assert body["candidate"] == placement.proposal.reference, persona
        assert "participant" not in body, persona
        assert "end_note" not in body, persona
        assert "notes" not in body["follow_ups"][0], persona
        assert body["follow_ups"][0]["outcome"] == "still_placed"
        assert "Worries" not in str(body)
    staff = client_for(world, "caseworker").get(f"{PLACEMENTS}{placement.pk}/").json()
    assert staff["follow_ups"][0]["notes"] == "Worries about rent"


def test_it_filters_placements_by_status_site_and_employer(world: World, esco: object) -> None:
    ongoing = _placement(world)
    ended = _placement(world, days_ago=10)
    Placement.objects.filter(pk=ended.pk).update(status=PlacementStatus.ENDED_EARLY)
    client = client_for(world, "coordinator")

    def ids(**query: Any) -> list[int]:
        response = client.get(PLACEMENTS, query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids() == [ongoing.pk, ended.pk]
    assert ids(status="ended_early") == [ended.pk]
    assert ids(site=world.site.pk) == [ongoing.pk, ended.pk]
    assert ids(site=world.other_site.pk) == []
    assert ids(employer=ongoing.offer.employer_id) == [ongoing.pk, ended.pk]
    assert set(_errors(client.get(PLACEMENTS, {"status": "lost", "site": "x"}))) == {
        "status",
        "site",
    }
    assert client.get(f"{PLACEMENTS}{2**70}/").status_code == 404


def test_it_lists_placements_in_a_constant_number_of_queries(world: World, esco: object) -> None:
    client = client_for(world, "caseworker")

    def queries(count: int) -> int:
        while Placement.objects.count() < count:
            _placement(world)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PLACEMENTS)
        assert len(response.json()["results"]) == count
        return len(captured)

    assert queries(1) == queries(5)


# --- Placements: writing -----------------------------------------------------------------------


def _start(world: World, proposal: Proposal, /, **overrides: Any) -> dict[str, Any]:
    return {
        "proposal": proposal.pk,
        "starts_on": _today(),
        "ends_on": _today(90),
        "hours_per_week": 30,
        "company_tutor": "Greta Tutorin",
        "company_tutor_email": "greta@alpenblick.example",
        "company_tutor_phone": "+43 512 000",
        "programme_tutor": world.users["caseworker"].pk,
        **overrides,
    }


def test_it_starts_a_placement_from_a_proposal_both_accepted(world: World, esco: object) -> None:
    person = matchable_person(world.site)
    proposal = accepted(_milan_offer(world, places=1), person)
    response = _post(client_for(world, "caseworker"), PLACEMENTS, _start(world, proposal))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["proposal"] == proposal.pk
    assert body["status"] == "ongoing"
    assert body["hours_per_week"] == 30
    assert body["programme_tutor"] == world.users["caseworker"].pk
    assert [f["months"] for f in body["follow_ups"]] == [1, 3, 6, 12]
    person.refresh_from_db()
    assert person.status == Status.PLACED


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"starts_on": "2025-13-45"}, {"starts_on"}),
        ({"ends_on": "soon"}, {"ends_on"}),
        ({"hours_per_week": 99}, {"hours_per_week"}),
        ({"company_tutor": ""}, {"company_tutor"}),
        ({"company_tutor_email": "greta"}, {"company_tutor_email"}),
        ({"proposal": 2**70, "programme_tutor": "me"}, {"proposal", "programme_tutor"}),
        ({"ends_on": "2020-01-01"}, {"ends_on"}),
    ],
)
def test_it_explains_each_wrong_field_of_a_new_placement_and_stores_nothing(
    world: World, esco: object, overrides: dict[str, Any], fields: set[str]
) -> None:
    proposal = accepted(_milan_offer(world), matchable_person(world.site))
    data = _start(world, proposal, **overrides)
    response = _post(client_for(world, "coordinator"), PLACEMENTS, data)
    assert set(_errors(response)) == fields
    assert not Placement.objects.exists()


def test_it_starts_only_what_both_sides_accepted_and_only_for_staff(
    world: World, esco: object
) -> None:
    proposal = accepted(_milan_offer(world), matchable_person(world.site))
    Proposal.objects.filter(pk=proposal.pk).update(participant_answer=Decision.PENDING)
    client = client_for(world, "caseworker")
    assert _errors(_post(client, PLACEMENTS, _start(world, proposal))) == {
        "non_field_errors": ["A placement starts once the candidate and the employer accept."]
    }
    Proposal.objects.filter(pk=proposal.pk).update(participant_answer=Decision.ACCEPTED)
    not_a_tutor = _start(world, proposal, programme_tutor=world.users["employer_contact"].pk)
    assert set(_errors(_post(client, PLACEMENTS, not_a_tutor))) == {"programme_tutor"}
    for persona in ("employer_contact", "evaluator", "stakeholder"):
        response = _post(client_for(world, persona), PLACEMENTS, _start(world, proposal))
        assert response.status_code == 403, persona
    unknown = _post(client_for(world, "other_partner_user"), PLACEMENTS, _start(world, proposal))
    assert set(_errors(unknown)) == {"proposal"}
    assert not Placement.objects.exists()


def test_it_ends_a_placement_early_with_a_reason(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=20)
    client = client_for(world, "caseworker")
    url = f"{PLACEMENTS}{placement.pk}/end/"
    assert set(_errors(_post(client, url, {"ended_on": "yesterday", "reason": "quit"}))) == {
        "ended_on",
        "reason",
    }
    assert _errors(_post(client, url, {"ended_on": _today(), "reason": "other"})) == {
        "note": ["Say in a few words why it ended."]
    }
    assert set(_errors(_post(client, url, {"ended_on": _today(3), "reason": "moved"}))) == {
        "ended_on"
    }
    response = _post(client, url, {"ended_on": _today(), "reason": "moved", "note": "To Vienna"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ended_early"
    assert body["end_reason"] == "moved"
    assert body["end_note"] == "To Vienna"
    assert _errors(_post(client, url, {"ended_on": _today(), "reason": "ended"})) == {
        "non_field_errors": ["This placement has already ended."]
    }
    participant = Participant.objects.get(pk=placement.participant_id)
    assert participant.status == Status.ACTIVE


def test_it_lets_only_case_workers_end_or_follow_up_a_placement(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=40)
    end = {"ended_on": _today(), "reason": "ended"}
    check_in = {"done_on": _today(), "outcome": "still_placed"}
    for persona, expected in (
        ("employer_contact", 403),
        ("evaluator", 403),
        ("other_partner_user", 404),
        ("stakeholder", 404),
    ):
        client = client_for(world, persona)
        assert _post(client, f"{PLACEMENTS}{placement.pk}/end/", end).status_code == expected
        follow_up = f"{PLACEMENTS}{placement.pk}/follow-ups/1/"
        assert _post(client, follow_up, check_in).status_code == expected
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ONGOING
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_it_records_a_check_in(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=40)
    client = client_for(world, "caseworker")
    url = f"{PLACEMENTS}{placement.pk}/follow-ups/1/"
    data = {
        "done_on": _today(-2),
        "outcome": "still_placed",
        "notes": "All well",
        "with_employer": False,
    }
    response = _post(client, url, data)
    assert response.status_code == 200, response.content
    first = response.json()["follow_ups"][0]
    assert first["done_on"] == _today(-2)
    assert first["outcome"] == "still_placed"
    assert first["notes"] == "All well"
    assert first["with_employer"] is False
    assert first["with_participant"] is True
    assert first["overdue"] is False


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"done_on": "2025-02-30", "outcome": "still_placed"}, {"done_on"}),
        ({"done_on": _today(), "outcome": "promoted"}, {"outcome"}),
        ({"done_on": _today(), "outcome": "left"}, {"left_reason"}),
        ({"done_on": _today(), "outcome": "left", "left_reason": "bored"}, {"left_reason"}),
        ({"done_on": _today(5), "outcome": "hired"}, {"done_on"}),
        ({"done_on": "2000-01-01", "outcome": "hired"}, {"done_on"}),
        ({"outcome": "hired", "with_employer": "maybe"}, {"done_on", "with_employer"}),
    ],
)
def test_it_explains_a_wrong_check_in_field_by_field(
    world: World, esco: object, data: dict[str, Any], fields: set[str]
) -> None:
    placement = _placement(world, days_ago=40)
    url = f"{PLACEMENTS}{placement.pk}/follow-ups/1/"
    response = _post(client_for(world, "coordinator"), url, data)
    assert set(_errors(response)) == fields
    assert not FollowUp.objects.filter(done_on__isnull=False).exists()


def test_it_answers_404_for_a_check_in_that_does_not_exist(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=40)
    client = client_for(world, "coordinator")
    check_in = {"done_on": _today(), "outcome": "still_placed"}
    for months in ("2", "24", "0"):
        url = f"{PLACEMENTS}{placement.pk}/follow-ups/{months}/"
        assert _post(client, url, check_in).status_code == 404, months
    assert _post(client, f"{PLACEMENTS}{placement.pk}/follow-ups/x/", check_in).status_code == 404


def test_it_ends_the_placement_when_the_person_left(world: World, esco: object) -> None:
    placement = _placement(world, days_ago=100)
    client = client_for(world, "caseworker")
    url = f"{PLACEMENTS}{placement.pk}/follow-ups/3/"
    data = {"done_on": _today(), "outcome": "left", "left_reason": "other_job"}
    response = _post(client, url, data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ended_early"
    assert body["end_reason"] == "other_job"
    # No one is left at the company to check in with after three months.
    assert [f["months"] for f in body["follow_ups"]] == [1, 3]
    assert _post(client, f"{PLACEMENTS}{placement.pk}/follow-ups/6/", data).status_code == 404


def test_it_describes_the_placement_routes_in_the_schema(world: World) -> None:
    text = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/matches/",
        "/api/v1/matches/propose/",
        "/api/v1/placements/",
        "/api/v1/placements/{id}/end/",
        "/api/v1/placements/{id}/follow-ups/{months}/",
    ):
        assert path in text
