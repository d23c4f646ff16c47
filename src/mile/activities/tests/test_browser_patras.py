"""A trainer in Patras takes the roll-call on a phone; pathways and a Greek certificate follow.

One journey in Debian's Chromium, in Greek, on a 360 px phone: the trainer signs in with their
second factor, opens today's session of their course and ticks who is there. The attendees'
pathways show the course with the hours attended; a participant who has now attended four of
five sessions (80 %) completes the course and downloads her certificate of attendance in Greek
from her own page.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from mile.activities import services
from mile.activities.models import Course, CourseStatus, EnrolmentStatus
from mile.activities.tests.factories import sessions_of
from mile.core.tests.factories import totp_code
from mile.core.tests.test_browser import _serious_violations, browser  # noqa: F401
from mile.demo.data import DEMO_PASSWORD, demo_totp_secret
from mile.participants.models import ServiceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TRAINER = "trainer.patras@demo.mile.example"
PHONE = {"width": 360, "height": 740}
PASSWORD = "Kalimera-Patra-2026"


def _greek(text: str) -> str:
    with translation.override("el"):
        translated = gettext(text)
    assert translated != text, f"not translated into Greek: {text!r}"
    return translated


def _course_with_history():
    """A Patras course of five sessions, four past (three attended by Amal), one now."""
    from mile.accounts.models import User
    from mile.participants.tests.factories import participant_in
    from mile.programmes.models import Site

    site = Site.objects.get(programme__slug="mile", city="Patras")
    trainer = User.objects.get(email=TRAINER)
    course = Course.objects.create(
        programme=site.programme,
        site=site,
        title="Ελληνικά για την κουζίνα",
        audience="migrants",
        topics=["language"],
        language="el",
        level="A2",
        capacity=12,
        trainer=trainer,
        status=CourseStatus.PUBLISHED,
    )
    now = timezone.now().replace(second=0, microsecond=0)
    first = now - dt.timedelta(days=28, minutes=30)
    sessions = sessions_of(course, 5, first=first)
    amal = participant_in(site, given_names="Amal", family_name="Patrasjourney")
    amal_account = User.objects.create_user(
        "amal.journey@example.org", PASSWORD, full_name="Amal Patrasjourney", language="el"
    )
    amal.user = amal_account
    amal.save(update_fields=["user"])
    yusuf = participant_in(site, given_names="Yusuf", family_name="Patrasjourney")
    amal_in = services.enrolment_add(by=trainer, course=course, fields={"participant": amal})
    yusuf_in = services.enrolment_add(by=trainer, course=course, fields={"participant": yusuf})
    for n, session in enumerate(sessions[:4]):
        present = {yusuf_in.pk} | ({amal_in.pk} if n != 1 else set())
        services.attendance_record(by=trainer, session=session, present=present)
    return course, sessions[4], amal, yusuf


def test_it_takes_a_patras_roll_call_on_a_phone_to_a_greek_certificate(
    live_server,
    browser,  # noqa: F811
    esco,
) -> None:
    from mile.demo.loader import load_demo

    load_demo()
    course, today, amal, yusuf = _course_with_history()
    base = live_server.url
    phone = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = phone.new_page()

    # The trainer signs in with the second factor, in Greek.
    page.goto(f"{base}/el/account/login/")
    page.locator("[name=login]").fill(TRAINER)
    page.locator("[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button.btn-primary[type=submit]").click()
    page.locator("[name=code]").fill(totp_code(demo_totp_secret(TRAINER)))
    with page.expect_navigation():
        page.locator("main form button.btn-primary[type=submit]").click()

    # Today's session from the course page: everyone enrolled, ticked by hand.
    page.goto(f"{base}/el/courses/{course.pk}/")
    with page.expect_navigation(url=f"**/el/sessions/{today.pk}/roll-call/"):
        page.locator(f"a[href$='/sessions/{today.pk}/roll-call/']").first.click()
    assert page.locator("html").get_attribute("lang") == "el"
    page.get_by_text("Amal Patrasjourney").click()
    page.get_by_text("Yusuf Patrasjourney").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not _serious_violations(page), _serious_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name=_greek("Save the roll-call")).click()
    assert page.locator(".messages .alert-success").first.is_visible()

    # Amal has attended four of five sessions: 80 %, the course is completed.
    enrolment = course.enrolments.get(participant=amal)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.completed_at is not None
    assert course.enrolments.get(participant=yusuf).completed_at is not None

    # The pathways show the course, with the hours attended.
    page.goto(f"{base}/el/participants/{amal.pk}/pathway/")
    assert page.get_by_text("Ελληνικά για την κουζίνα").first.is_visible()
    record = ServiceRecord.objects.get(participant=amal)
    assert record.outcome == ServiceRecord.Outcome.COMPLETED
    assert record.hours == 12
    phone.close()

    # Amal signs in on her phone and downloads her certificate, in Greek.
    own = browser.new_context(viewport=PHONE, bypass_csp=True)
    mine = own.new_page()
    mine.goto(f"{base}/el/account/login/")
    mine.locator("[name=login]").fill("amal.journey@example.org")
    mine.locator("[name=password]").fill(PASSWORD)
    with mine.expect_navigation(url="**/el/me/"):
        mine.locator("main form button.btn-primary[type=submit]").click()
    link = mine.get_by_role("link", name=_greek("My certificate of attendance (PDF)"))
    assert link.is_visible()
    assert not _serious_violations(mine), _serious_violations(mine)
    response = mine.request.get(base + str(link.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert _greek("Certificate of attendance") in text
    assert "Amal Patrasjourney" in text
    assert enrolment.certificate_number in text
    own.close()
