"""From a matching run in Milan to the first follow-up on the case worker's list.

One journey in Debian's Chromium: the Milan coordinator runs matching for a kitchen placement
at a Milan company and proposes the two people it suggests; the company's contact, in Italian,
accepts one and declines the other with a reason; the Milan case worker records that the
person accepts too, starts the placement with the company's tutor and himself as the
programme's tutor, and finds its 1-month follow-up on his list.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mile.core.tests.factories import totp_code
from mile.core.tests.test_browser import _serious_violations, browser  # noqa: F401
from mile.demo.data import DEMO_PASSWORD, demo_totp_secret
from mile.employers.models import Decision, Employer, Proposal
from mile.participants.models import Hours, Status
from mile.placements.models import FollowUp, Placement
from mile.placements.tests.factories import concept, matchable_person, open_offer
from mile.programmes.models import Organisation, Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COORDINATOR = "coordinator@demo.mile.example"
CONTACT = "employer.milan@demo.mile.example"
CASEWORKER = "caseworker.milan@demo.mile.example"
TITLE = "Aiuto cuoco – tirocinio mensa aziendale"


def _sign_in(page, base: str, email: str, language: str) -> None:
    page.goto(f"{base}/{language}/account/login/")
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button.btn-primary[type=submit]").click()
    page.locator("[name=code]").fill(totp_code(demo_totp_secret(email)))
    with page.expect_navigation():
        page.locator("main form button.btn-primary[type=submit]").click()
    page.wait_for_load_state("load")


def _kitchen_offer_and_two_cooks() -> tuple[int, list[tuple[int, str]]]:
    """A Milan company's open kitchen placement with two places, and two people who fit it."""
    milan = Site.objects.get(programme__slug="mile", city="Milan")
    company = Organisation.objects.get(name="Officine Brambilla Demo S.r.l.")
    offer = open_offer(
        milan,
        company,
        title=TITLE,
        essential=("cook", "team"),
        languages={"it": "B1"},
        places=2,
        hours_per_week=30,
        occupation=concept("chef"),
        starts_on=timezone.localdate() + dt.timedelta(days=7),
        tutor_name="Giulia Brambilla",
    )
    people = []
    for given, family in (("Yusra", "Campione"), ("Dawit", "Provaletti")):
        person = matchable_person(
            milan,
            skills=("cook", "team"),
            languages={"it": "B2"},
            given_names=given,
            family_name=family,
            status=Status.ACTIVE,
            hours_per_week=30,
            preferred_hours=Hours.PART_TIME,
            available_from=timezone.localdate(),
        )
        person.preferred_occupations.add(concept("chef"))
        people.append((person.pk, f"{given} {family}"))
    return offer.pk, people


def test_it_takes_two_milan_candidates_from_a_run_to_a_placement_and_its_follow_up(
    live_server,
    browser,  # noqa: F811
    esco,
) -> None:
    from mile.demo.loader import load_demo

    load_demo()
    offer_id, people = _kitchen_offer_and_two_cooks()
    (first_id, first_name), (second_id, second_name) = people
    base = live_server.url

    # The coordinator runs matching for the offer and proposes the two people it suggests.
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = desk.new_page()
    _sign_in(page, base, COORDINATOR, "en")
    page.goto(f"{base}/en/matching/")
    form = page.locator("main form[method=post]").first
    form.locator("[name=offer]").select_option(str(offer_id))
    with page.expect_navigation(url="**/en/matching/runs/*/"):
        form.get_by_role("button", name="Run").click()
    assert page.get_by_text("2 of 2 essential skills.").first.is_visible()
    assert not _serious_violations(page), _serious_violations(page)
    for name in (first_name, second_name):
        page.get_by_role("checkbox", name=f"Propose {name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Propose the people chosen").click()
    proposals = {p.participant_id: p for p in Proposal.objects.filter(offer_id=offer_id)}
    assert set(proposals) == {first_id, second_id}
    assert all(p.score and p.reasons for p in proposals.values())
    desk.close()

    # The company's contact, in Italian, accepts one and declines the other with a reason.
    company = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = company.new_page()
    _sign_in(page, base, CONTACT, "it")
    employer = Employer.objects.get(organisation__name="Officine Brambilla Demo S.r.l.")
    page.wait_for_url(f"**/it/employers/{employer.pk}/")
    for participant_id, decision, reason in (
        (first_id, Decision.ACCEPTED, ""),
        (second_id, Decision.DECLINED, "Cerchiamo qualcuno disponibile anche il sabato."),
    ):
        proposal = proposals[participant_id]
        page.goto(f"{base}/it/candidates/{proposal.pk}/")
        # The company sees the candidate under the proposal's pseudonym, never the name.
        assert page.get_by_text(proposal.reference).first.is_visible()
        assert page.get_by_text(first_name).count() == 0
        answer = page.locator(f"main form[action$='/candidates/{proposal.pk}/decide/']")
        answer.locator(f"input[name=decision][value={decision}]").check()
        if reason:
            answer.locator("[name=reason]").fill(reason)
        with page.expect_navigation():
            answer.locator("button[type=submit]").click()
        proposal.refresh_from_db()
        assert proposal.decision == decision
    assert not _serious_violations(page), _serious_violations(page)
    company.close()

    # The case worker records that the person accepts too, and starts the placement.
    office = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = office.new_page()
    _sign_in(page, base, CASEWORKER, "it")
    accepted = proposals[first_id]
    page.goto(f"{base}/it/candidates/{accepted.pk}/")
    with page.expect_navigation():
        page.locator(f"main a[href$='/proposals/{accepted.pk}/answer/']").first.click()
    answer = page.locator(f"main form[action$='/proposals/{accepted.pk}/answer/']")
    answer.locator(f"input[name=decision][value={Decision.ACCEPTED}]").check()
    with page.expect_navigation():
        answer.locator("button[type=submit].btn-primary").click()
    accepted.refresh_from_db()
    assert accepted.accepted_by_both
    page.goto(f"{base}/it/candidates/{accepted.pk}/")
    with page.expect_navigation():
        page.locator(f"main a[href$='/proposals/{accepted.pk}/start/']").first.click()
    start = page.locator("main form[method=post]")
    assert start.locator("[name=company_tutor]").input_value() == "Giulia Brambilla"
    start.locator("[name=starts_on]").fill(timezone.localdate().isoformat())
    with page.expect_navigation(url="**/it/placements/*/"):
        start.locator("button[type=submit].btn-primary").click()
    placement = Placement.objects.get(proposal=accepted)
    assert placement.programme_tutor.email == CASEWORKER
    first_check = FollowUp.objects.get(placement=placement, months=1)
    assert not _serious_violations(page), _serious_violations(page)

    # The 1-month follow-up is on his list.
    page.goto(f"{base}/it/follow-ups/")
    row = page.locator("tr", has_text=first_name)
    row.wait_for()
    assert row.locator(f"a[href$='/follow-ups/{first_check.pk}/']").count() == 1
    assert not _serious_violations(page), _serious_violations(page)
    office.close()
