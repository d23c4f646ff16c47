"""Courses: who reads and runs them, writing them and their sessions, enrolment by staff with a
waiting list, and registration online."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mile.activities import services
from mile.activities.models import (
    Attendance,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)
from mile.activities.tests.factories import course_in, enrol, sessions_of
from mile.conftest import World, client_for
from mile.esco.tests.esco_files import SKILL
from mile.participants.models import ServiceRecord
from mile.participants.tests.factories import participant_in

pytestmark = pytest.mark.django_db


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"activities:{name}", kwargs=kwargs)


def _soon(days: int = 7) -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=days)


def _course_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "title": "Italian for the kitchen",
        "description": "",
        "audience": "migrants",
        "topics": ["language"],
        "language": "it",
        "level": "A2",
        "place": "Via Roma 1",
        "trainer": "",
        "trainer_name": "Giulia Esempio",
        "capacity": "12",
        "registration_closes_on": "",
        "completion_attendance": "80",
        "status": "published",
        "save": "1",
    }
    data.update(overrides)
    return data


def _public(world: World, **kwargs: Any) -> Course:
    """A published Milan course open to registration, with its sessions to come."""
    course = course_in(world.site, public_registration=True, **kwargs)
    sessions_of(course, 2, first=_soon())
    return course


def _registration(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Dana Example",
        "email": "dana@example.org",
        "organisation_name": "Cooperativa Esempio",
        "country": "IT",
        "language": "it",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# --- Who reads and who runs --------------------------------------------------------------------


def test_it_lets_the_caseworker_run_milan_and_programme_wide_courses_but_only_read_innsbruck(
    world: World,
) -> None:
    milan = course_in(world.site, title="Milan course")
    everywhere = course_in(None, programme=world.programme, title="Programme-wide course")
    innsbruck = course_in(world.other_site, title="Innsbruck course")
    client = client_for(world, "caseworker")
    assert client.get(_url("course_edit", pk=milan.pk)).status_code == 200
    assert client.get(_url("course_edit", pk=everywhere.pk)).status_code == 200
    assert client.get(_url("course_detail", pk=innsbruck.pk)).status_code == 200
    assert client.get(_url("course_edit", pk=innsbruck.pk)).status_code == 403
    assert client.post(_url("session_add", pk=innsbruck.pk), {}).status_code == 403
    assert client.get(_url("enrolment_add", pk=innsbruck.pk)).status_code == 403
    listed = client.get(_url("course_list")).content.decode()
    assert "Milan course" in listed
    assert "Innsbruck course" in listed


def test_it_shows_a_stakeholder_the_course_but_not_who_takes_part(world: World) -> None:
    course = course_in(world.site, title="Diversity at work")
    enrol(course, full_name="Ada Lovelace", email="ada@example.org")
    stakeholder = client_for(world, "stakeholder")
    assert "Diversity at work" in stakeholder.get(_url("course_list")).content.decode()
    page = stakeholder.get(_url("course_detail", pk=course.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Diversity at work" in html
    assert "Ada Lovelace" not in html
    assert "ada@example.org" not in html
    assert "1 of 10 taken" in html  # the count of places is no personal data
    coordinator = client_for(world, "coordinator").get(_url("course_detail", pk=course.pk))
    assert "Ada Lovelace" in coordinator.content.decode()


def test_it_hides_courses_of_other_programmes(world: World) -> None:
    course = course_in(world.site, title="Kitchen hygiene")
    client = client_for(world, "other_programme_user")
    assert client.get(_url("course_detail", pk=course.pk)).status_code == 404
    assert client.get(_url("course_edit", pk=course.pk)).status_code == 404
    assert "Kitchen hygiene" not in client.get(_url("course_list")).content.decode()


def test_it_shows_a_draft_only_to_those_who_run_it(world: World) -> None:
    draft = course_in(world.site, title="Draft course", status=CourseStatus.DRAFT)
    stakeholder = client_for(world, "stakeholder")
    assert "Draft course" not in stakeholder.get(_url("course_list")).content.decode()
    assert stakeholder.get(_url("course_detail", pk=draft.pk)).status_code == 404
    innsbruck_staff = client_for(world, "other_partner_user")
    assert innsbruck_staff.get(_url("course_detail", pk=draft.pk)).status_code == 404
    caseworker = client_for(world, "caseworker")
    assert "Draft course" in caseworker.get(_url("course_list")).content.decode()
    assert caseworker.get(_url("course_detail", pk=draft.pk)).status_code == 200


def test_it_refuses_the_course_list_to_participants_own_accounts(world: World) -> None:
    from mile.accounts.models import User

    user = User.objects.create_user("own@example.org", None, full_name="Own Account")
    participant_in(world.site, user=user, email=user.email)
    client = Client()
    client.force_login(user)
    assert client.get(_url("course_list")).status_code == 403


# --- The list ----------------------------------------------------------------------------------


def test_it_filters_the_list(world: World) -> None:
    language = course_in(world.site, title="Italian A2", topics=["language"])
    course_in(world.other_site, title="Legal basics", topics=["legal"], audience="employers")
    finished = course_in(world.site, title="Old course", topics=["legislation"])
    sessions_of(finished, 1, first=_soon(-30))
    sessions_of(language, 1, first=_soon())
    client = client_for(world, "coordinator")

    def titles(**query: str) -> str:
        return client.get(_url("course_list"), query).content.decode()

    assert "Italian A2" in titles(topic="language")
    assert "Legal basics" not in titles(topic="language")
    # "legal" must not match "legislation".
    assert "Old course" not in titles(topic="legal")
    assert "Legal basics" in titles(audience="employers")
    assert "Italian A2" not in titles(audience="employers")
    assert "Legal basics" in titles(site=str(world.other_site.pk))
    assert "Italian A2" not in titles(site=str(world.other_site.pk))
    assert "Old course" in titles(when="past")
    assert "Italian A2" not in titles(when="past")
    upcoming = titles(when="upcoming")
    assert "Italian A2" in upcoming
    assert "Legal basics" in upcoming  # no session yet: still to come
    assert "Old course" not in upcoming
    assert "Italian A2" in titles(q="italian")
    assert "Legal basics" not in titles(q="italian")


def test_it_shows_dates_places_taken_and_waiting(world: World) -> None:
    course = course_in(world.site, title="Full course", capacity=1)
    sessions_of(course, 2, first=dt.datetime(2031, 3, 4, 9, tzinfo=timezone.get_current_timezone()))
    enrol(course, full_name="First Person")
    enrol(course, full_name="Second Person", status=EnrolmentStatus.WAITING)
    html = client_for(world, "stakeholder").get(_url("course_list")).content.decode()
    assert "03/04/2031 – 03/11/2031" in html
    assert "1 of 1" in html
    assert "First Person" not in html


def test_it_reads_the_list_in_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world, "caseworker")
    course = course_in(world.site)
    sessions_of(course, 2)
    enrol(course, full_name="Someone")
    with django_assert_max_num_queries(12):
        client.get(_url("course_list"))
    for n in range(30):
        other = course_in(world.site if n % 2 else None, programme=world.programme)
        sessions_of(other, 2)
        enrol(other, full_name=f"Person {n}")
    with django_assert_max_num_queries(12):
        response = client.get(_url("course_list"))
    assert len(response.context["page"]) == 25


# --- Writing a course --------------------------------------------------------------------------


def test_it_creates_a_course_with_its_skills(world: World, esco: Path) -> None:
    client = client_for(world, "caseworker")
    response = client.post(
        _url("course_create"),
        _course_data(world, topics=["soft", "technical"], skills=[SKILL + "cook"]),
    )
    course = Course.objects.get(title="Italian for the kitchen")
    assert response.status_code == 302
    assert response["Location"] == _url("course_detail", pk=course.pk)
    assert course.site == world.site
    assert course.topics == ["technical", "soft"]  # in the list's order
    assert course.created_by == world.users["caseworker"]
    assert list(course.skills.values_list("uri", flat=True)) == [SKILL + "cook"]
    assert "prepare meals" in client.get(response["Location"]).content.decode()


def test_it_refuses_a_course_without_places_and_keeps_what_was_typed(world: World) -> None:
    response = client_for(world, "coordinator").post(
        _url("course_create"), _course_data(world, capacity="0")
    )
    assert response.status_code == 400
    assert Course.objects.count() == 0
    html = response.content.decode()
    assert 'value="Italian for the kitchen"' in html
    assert "greater than or equal to 1" in html


def test_it_offers_partner_staff_only_the_sites_they_run(world: World) -> None:
    client = client_for(world, "caseworker")
    form = client.get(_url("course_create")).context["form"]
    assert list(form.fields["site"].queryset) == [world.site]
    response = client.post(_url("course_create"), _course_data(world, site=world.other_site.pk))
    assert response.status_code == 400
    assert Course.objects.count() == 0
    # A course of the whole programme (no site) is theirs to create.
    assert client.post(_url("course_create"), _course_data(world, site="")).status_code == 302


def test_it_refuses_a_trainer_from_outside_the_programme(world: World) -> None:
    outsider = world.users["other_programme_user"]
    response = client_for(world, "admin").post(
        _url("course_create"), _course_data(world, trainer=outsider.pk, trainer_name="")
    )
    assert response.status_code == 400
    assert Course.objects.count() == 0


def test_it_lets_a_trainer_run_their_course_elsewhere(world: World) -> None:
    course = course_in(world.other_site, trainer=world.users["caseworker"])
    client = client_for(world, "caseworker")
    assert client.get(_url("course_edit", pk=course.pk)).status_code == 200
    assert client.get(_url("enrolment_add", pk=course.pk)).status_code == 200


def test_it_edits_a_course_but_keeps_its_programme(world: World) -> None:
    course = course_in(world.site, title="Old title")
    response = client_for(world, "coordinator").post(
        _url("course_edit", pk=course.pk),
        _course_data(world, title="New title", programme=world.other_programme.pk),
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "New title"
    assert course.programme == world.programme


# --- Sessions ----------------------------------------------------------------------------------


def test_it_refuses_a_session_ending_before_it_starts(world: World) -> None:
    course = course_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("session_add", pk=course.pk),
        {"day": "2031-03-04", "starts_at": "14:00", "ends_at": "10:00", "title": "Knives"},
    )
    assert response.status_code == 400
    assert CourseSession.objects.count() == 0
    html = response.content.decode()
    assert "The session must end after it starts." in html
    assert 'value="Knives"' in html


def test_it_adds_changes_and_lists_sessions_with_their_hours(world: World) -> None:
    course = course_in(world.site, place="Room 1")
    client = client_for(world, "caseworker")
    added = client.post(
        _url("session_add", pk=course.pk),
        {"day": "2031-03-04", "starts_at": "09:00", "ends_at": "12:30", "title": "Knives"},
    )
    assert added.status_code == 302
    session = course.sessions.get()
    assert timezone.localtime(session.starts_at).hour == 9
    assert session.hours == Decimal("3.5")
    changed = client.post(
        _url("session_edit", pk=course.pk, item=session.pk),
        {"day": "2031-03-05", "starts_at": "10:00", "ends_at": "12:00", "place": "Kitchen"},
    )
    assert changed.status_code == 302
    html = client.get(_url("course_detail", pk=course.pk)).content.decode()
    assert "03/05/2031" in html
    assert "Kitchen" in html
    assert ">2<" in html  # hours


def test_it_deletes_a_session_unless_attendance_was_taken(world: World) -> None:
    course = course_in(world.site)
    first, second = sessions_of(course, 2, first=_soon(-14))
    person = enrol(course, full_name="Someone")
    Attendance.objects.create(session=first, enrolment=person, present=True)
    client = client_for(world, "caseworker")
    refused = client.post(_url("session_delete", pk=course.pk, item=first.pk), follow=True)
    assert "Attendance was taken at this session" in refused.content.decode()
    client.post(_url("session_delete", pk=course.pk, item=second.pk))
    assert list(course.sessions.all()) == [first]


def test_it_refuses_deleting_a_session_by_get_or_of_another_course(world: World) -> None:
    course = course_in(world.site)
    other = course_in(world.site)
    (session,) = sessions_of(other, 1)
    client = client_for(world, "caseworker")
    assert client.get(_url("session_delete", pk=course.pk, item=session.pk)).status_code == 405
    assert client.post(_url("session_delete", pk=course.pk, item=session.pk)).status_code == 404
    assert CourseSession.objects.filter(pk=session.pk).exists()


# --- Enrolment by staff ------------------------------------------------------------------------


def test_it_enrols_a_participant_into_their_pathway_and_refuses_them_twice(world: World) -> None:
    course = course_in(world.site, title="HACCP")
    sessions_of(course, 2, first=_soon())
    person = participant_in(world.site, given_names="Amal", family_name="Haddad")
    client = client_for(world, "caseworker")
    form = client.get(_url("enrolment_add", pk=course.pk), {"q": "hadd"})
    assert "Amal Haddad" in form.content.decode()
    response = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "participant", "participant-participant": person.pk},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(course=course, participant=person)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    record = ServiceRecord.objects.get(participant=person)
    assert record.outcome == ServiceRecord.Outcome.ONGOING
    assert record.title == "HACCP"
    again = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "participant", "participant-participant": person.pk},
    )
    assert again.status_code == 400
    assert "already registered" in again.content.decode()
    assert Enrolment.objects.filter(course=course).count() == 1
    assert ServiceRecord.objects.filter(participant=person).count() == 1


def test_it_lists_only_participants_the_user_follows(world: World) -> None:
    course = course_in(None, programme=world.programme)
    participant_in(world.site, family_name="Milanese")
    theirs = participant_in(world.other_site, family_name="Tirolese")
    client = client_for(world, "caseworker")
    html = client.get(_url("enrolment_add", pk=course.pk)).content.decode()
    assert "Milanese" in html
    assert "Tirolese" not in html
    response = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "participant", "participant-participant": theirs.pk},
    )
    assert response.status_code == 400
    assert Enrolment.objects.count() == 0


def test_it_enrols_a_member_and_someone_from_outside(world: World) -> None:
    course = course_in(world.site, audience="stakeholders")
    client = client_for(world, "coordinator")
    member = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "member", "member-user": world.users["stakeholder"].pk},
    )
    assert member.status_code == 302
    enrolment = Enrolment.objects.get(user=world.users["stakeholder"])
    assert enrolment.organisation == world.stakeholder_org
    refused = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "outside", "outside-full_name": "Eva Extern", "outside-language": "de"},
    )
    assert refused.status_code == 400
    assert "Ask the person first" in refused.content.decode()
    assert 'value="Eva Extern"' in refused.content.decode()
    outside = client.post(
        _url("enrolment_add", pk=course.pk),
        {
            "kind": "outside",
            "outside-full_name": "Eva Extern",
            "outside-email": "eva@example.org",
            "outside-organisation_name": "Verein",
            "outside-country": "AT",
            "outside-language": "de",
            "outside-agreed": "on",
        },
    )
    assert outside.status_code == 302
    eva = Enrolment.objects.get(full_name="Eva Extern")
    assert eva.source == Enrolment.Source.STAFF
    assert eva.consent_given_at is not None
    # The stakeholder enrolled sees their own place, and no one else's name.
    html = client_for(world, "stakeholder").get(_url("course_detail", pk=course.pk))
    assert "Your place" in html.content.decode()
    assert "Eva Extern" not in html.content.decode()


def test_it_fills_the_last_place_then_the_waiting_list_and_moves_the_first_up(
    world: World,
) -> None:
    course = course_in(world.site, capacity=1)
    client = client_for(world, "caseworker")

    def add(name: str) -> Any:
        return client.post(
            _url("enrolment_add", pk=course.pk),
            {"kind": "outside", "outside-full_name": name, "outside-language": "en",
             "outside-agreed": "on"},
            follow=True,
        )  # fmt: skip

    assert "Ada One is enrolled." in add("Ada One").content.decode()
    assert "The course is full: Bo Two is on the waiting list." in add("Bo Two").content.decode()
    first, second = Enrolment.objects.filter(course=course).order_by("pk")
    assert (first.status, second.status) == (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING)
    withdrawn = client.post(
        _url("enrolment_withdraw", pk=course.pk, item=first.pk), follow=True
    ).content.decode()
    assert "Ada One was withdrawn." in withdrawn
    assert "Bo Two moved up from the waiting list and is now enrolled." in withdrawn
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.ENROLLED
    # The same person enrolled again after withdrawing: refused cleanly, not a crash.
    first.email = "ada@example.org"
    first.save()
    again = client.post(
        _url("enrolment_add", pk=course.pk),
        {"kind": "outside", "outside-full_name": "Ada One", "outside-email": "ada@example.org",
         "outside-language": "en", "outside-agreed": "on"},
    )  # fmt: skip
    assert again.status_code == 400
    assert Enrolment.objects.filter(course=course).count() == 2


def test_it_refuses_withdrawing_from_a_course_one_does_not_run(world: World) -> None:
    course = course_in(world.other_site)
    person = enrol(course, full_name="Someone")
    response = client_for(world, "caseworker").post(
        _url("enrolment_withdraw", pk=course.pk, item=person.pk)
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.status == EnrolmentStatus.ENROLLED


# --- Registration online -----------------------------------------------------------------------


def test_it_registers_someone_online_without_an_account(world: World) -> None:
    course = _public(world, title="Welcome to work")
    client = Client()
    page = client.get(_url("course_register", pk=course.pk))
    assert page.status_code == 200
    assert "10 places left." in page.content.decode()
    response = client.post(_url("course_register", pk=course.pk), _registration())
    assert response.status_code == 302
    assert response["Location"] == _url("course_register_done", pk=course.pk)
    enrolment = Enrolment.objects.get(course=course)
    assert enrolment.source == Enrolment.Source.PUBLIC
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.consent_given_at is not None
    assert (enrolment.email, enrolment.language, enrolment.country) == (
        "dana@example.org",
        "it",
        "IT",
    )
    done = client.get(response["Location"]).content.decode()
    assert "You are registered" in done


def test_it_puts_an_online_registration_on_the_waiting_list_when_full(world: World) -> None:
    course = _public(world, capacity=1)
    enrol(course, full_name="Already There")
    client = Client()
    assert (
        "The course is full." in client.get(_url("course_register", pk=course.pk)).content.decode()
    )
    response = client.post(_url("course_register", pk=course.pk), _registration(), follow=True)
    assert Enrolment.objects.get(email="dana@example.org").status == EnrolmentStatus.WAITING
    html = response.content.decode()
    assert "You are on the waiting list" in html
    assert "you do not have a place yet" in html


def test_it_refuses_the_same_e_mail_twice_and_saves_nothing(world: World) -> None:
    course = _public(world)
    client = Client()
    client.post(_url("course_register", pk=course.pk), _registration())
    again = client.post(
        _url("course_register", pk=course.pk), _registration(email="DANA@example.org")
    )
    assert again.status_code == 400
    assert "This e-mail address is already registered for this course." in again.content.decode()
    assert Enrolment.objects.filter(course=course).count() == 1


def test_it_refuses_a_registration_without_consent_and_keeps_what_was_typed(
    world: World,
) -> None:
    course = _public(world)
    with translation.override("it"):
        url = _url("course_register", pk=course.pk)
        expected = gettext("Please tick the box to agree: we cannot register you without it.")
    response = Client().post(url, _registration(consent=""))
    assert response.status_code == 400
    assert Enrolment.objects.count() == 0
    html = response.content.decode()
    assert '<html lang="it"' in html
    assert 'value="Dana Example"' in html
    assert expected in html


def test_it_keeps_nothing_a_robot_sends(world: World) -> None:
    course = _public(world)
    response = Client().post(
        _url("course_register", pk=course.pk), _registration(website="http://spam.example")
    )
    assert response.status_code == 302
    assert Enrolment.objects.count() == 0


def test_it_refuses_registration_once_closed(world: World) -> None:
    course = _public(world, registration_closes_on=timezone.localdate() - dt.timedelta(days=1))
    client = Client()
    page = client.get(_url("course_register", pk=course.pk)).content.decode()
    assert "Registration for this course closed on" in page
    assert 'name="email"' not in page
    response = client.post(_url("course_register", pk=course.pk), _registration())
    assert response.status_code == 400
    assert Enrolment.objects.count() == 0


def test_it_refuses_registration_for_a_course_that_has_ended(world: World) -> None:
    course = course_in(world.site, public_registration=True)
    sessions_of(course, 1, first=_soon(-10))
    response = Client().post(_url("course_register", pk=course.pk), _registration())
    assert response.status_code == 400
    assert "This course has ended" in response.content.decode()
    assert Enrolment.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"public_registration": False},
        {"status": CourseStatus.DRAFT},
        {"status": CourseStatus.CANCELLED},
    ],
)
def test_it_has_no_registration_page_for_a_course_not_open_to_it(
    world: World, fields: dict[str, Any]
) -> None:
    course = course_in(world.site, **{"public_registration": True, **fields})
    client = Client()
    assert client.get(_url("course_register", pk=course.pk)).status_code == 404
    assert client.post(_url("course_register", pk=course.pk), _registration()).status_code == 404
    assert Enrolment.objects.count() == 0


def test_it_fills_in_a_signed_in_member_s_name(world: World) -> None:
    course = _public(world)
    page = client_for(world, "stakeholder").get(_url("course_register", pk=course.pk))
    assert 'value="stakeholder@test.example"' in page.content.decode()


def test_it_shows_staff_the_registration_link(world: World) -> None:
    course = _public(world)
    html = client_for(world, "caseworker").get(_url("course_detail", pk=course.pk))
    assert _url("course_register", pk=course.pk) in html.content.decode()


# --- Every language ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_renders_the_course_pages_in_every_language(world: World, language: str) -> None:
    course = _public(world, description="Hygiene in the kitchen.")
    (session, _second) = course.sessions.all()
    services.enrolment_add(
        by=world.users["coordinator"], course=course, fields={"full_name": "Ada One"}
    )
    coordinator = client_for(world, "coordinator")
    with translation.override(language):
        pages = [
            _url("course_list"),
            _url("course_create"),
            _url("course_detail", pk=course.pk),
            _url("course_edit", pk=course.pk),
            _url("session_add", pk=course.pk),
            _url("session_edit", pk=course.pk, item=session.pk),
            _url("enrolment_add", pk=course.pk),
        ]
        public = [_url("course_register", pk=course.pk), _url("course_register_done", pk=course.pk)]
    for url in pages:
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode(), url
    for url in public:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode(), url
