"""A migrant applies in Greek on a phone, in Debian's Chromium, with no serious axe finding."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mile.conftest import World
from mile.core.tests.test_browser import _serious_violations, browser  # noqa: F401
from mile.participants.models import Participant, Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 740}


def _check(page) -> None:
    assert not _serious_violations(page), _serious_violations(page)
    # The page fits the phone: nothing forces a sideways scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_it_takes_a_migrant_through_the_application_in_greek_on_a_phone(
    live_server,
    browser,  # noqa: F811
    world: World,
) -> None:
    world.programme.ends_on = timezone.localdate() + dt.timedelta(days=365)
    world.programme.save()
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    base = f"{live_server.url}/el/apply/{world.programme.slug}"

    page.goto(f"{base}/")
    assert page.locator("html").get_attribute("lang") == "el"
    _check(page)
    page.locator(f"a[href$='/{world.site.pk}/about/']").click()
    page.wait_for_url(f"**/{world.site.pk}/about/")
    _check(page)

    # Step 1: a mistake first; the page says so and keeps what was typed.
    page.locator("[name=given_names]").fill("Σαμίρα")
    page.locator("[name=family_name]").fill("Παράδειγμα")
    page.locator("[name=birth_date]").fill("1991-03-04")
    page.locator("[name=gender][value=female]").check()
    # The answer comes back on the same address: wait for that page, not the one before it.
    with page.expect_navigation():
        page.locator("button[name=next]").click()
    assert page.locator(".invalid-feedback").count() >= 1
    assert page.locator("[name=given_names]").input_value() == "Σαμίρα"
    _check(page)
    page.locator("[name=phone]").fill("+30 210 000 0000")
    page.locator("button[name=next]").click()
    page.wait_for_url("**/situation/")
    _check(page)

    # Step 2: the situation; then back to step 1 and forward again keeps the answers.
    page.locator("[name=nationality]").select_option("SY")
    page.locator("[name=residence_status]").select_option("refugee")
    page.locator("[name=work_authorisation][value=yes]").check()
    page.locator("button[name=back]").click()
    page.wait_for_url("**/about/")
    assert page.locator("[name=family_name]").input_value() == "Παράδειγμα"
    page.locator("button[name=next]").click()
    page.wait_for_url("**/situation/")
    assert page.locator("[name=nationality]").input_value() == "SY"
    page.locator("button[name=next]").click()
    page.wait_for_url("**/languages/")
    _check(page)

    # Step 3: languages, with plain descriptions of the levels.
    page.locator("[name=mother_tongue]").select_option("ar")
    page.locator("[name=language_1]").select_option("el")
    page.locator("[name=level_1]").select_option("A2")
    page.locator("button[name=next]").click()
    page.wait_for_url("**/consent/")
    _check(page)

    # Step 4: a yes or no for each purpose.
    for purpose, answer in [
        ("participation", "yes"),
        ("employers", "yes"),
        ("newsletter", "no"),
        ("stories", "no"),
    ]:
        page.locator(f"[name={purpose}][value={answer}]").check()
    page.locator("button[name=next]").click()
    page.wait_for_url("**/review/")
    assert page.get_by_text("Σαμίρα").is_visible()
    _check(page)

    # Step 5: send.
    page.locator("button[name=next]").click()
    page.wait_for_url("**/done/")
    _check(page)
    context.close()

    person = Participant.objects.get()
    assert (person.given_names, person.source) == ("Σαμίρα", Source.ONLINE)
    assert person.consents.filter(language="el").count() == 4
