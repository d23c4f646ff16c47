"""The calendar page (a month of every kind of activity) and the iCalendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from mile.activities.calendar import feed_token
from mile.activities.models import (
    CourseStatus,
    GroupMeeting,
    GroupScope,
    GroupTheme,
    StudyVisit,
    WorkingGroup,
)
from mile.activities.tests.factories import course_in, sessions_of
from mile.activities.tests.matrix_events import event_in
from mile.conftest import World, client_for

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def _url(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(f"activities:{name}", kwargs=kwargs)


def _visit(world: World, programme: Any, first: dt.date, last: dt.date, **kw: Any) -> StudyVisit:
    return StudyVisit.objects.create(
        programme=programme,
        title=kw.pop("title", "Vocational schools of Tyrol"),
        host_city="Innsbruck",
        host_country="AT",
        organiser=world.other_partner,
        starts_on=first,
        ends_on=last,
        **kw,
    )


def _meeting(programme: Any, at: dt.datetime, name: str = "Employers' needs") -> GroupMeeting:
    group = WorkingGroup.objects.create(
        programme=programme, scope=GroupScope.EUROPEAN, theme=GroupTheme.WG3, name=name
    )
    return GroupMeeting.objects.create(
        group=group, starts_at=at, ends_at=at + dt.timedelta(hours=2), place="Online room"
    )


def _month(world: World, day: dt.date) -> dict[str, Any]:
    """One of each kind of activity in the month of ``day``, and one in another programme."""
    course = course_in(world.site, title="Kitchen hygiene (HACCP)")
    session = sessions_of(course, 1, first=_at(day, 9))[0]
    visit = _visit(world, world.programme, day + dt.timedelta(1), day + dt.timedelta(3))
    meeting = _meeting(world.programme, _at(day + dt.timedelta(5), 14))
    event = event_in(
        world.site,
        title="Open day for employers",
        starts_at=_at(day + dt.timedelta(6), 10),
        ends_at=_at(day + dt.timedelta(6), 13),
    )
    event.registrations.create(
        full_name="Marta Rossi", email="marta@example.org", audience="citizens"
    )
    hidden = event_in(
        None,
        programme=world.other_programme,
        title="Sofia conference",
        starts_at=_at(day + dt.timedelta(6), 10),
        ends_at=_at(day + dt.timedelta(6), 12),
    )
    return {
        "session": session,
        "visit": visit,
        "meeting": meeting,
        "event": event,
        "hidden": hidden,
    }


# --- The month page ----------------------------------------------------------------------------


def test_it_shows_a_session_a_visit_a_meeting_and_an_event_of_the_month(world: World) -> None:
    _month(world, dt.date(2030, 11, 4))
    response = client_for(world, "stakeholder").get(_url("calendar_month"), {"month": "2030-11"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Kitchen hygiene (HACCP)" in content
    assert "Vocational schools of Tyrol" in content
    assert "Employers&#x27; needs" in content
    assert "Open day for employers" in content
    assert "Sofia conference" not in content
    assert "Marta Rossi" not in content
    assert 'href="/en/events/' in content


def test_it_links_each_entry_to_its_page(world: World) -> None:
    found = _month(world, dt.date(2030, 11, 4))
    content = (
        client_for(world, "coordinator")
        .get(_url("calendar_month"), {"month": "2030-11"})
        .content.decode()
    )
    assert f'href="{_url("event_detail", pk=found["event"].pk)}"' in content


def test_it_hides_other_months(world: World) -> None:
    _month(world, dt.date(2030, 11, 4))
    content = (
        client_for(world, "coordinator")
        .get(_url("calendar_month"), {"month": "2030-12"})
        .content.decode()
    )
    assert "Open day for employers" not in content
    assert "Nothing planned this month." in content


def test_it_shows_a_multi_day_visit_on_each_of_its_days(world: World) -> None:
    # From the last days of October into November: shown in both months.
    _visit(world, world.programme, dt.date(2030, 10, 30), dt.date(2030, 11, 2))
    client = client_for(world, "coordinator")
    for month in ("2030-10", "2030-11"):
        content = client.get(_url("calendar_month"), {"month": month}).content.decode()
        assert "Vocational schools of Tyrol" in content
    november = client.get(_url("calendar_month"), {"month": "2030-11"}).content.decode()
    # Two November days in the phone list (1 and 2), the grid shows the visit on each day.
    assert november.count("Vocational schools of Tyrol") >= 4


def test_it_places_entries_on_the_local_day(world: World, settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Brussels"
    course = course_in(world.site, title="Late night shift training")
    # 23:30 UTC on 30 November is half past midnight on 1 December in Brussels.
    start = dt.datetime(2030, 11, 30, 23, 30, tzinfo=dt.UTC)
    sessions_of(course, 1, first=start)
    client = client_for(world, "coordinator")
    november = client.get(_url("calendar_month"), {"month": "2030-11"}).content.decode()
    december = client.get(_url("calendar_month"), {"month": "2030-12"}).content.decode()
    assert "Late night shift training" not in november
    assert "Late night shift training" in december
    assert "00:30" in december


def test_it_shows_draft_courses_only_to_those_who_run_them(world: World) -> None:
    course = course_in(world.site, title="Pastry basics", status=CourseStatus.DRAFT)
    sessions_of(course, 1, first=_at(dt.date(2030, 11, 5), 9))
    query = {"month": "2030-11"}
    runner = client_for(world, "caseworker").get(_url("calendar_month"), query).content.decode()
    reader = client_for(world, "stakeholder").get(_url("calendar_month"), query).content.decode()
    assert "Pastry basics" in runner
    assert "Draft" in runner
    assert "Pastry basics" not in reader


def test_it_filters_by_programme_and_site(world: World) -> None:
    _month(world, dt.date(2030, 11, 4))
    event_in(
        world.other_site,
        title="Innsbruck info evening",
        starts_at=_at(dt.date(2030, 11, 20), 18),
        ends_at=_at(dt.date(2030, 11, 20), 20),
    )
    client = client_for(world, "admin")
    everything = client.get(_url("calendar_month"), {"month": "2030-11"}).content.decode()
    assert "Sofia conference" in everything  # administrators see every programme
    milan = client.get(
        _url("calendar_month"), {"month": "2030-11", "site": world.site.pk}
    ).content.decode()
    assert "Open day for employers" in milan
    assert "Innsbruck info evening" not in milan
    other = client.get(
        _url("calendar_month"), {"month": "2030-11", "programme": world.other_programme.pk}
    ).content.decode()
    assert "Sofia conference" in other
    assert "Open day for employers" not in other


def test_it_links_the_previous_and_next_months(world: World) -> None:
    response = client_for(world, "coordinator").get(
        _url("calendar_month"), {"month": "2031-01", "site": world.site.pk}
    )
    content = response.content.decode()
    assert f'href="?month=2030-12&amp;site={world.site.pk}"' in content
    assert f'href="?month=2031-02&amp;site={world.site.pk}"' in content
    assert f'download.ics?month=2031-01&amp;site={world.site.pk}"' in content


@pytest.mark.parametrize("month", ["2030-13", "November", "99999-01", "1700-01"])
def test_it_answers_a_bad_month_with_400(world: World, month: str) -> None:
    response = client_for(world, "coordinator").get(_url("calendar_month"), {"month": month})
    assert response.status_code == 400
    assert "Give a month as year and month" in response.content.decode()


def test_it_reads_the_month_in_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    day = dt.date(2030, 11, 4)
    for n in range(5):
        course = course_in(world.site, title=f"Course {n}")
        sessions_of(course, 4, first=_at(day, 9))
        _meeting(world.programme, _at(day + dt.timedelta(n), 14), name=f"Group {n}")
        event_in(world.site, starts_at=_at(day, 18), ends_at=_at(day, 20))
        _visit(world, world.programme, day, day + dt.timedelta(2))
    client = client_for(world, "caseworker")
    with django_assert_max_num_queries(12):
        response = client.get(_url("calendar_month"), {"month": "2030-11"})
    assert response.status_code == 200


def test_it_refuses_the_calendar_to_people_without_a_role(world: World) -> None:
    from mile.core.tests.factories import UserFactory

    client = client_for(world, "anonymous")
    client.force_login(UserFactory())
    assert client.get(_url("calendar_month")).status_code == 403


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_shows_the_calendar_in_every_language(world: World, language: str) -> None:
    _month(world, dt.date(2030, 11, 4))
    with translation.override(language):
        url = reverse("activities:calendar_month")
    response = client_for(world, "coordinator").get(url, {"month": "2030-11"})
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    assert "Open day for employers" in response.content.decode()


# --- The feed ----------------------------------------------------------------------------------


def _soon(days: int, hour: int = 10) -> dt.datetime:
    return _at(timezone.localdate() + dt.timedelta(days=days), hour)


def _feed(world: World, persona: str = "stakeholder") -> icalendar.Calendar:
    url = _url("calendar_feed", token=feed_token(world.users[persona]))
    response = client_for(world, "anonymous").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_holds_the_entries_with_stable_uids_in_utc(world: World) -> None:
    today = timezone.localdate()
    found = _month(world, today + dt.timedelta(days=10))
    calendar = _feed(world)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    session, visit = found["session"], found["visit"]
    meeting, event = found["meeting"], found["event"]
    assert set(events) == {
        f"session-{session.pk}@mile",
        f"visit-{visit.pk}@mile",
        f"meeting-{meeting.pk}@mile",
        f"event-{event.pk}@mile",
    }
    item = events[f"event-{event.pk}@mile"]
    assert str(item["SUMMARY"]) == "Open day for employers"
    assert str(item["LOCATION"]) == "Sala Verdi"
    assert item.decoded("DTSTART") == event.starts_at
    assert item.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert item["DTSTART"].to_ical().endswith(b"Z")
    assert str(item["URL"]).endswith(_url("event_detail", pk=event.pk))
    assert str(item["URL"]).startswith("http")
    visit_item = events[f"visit-{visit.pk}@mile"]
    assert str(visit_item["SUMMARY"]) == "Study visit: Vocational schools of Tyrol"
    assert str(events[f"meeting-{meeting.pk}@mile"]["SUMMARY"]) == "Meeting: Employers' needs"
    assert visit_item.decoded("DTSTART") == visit.starts_on
    assert visit_item.decoded("DTEND") == visit.ends_on + dt.timedelta(days=1)
    # The same UIDs the next time a calendar app asks.
    again = {str(e["UID"]) for e in _feed(world).walk("VEVENT")}
    assert again == set(events)


def test_the_feed_holds_no_personal_data_and_nothing_of_other_programmes(world: World) -> None:
    _month(world, timezone.localdate() + dt.timedelta(days=10))
    url = _url("calendar_feed", token=feed_token(world.users["coordinator"]))
    content = client_for(world, "anonymous").get(url).content.decode()
    assert "Marta Rossi" not in content
    assert "marta@example.org" not in content
    assert "Sofia conference" not in content


def test_the_feed_spans_the_last_90_days_and_the_next_year(world: World) -> None:
    event_in(world.site, title="Long ago", starts_at=_soon(-120), ends_at=_soon(-120, 12))
    event_in(world.site, title="Recently", starts_at=_soon(-30), ends_at=_soon(-30, 12))
    event_in(world.site, title="Next spring", starts_at=_soon(200), ends_at=_soon(200, 12))
    event_in(world.site, title="Far away", starts_at=_soon(400), ends_at=_soon(400, 12))
    titles = {str(e["SUMMARY"]) for e in _feed(world).walk("VEVENT")}
    assert titles == {"Recently", "Next spring"}


@pytest.mark.parametrize("token", ["nonsense", "MQ:1abc:forged", "Ng"])
def test_the_feed_answers_a_bad_token_with_404(world: World, token: str) -> None:
    response = client_for(world, "anonymous").get(_url("calendar_feed", token=token))
    assert response.status_code == 404


def test_the_feed_closes_when_the_user_is_deactivated(world: World) -> None:
    user = world.users["stakeholder"]
    url = _url("calendar_feed", token=feed_token(user))
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client_for(world, "anonymous").get(url).status_code == 404


def test_the_page_shows_the_personal_feed_address(world: World) -> None:
    response = client_for(world, "evaluator").get(_url("calendar_month"))
    token = feed_token(world.users["evaluator"])
    content = response.content.decode()
    assert f"http://testserver{_url('calendar_feed', token=token)}" in content
    assert f"webcal://testserver{_url('calendar_feed', token=token)}" in content
    # The same address each time: calendar apps keep it.
    assert feed_token(world.users["evaluator"]) == token


def test_it_downloads_the_month_shown_as_ics(world: World) -> None:
    _month(world, dt.date(2030, 11, 4))
    event_in(
        world.other_site,
        title="Innsbruck info evening",
        starts_at=_at(dt.date(2030, 11, 20), 18),
        ends_at=_at(dt.date(2030, 11, 20), 20),
    )
    response = client_for(world, "coordinator").get(
        _url("calendar_download"), {"month": "2030-11", "site": world.site.pk}
    )
    assert response.status_code == 200
    assert "mile-2030-11.ics" in response["Content-Disposition"]
    summaries = {
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert "Open day for employers" in summaries
    assert "Kitchen hygiene (HACCP)" in summaries
    assert "Innsbruck info evening" not in summaries
    bad = client_for(world, "coordinator").get(_url("calendar_download"), {"month": "2030-13"})
    assert bad.status_code == 400
