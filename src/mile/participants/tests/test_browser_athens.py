"""A case worker in Athens takes an application to a plan and a training; the migrant sees it.

One journey in Debian's Chromium, in Greek: the case worker signs in with their second factor,
finds the application, confirms eligibility, adds an ESCO skill through the type-ahead, starts
the plan from the track, records a training and sends the person a link; the person chooses a
password on a phone and finds their plan and the training, in Greek.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from mile.core.tests.factories import totp_code
from mile.core.tests.test_browser import _serious_violations, browser  # noqa: F401
from mile.demo.data import DEMO_PASSWORD, demo_totp_secret
from mile.participants.models import Participant, ServiceType, Source, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CASEWORKER = "caseworker.athens@demo.mile.example"
PHONE = {"width": 360, "height": 740}


def _greek(text: str) -> str:
    with translation.override("el"):
        translated = gettext(text)
    assert translated != text, f"not translated into Greek: {text!r}"
    return translated


def _applicant() -> Participant:
    from mile.programmes.models import Programme, Track

    programme = Programme.objects.get(slug="mile")
    site = programme.sites.get(city="Athens")
    return Participant.objects.create(  # type: ignore[misc]
        programme=programme,
        site=site,
        organisation=site.lead_partner,
        track=Track.objects.filter(programme=programme).exclude(planned_services=[]).first(),
        given_names="Rahel",
        family_name="Journeytest",
        birth_date=dt.date(1993, 6, 1),
        gender="female",
        nationalities=["ER"],
        residence_status="refugee",
        work_authorisation="yes",
        email="rahel.journey@example.org",
        source=Source.ONLINE,
    )


def test_it_takes_an_athens_application_to_a_plan_the_migrant_sees_in_greek(
    live_server,
    browser,  # noqa: F811
    esco,
) -> None:
    from mile.demo.loader import load_demo

    load_demo()
    person = _applicant()
    base = live_server.url
    staff = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = staff.new_page()

    # Sign in with the second factor; the case worker works in Greek.
    page.goto(f"{base}/el/account/login/")
    page.locator("[name=login]").fill(CASEWORKER)
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button.btn-primary[type=submit]").click()
    page.locator("[name=code]").fill(totp_code(demo_totp_secret(CASEWORKER)))
    with page.expect_navigation():
        page.locator("main form button.btn-primary[type=submit]").click()

    # Find the application in the list.
    page.goto(f"{base}/el/participants/?q=Journeytest")
    page.locator("tr", has_text="Journeytest").get_by_role("link").first.click()
    page.wait_for_url(f"**/el/participants/{person.pk}/")
    assert page.locator("html").get_attribute("lang") == "el"

    # Confirm eligibility: the checks pass for an adult refugee from Eritrea.
    page.locator("form[action$='/status/'] [name=status]").select_option(Status.ELIGIBLE)
    with page.expect_navigation():
        page.locator("form[action$='/status/'] button[type=submit]").click()
    person.refresh_from_db()
    assert person.status == Status.ELIGIBLE

    # Build the profile: an ESCO skill found by typing, as evidence "observed".
    skill_form = page.locator(f"form[action$='/{person.pk}/skills/']")
    page.locator("summary", has_text=_greek("Add a skill")).click()
    skill_form.locator("input[type=search]").fill("cook")
    skill_form.locator("select[name=skill] option").first.wait_for(state="attached")
    skill_form.locator("select[name=skill]").select_option(index=0)
    skill_form.locator("[name=evidence]").select_option("observed")
    with page.expect_navigation():
        skill_form.locator("button[type=submit]").click()
    assert person.skills.filter(evidence="observed").count() == 1

    # Plan the services of the track, then record a training.
    page.goto(f"{base}/el/participants/{person.pk}/pathway/")
    with page.expect_navigation():
        page.locator("form[action$='/plan/from-track/'] button[type=submit]").click()
    assert person.plan.services.count() >= 3
    assert not _serious_violations(page), _serious_violations(page)
    page.locator("summary", has_text=_greek("Record a service")).click()
    record = page.locator(f"form[action$='/{person.pk}/services/']")
    record.locator("[name=service_type]").select_option(ServiceType.TECHNICAL_TRAINING)
    record.locator("[name=title]").fill("HACCP kitchen hygiene")
    record.locator("[name=started_on]").fill("2026-11-02")
    record.locator("[name=hours]").fill("8")
    with page.expect_navigation():
        record.locator("button[type=submit]").click()
    assert person.services.get().title == "HACCP kitchen hygiene"

    # Send the person a link to their own page, in Greek.
    page.goto(f"{base}/el/participants/{person.pk}/")
    page.locator("#account-language").select_option("el")
    with page.expect_navigation():
        page.locator("form[action$='/account/'] button[type=submit]").click()
    link = re.search(r"http://\S+/me/welcome/\S+/", mail.outbox[-1].body)
    assert link
    staff.close()

    # The migrant, on a phone, chooses a password and sees the plan in Greek.
    phone = browser.new_context(viewport=PHONE, bypass_csp=True)
    own = phone.new_page()
    own.goto(link.group(0).replace("http://127.0.0.1:8000", base))
    own.locator("[name=password1]").fill("Kalimera-Athina-2026")
    own.locator("[name=password2]").fill("Kalimera-Athina-2026")
    with own.expect_navigation(url="**/el/me/"):
        own.locator("main form button.btn-primary[type=submit]").click()
    assert own.get_by_role("heading", name=_greek("My plan")).is_visible()
    with translation.override("el"):
        training = str(ServiceType.TECHNICAL_TRAINING.label)
    assert own.get_by_text(training).first.is_visible()
    assert own.get_by_text("HACCP kitchen hygiene").is_visible()
    assert not _serious_violations(own), _serious_violations(own)
    assert own.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()
