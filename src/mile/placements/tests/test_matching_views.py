"""Matching pages through the test client: runs, their suggestions, the live rankings of an
offer and of a person, and the skill gaps added to the plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mile.activities.tests.factories import course_in, sessions_of
from mile.conftest import World, client_for
from mile.employers.models import Employer, Offer, OfferStatus, Proposal
from mile.employers.tests.factories import employer_in
from mile.participants.models import Consent, Participant, PlannedService, Purpose
from mile.placements import services
from mile.placements.models import MatchRun, Method, Suggestion
from mile.placements.tests.factories import concept, matchable_person, open_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def milan(world: World) -> Employer:
    """A company of the Milan site, which the case worker follows."""
    return employer_in(world.site, world.other_employer)


def _cook(world: World, **kwargs: Any) -> Participant:
    kwargs.setdefault("given_names", "Amira")
    kwargs.setdefault("family_name", "Cuoca")
    return matchable_person(world.site, skills=("cook",), **kwargs)


def _java(world: World) -> Participant:
    return matchable_person(world.site, skills=("java",), given_names="Jon", family_name="Javas")


def _kitchen(world: World, milan: Employer, **kwargs: Any) -> Offer:
    kwargs.setdefault("title", "Kitchen assistant")
    return open_offer(world.site, world.other_employer, **kwargs)


def _run_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "method": Method.OPTIMAL,
        "min_score": 30,
        **overrides,
    }


def _messages(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _run(world: World, site: Any = None) -> MatchRun:
    return services.match_run(
        by=world.users["coordinator"], programme=world.programme, site=site or world.site
    )


# --- Runs --------------------------------------------------------------------------------------


def test_it_runs_matching_and_shows_the_pair_with_its_reasons(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan, places=1)
    cook = _cook(world)
    _java(world)
    client = client_for(world, "coordinator")
    response = client.post(reverse("placements:run_list"), _run_data(world))
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:run_detail", kwargs={"pk": run.pk})
    page = client.get(response["Location"]).content.decode()
    assert "The run suggests 1 person." in page
    assert offer.title in page
    assert cook.full_name in page
    assert "Javas" not in page
    assert "1 of 1 essential skill." in page
    # Considered: 2 people, 1 offer, 1 place; the greedy figures beside the exact ones.
    assert "People considered" in page
    assert "Best total fit" in page
    assert "1 person placed" in page
    assert "Gain over the best pair first" in page


def test_it_lists_the_runs_with_greedy_figures_and_gain(
    world: World, esco: object, milan: Employer, django_assert_num_queries: Any
) -> None:
    _kitchen(world, milan, places=1)
    _cook(world)
    run = _run(world)
    MatchRun.objects.filter(pk=run.pk).update(total_fit=1.2, greedy_fit=1.0, greedy_placed=1)
    client = client_for(world, "coordinator")
    page = client.get(reverse("placements:run_list")).content.decode()
    assert reverse("placements:run_detail", kwargs={"pk": run.pk}) in page
    assert "1.20" in page
    assert "1.00 (1 placed)" in page
    assert "20 %" in page
    # More runs cost no more queries.
    with django_assert_num_queries(10) as first:
        client.get(reverse("placements:run_list"))
    for _ in range(3):
        _run(world)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("placements:run_list"))


def test_it_says_so_when_nothing_has_been_run(world: World) -> None:
    page = client_for(world, "caseworker").get(reverse("placements:run_list")).content.decode()
    assert "No matching has been run yet." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_score": 150}, "Give a fit between 0 and 100 %."),
        (
            {"method": Method.GREEDY, "floor_women": 40},
            "Fairness floors apply to the best total fit only.",
        ),
        ({"floor_refugees": -5}, "Give each share between 0 and 100 %."),
        ({"min_score": "lots"}, "Give a whole number between 0 and 100."),
    ],
)
def test_it_shows_the_form_again_on_bad_input_and_runs_nothing(
    world: World, esco: object, overrides: dict[str, Any], message: str
) -> None:
    response = client_for(world, "coordinator").post(
        reverse("placements:run_list"), _run_data(world, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MatchRun.objects.exists()


def test_it_keeps_what_was_typed_when_refusing(world: World, esco: object) -> None:
    response = client_for(world, "coordinator").post(
        reverse("placements:run_list"), _run_data(world, min_score=150)
    )
    assert 'value="150"' in response.content.decode()


def test_it_refuses_a_site_and_an_offer_together(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan)
    response = client_for(world, "coordinator").post(
        reverse("placements:run_list"), _run_data(world, offer=offer.pk)
    )
    assert response.status_code == 400
    assert "Choose a site or one offer, not both." in response.content.decode()


def test_it_shows_why_the_floors_could_not_be_met(
    world: World, esco: object, milan: Employer
) -> None:
    _kitchen(world, milan, places=1)
    _cook(world, gender="male")
    client = client_for(world, "coordinator")
    response = client.post(reverse("placements:run_list"), _run_data(world, floor_women=100))
    run = MatchRun.objects.get()
    assert run.infeasible
    page = client.get(response["Location"]).content.decode()
    assert "The fairness floors could not be met" in page
    assert "Women: at least 100 % of the placements" in page


@pytest.mark.parametrize("persona", ["evaluator", "employer_contact", "stakeholder"])
def test_it_refuses_matching_to_those_who_do_not_propose(world: World, persona: str) -> None:
    client = client_for(world, persona)
    assert client.get(reverse("placements:run_list")).status_code == 403
    assert client.post(reverse("placements:run_list"), _run_data(world)).status_code == 403
    assert not MatchRun.objects.exists()


# --- Suggestions -------------------------------------------------------------------------------


def test_it_hides_suggestions_of_people_the_reader_does_not_follow(
    world: World, esco: object
) -> None:
    open_offer(world.other_site, world.employer, title="Innsbruck kitchen")
    person = matchable_person(world.other_site, given_names="Ida", family_name="Innsbruck")
    run = _run(world, site=world.other_site)
    suggestion = run.suggestions.get()
    url = reverse("placements:run_detail", kwargs={"pk": run.pk})
    milan_page = client_for(world, "caseworker").get(url).content.decode()
    assert person.full_name not in milan_page
    assert "1 more suggestion is about a person you do not follow." in milan_page
    innsbruck_page = client_for(world, "other_partner_user").get(url).content.decode()
    assert person.full_name in innsbruck_page
    dismiss = reverse("placements:suggestion_dismiss", kwargs={"pk": suggestion.pk})
    assert client_for(world, "caseworker").post(dismiss).status_code == 404
    # Proposing it by its id does nothing either.
    client_for(world, "caseworker").post(url, {"suggestion": [suggestion.pk]})
    assert not Proposal.objects.exists()


def test_it_proposes_the_chosen_suggestions_and_names_those_it_could_not(
    world: World, esco: object, milan: Employer
) -> None:
    _kitchen(world, milan, places=2)
    cook = _cook(world)
    withdrawn = _cook(world, given_names="Bo", family_name="Ritirato")
    run = _run(world)
    assert run.suggestions.count() == 2
    # Meanwhile one of them withdraws their consent to share the profile with employers.
    Consent.objects.create(
        participant=withdrawn,
        purpose=Purpose.EMPLOYERS,
        given=False,
        wording_version="test",
        language="en",
        recorded_at=timezone.now() + dt.timedelta(seconds=1),
    )
    client = client_for(world, "caseworker")
    url = reverse("placements:run_detail", kwargs={"pk": run.pk})
    response = client.post(url, {"suggestion": [s.pk for s in run.suggestions.all()]})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.participant == cook
    assert proposal.score == Suggestion.objects.get(participant=cook).score
    assert Suggestion.objects.get(participant=cook).proposal == proposal
    shown = _messages(response)
    assert "1 person was proposed to the employers." in shown
    assert any(m.startswith("Bo Ritirato was not proposed: ") for m in shown)
    page = client.get(url).content.decode()
    assert f"Proposed as {proposal.reference}" in page


def test_it_sets_a_suggestion_aside(world: World, esco: object, milan: Employer) -> None:
    _kitchen(world, milan)
    _cook(world)
    suggestion = _run(world).suggestions.get()
    client = client_for(world, "caseworker")
    response = client.post(reverse("placements:suggestion_dismiss", kwargs={"pk": suggestion.pk}))
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.dismissed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Set aside on" in page
    assert f'value="{suggestion.pk}"' not in page


def test_it_shows_a_run_s_suggestions_in_a_fixed_number_of_queries(
    world: World, esco: object, milan: Employer
) -> None:
    _kitchen(world, milan, places=1)
    _cook(world)
    small = _run(world)
    _kitchen(world, milan, places=2, title="Line cook")
    _cook(world, given_names="Carla")
    _cook(world, given_names="Dario")
    large = _run(world)
    assert large.suggestions.count() > small.suggestions.count()
    client = client_for(world, "coordinator")
    counts = []
    for run in (small, large):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("placements:run_detail", kwargs={"pk": run.pk}))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_it_answers_dismiss_only_to_a_post(world: World, esco: object, milan: Employer) -> None:
    _kitchen(world, milan)
    _cook(world)
    suggestion = _run(world).suggestions.get()
    url = reverse("placements:suggestion_dismiss", kwargs={"pk": suggestion.pk})
    assert client_for(world, "coordinator").get(url).status_code == 405


# --- One offer's best candidates ---------------------------------------------------------------


def test_it_ranks_the_cook_above_the_java_person_and_proposes_from_the_ranking(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan)
    cook = _cook(world)
    java = _java(world)
    client = client_for(world, "caseworker")
    url = reverse("placements:offer_matches", kwargs={"pk": offer.pk})
    page = client.get(url).content.decode()
    assert page.index(cook.full_name) < page.index(java.full_name)
    assert "1 of 1 essential skill." in page
    response = client.post(
        reverse("placements:offer_match_propose", kwargs={"pk": offer.pk}),
        {"participant": cook.pk, "query": "min_score=10"},
    )
    assert response["Location"] == f"{url}?min_score=10"
    proposal = Proposal.objects.get()
    assert (proposal.participant, proposal.offer) == (cook, offer)
    assert proposal.score is not None
    assert proposal.score > 0.5
    assert f"{cook.full_name} was proposed to {offer.employer.organisation.name}." in _messages(
        response
    )
    # Proposed once, the person leaves the ranking.
    assert f'name="participant" value="{cook.pk}"' not in client.get(url).content.decode()


def test_it_filters_the_candidates_by_fit_and_site(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan)
    cook = _cook(world)
    java = _java(world)
    client = client_for(world, "coordinator")
    url = reverse("placements:offer_matches", kwargs={"pk": offer.pk})
    page = client.get(url, {"min_score": 50}).content.decode()
    assert cook.full_name in page
    assert java.full_name not in page
    page = client.get(url, {"site": world.other_site.pk}).content.decode()
    assert cook.full_name not in page
    assert "Nobody you follow fits this offer yet." in page
    assert client.get(url, {"min_score": 150}).status_code == 400


def test_it_says_when_an_offer_is_not_open(world: World, esco: object, milan: Employer) -> None:
    offer = _kitchen(world, milan)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.CLOSED)
    _cook(world)
    response = client_for(world, "coordinator").get(
        reverse("placements:offer_matches", kwargs={"pk": offer.pk})
    )
    assert response.status_code == 200
    assert "This offer is not open" in response.content.decode()


def test_it_links_the_offer_to_its_best_candidates_for_staff_only(
    world: World, esco: object
) -> None:
    offer = open_offer(world.other_site, world.employer)
    detail = reverse("employers:offer_detail", kwargs={"pk": offer.pk})
    matches = reverse("placements:offer_matches", kwargs={"pk": offer.pk})
    assert matches in client_for(world, "coordinator").get(detail).content.decode()
    contact = client_for(world, "employer_contact")
    assert matches not in contact.get(detail).content.decode()
    assert contact.get(matches).status_code == 403


# --- One person's best offers and skill gaps ---------------------------------------------------


def test_it_shows_a_person_s_best_offers_and_proposes_from_them(
    world: World, esco: object, milan: Employer
) -> None:
    kitchen = _kitchen(world, milan)
    code = _kitchen(world, milan, title="Java developer", essential=("java",))
    cook = _cook(world)
    client = client_for(world, "caseworker")
    url = reverse("placements:participant_matches", kwargs={"pk": cook.pk})
    page = client.get(url).content.decode()
    assert page.index(kitchen.title) < page.index(code.title)
    detail = client.get(reverse("participants:participant_detail", kwargs={"pk": cook.pk}))
    assert url in detail.content.decode()
    response = client.post(
        reverse("placements:participant_match_propose", kwargs={"pk": cook.pk}),
        {"offer": kitchen.pk},
    )
    assert response.status_code == 302
    assert Proposal.objects.get().offer == kitchen


def test_it_shows_the_ranking_without_consent_but_not_the_way_to_propose(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan)
    person = _cook(world, consent=False)
    client = client_for(world, "caseworker")
    page = client.get(
        reverse("placements:participant_matches", kwargs={"pk": person.pk})
    ).content.decode()
    assert offer.title in page
    assert "has not agreed to share their profile with employers" in page
    assert "disabled" in page
    response = client.post(
        reverse("placements:participant_match_propose", kwargs={"pk": person.pk}),
        {"offer": offer.pk},
    )
    assert response.status_code == 302
    assert not Proposal.objects.exists()
    assert any("not proposed" in m for m in _messages(response))


def test_it_shows_a_skill_gap_with_the_course_that_teaches_it_and_adds_it_to_the_plan(
    world: World, esco: object, milan: Employer
) -> None:
    _kitchen(world, milan, title="Delivery cook", essential=("cook", "drive"))
    course = course_in(world.site, title="Driving lessons")
    course.skills.add(concept("drive"))
    sessions_of(course, 2, first=timezone.now() + dt.timedelta(days=3))
    person = _cook(world)
    client = client_for(world, "caseworker")
    url = reverse("placements:participant_matches", kwargs={"pk": person.pk})
    page = client.get(url).content.decode()
    assert "Missing: drive a car." in page
    assert "Needed by 1 offer that nearly fits." in page
    assert course.title in page
    assert reverse("activities:course_detail", kwargs={"pk": course.pk}) in page
    plan = reverse("placements:gap_to_plan", kwargs={"pk": person.pk})
    response = client.post(plan, {"course": course.pk})
    assert response["Location"] == url
    planned = PlannedService.objects.get(plan__participant=person)
    assert planned.description == course.title
    assert f"“{course.title}” was added to the integration plan." in _messages(response)
    again = client.post(plan, {"course": course.pk})
    assert "The plan already has this." in _messages(again)
    assert PlannedService.objects.count() == 1
    client.post(plan, {"skill": concept("drive").pk})
    assert PlannedService.objects.filter(description="Learn: drive a car").exists()


def test_it_refuses_the_plan_to_those_who_do_not_do_case_work(
    world: World, esco: object, milan: Employer
) -> None:
    person = _cook(world)
    plan = reverse("placements:gap_to_plan", kwargs={"pk": person.pk})
    data = {"skill": concept("team").pk}
    assert client_for(world, "evaluator").post(plan, data).status_code == 403
    assert client_for(world, "other_partner_user").post(plan, data).status_code == 404
    assert client_for(world, "caseworker").post(plan, {}).status_code == 302
    assert not PlannedService.objects.exists()


def test_it_refuses_the_ranking_to_evaluators_and_hides_other_partners_people(
    world: World, esco: object
) -> None:
    person = _cook(world)
    url = reverse("placements:participant_matches", kwargs={"pk": person.pk})
    assert client_for(world, "evaluator").get(url).status_code == 403
    assert client_for(world, "other_partner_user").get(url).status_code == 404
    assert client_for(world, "other_programme_user").get(url).status_code == 404


# --- Languages ---------------------------------------------------------------------------------


def test_it_renders_the_matching_pages_in_italian(
    world: World, esco: object, milan: Employer
) -> None:
    offer = _kitchen(world, milan)
    person = _cook(world)
    run = _run(world)
    client: Client = client_for(world, "coordinator")
    for url in [
        reverse("placements:run_list"),
        reverse("placements:run_detail", kwargs={"pk": run.pk}),
        reverse("placements:offer_matches", kwargs={"pk": offer.pk}),
        reverse("placements:participant_matches", kwargs={"pk": person.pk}),
    ]:
        response = client.get(url.replace("/en/", "/it/", 1))
        assert response.status_code == 200, url
        assert '<html lang="it"' in response.content.decode()
