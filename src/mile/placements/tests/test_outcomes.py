"""Retention and hiring rates: recorded through the follow-ups, read as aggregates."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mile.conftest import World, client_for
from mile.employers.models import OfferStatus
from mile.employers.tests.factories import employer_in, offer_of
from mile.participants.models import Status
from mile.participants.tests.factories import participant_in
from mile.placements.models import Outcome, Placement
from mile.placements.tests.factories import started

pytestmark = pytest.mark.django_db

OUTCOMES = "/en/placements/outcomes/"


def _placement(world: World, *, site: Any = None, **kwargs: Any) -> Placement:
    site = site or world.site
    offer = offer_of(employer_in(site, world.employer), site=site, status=OfferStatus.OPEN)
    person = participant_in(site, status=Status.ACTIVE, **kwargs)
    return started(world.users["coordinator"], offer, person, days_ago=40)


def _record(client: Client, placement: Placement, outcome: str, **data: str) -> None:
    follow_up = placement.follow_ups.get(months=1)
    response = client.post(
        reverse("placements:follow_up_record", args=[follow_up.pk]),
        {"done_on": timezone.localdate().isoformat(), "outcome": outcome, **data},
    )
    assert response.status_code == 302


def test_it_shows_hired_at_100_percent_after_a_hired_follow_up(world: World) -> None:
    placement = _placement(world)
    client = client_for(world, "caseworker")
    _record(client, placement, Outcome.HIRED)
    response = client.get(OUTCOMES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Milan" in html
    # Retained after one month and hired, each of one placement.
    assert html.count("100 % of 1") >= 4
    assert "0 % of 1" in html


def test_it_counts_the_reasons_people_left(world: World) -> None:
    _placement(world)
    left = _placement(world)
    _record(client_for(world, "caseworker"), left, Outcome.LEFT, left_reason="other_job")
    html = client_for(world, "coordinator").get(OUTCOMES).content.decode()
    assert "Found another job: 1" in html
    assert "50 % of 2" in html


def test_it_shows_evaluators_the_rates_but_no_name(world: World) -> None:
    placement = _placement(world, family_name="Haddad", given_names="Amal")
    _record(client_for(world, "caseworker"), placement, Outcome.HIRED)
    response = client_for(world, "evaluator").get(OUTCOMES)
    html = response.content.decode()
    assert response.status_code == 200
    assert "100 % of 1" in html
    assert "Haddad" not in html
    assert "Amal" not in html
    assert placement.proposal.reference not in html
    # No tabs to the case workers' lists they may not open.
    assert reverse("placements:follow_up_list") not in html


def test_it_groups_by_company_and_by_occupation(world: World) -> None:
    _placement(world)
    client = client_for(world, "coordinator")
    by_company = client.get(OUTCOMES, {"by": "employer"}).content.decode()
    assert "Alpenblick Test GmbH" in by_company
    by_occupation = client.get(OUTCOMES, {"by": "occupation"}).content.decode()
    assert "Not set" in by_occupation


def test_it_counts_only_the_people_a_partner_follows(world: World) -> None:
    _placement(world)
    _placement(world, site=world.other_site)
    milan = client_for(world, "caseworker").get(OUTCOMES).content.decode()
    assert "Innsbruck" not in milan
    everyone = client_for(world, "coordinator").get(OUTCOMES).content.decode()
    assert "Innsbruck" in everyone
    assert "Milan" in everyone


def test_it_says_when_nothing_has_started(world: World) -> None:
    html = client_for(world, "coordinator").get(OUTCOMES).content.decode()
    assert "No placement has started in MILE test yet." in html


def test_it_refuses_companies_and_stakeholders(world: World) -> None:
    for persona in ("employer_contact", "stakeholder"):
        assert client_for(world, persona).get(OUTCOMES).status_code == 403


def test_it_refuses_an_unknown_grouping_without_failing(world: World) -> None:
    response = client_for(world, "coordinator").get(OUTCOMES, {"by": "nationality"})
    assert response.status_code == 400
