"""Counts of what the activities reached: organisations, people, hours, and the page showing them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mile.activities.counts import ActivityCounts, Line, activity_counts
from mile.activities.models import (
    Attendance,
    CourseSession,
    CourseStatus,
    EnrolmentStatus,
    Event,
    EventRegistration,
    GroupMember,
    StudyVisit,
    StudyVisitor,
    WorkingGroup,
)
from mile.activities.tests.factories import course_in, enrol, sessions_of
from mile.conftest import World, client_for
from mile.participants.models import Participant
from mile.participants.tests.factories import participant_in
from mile.programmes.models import Site

NOW = timezone.now().replace(minute=0, second=0, microsecond=0)
TWO_WEEKS_AGO = NOW - dt.timedelta(days=14)


def _session(course: Any, starts_at: dt.datetime, hours: int) -> CourseSession:
    return CourseSession.objects.create(
        course=course, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours)
    )


def _present(session: CourseSession, *enrolments: Any) -> None:
    for enrolment in enrolments:
        Attendance.objects.create(session=session, enrolment=enrolment, present=True)


@dataclass
class Constructed:
    p1: Participant
    p2: Participant
    course_a_first: CourseSession
    course_b_session: CourseSession


@pytest.fixture
def constructed(world: World) -> Constructed:
    """Two courses, a study visit, a working group and an event of the MILE programme.

    Some people and organisations take part in several of them; a waiting list, a withdrawal,
    an absence at the event, a cancelled course, a course still to come and another
    programme's course must not count.
    """
    users = world.users
    p1, p2, p3, p4 = (participant_in(world.site) for _ in range(4))
    # Course A in Milan for migrants: two sessions of three hours.
    course_a = course_in(world.site, topics=["technical", "language"])
    a1 = _session(course_a, TWO_WEEKS_AGO, 3)
    a2 = _session(course_a, TWO_WEEKS_AGO + dt.timedelta(days=7), 3)
    e1, e2 = enrol(course_a, participant=p1), enrol(course_a, participant=p2)
    ana = enrol(course_a, full_name="Ana Outside", email="ana@example.org", country="ES")
    enrol(course_a, participant=p3, status=EnrolmentStatus.WAITING)
    enrol(course_a, participant=p4, status=EnrolmentStatus.WITHDRAWN)
    _present(a1, e1, e2, ana)
    _present(a2, e1)
    # Course B in Innsbruck for employers: one session of two hours.
    course_b = course_in(world.other_site, audience="employers", topics=["legislation"])
    b1 = _session(course_b, TWO_WEEKS_AGO + dt.timedelta(days=1), 2)
    # Bob typed the name of the employer contact's company, before the contact enrolled.
    enrol(course_b, full_name="Bob Outside", organisation_name="  ALPENBLICK test GmbH ")
    contact = enrol(course_b, user=users["employer_contact"])
    enrol(course_b, full_name="Carla Outside", organisation_name="Pizzeria Roma", country="IT")
    _present(b1, contact)
    # A study visit the coordinator and Ana (by e-mail, in capitals) took part in.
    visit = StudyVisit.objects.create(
        programme=world.programme,
        site=world.site,
        title="Visit to Vienna",
        host_city="Vienna",
        host_country="AT",
        organiser=world.partner,
        starts_on=TWO_WEEKS_AGO.date(),
        ends_on=TWO_WEEKS_AGO.date() + dt.timedelta(days=2),
    )
    StudyVisitor.objects.create(visit=visit, user=users["coordinator"], kind="partner")
    StudyVisitor.objects.create(
        visit=visit,
        full_name="Ana O.",
        email="ANA@example.org",
        organisation=world.stakeholder_org,
        kind="stakeholder",
    )
    # A working group with a participant and an employer from outside.
    group = WorkingGroup.objects.create(
        programme=world.programme, scope="local", site=world.site, theme="wg3", name="Employers"
    )
    joined = TWO_WEEKS_AGO.date()
    GroupMember.objects.create(group=group, participant=p1, joined_on=joined)
    GroupMember.objects.create(
        group=group, full_name="Dan Outside", organisation=world.other_employer, joined_on=joined
    )
    # An event: one registration recorded absent does not count.
    event = Event.objects.create(
        programme=world.programme,
        site=world.site,
        title="Open day",
        kind="awareness",
        starts_at=TWO_WEEKS_AGO,
        ends_at=TWO_WEEKS_AGO + dt.timedelta(hours=2),
    )
    EventRegistration.objects.create(
        event=event, participant=p2, audience="migrants", attended=True
    )
    EventRegistration.objects.create(
        event=event, full_name="Eve Outside", email="eve@example.org", audience="citizens",
        country="FR",
    )  # fmt: skip
    EventRegistration.objects.create(
        event=event, full_name="Fred Absent", audience="employers", attended=False
    )
    EventRegistration.objects.create(
        event=event, user=users["stakeholder"], audience="stakeholders"
    )
    # None of these count.
    cancelled = course_in(world.site, status=CourseStatus.CANCELLED)
    _session(cancelled, TWO_WEEKS_AGO, 4)
    enrol(cancelled, full_name="Gina Cancelled")
    coming = course_in(world.site)
    _session(coming, NOW + dt.timedelta(days=30), 4)
    enrol(coming, full_name="Hugo Later")
    sofia = Site.objects.get(programme=world.other_programme)
    elsewhere = course_in(sofia)
    _session(elsewhere, TWO_WEEKS_AGO, 5)
    enrol(elsewhere, participant=participant_in(sofia))
    return Constructed(p1=p1, p2=p2, course_a_first=a1, course_b_session=b1)


def _table(lines: list[Line]) -> dict[str, int]:
    return {line.key: line.count for line in lines if line.count}


def _counts(world: World, **kwargs: Any) -> ActivityCounts:
    return activity_counts(world.programme, **kwargs)


# --- The counts --------------------------------------------------------------------------------


def test_it_counts_each_person_once_across_activities(
    world: World, constructed: Constructed
) -> None:
    counts = _counts(world)

    # P1, P2, Ana, the employer contact, Bob, Carla, the coordinator, Dan, Eve, the stakeholder.
    assert counts.people == 10
    assert _table(counts.people_by_group) == {
        "migrants": 2,
        "employers": 4,  # the contact by role, Bob and Dan by company, Carla by the course
        "stakeholders": 2,  # Ana came to the visit as one; the stakeholder by role
        "partners": 1,
        "citizens": 1,
    }
    assert _table(counts.people_by_kind) == {"course": 6, "visit": 2, "group": 2, "event": 3}
    assert _table(counts.people_by_country) == {"IT": 6, "AT": 2, "ES": 1, "FR": 1}


def test_it_counts_each_organisation_once_across_activities(
    world: World, constructed: Constructed
) -> None:
    counts = _counts(world)

    # Alpenblick (the contact's company, and Bob's typed name), Pizzeria Roma, Ponte Test
    # (the coordinator's), Comune Test (Ana's and the stakeholder's), Officine Test (Dan's).
    assert counts.organisations == 5
    assert _table(counts.organisations_by_type) == {
        "employer": 2,
        "partner": 1,
        "public_authority": 1,
        "unknown": 1,
    }
    assert _table(counts.organisations_by_kind) == {"course": 2, "visit": 2, "group": 1, "event": 1}
    assert _table(counts.organisations_by_country) == {"IT": 4, "AT": 1}
    assert counts.organisations_by_type[-1].label == "Other or unknown"


def test_it_tells_hours_delivered_from_hours_received(
    world: World, constructed: Constructed
) -> None:
    counts = _counts(world)

    # Course A: two sessions of 3 h; course B: one of 2 h. The cancelled and the coming do not.
    assert counts.hours_delivered == Decimal("8.0")
    assert {line.key: line.hours for line in counts.hours_delivered_by_audience} == {
        "migrants": Decimal("6.0"),
        "employers": Decimal("2.0"),
    }
    assert {line.key: line.hours for line in counts.hours_delivered_by_topic} == {
        "technical": Decimal("6.0"),
        "language": Decimal("6.0"),
        "legislation": Decimal("2.0"),
    }
    # P1 attended 6 h, P2 3 h, Ana 3 h, the employer contact 2 h.
    assert counts.hours_received == Decimal("14.0")
    assert counts.hours_received_by_participants == Decimal("9.0")
    assert counts.hours_received_by_others == Decimal("5.0")
    assert _table(counts.activities) == {"course": 2, "visit": 1, "group": 1, "event": 1}


def test_it_leaves_out_waiting_lists_withdrawals_and_absences(
    world: World, constructed: Constructed
) -> None:
    p3_p4 = Participant.objects.exclude(pk__in=[constructed.p1.pk, constructed.p2.pk]).filter(
        programme=world.programme
    )
    assert p3_p4.count() == 2
    counts = _counts(world)

    assert counts.people_by_group[0].count == 2  # migrants: P1 and P2 only
    assert _table(counts.people_by_kind)["event"] == 3  # Fred, recorded absent, is not


def test_it_counts_a_site_alone(world: World, constructed: Constructed) -> None:
    innsbruck = _counts(world, site=world.other_site)

    assert innsbruck.people == 3
    assert innsbruck.organisations == 2
    assert innsbruck.hours_delivered == Decimal("2.0")
    assert innsbruck.hours_received == Decimal("2.0")
    assert _table(innsbruck.activities) == {"course": 1}


def test_it_counts_within_the_dates(world: World, constructed: Constructed) -> None:
    # Only the first day: course A's first session, the visit, the group and the event.
    day = TWO_WEEKS_AGO.date()
    counts = _counts(world, starts_on=day, ends_on=day)

    assert counts.hours_delivered == Decimal("3.0")
    assert counts.hours_received == Decimal("9.0")  # P1, P2 and Ana at the first session
    assert _table(counts.activities) == {"course": 1, "visit": 1, "group": 1, "event": 1}
    assert _table(counts.people_by_kind)["course"] == 3
    # Nothing before the programme started.
    assert _counts(world, ends_on=day - dt.timedelta(days=30)).people == 0


def test_it_keeps_other_programmes_apart(world: World, constructed: Constructed) -> None:
    other = activity_counts(world.other_programme)

    assert other.people == 1
    assert other.hours_delivered == Decimal("5.0")
    assert _counts(world).hours_delivered == Decimal("8.0")


def test_it_counts_with_the_same_queries_whatever_the_volume(
    world: World, constructed: Constructed
) -> None:
    with CaptureQueriesContext(connection) as few:
        _counts(world)
    course = course_in(world.site, title="Busy course")
    sessions = sessions_of(course, 3, first=TWO_WEEKS_AGO)
    for n in range(20):
        enrolment = enrol(course, participant=participant_in(world.site))
        enrol(course, full_name=f"Outside {n}", email=f"outside{n}@example.org")
        _present(sessions[0], enrolment)
    with CaptureQueriesContext(connection) as many:
        counts = _counts(world)

    assert counts.people == 50
    assert len(many) == len(few) <= 12


def test_it_counts_nothing_in_an_empty_programme(world: World) -> None:
    counts = _counts(world)

    assert counts.people == counts.organisations == counts.held == 0
    assert counts.hours_delivered == counts.hours_received == 0
    assert counts.organisations_by_country == []


# --- The page ----------------------------------------------------------------------------------

URL = "/en/activities/counts/"


def test_it_shows_the_counts_to_those_who_read_indicators(
    world: World, constructed: Constructed
) -> None:
    for persona in ("coordinator", "caseworker", "other_partner_user", "evaluator", "admin"):
        response = client_for(world, persona).get(URL)
        assert response.status_code == 200, persona
        assert response.context["counts"].people == 10, persona
    page = response.content.decode()
    assert "<caption>People reached, by group</caption>" in page
    assert "Hours delivered, by topic" in page


@pytest.mark.parametrize("persona", ["stakeholder", "employer_contact"])
def test_it_refuses_the_counts_to_those_without_indicators(world: World, persona: str) -> None:
    assert client_for(world, persona).get(URL).status_code == 403


def test_it_shows_no_names(world: World, constructed: Constructed) -> None:
    page = client_for(world, "coordinator").get(URL).content.decode()

    for name in ("Ana", "Bob", "Carla", "Pizzeria", "Persona", constructed.p1.family_name):
        assert name not in page


def test_it_filters_by_site_and_dates(world: World, constructed: Constructed) -> None:
    client = client_for(world, "coordinator")

    response = client.get(URL, {"programme": world.programme.pk, "site": world.other_site.pk})
    assert response.context["counts"].people == 3
    day = TWO_WEEKS_AGO.date().isoformat()
    response = client.get(URL, {"starts_on": day, "ends_on": day})
    assert response.context["counts"].hours_delivered == Decimal("3.0")


def test_it_explains_wrong_filters(world: World) -> None:
    client = client_for(world, "admin")
    sofia = Site.objects.get(programme=world.other_programme)

    response = client.get(URL, {"programme": world.programme.pk, "site": sofia.pk})
    assert response.status_code == 400
    assert "This site belongs to another programme." in response.content.decode()
    response = client.get(URL, {"starts_on": "2024-05-02", "ends_on": "2024-05-01"})
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()
    response = client.get(URL, {"starts_on": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_it_counts_only_the_readers_programmes(world: World, constructed: Constructed) -> None:
    client = client_for(world, "other_programme_user")

    response = client.get(URL)
    assert response.context["counts"].programme_id == world.other_programme.pk
    assert response.context["counts"].people == 1
    # MILE is not among the choices: asking for it is refused, not counted.
    assert client.get(URL, {"programme": world.programme.pk}).status_code == 400


def test_it_renders_the_results_alone_for_htmx(world: World, constructed: Constructed) -> None:
    response = client_for(world, "coordinator").get(URL, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page


def test_it_shows_the_page_in_a_bounded_number_of_queries(
    world: World, constructed: Constructed, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world, "coordinator")
    client.get(URL)
    with django_assert_max_num_queries(22):
        client.get(URL)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_renders_the_counts_in_every_language(
    world: World, constructed: Constructed, language: str
) -> None:
    client = client_for(world, "evaluator")

    with translation.override(language):
        response = client.get(reverse("activities:counts_summary"))

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert response.context["counts"].people == 10
