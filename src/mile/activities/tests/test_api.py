"""The activities API: courses, sessions, working groups and events, read and written by scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mile.activities.models import (
    Attendance,
    Course,
    CourseSession,
    EnrolmentStatus,
    Event,
    EventRegistration,
    GroupMember,
    WorkingGroup,
)
from mile.activities.tests.factories import course_in, enrol, sessions_of
from mile.conftest import World, client_for
from mile.esco.tests.esco_files import OCC, SKILL
from mile.participants.accounts import participant_account_create
from mile.participants.tests.factories import participant_in
from mile.programmes.models import Site

JSON = "application/json"
START = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=3)


def _post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type=JSON)


def _patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type=JSON)


def _new_course(site: Site | None, programme: Any, **kwargs: Any) -> dict[str, Any]:
    return {
        "programme": programme.pk,
        "site": site.pk if site else None,
        "title": "Italian for the kitchen",
        "audience": "migrants",
        "topics": ["language"],
        "language": "it",
        "level": "A2",
        "capacity": 12,
        **kwargs,
    }


def _group(world: World, site: Site | None = None, **kwargs: Any) -> WorkingGroup:
    return WorkingGroup.objects.create(
        programme=world.programme,
        scope="local" if site else "european",
        site=site,
        theme="wg1",
        name=kwargs.pop("name", "Training approaches"),
        **kwargs,
    )


def _event(world: World, site: Site | None = None, **kwargs: Any) -> Event:
    fields: dict[str, Any] = {
        "title": "Open day",
        "kind": "awareness",
        "audiences": ["migrants", "citizens"],
        "starts_at": START,
        "ends_at": START + dt.timedelta(hours=2),
        **kwargs,
    }
    return Event.objects.create(programme=world.programme, site=site, **fields)


def _titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item.get("title") or item.get("name") for item in response.json()["results"]]


# --- Reading -----------------------------------------------------------------------------------


def test_it_lists_courses_to_every_member_without_personal_data(world: World) -> None:
    course = course_in(world.site, trainer=world.users["caseworker"], trainer_name="")
    sessions_of(course, 2)
    person = participant_in(world.site)
    enrol(course, participant=person)
    enrol(course, full_name="Ana Outside", email="ana@example.org")
    enrol(course, full_name="Bo Waiting", status=EnrolmentStatus.WAITING)

    for persona in ("admin", "coordinator", "caseworker", "other_partner_user",
                    "employer_contact", "stakeholder", "evaluator"):  # fmt: skip
        response = client_for(world, persona).get("/api/v1/courses/")
        assert _titles(response) == ["Kitchen hygiene (HACCP)"], persona
        item = response.json()["results"][0]
        assert (item["enrolled"], item["waiting"]) == (2, 1)
        assert len(item["sessions"]) == 2
        assert item["sessions"][0]["hours"] == "3.0"
        assert "trainer" not in item
        assert "trainer_name" not in item
        assert "Ana" not in response.content.decode()
        assert person.family_name not in response.content.decode()


def test_it_shows_the_trainer_to_those_who_run_the_course_only(world: World) -> None:
    course = course_in(world.site, trainer_name="Maria Trainer")
    url = f"/api/v1/courses/{course.pk}/"

    assert client_for(world, "caseworker").get(url).json()["trainer_name"] == "Maria Trainer"
    for persona in ("other_partner_user", "evaluator", "stakeholder"):
        assert "trainer_name" not in client_for(world, persona).get(url).json(), persona


def test_it_hides_other_programmes_activities(world: World) -> None:
    course = course_in(world.site)
    group, event = _group(world), _event(world)
    session = sessions_of(course, 1)[0]
    client = client_for(world, "other_programme_user")

    for kind, pk in (("courses", course.pk), ("working-groups", group.pk),
                     ("events", event.pk), ("sessions", session.pk)):  # fmt: skip
        assert client.get(f"/api/v1/{kind}/").json()["results"] == [], kind
        assert client.get(f"/api/v1/{kind}/{pk}/").status_code == 404, kind
    assert client.get(f"/api/v1/courses/{2**70}/").status_code == 404


def test_it_refuses_participants_own_accounts_and_strangers(world: World) -> None:
    person = participant_in(world.site, email="self@example.org")
    user = participant_account_create(
        participant=person, password="a long pass phrase 42", language="en"
    )
    client = Client()
    client.force_login(user)

    assert client.get("/api/v1/courses/").status_code == 403
    assert client.get("/api/v1/events/").status_code == 403
    anonymous = Client().get("/api/v1/courses/")
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"] == {}


def test_it_lists_members_of_a_group_only_to_those_who_run_it(world: World) -> None:
    group = _group(world, world.site)
    GroupMember.objects.create(group=group, participant=participant_in(world.site))
    GroupMember.objects.create(
        group=group, full_name="Dan Outside", organisation=world.other_employer, country="IT"
    )
    GroupMember.objects.create(
        group=group, full_name="Left Early", left_on=timezone.localdate() - dt.timedelta(days=1)
    )
    url = f"/api/v1/working-groups/{group.pk}/"

    runner = client_for(world, "caseworker").get(url).json()
    assert runner["members_count"] == 2
    assert {m["name"] for m in runner["members"]} >= {"Dan Outside", "Left Early"}
    assert next(m for m in runner["members"] if m["name"] == "Dan Outside")["organisation"] == (
        "Officine Test"
    )
    for persona in ("other_partner_user", "evaluator", "stakeholder", "employer_contact"):
        data = client_for(world, persona).get(url).json()
        assert data["members_count"] == 2, persona
        assert "members" not in data, persona
    listed = client_for(world, "coordinator").get("/api/v1/working-groups/").json()
    assert "members" not in listed["results"][0]


def test_it_counts_registrations_of_events(world: World) -> None:
    event = _event(world, world.site)
    EventRegistration.objects.create(event=event, full_name="Eve", audience="citizens")
    EventRegistration.objects.create(
        event=event, participant=participant_in(world.site), audience="migrants"
    )

    data = client_for(world, "stakeholder").get(f"/api/v1/events/{event.pk}/").json()
    assert data["registrations"] == 2
    assert data["audiences"] == ["migrants", "citizens"]
    assert "Eve" not in str(data)


# --- Filters and pages -------------------------------------------------------------------------


def test_it_filters_courses(world: World) -> None:
    course_in(world.site, title="Milan migrants")
    course_in(world.other_site, title="Innsbruck employers", audience="employers")
    course_in(world.site, title="Milan draft", status="draft")
    client = client_for(world, "coordinator")

    assert _titles(client.get("/api/v1/courses/", {"site": world.other_site.pk})) == [
        "Innsbruck employers"
    ]
    assert _titles(client.get("/api/v1/courses/", {"audience": "employers"})) == [
        "Innsbruck employers"
    ]
    assert _titles(client.get("/api/v1/courses/", {"status": "draft"})) == ["Milan draft"]
    assert len(_titles(client.get("/api/v1/courses/", {"programme": world.programme.pk}))) == 3
    assert _titles(client.get("/api/v1/courses/", {"programme": world.other_programme.pk})) == []
    wrong = client.get("/api/v1/courses/", {"audience": "aliens", "site": "x"})
    assert wrong.status_code == 400
    assert set(wrong.json()["errors"]) == {"audience", "site"}


def test_it_filters_sessions_and_events_by_dates(world: World) -> None:
    course = course_in(world.site)
    sessions_of(course, 3, first=START)  # START, +7 days, +14 days
    _event(world, title="Soon")
    _event(world, title="Later", kind="dissemination", starts_at=START + dt.timedelta(days=10),
           ends_at=START + dt.timedelta(days=10, hours=1))  # fmt: skip
    client = client_for(world, "stakeholder")
    day = START.date()

    sessions = client.get(
        "/api/v1/sessions/", {"course": course.pk, "from": day + dt.timedelta(days=1)}
    )
    assert [s["starts_at"][:10] for s in sessions.json()["results"]] == [
        (day + dt.timedelta(days=7)).isoformat(),
        (day + dt.timedelta(days=14)).isoformat(),
    ]
    assert sessions.json()["count"] == 2
    assert client.get("/api/v1/sessions/", {"to": day}).json()["count"] == 1
    assert _titles(client.get("/api/v1/events/", {"from": day + dt.timedelta(days=1)})) == ["Later"]
    assert _titles(client.get("/api/v1/events/", {"to": day})) == ["Soon"]
    assert _titles(client.get("/api/v1/events/", {"kind": "dissemination"})) == ["Later"]
    wrong = client.get("/api/v1/events/", {"from": "soon"})
    assert wrong.status_code == 400
    assert "from" in wrong.json()["errors"]


def test_it_pages_through_courses(world: World) -> None:
    for n in range(5):
        course_in(world.site, title=f"Course {n}")
    client = client_for(world, "evaluator")

    first = client.get("/api/v1/courses/", {"page_size": 2}).json()
    assert first["count"] == 5
    assert first["next"]
    assert first["previous"] is None
    assert _titles(client.get("/api/v1/courses/", {"page_size": 2, "page": 3})) == ["Course 0"]
    missing = client.get("/api/v1/courses/", {"page_size": 2, "page": 9})
    assert missing.status_code == 404
    assert missing.json()["detail"]


# --- Writing -----------------------------------------------------------------------------------


def test_it_adds_a_course_with_its_esco_skills(world: World, esco: object) -> None:
    client = client_for(world, "caseworker")

    response = _post(
        client,
        "/api/v1/courses/",
        _new_course(world.site, world.programme, skills=[SKILL + "cook", SKILL + "team"]),
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data["skills"]) == {SKILL + "cook", SKILL + "team"}
    assert data["sessions"] == []
    assert data["enrolled"] == 0
    course = Course.objects.get(pk=data["id"])
    assert course.created_by == world.users["caseworker"]
    assert course.site == world.site
    # A programme-wide course: partner staff run those too.
    assert _post(client, "/api/v1/courses/", _new_course(None, world.programme)).status_code == 201


def test_it_refuses_a_caseworker_an_innsbruck_course(world: World) -> None:
    client = client_for(world, "caseworker")
    before = Course.objects.count()

    response = _post(client, "/api/v1/courses/", _new_course(world.other_site, world.programme))
    assert response.status_code == 403
    assert Course.objects.count() == before
    innsbruck = course_in(world.other_site)
    assert _patch(client, f"/api/v1/courses/{innsbruck.pk}/", {"title": "Mine"}).status_code == 403
    # Nor can a Milan course be moved there.
    milan = course_in(world.site, title="Milan")
    moved = _patch(client, f"/api/v1/courses/{milan.pk}/", {"site": world.other_site.pk})
    assert moved.status_code == 403
    milan.refresh_from_db()
    assert milan.site == world.site
    # Nor made one's own by naming oneself its trainer.
    trained = _post(
        client,
        "/api/v1/courses/",
        _new_course(world.other_site, world.programme, trainer=world.users["caseworker"].pk),
    )
    assert trained.status_code == 403
    assert Course.objects.filter(site=world.other_site).count() == 1


def test_it_lets_those_who_run_a_course_change_it(world: World, esco: object) -> None:
    course = course_in(world.other_site)
    client = client_for(world, "other_partner_user")

    response = _patch(
        client,
        f"/api/v1/courses/{course.pk}/",
        {"title": "HACCP, second edition", "status": "cancelled", "skills": [SKILL + "cook"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["skills"] == [SKILL + "cook"]
    course.refresh_from_db()
    assert (course.title, course.status) == ("HACCP, second edition", "cancelled")
    # The programme stays.
    _patch(client, f"/api/v1/courses/{course.pk}/", {"programme": world.other_programme.pk})
    course.refresh_from_db()
    assert course.programme == world.programme


def test_it_lets_a_trainer_change_their_course_and_its_sessions(world: World) -> None:
    trainer = world.users["stakeholder"]
    course = course_in(world.other_site, trainer=trainer)
    client = client_for(world, "stakeholder")

    assert _patch(client, f"/api/v1/courses/{course.pk}/", {"place": "Room 5"}).status_code == 200
    response = _post(
        client,
        "/api/v1/sessions/",
        {"course": course.pk, "starts_at": START.isoformat(),
         "ends_at": (START + dt.timedelta(hours=2)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["hours"] == "2.0"
    # Running one course does not make one a creator of courses.
    assert _post(client, "/api/v1/courses/", _new_course(None, world.programme)).status_code == 403


def test_it_refuses_every_write_to_evaluators(world: World) -> None:
    course = course_in(world.site)
    session = sessions_of(course, 1)[0]
    group, event = _group(world), _event(world)
    client = client_for(world, "evaluator")

    assert (
        _post(client, "/api/v1/courses/", _new_course(world.site, world.programme)).status_code
        == 403
    )
    assert _patch(client, f"/api/v1/courses/{course.pk}/", {"title": "x"}).status_code == 403
    assert _post(
        client, "/api/v1/sessions/",
        {"course": course.pk, "starts_at": START.isoformat(),
         "ends_at": (START + dt.timedelta(hours=1)).isoformat()},
    ).status_code == 403  # fmt: skip
    assert _patch(client, f"/api/v1/sessions/{session.pk}/", {"place": "x"}).status_code == 403
    assert client.delete(f"/api/v1/sessions/{session.pk}/").status_code == 403
    assert (
        _post(client, "/api/v1/working-groups/", {"programme": world.programme.pk}).status_code
        == 403
    )
    assert _patch(client, f"/api/v1/working-groups/{group.pk}/", {"name": "x"}).status_code == 403
    assert _post(client, "/api/v1/events/", {"programme": world.programme.pk}).status_code == 403
    assert _patch(client, f"/api/v1/events/{event.pk}/", {"title": "x"}).status_code == 403
    assert CourseSession.objects.filter(pk=session.pk).exists()
    course.refresh_from_db()
    assert course.title == "Kitchen hygiene (HACCP)"


def test_it_adds_changes_and_removes_sessions(world: World) -> None:
    course = course_in(world.site)
    client = client_for(world, "caseworker")

    response = _post(
        client,
        "/api/v1/sessions/",
        {"course": course.pk, "title": "Storage", "starts_at": START.isoformat(),
         "ends_at": (START + dt.timedelta(hours=3)).isoformat(), "place": "Kitchen"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert (
        _patch(client, f"/api/v1/sessions/{pk}/", {"place": "Room 1"}).json()["place"] == "Room 1"
    )
    assert client.get(f"/api/v1/courses/{course.pk}/").json()["sessions"][0]["place"] == "Room 1"
    assert client.delete(f"/api/v1/sessions/{pk}/").status_code == 204
    assert not CourseSession.objects.filter(pk=pk).exists()


def test_it_keeps_a_session_whose_attendance_was_taken(world: World) -> None:
    course = course_in(world.site)
    session = sessions_of(course, 1)[0]
    Attendance.objects.create(
        session=session, enrolment=enrol(course, full_name="Ana Outside"), present=True
    )

    response = client_for(world, "coordinator").delete(f"/api/v1/sessions/{session.pk}/")

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "Attendance was taken at this session: it cannot be removed."
    ]
    assert CourseSession.objects.filter(pk=session.pk).exists()


def test_it_refuses_sessions_of_courses_out_of_reach(world: World) -> None:
    innsbruck = course_in(world.other_site)
    session = sessions_of(innsbruck, 1)[0]
    client = client_for(world, "caseworker")
    times = {"starts_at": START.isoformat(), "ends_at": (START + dt.timedelta(hours=1)).isoformat()}

    assert _post(client, "/api/v1/sessions/", {"course": innsbruck.pk, **times}).status_code == 403
    assert client.delete(f"/api/v1/sessions/{session.pk}/").status_code == 403
    # A course of another programme is unknown, not forbidden.
    other = course_in(Site.objects.get(programme=world.other_programme))
    response = _post(client, "/api/v1/sessions/", {"course": other.pk, **times})
    assert response.status_code == 400
    assert response.json()["errors"]["course"] == ["Unknown course: choose one you can see."]


def test_it_adds_and_changes_groups_and_events(world: World) -> None:
    client = client_for(world, "caseworker")

    group = _post(
        client,
        "/api/v1/working-groups/",
        {"programme": world.programme.pk, "scope": "local", "site": world.site.pk,
         "theme": "wg2", "name": "Support in Milan"},
    )  # fmt: skip
    assert group.status_code == 201, group.content
    assert group.json()["members"] == []
    assert group.json()["members_count"] == 0
    changed = _patch(client, f"/api/v1/working-groups/{group.json()['id']}/", {"theme": "wg3"})
    assert changed.json()["theme"] == "wg3"
    event = _post(
        client,
        "/api/v1/events/",
        {"programme": world.programme.pk, "site": world.site.pk, "title": "Job fair",
         "kind": "dissemination", "audiences": ["employers"], "starts_at": START.isoformat(),
         "ends_at": (START + dt.timedelta(hours=4)).isoformat()},
    )  # fmt: skip
    assert event.status_code == 201, event.content
    assert event.json()["registrations"] == 0
    pk = event.json()["id"]
    assert _patch(client, f"/api/v1/events/{pk}/", {"online": True}).json()["online"] is True
    assert WorkingGroup.objects.get(name="Support in Milan").created_by == world.users["caseworker"]
    # Innsbruck's events are not theirs.
    innsbruck = _event(world, world.other_site)
    assert _patch(client, f"/api/v1/events/{innsbruck.pk}/", {"online": True}).status_code == 403


# --- Bad input ---------------------------------------------------------------------------------


def test_it_explains_a_session_that_ends_before_it_starts(world: World) -> None:
    course = course_in(world.site)
    session = sessions_of(course, 1, first=START)[0]
    client = client_for(world, "coordinator")

    response = _post(
        client,
        "/api/v1/sessions/",
        {"course": course.pk, "starts_at": START.isoformat(),
         "ends_at": (START - dt.timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The data sent is not valid.",
        "errors": {"ends_at": ["The session must end after it starts."]},
    }
    late = _patch(
        client,
        f"/api/v1/sessions/{session.pk}/",
        {"ends_at": (START - dt.timedelta(days=1)).isoformat()},
    )
    assert late.json()["errors"] == {"ends_at": ["The session must end after it starts."]}
    assert CourseSession.objects.count() == 1


def test_it_explains_each_wrong_course_field(world: World, esco: object) -> None:
    sofia = Site.objects.get(programme=world.other_programme)
    client = client_for(world, "admin")

    response = _post(
        client,
        "/api/v1/courses/",
        _new_course(sofia, world.programme, language="xx"),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["site"] == ["The site belongs to another programme."]
    assert errors["language"] == ["Unknown language code."]
    response = _post(
        client,
        "/api/v1/courses/",
        _new_course(world.site, world.programme, topics=["cooking"], skills=[OCC + "chef"],
                    capacity=0, audience="aliens"),
    )  # fmt: skip
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"topics", "skills", "capacity", "audience"}
    assert errors["skills"] == [f"No current ESCO skill has the URI {OCC}chef."]
    assert Course.objects.count() == 0


def test_it_answers_garbage_with_field_errors_never_500(world: World) -> None:
    client = client_for(world, "coordinator")
    course = course_in(world.site)

    for url, data in (
        ("/api/v1/courses/", {"programme": "abc", "topics": "language", "skills": 7}),
        ("/api/v1/courses/", {"programme": 2**70, "title": ["x"]}),
        ("/api/v1/courses/", []),
        ("/api/v1/sessions/", {"course": course.pk, "starts_at": "tomorrow"}),
        ("/api/v1/working-groups/", {"programme": world.programme.pk, "scope": "local",
                                     "theme": "wg1", "name": "No site"}),
        ("/api/v1/events/", {"programme": world.programme.pk, "title": "x", "kind": "party",
                             "audiences": ["aliens"], "starts_at": "x"}),
    ):  # fmt: skip
        response = _post(client, url, data)
        assert response.status_code == 400, (url, response.content)
        assert response.json()["detail"] == "The data sent is not valid."
        assert response.json()["errors"], url
    response = _patch(client, f"/api/v1/courses/{course.pk}/", {"completion_attendance": 120})
    assert response.status_code == 400
    assert "completion_attendance" in response.json()["errors"]
    broken = client.post("/api/v1/courses/", "{not json", content_type=JSON)
    assert broken.status_code == 400


def test_it_explains_wrong_groups_and_events(world: World) -> None:
    client = client_for(world, "admin")
    sofia = Site.objects.get(programme=world.other_programme)

    local = _post(
        client,
        "/api/v1/working-groups/",
        {"programme": world.programme.pk, "scope": "local", "theme": "wg1", "name": "No site"},
    )
    assert local.json()["errors"] == {"site": ["A local working group belongs to a site."]}
    elsewhere = _post(
        client,
        "/api/v1/working-groups/",
        {"programme": world.programme.pk, "scope": "local", "site": sofia.pk, "theme": "wg1",
         "name": "Sofia"},
    )  # fmt: skip
    assert elsewhere.json()["errors"] == {"site": ["The site belongs to another programme."]}
    event = _post(
        client,
        "/api/v1/events/",
        {"programme": world.programme.pk, "title": "Backwards", "kind": "awareness",
         "starts_at": START.isoformat(), "ends_at": (START - dt.timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert event.json()["errors"] == {"ends_at": ["The event must end after it starts."]}
    assert not Event.objects.exists()
    assert not WorkingGroup.objects.exists()


# --- Queries -----------------------------------------------------------------------------------


def _busy(world: World, n: int) -> None:
    course = course_in(world.site, title=f"Course {n}", trainer=world.users["caseworker"])
    sessions_of(course, 2)
    enrol(course, participant=participant_in(world.site))
    group = _group(world, world.site, name=f"Group {n}")
    GroupMember.objects.create(group=group, full_name=f"Member {n}")
    event = _event(world, world.site, title=f"Event {n}")
    EventRegistration.objects.create(event=event, full_name=f"Guest {n}", audience="citizens")


@pytest.mark.parametrize("kind", ["courses", "sessions", "working-groups", "events"])
def test_it_lists_in_a_constant_number_of_queries(
    world: World, esco: object, kind: str, django_assert_max_num_queries: Any
) -> None:
    from mile.taxonomy.models import Concept

    client = client_for(world, "caseworker")
    _busy(world, 0)
    Course.objects.get().skills.add(*Concept.objects.filter(uri__startswith=SKILL))
    with django_assert_max_num_queries(9) as one:
        first = client.get(f"/api/v1/{kind}/")
    for n in range(1, 20):
        _busy(world, n)
    for course in Course.objects.all():
        course.skills.add(*Concept.objects.filter(uri__startswith=SKILL))
    with django_assert_max_num_queries(9) as twenty:
        many = client.get(f"/api/v1/{kind}/")

    assert first.json()["count"] in (1, 2)
    assert many.json()["count"] in (20, 40)
    assert len(twenty.captured_queries) == len(one.captured_queries)
