"""Roll-call, completion, certificates of attendance, the survey and the participant's courses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from mile.activities import pdf, services
from mile.activities.models import Attendance, Course, Enrolment, EnrolmentStatus, SurveyResponse
from mile.activities.tests.factories import course_in, enrol, sessions_of
from mile.activities.views.attendance import (
    course_attendance_section,
    survey_token,
    survey_url,
)
from mile.conftest import World, client_for
from mile.core.tests.factories import UserFactory
from mile.esco.tests.esco_files import SKILL
from mile.participants.models import (
    Participant,
    ParticipantSkill,
    ServiceRecord,
    SkillValidation,
    ValidationPhase,
)
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept, Label, fold

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _past(days: int) -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days)


def _rollcall(session_pk: int) -> str:
    return reverse("activities:session_rollcall", kwargs={"pk": session_pk})


def _certificate(enrolment: Enrolment) -> str:
    return reverse("activities:enrolment_certificate", kwargs={"pk": enrolment.pk})


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _own_client(person: Participant, language: str = "en") -> Client:
    """The participant signed in to their own account."""
    user: Any = UserFactory(email=f"{person.pk}@self.example", language=language)
    person.user = user
    person.save(update_fields=["user"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def course(world: World) -> Course:
    return course_in(world.site, title="Kitchen hygiene (HACCP)")


# --- Roll-call ---------------------------------------------------------------------------------


def test_it_lets_the_trainer_take_the_roll_call_and_says_how_many_came(world: World) -> None:
    trainer = world.users["other_partner_user"]  # staff of another site, but the trainer
    course = course_in(world.site, trainer=trainer)
    session = sessions_of(course, 3, first=_past(1))[0]
    amina = enrol(course, participant=participant_in(world.site, given_names="Amina"))
    bilal = enrol(course, full_name="Bilal Outside", email="bilal@example.org")
    carla = enrol(course, full_name="Carla Outside", email="carla@example.org")
    waiting = enrol(course, full_name="Dora Waiting", status=EnrolmentStatus.WAITING)
    client = client_for(world, "other_partner_user")

    page = client.get(_rollcall(session.pk))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("Amina", "Bilal Outside", "Carla Outside"):
        assert name in html
    # Only those enrolled are called: not the waiting list.
    assert "Dora Waiting" not in html
    assert 'name="viewport"' in html

    response = client.post(_rollcall(session.pk), {"present": [amina.pk, bilal.pk]}, follow=True)
    assert response.status_code == 200
    assert "Attendance saved: 2 of 3 present." in _messages(response)
    present = dict(Attendance.objects.filter(session=session).values_list("enrolment", "present"))
    assert present == {amina.pk: True, bilal.pk: True, carla.pk: False}
    assert waiting.pk not in present
    # Opening the roll-call again shows it ticked as saved.
    html = response.content.decode()
    assert html.count(" checked>") == 2


def test_it_lets_the_coordinator_take_the_roll_call_with_everyone_present(world: World) -> None:
    course = course_in(world.site)
    session = sessions_of(course, 2, first=_past(1))[0]
    people = [enrol(course, full_name=f"Person {n}", email=f"p{n}@example.org") for n in range(3)]
    response = client_for(world, "coordinator").post(
        _rollcall(session.pk), {"everyone": "1"}, follow=True
    )
    assert "Attendance saved: 3 of 3 present." in _messages(response)
    assert Attendance.objects.filter(session=session, present=True).count() == len(people)


def test_it_keeps_other_sites_and_programmes_out_of_the_roll_call(world: World) -> None:
    course = course_in(world.site)
    session = sessions_of(course, 1, first=_past(1))[0]
    person = enrol(course, full_name="Erin Outside", email="erin@example.org")
    # Another site's staff read the course but do not run it.
    other_site = client_for(world, "other_partner_user")
    assert other_site.get(_rollcall(session.pk)).status_code == 403
    assert other_site.post(_rollcall(session.pk), {"present": [person.pk]}).status_code == 403
    assert client_for(world, "other_programme_user").get(_rollcall(session.pk)).status_code == 404
    assert not Attendance.objects.exists()


def test_it_refuses_to_mark_someone_not_enrolled_and_saves_nothing(
    world: World, course: Course
) -> None:
    session = sessions_of(course, 1, first=_past(1))[0]
    enrolled = enrol(course, full_name="Fatima Outside", email="fatima@example.org")
    waiting = enrol(course, full_name="Gil Waiting", status=EnrolmentStatus.WAITING)
    stranger = enrol(course_in(world.site), full_name="Hana Elsewhere")
    client = client_for(world, "caseworker")
    for intruder in (waiting, stranger):
        response = client.post(_rollcall(session.pk), {"present": [enrolled.pk, intruder.pk]})
        assert response.status_code == 400
        assert "Only people enrolled in the course can be marked present." in (
            response.content.decode()
        )
    assert not Attendance.objects.exists()


def test_it_refuses_the_roll_call_of_a_session_days_ahead(world: World, course: Course) -> None:
    session = sessions_of(course, 1, first=timezone.now() + dt.timedelta(days=3))[0]
    person = enrol(course, full_name="Ivo Outside", email="ivo@example.org")
    response = client_for(world, "caseworker").post(_rollcall(session.pk), {"present": [person.pk]})
    assert response.status_code == 400
    assert "Attendance is taken on the day of the session, not before." in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()


def test_it_completes_the_course_and_updates_the_pathway_and_profile(
    world: World, esco: Path
) -> None:
    skill = Concept.objects.get(uri=SKILL + "cook")
    course = course_in(world.site, completion_attendance=80)
    course.skills.add(skill)
    sessions = sessions_of(course, 4, first=_past(22))
    person = participant_in(world.site, given_names="Jamal", family_name="Example")
    # Enrolled by staff: the course enters the person's pathway as a service, ongoing.
    jamal = services.enrolment_add(
        by=world.users["caseworker"], course=course, fields={"participant": person}
    )
    other = enrol(course, full_name="Kim Outside", email="kim@example.org")
    client = client_for(world, "caseworker")

    record = ServiceRecord.objects.get(participant=person)
    assert record.outcome == ServiceRecord.Outcome.ONGOING
    for number, session in enumerate(sessions, start=1):
        response = client.post(
            _rollcall(session.pk), {"present": [jamal.pk] + ([other.pk] if number == 1 else [])}
        )
        assert response.status_code == 302
        jamal.refresh_from_db()
        record.refresh_from_db()
        if number < 4:
            # Three of four sessions are 75 %: not yet the 80 % the course asks.
            assert jamal.completed_at is None
            assert record.outcome == ServiceRecord.Outcome.ONGOING
    assert jamal.completed_at is not None
    final = client.get(response.url)
    assert "Jamal Example completed the course." in _messages(final)
    assert record.outcome == ServiceRecord.Outcome.COMPLETED
    assert record.hours == 12
    mine = ParticipantSkill.objects.get(participant=person, skill=skill)
    assert mine.origin == ParticipantSkill.Origin.COURSE
    validation = SkillValidation.objects.get(participant=person, skill=skill)
    assert validation.phase == ValidationPhase.IDENTIFY
    other.refresh_from_db()
    assert other.completed_at is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_renders_the_roll_call_in_every_language(
    world: World, course: Course, language: str
) -> None:
    session = sessions_of(course, 1, first=_past(1))[0]
    enrol(course, full_name="Lena Outside", email="lena@example.org")
    with translation.override(language):
        url = _rollcall(session.pk)
    response = client_for(world, "caseworker").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    with translation.override(language):
        assert gettext("Save the roll-call") in html


# --- The course page's section -----------------------------------------------------------------


def _section(user: Any, course: Course) -> dict[str, Any]:
    request = RequestFactory().get("/")
    request.user = user
    return course_attendance_section(request, course)


def test_it_shows_those_who_run_the_course_attendance_completion_and_the_survey(
    world: World, course: Course, django_assert_max_num_queries: Any
) -> None:
    sessions = sessions_of(course, 2, first=_past(8))
    done = enrol(course, full_name="Mona Outside", email="mona@example.org")
    half = enrol(course, participant=participant_in(world.site, given_names="Nour"))
    for n in range(6):
        enrol(course, full_name=f"Extra {n}", email=f"extra{n}@example.org")
    caseworker = world.users["caseworker"]
    services.attendance_record(by=caseworker, session=sessions[0], present={done.pk, half.pk})
    services.attendance_record(by=caseworker, session=sessions[1], present={done.pk})
    SurveyResponse.objects.create(
        enrolment=done, overall=5, usefulness=4, trainer=3, comments="Great"
    )
    with django_assert_max_num_queries(8):
        context = _section(caseworker, course)
        html = render_to_string("activities/_course_attendance.html", context)
    section = context["attendance_section"]
    shares = {row.enrolment.pk: row.share for row in section["rows"]}
    assert shares[done.pk] == 100
    assert shares[half.pk] == 50
    assert _certificate(done) in html
    assert _certificate(half) not in html
    assert _rollcall(sessions[0].pk) in html
    assert _rollcall(sessions[1].pk) in html
    assert "Great" in html
    assert "5.0" in html
    # Every attendee's own survey link, to send them.
    assert half.pk in _surveyed(html)


def test_it_hides_the_attendance_section_from_those_who_only_read_the_course(
    world: World, course: Course
) -> None:
    enrol(course, full_name="Olga Outside", email="olga@example.org")
    for persona in ("other_partner_user", "evaluator", "employer_contact"):
        context = _section(world.users[persona], course)
        assert context == {"attendance_section": None}
        assert "Olga" not in render_to_string("activities/_course_attendance.html", context)
    assert _section(AnonymousUser(), course) == {"attendance_section": None}


def test_it_shows_the_section_on_the_course_page_only_to_those_who_run_it(
    world: World, course: Course
) -> None:
    session = sessions_of(course, 1, first=_past(1))[0]
    enrol(course, full_name="Pavla Outside", email="pavla@example.org")
    url = reverse("activities:course_detail", kwargs={"pk": course.pk})
    page = client_for(world, "caseworker").get(url).content.decode()
    assert _rollcall(session.pk) in page
    assert "Satisfaction survey" in page
    page = client_for(world, "other_partner_user").get(url).content.decode()
    assert _rollcall(session.pk) not in page
    assert "Pavla" not in page


# --- Certificates ------------------------------------------------------------------------------


def _completed(world: World, course: Course, **fields: Any) -> Enrolment:
    sessions = sessions_of(course, 2, first=_past(8))
    enrolment = enrol(course, **fields)
    for session in sessions:
        services.attendance_record(
            by=world.users["coordinator"], session=session, present={enrolment.pk}
        )
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    return enrolment


def test_it_gives_a_participant_their_certificate_in_their_own_language(
    world: World, esco: Path
) -> None:
    skill = Concept.objects.get(uri=SKILL + "cook")
    Label.objects.create(
        concept=skill, language="el", kind="p", text="προετοιμασία γευμάτων", folded=fold("x")
    )
    course = course_in(world.site, title="Υγιεινή κουζίνας", trainer_name="Maria Trainer")
    course.skills.add(skill)
    person = participant_in(world.site, given_names="Rahel", family_name="Paradeigma")
    enrolment = _completed(world, course, participant=person, language="en")
    client = _own_client(person, language="el")

    response = client.get(_certificate(enrolment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    with translation.override("el"):
        assert gettext("Certificate of attendance") in text
    assert "Rahel Paradeigma" in text
    assert "Υγιεινή κουζίνας" in text
    assert "προετοιμασία γευμάτων" in text
    assert "Maria Trainer" in text
    assert "Ponte Test" in text  # the site's lead partner organised it
    assert enrolment.certificate_number in text
    # Those who run the course may print it too; the same number every time.
    again = client_for(world, "caseworker").get(_certificate(enrolment))
    assert enrolment.certificate_number in _text(again.content)


def test_it_gives_no_certificate_before_completion_nor_to_others(
    world: World, course: Course
) -> None:
    person = participant_in(world.site)
    ongoing = enrol(course, participant=person)
    own = _own_client(person)
    assert own.get(_certificate(ongoing)).status_code == 404
    done = _completed(world, course_in(world.site), full_name="Pia Outside", email="p@ex.org")
    # Someone else's certificate: their own account and other sites' staff know nothing of it.
    assert own.get(_certificate(done)).status_code == 404
    assert client_for(world, "other_partner_user").get(_certificate(done)).status_code == 404
    assert client_for(world, "coordinator").get(_certificate(done)).status_code == 200


def test_it_makes_the_certificate_in_every_language(world: World, course: Course) -> None:
    enrolment = _completed(world, course, full_name="Quentin Outside", email="q@example.org")
    for language in LANGUAGES:
        text = _text(pdf.certificate_pdf(enrolment, language=language))
        with translation.override(language):
            assert gettext("Certificate of attendance") in text, language
        assert "Quentin Outside" in text


def test_it_uses_the_enrolments_language_for_someone_without_an_account(
    world: World, course: Course
) -> None:
    enrolment = enrol(course, full_name="Rosa Outside", language="bg")
    assert pdf.attendee_language(enrolment) == "bg"
    # The survey link opens in their language too.
    assert survey_url(enrolment).startswith("/bg/")


# --- Survey ------------------------------------------------------------------------------------


def _surveyed(html: str) -> set[int]:
    """The enrolments whose survey link the page shows. A token carries the second it was
    signed, so the page's and one signed here may differ: the links are read back instead."""
    import re

    from django.core import signing

    return {
        signing.loads(token, salt="activities.survey")
        for token in re.findall(r"/survey/([\w:-]+)/", html)
    }


def _survey(enrolment: Enrolment) -> str:
    return reverse("activities:enrolment_survey", kwargs={"token": survey_token(enrolment)})


ANSWERS = {"overall": "5", "usefulness": "4", "trainer": "5", "comments": "Very practical."}


def test_it_takes_one_survey_answer_per_attendee_without_an_account(
    world: World, course: Course
) -> None:
    sessions_of(course, 2, first=_past(8))
    enrolment = enrol(course, full_name="Sami Outside", email="sami@example.org")
    client = Client()
    page = client.get(_survey(enrolment))
    assert page.status_code == 200
    assert "How satisfied are you with the trainer?" in page.content.decode()

    response = client.post(_survey(enrolment), ANSWERS)
    assert response.status_code == 200
    assert "Your answers were saved." in response.content.decode()
    answer = SurveyResponse.objects.get(enrolment=enrolment)
    assert (answer.overall, answer.usefulness, answer.trainer) == (5, 4, 5)

    again = client.post(_survey(enrolment), {**ANSWERS, "overall": "1"})
    assert "You have already answered, thank you." in again.content.decode()
    assert SurveyResponse.objects.get().overall == 5


def test_it_re_shows_an_incomplete_survey(world: World, course: Course) -> None:
    sessions_of(course, 1, first=_past(1))
    enrolment = enrol(course, full_name="Tara Outside", email="tara@example.org")
    response = Client().post(_survey(enrolment), {"overall": "9", "comments": "Kept text"})
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    assert Client().post(_survey(enrolment), {}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_it_refuses_a_bad_survey_token(world: World, course: Course) -> None:
    sessions_of(course, 1, first=_past(1))
    enrolment = enrol(course, full_name="Uma Outside", email="uma@example.org")
    forged = survey_token(enrolment)[:-2] + "xx"
    url = reverse("activities:enrolment_survey", kwargs={"token": forged})
    assert Client().get(url).status_code == 404
    withdrawn = enrol(course, full_name="Vic Gone", status=EnrolmentStatus.WITHDRAWN)
    assert Client().get(_survey(withdrawn)).status_code == 404


def test_it_opens_the_survey_only_after_the_last_session(world: World, course: Course) -> None:
    sessions_of(course, 3, first=_past(8))  # the last one is next week
    enrolment = enrol(course, full_name="Wim Outside", email="wim@example.org")
    page = Client().get(_survey(enrolment))
    assert "The survey opens after the last session." in page.content.decode()
    assert Client().post(_survey(enrolment), ANSWERS).status_code == 400
    assert not SurveyResponse.objects.exists()


# --- The participant's own page ----------------------------------------------------------------


def test_it_shows_the_participant_their_courses_certificate_and_survey(
    world: World, django_assert_max_num_queries: Any
) -> None:
    person = participant_in(world.site, given_names="Yara")
    done_course = course_in(world.site, title="Italian for work")
    enrolment = _completed(world, done_course, participant=person)
    later = course_in(world.site, title="Forklift basics")
    sessions_of(later, 2, first=timezone.now() + dt.timedelta(days=5))
    enrol(later, participant=person)
    elsewhere = course_in(world.site, title="Somebody else's course")
    enrol(elsewhere, participant=participant_in(world.site))
    client = _own_client(person, language="en")

    response = client.get(reverse("participants:me"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "My courses" in html
    assert "Italian for work" in html
    assert "Forklift basics" in html
    assert "Somebody else" not in html
    assert _certificate(enrolment) in html
    assert enrolment.pk in _surveyed(html)
    assert "100 % of the sessions attended" in html
    # Once answered, the link gives way to a thank-you.
    SurveyResponse.objects.create(enrolment=enrolment, overall=4, usefulness=4, trainer=4)
    html = client.get(reverse("participants:me")).content.decode()
    assert enrolment.pk not in _surveyed(html)
    assert "Thank you for your opinion of the course." in html


def test_it_lets_the_participant_open_their_survey_from_their_page(world: World) -> None:
    person = participant_in(world.site)
    course = course_in(world.site)
    enrolment = _completed(world, course, participant=person)
    client = _own_client(person, language="el")
    url = survey_url(enrolment)
    assert url.startswith("/el/")
    assert client.get(url).status_code == 200
