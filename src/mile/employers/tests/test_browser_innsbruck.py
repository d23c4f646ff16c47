"""An employer in Innsbruck records needs and publishes a placement; the coordinator sees it.

One journey in Debian's Chromium, in German: the company's contact signs in with their second
factor and lands on the company's page, records what the company needs and what holds it back,
writes a placement offer from an ESCO occupation, keeps the skills proposed from it, asks for
German at B1 and publishes; the programme's coordinator then finds the offer in the list of the
Innsbruck site.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from mile.core.tests.factories import totp_code
from mile.core.tests.test_browser import _serious_violations, browser  # noqa: F401
from mile.demo.data import DEMO_PASSWORD, demo_totp_secret
from mile.employers.models import Employer, Obstacle, Offer, OfferStatus, Support
from mile.esco.tests.esco_files import OCC, SKILL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CONTACT = "employer.innsbruck@demo.mile.example"
COORDINATOR = "coordinator@demo.mile.example"
TITLE = "Küchenhilfe – Praktikum Wintersaison"


def _german(text: str) -> str:
    with translation.override("de"):
        translated = gettext(text)
    assert translated != text, f"not translated into German: {text!r}"
    return translated


def _sign_in(page, base: str, email: str, language: str) -> None:
    page.goto(f"{base}/{language}/account/login/")
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button.btn-primary[type=submit]").click()
    page.locator("[name=code]").fill(totp_code(demo_totp_secret(email)))
    with page.expect_navigation():
        page.locator("main form button.btn-primary[type=submit]").click()
    page.wait_for_load_state("load")


def _pick_concept(page, form, name: str, typed: str) -> None:
    """Type into an ESCO picker and take the first match htmx brings."""
    form.locator(f"input[name={name}_search]").fill(typed)
    pick = form.locator(f"select[name={name}_pick], select[name={name}]").first
    pick.locator("option").first.wait_for(state="attached")
    pick.select_option(index=0)


def test_it_takes_an_innsbruck_employer_from_needs_to_a_published_placement(
    live_server,
    browser,  # noqa: F811
    esco,
) -> None:
    from mile.demo.loader import load_demo

    load_demo()
    company = _contact_company()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()

    # Sign in with the second factor: the contact lands on the company's page, in German.
    _sign_in(page, base, CONTACT, "de")
    page.wait_for_url(f"**/de/employers/{company.pk}/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert not _serious_violations(page), _serious_violations(page)

    # Record the needs: a chef is hard to find; language and recognition hold hiring back.
    page.locator(f"a[href$='/employers/{company.pk}/needs/new/']").first.click()
    page.wait_for_url(f"**/de/employers/{company.pk}/needs/new/")
    needs = page.locator("main form[method=post]")
    _pick_concept(page, needs, "occupations", "chef")
    needs.locator(f"input[name=obstacles][value={Obstacle.LANGUAGE}]").check()
    needs.locator(f"input[name=obstacles][value={Obstacle.RECOGNITION}]").check()
    needs.locator(f"input[name=support][value={Support.LANGUAGE_TRAINING}]").check()
    needs.locator("[name=planned_hires]").fill("3")
    with page.expect_navigation(url=re.compile(rf"/de/employers/{company.pk}/(#\w+)?$")):
        needs.locator("button[type=submit].btn-primary").click()
    assessment = company.needs_assessments.order_by("-pk").first()
    assert assessment is not None
    assert assessment.obstacles == [Obstacle.LANGUAGE, Obstacle.RECOGNITION]
    assert list(assessment.occupations.values_list("uri", flat=True)) == [OCC + "chef"]

    # A placement offer from an ESCO occupation, saved as a draft.
    page.locator(f"a[href$='/employers/{company.pk}/offers/new/']").first.click()
    offer_form = page.locator("main form[method=post]")
    offer_form.locator("[name=title]").fill(TITLE)
    _pick_concept(page, offer_form, "occupation", "chef")
    start = timezone.localdate() + dt.timedelta(days=40)
    offer_form.locator("[name=starts_on]").fill(start.isoformat())
    offer_form.locator("[name=ends_on]").fill((start + dt.timedelta(days=120)).isoformat())
    offer_form.locator("[name=places]").fill("2")
    offer_form.locator("[name=hours_per_week]").fill("30")
    offer_form.locator("[name=tutor_name]").fill("Maria Beispielwirtin")
    with page.expect_navigation(url="**/de/offers/*/skills/"):
        offer_form.locator("button[type=submit].btn-primary").click()
    offer = Offer.objects.get(title=TITLE)
    assert offer.status == OfferStatus.DRAFT

    # The chef's ESCO skills are proposed, ticked: keep them.
    proposed = page.locator("form:has(input[name=action][value=accept])")
    assert proposed.locator(f"input[name=accept][value='{SKILL}cook']").is_checked()
    with page.expect_navigation(url=f"**/de/offers/{offer.pk}/"):
        proposed.get_by_role("button", name=_german("Keep the ticked skills")).click()
    assert list(offer.skills.values_list("skill__uri", "essential")) == [(SKILL + "cook", True)]

    # German at B1 at least.
    page.get_by_role("link", name=_german("Set the language requirements")).click()
    page.locator("[name=languages-0-language]").select_option("de")
    page.locator("[name=languages-0-min_level]").select_option("B1")
    with page.expect_navigation(url=f"**/de/offers/{offer.pk}/"):
        page.locator("main form button[type=submit].btn-primary").click()
    assert list(offer.languages.values_list("language", "min_level")) == [("de", "B1")]

    # Publish.
    with page.expect_navigation(url=f"**/de/offers/{offer.pk}/"):
        page.get_by_role("button", name=_german("Publish")).click()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    assert page.get_by_text(_german("Open"), exact=True).first.is_visible()
    assert not _serious_violations(page), _serious_violations(page)
    context.close()

    # The coordinator finds it among the open offers of the Innsbruck site.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    desk = staff.new_page()
    _sign_in(desk, base, COORDINATOR, "en")
    desk.goto(f"{base}/en/offers/")
    filters = desk.locator("main form[role=search]")
    filters.locator("[name=site]").select_option(str(offer.site_id))
    filters.locator("[name=status]").select_option(OfferStatus.OPEN)
    filters.get_by_role("button", name="Filter").click()
    row = desk.locator("tr", has_text=TITLE)
    row.wait_for()
    assert row.get_by_text(company.organisation.name).is_visible()
    assert not _serious_violations(desk), _serious_violations(desk)
    staff.close()


def _contact_company() -> Employer:
    """The demo contact's company, as the demo sets it up."""
    from mile.accounts.models import Membership

    membership = Membership.objects.get(user__email=CONTACT, programme__slug="mile")
    return Employer.objects.get(
        programme_id=membership.programme_id, organisation_id=membership.organisation_id
    )
