"""Role × URL rows for working groups and their meetings (collected by test_url_matrix.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mile.conftest import World
from mile.core.tests.matrix import ADM, CW, OP, OPU, C, Row, _none, _signed_in


def _group(world: World) -> dict[str, Any]:
    from mile.activities.models import WorkingGroup

    # A local group of Milan: the Innsbruck partner reads it but does not run it.
    group = WorkingGroup.objects.create(
        programme=world.programme, site=world.site, scope="local", theme="wg3", name="Table"
    )
    return {"pk": group.pk}


def _member(world: World) -> dict[str, Any]:
    from mile.activities.models import GroupMember

    pk = _group(world)["pk"]
    member = GroupMember.objects.create(
        group_id=pk, full_name="Anna Berger", joined_on=dt.date(2025, 1, 10)
    )
    return {"pk": pk, "item": member.pk}


def _output(world: World) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from mile.activities.models import GroupOutput
    from mile.participants.tests.sample_files import make_pdf

    pk = _group(world)["pk"]
    output = GroupOutput(group_id=pk, title="Guidelines")
    output.file.save("matrix.pdf", ContentFile(make_pdf(["Guidelines"])), save=True)
    return {"pk": pk, "item": output.pk}


def _meeting(world: World) -> dict[str, Any]:
    from django.utils import timezone

    from mile.activities.models import GroupMeeting

    pk = _group(world)["pk"]
    meeting = GroupMeeting.objects.create(
        group_id=pk, starts_at=timezone.now(), agenda="1. Mentoring scheme 2. Next steps"
    )
    return {"pk": pk, "meeting": meeting.pk}


def _action(world: World) -> dict[str, Any]:
    from mile.activities.models import ActionItem

    kwargs = _meeting(world)
    action = ActionItem.objects.create(meeting_id=kwargs["meeting"], text="Send the survey")
    return {**kwargs, "item": action.pk}


_CREATE = _signed_in(403, **{ADM: 200, C: 200, CW: 200, OPU: 200, OP: 200})
# Every member reads the Milan group; those who run it (coordinators, the Milan partner)
# write; other programmes do not know it exists.
_READ = _signed_in(200, **{OP: 404})
_WRITE_PAGE = _signed_in(403, **{ADM: 200, C: 200, CW: 200, OP: 404})
_WRITE_POST = _signed_in(403, **{ADM: 302, C: 302, CW: 302, OP: 404})

ROWS: dict[str, Row] = {
    "activities:group_list": Row("get", _none, _signed_in(200)),
    "activities:group_create": Row("get", _none, _CREATE),
    "activities:group_detail": Row("get", _group, _READ),
    "activities:group_edit": Row("get", _group, _WRITE_PAGE),
    "activities:group_delete": Row("post", _group, _WRITE_POST),
    "activities:group_member_add": Row(
        "post",
        _group,
        _WRITE_POST,
        data=lambda w: {"full_name": "Eva Moser", "joined_on": "2025-02-01"},
    ),
    "activities:group_member_edit": Row("get", _member, _WRITE_PAGE),
    "activities:group_member_delete": Row("post", _member, _WRITE_POST),
    "activities:group_output_add": Row(
        "post",
        _group,
        _WRITE_POST,
        data=lambda w: {
            "title": "Report",
            "published_on": "2025-06-30",
            "url": "https://example.org/report",
        },
    ),
    # Outputs are not personal data: the file goes to every member of the programme.
    "activities:group_output_file": Row("get", _output, _READ),
    "activities:group_output_delete": Row("post", _output, _WRITE_POST),
    "activities:meeting_create": Row("get", _group, _WRITE_PAGE),
    "activities:meeting_detail": Row("get", _meeting, _READ),
    "activities:meeting_edit": Row("get", _meeting, _WRITE_PAGE),
    "activities:meeting_delete": Row("post", _meeting, _WRITE_POST),
    "activities:meeting_attendance": Row("post", _meeting, _WRITE_POST),
    "activities:meeting_action_add": Row(
        "post", _meeting, _WRITE_POST, data=lambda w: {"text": "Write the report"}
    ),
    "activities:meeting_action_done": Row("post", _action, _WRITE_POST),
    "activities:meeting_action_delete": Row("post", _action, _WRITE_POST),
}
