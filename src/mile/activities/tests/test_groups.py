"""Working groups: who runs them, who sees their members, meetings, actions and outputs."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from mile.activities.models import (
    ActionItem,
    GroupMeeting,
    GroupMember,
    GroupOutput,
    MeetingAttendance,
    WorkingGroup,
)
from mile.conftest import World, client_for
from mile.participants.tests.sample_files import make_pdf
from mile.programmes.models import Site

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def group_in(world: World, site: Site | None, **kwargs: Any) -> WorkingGroup:
    fields: dict[str, Any] = {
        "name": "Employers' table" if site else "European network",
        "scope": "local" if site else "european",
        "theme": "wg3",
        **kwargs,
    }
    return WorkingGroup.objects.create(programme=world.programme, site=site, **fields)


def member(group: WorkingGroup, **kwargs: Any) -> GroupMember:
    joined = kwargs.pop("joined_on", TODAY - dt.timedelta(days=90))
    return GroupMember.objects.create(group=group, joined_on=joined, **kwargs)


def meeting_of(group: WorkingGroup, days_ago: int = 7, **kwargs: Any) -> GroupMeeting:
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return GroupMeeting.objects.create(
        group=group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), **kwargs
    )


def _url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"activities:{name}", args=args)


def _group_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "programme": world.programme.pk,
        "scope": "local",
        "site": world.site.pk,
        "theme": "wg1",
        "name": "Milan training table",
        "description": "",
        **overrides,
    }


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Indicator", "Value"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Who runs a group --------------------------------------------------------------------------


def test_it_lets_the_caseworker_create_local_groups_of_milan_and_european_ones(
    world: World,
) -> None:
    client = client_for(world, "caseworker")

    local = client.post(_url("group_create"), _group_data(world))
    european = client.post(
        _url("group_create"), _group_data(world, scope="european", site="", name="EU table")
    )
    innsbruck = client.post(
        _url("group_create"), _group_data(world, site=world.other_site.pk, name="Not mine")
    )

    assert local.status_code == 302
    assert european.status_code == 302
    assert WorkingGroup.objects.get(name="EU table").site is None
    assert innsbruck.status_code == 400
    assert not WorkingGroup.objects.filter(name="Not mine").exists()


@pytest.mark.parametrize(
    ("scope", "site", "message"),
    [
        ("local", False, "A local working group belongs to a site."),
        ("european", True, "A European working group has no site."),
    ],
)
def test_it_ties_local_groups_to_a_site_and_european_ones_to_none(
    world: World, scope: str, site: bool, message: str
) -> None:
    response = client_for(world, "coordinator").post(
        _url("group_create"),
        _group_data(world, scope=scope, site=world.site.pk if site else ""),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Milan training table"' in response.content.decode()


def test_it_lets_the_caseworker_read_but_not_change_innsbrucks_group(world: World) -> None:
    group = group_in(world, world.other_site)
    meeting = meeting_of(group)
    client = client_for(world, "caseworker")

    assert client.get(_url("group_detail", group.pk)).status_code == 200
    assert client.get(_url("meeting_detail", group.pk, meeting.pk)).status_code == 200
    assert client.get(_url("group_edit", group.pk)).status_code == 403
    assert client.get(_url("meeting_create", group.pk)).status_code == 403
    added = client.post(
        _url("group_member_add", group.pk),
        {"full_name": "Eva Moser", "joined_on": TODAY.isoformat()},
    )
    assert added.status_code == 403
    assert not group.members.exists()
    assert client_for(world, "other_partner_user").get(
        _url("group_edit", group.pk)
    ).status_code == (200)


def test_it_lets_both_partners_run_a_european_group(world: World) -> None:
    group = group_in(world, None)

    for persona, name in (("caseworker", "Eva Moser"), ("other_partner_user", "Jonas Graf")):
        client = client_for(world, persona)
        assert client.get(_url("group_edit", group.pk)).status_code == 200
        added = client.post(
            _url("group_member_add", group.pk),
            {"full_name": name, "joined_on": TODAY.isoformat()},
        )
        assert added.status_code == 302
    assert group.members.count() == 2


def test_it_hides_a_group_from_another_programme(world: World) -> None:
    group = group_in(world, world.site)
    meeting = meeting_of(group)
    client = client_for(world, "other_programme_user")

    assert client.get(_url("group_detail", group.pk)).status_code == 404
    assert client.get(_url("meeting_detail", group.pk, meeting.pk)).status_code == 404
    assert client.post(_url("group_delete", group.pk)).status_code == 404
    assert group not in client.get(_url("group_list")).context["page"].object_list


# --- Who sees the members ----------------------------------------------------------------------


def test_it_shows_stakeholders_counts_not_names_until_they_are_members(world: World) -> None:
    group = group_in(world, world.site)
    member(group, full_name="Anna Berger", organisation_name="Caritas Milano", country="IT")
    meeting = meeting_of(group, minutes="Anna presented the survey.")
    stakeholder = client_for(world, "stakeholder")

    outside = stakeholder.get(_url("group_detail", group.pk)).content.decode()
    outside_meeting = stakeholder.get(_url("meeting_detail", group.pk, meeting.pk))

    assert "Anna Berger" not in outside
    assert "Anna presented the survey." not in outside_meeting.content.decode()
    assert stakeholder.get(_url("group_list")).context["page"][0].members_now == 1

    mine = member(group, user=world.users["stakeholder"], organisation=world.stakeholder_org)
    inside = stakeholder.get(_url("group_detail", group.pk))
    inside_meeting = stakeholder.get(_url("meeting_detail", group.pk, meeting.pk))

    # A member reads the group like staff, without changing anything.
    assert "Anna Berger" in inside.content.decode()
    assert "Anna presented the survey." in inside_meeting.content.decode()
    assert inside.context["member_form"] is None
    assert "attendance_form" not in inside_meeting.context
    assert stakeholder.get(_url("group_edit", group.pk)).status_code == 403
    assert stakeholder.get(_url("group_member_edit", group.pk, mine.pk)).status_code == 403

    # Once they left, the names are gone again; their own past entry stays theirs.
    mine.left_on = TODAY - dt.timedelta(days=1)
    mine.save()
    after = stakeholder.get(_url("group_detail", group.pk)).content.decode()
    assert "Anna Berger" not in after
    assert "You were a member from" in after


# --- Members -----------------------------------------------------------------------------------


def test_it_adds_organisations_people_and_users_as_members(world: World) -> None:
    group = group_in(world, world.site)
    client = client_for(world, "caseworker")
    joined = TODAY.isoformat()

    organisation = client.post(
        _url("group_member_add", group.pk),
        {"organisation": world.stakeholder_org.pk, "joined_on": joined},
    )
    person = client.post(
        _url("group_member_add", group.pk),
        {
            "full_name": "Eva Moser",
            "organisation_name": "Caritas Milano",
            "country": "IT",
            "joined_on": joined,
        },
    )
    user = client.post(
        _url("group_member_add", group.pk),
        {"user": world.users["employer_contact"].pk, "joined_on": joined},
    )
    nobody = client.post(_url("group_member_add", group.pk), {"joined_on": joined})
    again = client.post(
        _url("group_member_add", group.pk),
        {"organisation": world.stakeholder_org.pk, "joined_on": joined},
    )

    assert (organisation.status_code, person.status_code, user.status_code) == (302, 302, 302)
    assert group.members.get(user__isnull=True, full_name="").organisation == (
        world.stakeholder_org
    )
    assert group.members.get(user=world.users["employer_contact"]).organisation == world.employer
    assert nobody.status_code == 400
    assert "Choose a person, an organisation, or both." in nobody.content.decode()
    assert again.status_code == 400
    assert "already a member" in again.content.decode()
    assert group.members.count() == 3


def test_it_records_when_a_member_left_never_before_joining(world: World) -> None:
    group = group_in(world, world.site)
    anna = member(group, full_name="Anna Berger", joined_on=dt.date(2025, 3, 1))
    client = client_for(world, "caseworker")
    url = _url("group_member_edit", group.pk, anna.pk)

    early = client.post(url, {"joined_on": "2025-03-01", "left_on": "2025-02-01"})
    left = client.post(url, {"joined_on": "2025-03-01", "left_on": "2025-06-30"})

    assert early.status_code == 400
    assert "One cannot leave before joining." in early.content.decode()
    assert 'value="2025-02-01"' in early.content.decode()
    assert left.status_code == 302
    anna.refresh_from_db()
    assert anna.left_on == dt.date(2025, 6, 30)
    page = client.get(_url("group_detail", group.pk))
    assert [m.pk for m in page.context["past_members"]] == [anna.pk]
    assert page.context["members_now"] == 0


def test_it_refuses_a_new_member_leaving_before_joining(world: World) -> None:
    group = group_in(world, None)

    response = client_for(world, "caseworker").post(
        _url("group_member_add", group.pk),
        {"full_name": "Eva Moser", "joined_on": "2025-03-01", "left_on": "2025-01-01"},
    )

    assert response.status_code == 400
    assert "One cannot leave before joining." in response.content.decode()
    assert 'value="Eva Moser"' in response.content.decode()
    assert not group.members.exists()


# --- Meetings, attendance and actions ----------------------------------------------------------


def test_it_plans_a_meeting_that_ends_after_it_starts(world: World) -> None:
    group = group_in(world, world.site)
    client = client_for(world, "caseworker")

    wrong = client.post(
        _url("meeting_create", group.pk),
        {"starts_at": "2025-06-03T10:00", "ends_at": "2025-06-03T09:00", "place": "Comune"},
    )
    right = client.post(
        _url("meeting_create", group.pk),
        {
            "starts_at": "2025-06-03T10:00",
            "ends_at": "2025-06-03T12:00",
            "place": "Comune",
            "agenda": "1. Survey of employers",
        },
    )

    assert wrong.status_code == 400
    assert "The meeting must end after it starts." in wrong.content.decode()
    assert 'value="Comune"' in wrong.content.decode()
    assert right.status_code == 302
    meeting = group.meetings.get()
    assert meeting.agenda == "1. Survey of employers"
    edited = client.post(
        _url("meeting_edit", group.pk, meeting.pk),
        {
            "starts_at": "2025-06-03T10:00",
            "ends_at": "2025-06-03T12:00",
            "place": "Comune",
            "agenda": "1. Survey of employers",
            "minutes": "The survey goes out in July.",
            "decisions": "Send the survey.",
        },
    )
    assert edited.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.decisions) == (
        "The survey goes out in July.",
        "Send the survey.",
    )


def test_it_takes_the_attendance_of_the_members_of_the_day(world: World) -> None:
    group = group_in(world, world.site)
    anna = member(group, full_name="Anna Berger")
    luca = member(group, full_name="Luca Rossi")
    gone = member(
        group,
        full_name="Old Member",
        joined_on=TODAY - dt.timedelta(days=300),
        left_on=TODAY - dt.timedelta(days=100),
    )
    meeting = meeting_of(group)
    client = client_for(world, "caseworker")

    page = client.get(_url("meeting_detail", group.pk, meeting.pk))
    boxes = dict(page.context["attendance_form"].fields["present"].choices)
    saved = client.post(_url("meeting_attendance", group.pk, meeting.pk), {"present": [anna.pk]})
    stranger = client.post(_url("meeting_attendance", group.pk, meeting.pk), {"present": [gone.pk]})

    assert set(boxes) == {anna.pk, luca.pk}
    assert saved.status_code == 302
    assert dict(MeetingAttendance.objects.values_list("member_id", "present")) == {
        anna.pk: True,
        luca.pk: False,
    }
    assert stranger.status_code == 400
    # The page shows the roll-call as it was saved.
    html = client.get(_url("meeting_detail", group.pk, meeting.pk)).content.decode()
    assert re.search(rf'value="{anna.pk}"[^>]*checked', html)
    assert not re.search(rf'value="{luca.pk}"[^>]*checked', html)


def test_it_tracks_actions_with_an_owner_until_they_are_done(world: World) -> None:
    group = group_in(world, world.site)
    anna = member(group, full_name="Anna Berger")
    meeting = meeting_of(group)
    client = client_for(world, "caseworker")

    added = client.post(
        _url("meeting_action_add", group.pk, meeting.pk),
        {"text": "Send the survey", "owner": anna.pk, "due_on": "2025-07-01"},
    )
    nameless = client.post(_url("meeting_action_add", group.pk, meeting.pk), {"text": ""})

    assert added.status_code == 302
    assert nameless.status_code == 400
    action = ActionItem.objects.get()
    assert (action.owner, action.due_on, action.done_on) == (anna, dt.date(2025, 7, 1), None)
    listed = client.get(_url("group_list")).context["page"][0]
    assert (listed.meeting_count, listed.open_actions) == (1, 1)

    assert client.post(
        _url("meeting_action_done", group.pk, meeting.pk, action.pk)
    ).status_code == (302)
    action.refresh_from_db()
    assert action.done_on == TODAY
    assert client.get(_url("group_list")).context["page"][0].open_actions == 0
    # By mistake: open again.
    client.post(_url("meeting_action_done", group.pk, meeting.pk, action.pk))
    action.refresh_from_db()
    assert action.done_on is None
    assert client.get(_url("meeting_action_done", group.pk, meeting.pk, action.pk)).status_code == (
        405
    )


# --- Outputs -----------------------------------------------------------------------------------


def test_it_refuses_a_program_renamed_as_a_report(world: World) -> None:
    group = group_in(world, world.site)
    program = b"MZ\x90\x00\x03" + b"\x00" * 200

    response = client_for(world, "caseworker").post(
        _url("group_output_add", group.pk),
        {
            "title": "Guidelines",
            "published_on": "2025-06-30",
            "file": SimpleUploadedFile("guidelines.pdf", program, "application/pdf"),
        },
    )

    assert response.status_code == 400
    assert "This file is a program, not a document." in response.content.decode()
    assert 'value="Guidelines"' in response.content.decode()
    assert not GroupOutput.objects.exists()


def test_it_serves_outputs_to_the_programme_and_not_beyond(world: World) -> None:
    group = group_in(world, world.site)
    pdf = make_pdf(["Guidelines for employers"])
    client = client_for(world, "caseworker")

    stored = client.post(
        _url("group_output_add", group.pk),
        {
            "title": "Guidelines for employers",
            "published_on": "2025-06-30",
            "url": "https://example.org/guidelines",
            "file": SimpleUploadedFile("whatever.bin", pdf, "application/octet-stream"),
        },
    )
    sheet = client.post(
        _url("group_output_add", group.pk),
        {
            "title": "Indicators",
            "published_on": "2025-06-30",
            "file": SimpleUploadedFile("indicators.xlsx", _xlsx()),
        },
    )
    nothing = client.post(
        _url("group_output_add", group.pk), {"title": "Empty", "published_on": "2025-06-30"}
    )

    assert stored.status_code == 302
    assert sheet.status_code == 302
    assert nothing.status_code == 400
    assert "Give a link, upload a file, or both." in nothing.content.decode()
    output = GroupOutput.objects.get(title="Guidelines for employers")
    url = _url("group_output_file", group.pk, output.pk)
    # Outputs are not personal data: every member of the programme downloads them.
    download = client_for(world, "stakeholder").get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "guidelines-for-employers.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf
    assert client_for(world, "other_programme_user").get(url).status_code == 404
    assert client_for(world, "anonymous").get(url).status_code == 302
    xlsx = GroupOutput.objects.get(title="Indicators")
    assert str(xlsx.file.name).endswith(".xlsx")
    # Deleting is for those who run the group, by POST.
    assert client_for(world, "stakeholder").post(
        _url("group_output_delete", group.pk, output.pk)
    ).status_code == (403)
    assert client.post(_url("group_output_delete", group.pk, output.pk)).status_code == 302
    assert not GroupOutput.objects.filter(pk=output.pk).exists()


# --- The list and the pages --------------------------------------------------------------------


def test_it_filters_groups_by_scope_theme_and_site(world: World) -> None:
    group_in(world, world.site, name="Milan table", theme="wg1")
    group_in(world, world.other_site, name="Innsbruck table", theme="wg2")
    group_in(world, None, name="European network", theme="wg2")
    client = client_for(world, "stakeholder")

    def names(**query: Any) -> list[str]:
        return sorted(g.name for g in client.get(_url("group_list"), query).context["page"])

    assert names(scope="european") == ["European network"]
    assert names(theme="wg2") == ["European network", "Innsbruck table"]
    assert names(site=world.site.pk) == ["Milan table"]
    partial = client.get(_url("group_list"), {"scope": "european"}, HTTP_HX_REQUEST="true")
    assert "European network" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_it_lists_groups_in_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        group = group_in(world, world.site if n % 2 else None, name=f"Group {n}")
        member(group, full_name=f"Person {n}")
        meeting = meeting_of(group)
        ActionItem.objects.create(meeting=meeting, text="Write the report")
    client = client_for(world, "caseworker")

    with django_assert_max_num_queries(14):
        response = client.get(_url("group_list"))

    assert response.status_code == 200
    assert [g.members_now for g in response.context["page"]] == [1] * 10


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_the_group_pages_in_every_language(world: World, language: str) -> None:
    group = group_in(world, world.site)
    anna = member(group, full_name="Anna Berger")
    meeting = meeting_of(group, agenda="Survey")
    ActionItem.objects.create(meeting=meeting, text="Send the survey", owner=anna)
    client = client_for(world, "coordinator")

    for url in (
        _url("group_list"),
        _url("group_create"),
        _url("group_detail", group.pk),
        _url("group_edit", group.pk),
        _url("group_member_edit", group.pk, anna.pk),
        _url("meeting_create", group.pk),
        _url("meeting_detail", group.pk, meeting.pk),
        _url("meeting_edit", group.pk, meeting.pk),
    ):
        response = client.get(url.replace("/en/", f"/{language}/", 1))
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode()
