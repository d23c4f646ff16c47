"""Rows to the engine's data: what a person and an offer look like to matching, and who counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mile.conftest import World
from mile.employers.models import Decision, Proposal
from mile.matching.model import SkillGraph
from mile.participants.models import LanguageSkill, Status, WorkAuthorisation
from mile.placements import matching
from mile.placements.tests.factories import matchable_person, open_offer, started

pytestmark = pytest.mark.django_db

SKILL = "http://data.europa.eu/esco/skill/"


def test_a_language_level_is_the_median_of_the_five_skills(world: World, esco: object) -> None:
    person = matchable_person(world.site)
    LanguageSkill.objects.create(
        participant=person,
        language="it",
        listening="B2",
        reading="B1",
        spoken_interaction="B1",
        spoken_production="A2",
        writing="A1",
        assessment=LanguageSkill.Assessment.TESTED,
    )
    LanguageSkill.objects.create(
        participant=person, language="ar", assessment=LanguageSkill.Assessment.MOTHER_TONGUE
    )
    assert matching.persons([person])[0].languages == {"it": "B1", "ar": "C2"}


def test_a_person_without_work_authorisation_is_excluded_by_the_engine(
    world: World, esco: object
) -> None:
    person = matchable_person(world.site, work_authorisation=WorkAuthorisation.PENDING)
    engine_person = matching.persons([person])[0]
    assert not engine_person.work_authorised
    assert engine_person.groups == {"refugees", "women"}


def test_an_offer_carries_its_skills_languages_and_free_places(world: World, esco: object) -> None:
    offer = open_offer(
        world.site,
        world.employer,
        essential=("cook",),
        optional=("team",),
        places=2,
        languages={"it": "B1"},
    )
    other = matchable_person(world.site)
    Proposal.objects.create(offer=offer, participant=other, decision=Decision.ACCEPTED)
    (item,) = matching.offers(matching.open_offers(world.users["coordinator"], world.programme.pk))
    assert item.essential == {SKILL + "cook"}
    assert item.optional == {SKILL + "team"}
    assert item.languages == {"it": "B1"}
    assert item.places == 1
    assert item.isco == "3434"


def test_only_people_who_may_be_proposed_are_matchable(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    ready = matchable_person(world.site)
    matchable_person(world.site, consent=False)
    matchable_person(world.site, status=Status.APPLICANT)
    placed = matchable_person(world.site)
    started(coordinator, open_offer(world.site, world.employer), placed)
    assert list(matching.matchable(coordinator, world.programme.pk)) == [ready]


def test_the_caseworker_matches_only_the_people_of_their_site(world: World, esco: object) -> None:
    milan = matchable_person(world.site)
    matchable_person(world.other_site)
    assert list(matching.matchable(world.users["caseworker"], world.programme.pk)) == [milan]


def test_ranking_an_offer_puts_the_cook_first_and_skips_pairs_proposed(
    world: World, esco: object
) -> None:
    coordinator = world.users["coordinator"]
    offer = open_offer(world.site, world.employer, languages={"it": "B1"})
    cook = matchable_person(world.site, skills=("cook",), languages={"it": "B1"})
    dev = matchable_person(world.site, skills=("java",), languages={"it": "B1"})
    ranked = matching.candidates_for(coordinator, offer)
    assert [m.participant_id for m in ranked] == [cook.pk, dev.pk]
    assert ranked[0].score > ranked[1].score
    assert ranked[1].missing == (SKILL + "cook",)
    Proposal.objects.create(offer=offer, participant=cook, decision=Decision.DECLINED)
    assert [m.participant_id for m in matching.candidates_for(coordinator, offer)] == [dev.pk]


def test_the_best_offers_of_a_person_leave_out_full_ones(world: World, esco: object) -> None:
    coordinator = world.users["coordinator"]
    person = matchable_person(world.site)
    full = open_offer(world.site, world.employer, places=1)
    Proposal.objects.create(
        offer=full, participant=matchable_person(world.site), decision=Decision.ACCEPTED
    )
    free = open_offer(
        world.site, world.other_employer, starts_on=timezone.localdate() + dt.timedelta(days=60)
    )
    assert [m.offer_id for m in matching.offers_for(coordinator, person)] == [free.pk]


def test_the_skill_graph_is_read_once_per_esco_import(
    world: World, esco: object, django_assert_num_queries: object
) -> None:
    graph = matching.skill_graph()
    assert isinstance(graph, SkillGraph)
    assert SKILL + "team" in graph.related.get(SKILL + "cook", frozenset())
    # The key (two small queries) is read; the relations are not read again.
    with django_assert_num_queries(2):  # type: ignore[operator]
        assert matching.skill_graph() is graph
