"""Journeys in a real Chromium (Debian's), driven by Playwright, checked by axe-core."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from mile.core.tests.factories import totp_code
from mile.demo.data import DEMO_PASSWORD, demo_totp_secret
from mile.demo.loader import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR).parent.parent / "node_modules" / "axe-core" / "axe.min.js"
COORDINATOR = "coordinator@demo.mile.example"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: `make test` installs it (apt-get install chromium)."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/en/account/login/")
    page.get_by_label("Email").fill(COORDINATOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(demo_totp_secret(COORDINATOR)))
    with page.expect_navigation(url=f"{base}/en/"):
        page.get_by_role("button", name="Sign In", exact=True).click()
    # The deferred scripts (Bootstrap's menu) run before "load": wait for it.
    page.wait_for_load_state("load")


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 360, "height": 740}]
)
def test_it_takes_a_coordinator_through_sign_in_with_mfa_to_an_italian_dashboard(
    live_server, browser, viewport: dict[str, int]
) -> None:
    load_demo()
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    base = live_server.url

    page.goto(f"{base}/en/account/login/")
    assert not _serious_violations(page), _serious_violations(page)

    _sign_in(page, base)
    assert page.get_by_role("heading", name="MILE").is_visible()

    if viewport["width"] < 992:
        # On a phone the menu folds away; the switcher is inside it.
        page.get_by_role("button", name="Show or hide the menu").click()
        # Only once the menu has finished unfolding do its controls stay where they are.
        page.locator("#mainnav.collapse.show").wait_for()
    page.get_by_label("Language").select_option("it")
    with page.expect_navigation(url=f"{base}/it/"):
        page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "it"
    with translation.override("it"):
        welcome = gettext("Welcome, %(name)s") % {"name": "Clara"}
        sites = gettext("sites")
    assert page.get_by_role("heading", level=1).inner_text() == welcome
    assert page.get_by_text(sites, exact=True).first.is_visible()
    assert sites != "sites"
    assert not _serious_violations(page), _serious_violations(page)
    # The page fits the viewport: nothing forces a sideways scroll on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_it_finds_an_occupation_as_a_person_types_despite_a_mistake(
    live_server, browser, tmp_path
) -> None:
    from django.core.management import call_command

    from mile.esco.tests.esco_files import write_folder

    call_command(
        "esco_import", str(write_folder(tmp_path / "esco", languages=("en", "it"))), verbosity=0
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/it/esco/")
    page.locator("#id_q").fill("capocuco")  # typed with a mistake
    # htmx brings the results without a page load.
    page.get_by_role("link", name="cuoco/cuoca").wait_for()
    assert "q=capocuco" in page.url  # the search is in the address, to share or reload
    page.get_by_role("link", name="cuoco/cuoca").click()
    page.wait_for_url("**/it/esco/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "cuoco/cuoca"
    assert not _serious_violations(page), _serious_violations(page)
    context.close()
