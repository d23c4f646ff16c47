"""Routes of working groups, their members, outputs and meetings (views/groups.py)."""

from django.urls import URLPattern, path

from mile.activities.views import groups

_GROUP = "working-groups/<int:pk>"
_MEETING = f"{_GROUP}/meetings/<int:meeting>"

urlpatterns: list[URLPattern] = [
    path("working-groups/", groups.group_list, name="group_list"),
    path("working-groups/new/", groups.group_create, name="group_create"),
    path(f"{_GROUP}/", groups.group_detail, name="group_detail"),
    path(f"{_GROUP}/edit/", groups.group_edit, name="group_edit"),
    path(f"{_GROUP}/delete/", groups.group_delete, name="group_delete"),
    # Members: a person, an organisation, or both; when they joined and left.
    path(f"{_GROUP}/members/", groups.group_member_add, name="group_member_add"),
    path(f"{_GROUP}/members/<int:item>/", groups.group_member_edit, name="group_member_edit"),
    path(
        f"{_GROUP}/members/<int:item>/delete/",
        groups.group_member_delete,
        name="group_member_delete",
    ),
    # Outputs: reports, guidelines, tables; their files through a checked view.
    path(f"{_GROUP}/outputs/", groups.group_output_add, name="group_output_add"),
    path(f"{_GROUP}/outputs/<int:item>/file/", groups.group_output_file, name="group_output_file"),
    path(
        f"{_GROUP}/outputs/<int:item>/delete/",
        groups.group_output_delete,
        name="group_output_delete",
    ),
    # Meetings: agenda, minutes, decisions, attendance and actions.
    path(f"{_GROUP}/meetings/new/", groups.meeting_create, name="meeting_create"),
    path(f"{_MEETING}/", groups.meeting_detail, name="meeting_detail"),
    path(f"{_MEETING}/edit/", groups.meeting_edit, name="meeting_edit"),
    path(f"{_MEETING}/delete/", groups.meeting_delete, name="meeting_delete"),
    path(f"{_MEETING}/attendance/", groups.meeting_attendance, name="meeting_attendance"),
    path(f"{_MEETING}/actions/", groups.meeting_action_add, name="meeting_action_add"),
    path(
        f"{_MEETING}/actions/<int:item>/done/",
        groups.meeting_action_done,
        name="meeting_action_done",
    ),
    path(
        f"{_MEETING}/actions/<int:item>/delete/",
        groups.meeting_action_delete,
        name="meeting_action_delete",
    ),
]
