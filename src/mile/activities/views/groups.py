"""Working groups: the list, one group with its members, meetings and outputs, writing them.

Every member of the programme reads a group, its meetings' dates and agendas and its outputs.
Who is in it — names, attendance, minutes, action owners — is seen by those who run the
group and by the people who are members of it now (read-only unless they run it too).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.activities import services
from mile.activities.access import get_group_for_user, runs
from mile.activities.forms_groups import (
    ActionForm,
    AttendanceForm,
    GroupFilterForm,
    GroupForm,
    MeetingForm,
    MeetingRecordForm,
    MemberDatesForm,
    MemberForm,
    OutputForm,
    member_label,
)
from mile.activities.models import (
    ActionItem,
    GroupMeeting,
    GroupMember,
    GroupOutput,
    WorkingGroup,
)
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap

PAGE_SIZE = 25
_PEOPLE = ("user", "participant", "organisation")
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": services.XLSX,
}


def _count(rows: QuerySet[Any], field: str) -> Coalesce:
    """How many ``rows`` point at the outer group through ``field``, as one subquery."""
    counted = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sees_members(user: Any, group: WorkingGroup, *, can_run: bool) -> bool:
    """Names of the members: for those who run the group and for its members of today."""
    # Those who run the group see who is in it.
    if can_run:
        return True
    # Members of the group see its members (a user with a current row in it).
    return any(
        services.is_current_member(m)
        for m in GroupMember.objects.for_user(user).filter(group=group, user=user)
    )


@login_required
@require_GET
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Every member of a programme reads its groups; participants' own accounts do not.
    if not permissions.can(request.user, Cap.VIEW_ACTIVITIES):
        raise PermissionDenied
    groups = WorkingGroup.objects.for_user(request.user).select_related("site", "programme")
    form = GroupFilterForm(request.GET or None, user=request.user)
    if form.is_valid():
        if scope := form.cleaned_data["scope"]:
            groups = groups.filter(scope=scope)
        if theme := form.cleaned_data["theme"]:
            groups = groups.filter(theme=theme)
        if site := form.cleaned_data["site"]:
            groups = groups.filter(site=site)
    today = timezone.localdate()
    groups = groups.annotate(
        members_now=_count(
            GroupMember.objects.filter(joined_on__lte=today).filter(
                Q(left_on__isnull=True) | Q(left_on__gt=today)
            ),
            "group",
        ),
        meeting_count=_count(GroupMeeting.objects.all(), "group"),
        open_actions=_count(ActionItem.objects.filter(done_on__isnull=True), "meeting__group"),
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/group_list.html#results" if request.htmx else "activities/group_list.html",
        {
            "form": form,
            "page": page,
            "can_create": permissions.can(request.user, Cap.MANAGE_ACTIVITIES),
        },
    )


@login_required
@require_GET
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_group_for_user(request.user, pk))


def _detail(
    request: AuthenticatedHttpRequest,
    group: WorkingGroup,
    *,
    member_form: MemberForm | None = None,
    output_form: OutputForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_run = runs(request.user, group)
    insider = sees_members(request.user, group, can_run=can_run)
    # Insiders see every member; anyone else at most their own past entry.
    rows = group.members.all() if insider else GroupMember.objects.for_user(request.user)
    members = list(rows.filter(group=group).select_related(*_PEOPLE))
    today = timezone.localdate()
    past = [m for m in members if m.left_on and m.left_on <= today]
    return render(
        request,
        "activities/group_detail.html",
        {
            "group": group,
            "can_run": can_run,
            "insider": insider,
            "current_members": [m for m in members if m not in past],
            "past_members": past,
            "members_now": services.members_on(group).count(),
            "meetings": group.meetings.annotate(
                open_actions=Count("actions", filter=Q(actions__done_on__isnull=True))
            ),
            "outputs": group.outputs.all(),
            "member_form": member_form
            or (
                MemberForm(
                    user=request.user, programme=group.programme, initial={"joined_on": today}
                )
                if can_run
                else None
            ),
            "output_form": output_form
            or (OutputForm(initial={"published_on": today}) if can_run else None),
        },
        status=status,
    )


def _form_page(
    request: AuthenticatedHttpRequest, form: GroupForm, group: WorkingGroup | None
) -> HttpResponse:
    return render(
        request,
        "activities/group_form.html",
        {"form": form, "group": group},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Creating takes staff rights somewhere; where exactly the form's choices decide.
    if not permissions.can(request.user, Cap.MANAGE_ACTIVITIES):
        raise PermissionDenied
    form = GroupForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        group = form.save()
        messages.success(request, _("The working group was created."))
        return redirect("activities:group_detail", pk=group.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    form = GroupForm(request.POST or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("activities:group_detail", pk=group.pk)
    return _form_page(request, form, group)


@login_required
@require_POST
def group_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    services.group_delete(by=request.user, group=group)
    messages.success(request, _("The working group was deleted."))
    return redirect("activities:group_list")


# --- Members -----------------------------------------------------------------------------------


@login_required
@require_POST
def group_member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    form = MemberForm(request.POST, user=request.user, programme=group.programme)
    if form.is_valid():
        try:
            services.group_member_add(by=request.user, group=group, fields=form.member_fields())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The member was added to the group."))
            return redirect("activities:group_detail", pk=group.pk)
    return _detail(request, group, member_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def group_member_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    member = get_object_or_404(group.members.select_related(*_PEOPLE), pk=item)
    form = MemberDatesForm(
        request.POST or None,
        initial={"joined_on": member.joined_on, "left_on": member.left_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.group_member_dates(by=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("activities:group_detail", pk=group.pk)
    return render(
        request,
        "activities/group_member_form.html",
        {"group": group, "member": member, "label": member_label(member), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def group_member_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    get_object_or_404(group.members, pk=item).delete()
    messages.success(request, _("The member was removed from the group."))
    return redirect("activities:group_detail", pk=group.pk)


# --- Outputs -----------------------------------------------------------------------------------


@login_required
@require_POST
def group_output_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    form = OutputForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.group_output_add(
                by=request.user,
                group=group,
                fields={
                    "title": data["title"],
                    "published_on": data["published_on"],
                    "url": data["url"],
                },
                upload=data.get("file"),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The output was added."))
            return redirect("activities:group_detail", pk=group.pk)
    return _detail(request, group, output_form=form, status=400)


@login_required
@require_GET
def group_output_file(request: AuthenticatedHttpRequest, pk: int, item: int) -> FileResponse:
    """An output's file, for the members of the programme (outputs are not personal data)."""
    group = get_group_for_user(request.user, pk)
    output: GroupOutput = get_object_or_404(group.outputs, pk=item)
    if not output.file:
        raise Http404
    extension = output.file.name.rsplit(".", 1)[-1].lower() if output.file.name else ""
    if extension not in _CONTENT_TYPES:
        raise Http404
    response = FileResponse(
        output.file.open("rb"),
        as_attachment=True,
        filename=f"{slugify(output.title) or 'output'}.{extension}",
        content_type=_CONTENT_TYPES[extension],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def group_output_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    output = get_object_or_404(group.outputs, pk=item)
    services.group_output_delete(by=request.user, output=output)
    messages.success(request, _("The output was deleted."))
    return redirect("activities:group_detail", pk=group.pk)


# --- Meetings ----------------------------------------------------------------------------------


def _meeting(
    request: AuthenticatedHttpRequest, pk: int, meeting: int, *, write: bool = False
) -> tuple[WorkingGroup, GroupMeeting]:
    group = get_group_for_user(request.user, pk, write=write)
    return group, get_object_or_404(group.meetings, pk=meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = get_group_for_user(request.user, pk, write=True)
    form = MeetingForm(request.POST or None, instance=GroupMeeting(group=group))
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("The meeting was planned."))
        return redirect("activities:meeting_detail", pk=group.pk, meeting=meeting.pk)
    return render(
        request,
        "activities/meeting_form.html",
        {"group": group, "meeting": None, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int, meeting: int) -> HttpResponse:
    group, record = _meeting(request, pk, meeting, write=True)
    form = MeetingRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("activities:meeting_detail", pk=group.pk, meeting=record.pk)
    return render(
        request,
        "activities/meeting_form.html",
        {"group": group, "meeting": record, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int, meeting: int) -> HttpResponse:
    group, record = _meeting(request, pk, meeting)
    return _meeting_page(request, group, record)


def _meeting_page(
    request: AuthenticatedHttpRequest,
    group: WorkingGroup,
    meeting: GroupMeeting,
    *,
    attendance_form: AttendanceForm | None = None,
    action_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_run = runs(request.user, group)
    insider = sees_members(request.user, group, can_run=can_run)
    context: dict[str, Any] = {
        "group": group,
        "meeting": meeting,
        "can_run": can_run,
        "insider": insider,
    }
    if insider:
        members = list(services.meeting_members(meeting))
        present = dict(meeting.attendance.values_list("member_id", "present"))
        context["attendance"] = [(member_label(m), present.get(m.pk)) for m in members]
        actions = list(
            meeting.actions.select_related(
                "owner__user", "owner__participant", "owner__organisation"
            )
        )
        context["actions"] = [(a, member_label(a.owner) if a.owner else "") for a in actions]
        if can_run:
            context["attendance_form"] = attendance_form or AttendanceForm(
                members=members, initial={"present": [k for k, v in present.items() if v]}
            )
            context["action_form"] = action_form or ActionForm(members=services.members_on(group))
    return render(request, "activities/meeting_detail.html", context, status=status)


@login_required
@require_POST
def meeting_delete(request: AuthenticatedHttpRequest, pk: int, meeting: int) -> HttpResponse:
    group, record = _meeting(request, pk, meeting, write=True)
    record.delete()
    messages.success(request, _("The meeting was deleted."))
    return redirect("activities:group_detail", pk=group.pk)


@login_required
@require_POST
def meeting_attendance(request: AuthenticatedHttpRequest, pk: int, meeting: int) -> HttpResponse:
    group, record = _meeting(request, pk, meeting, write=True)
    form = AttendanceForm(request.POST, members=list(services.meeting_members(record)))
    if form.is_valid():
        try:
            services.meeting_attendance_record(
                by=request.user, meeting=record, present=set(form.cleaned_data["present"])
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect("activities:meeting_detail", pk=group.pk, meeting=record.pk)
    return _meeting_page(request, group, record, attendance_form=form, status=400)


@login_required
@require_POST
def meeting_action_add(request: AuthenticatedHttpRequest, pk: int, meeting: int) -> HttpResponse:
    group, record = _meeting(request, pk, meeting, write=True)
    form = ActionForm(
        request.POST, instance=ActionItem(meeting=record), members=services.members_on(group)
    )
    if not form.is_valid():
        return _meeting_page(request, group, record, action_form=form, status=400)
    form.save()
    messages.success(request, _("The action was added."))
    return redirect("activities:meeting_detail", pk=group.pk, meeting=record.pk)


@login_required
@require_POST
def meeting_action_done(
    request: AuthenticatedHttpRequest, pk: int, meeting: int, item: int
) -> HttpResponse:
    """Mark an action done today, or open again one marked done by mistake."""
    group, record = _meeting(request, pk, meeting, write=True)
    action = get_object_or_404(record.actions, pk=item)
    action.done_on = None if action.done_on else timezone.localdate()
    action.save(update_fields=["done_on"])
    messages.success(
        request, _("The action is done.") if action.done_on else _("The action is open again.")
    )
    return redirect("activities:meeting_detail", pk=group.pk, meeting=record.pk)


@login_required
@require_POST
def meeting_action_delete(
    request: AuthenticatedHttpRequest, pk: int, meeting: int, item: int
) -> HttpResponse:
    group, record = _meeting(request, pk, meeting, write=True)
    get_object_or_404(record.actions, pk=item).delete()
    messages.success(request, _("The action was deleted."))
    return redirect("activities:meeting_detail", pk=group.pk, meeting=record.pk)
