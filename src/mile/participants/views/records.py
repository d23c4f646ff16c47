from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.participants import eligibility, exports, services
from mile.participants.access import (
    get_participant_for_user,
    sees_personal_data,
    sees_sensitive_data,
)
from mile.participants.forms import (
    LanguageSkillForm,
    ParticipantFilterForm,
    ParticipantForm,
    ParticipantSkillForm,
    StatusForm,
)
from mile.participants.models import (
    SENSITIVE_FIELDS,
    TRANSITIONS,
    LanguageSkill,
    Participant,
    ParticipantSkill,
)
from mile.privacy.audit import log_sensitive_view

PAGE_SIZE = 25


def _require_any(request: AuthenticatedHttpRequest, *caps: Cap) -> None:
    if not any(permissions.can(request.user, cap) for cap in caps):
        raise PermissionDenied


def _filtered(
    request: AuthenticatedHttpRequest,
) -> tuple[ParticipantFilterForm, QuerySet[Participant], bool]:
    """The participants the list shows for the request's filters, and whether names show."""
    _require_any(request, Cap.MANAGE_PARTICIPANTS, Cap.VIEW_PSEUDONYMISED_DATA)
    # Names and sensitive filters only for roles that see them in every programme listed.
    personal = permissions.can(request.user, Cap.MANAGE_PARTICIPANTS)
    sensitive = personal and permissions.can(request.user, Cap.VIEW_SENSITIVE_DATA)
    form = ParticipantFilterForm(request.GET, user=request.user, sensitive=sensitive)
    participants = Participant.objects.for_user(request.user).select_related("site", "track")
    if form.is_valid():
        data = form.cleaned_data
        if q := data.get("q"):
            terms = (
                Q(pk=int(q[2:])) if q.upper().startswith("P-") and q[2:].isdigit() else Q(pk__in=[])
            )
            if personal:
                terms |= (
                    Q(family_name__icontains=q)
                    | Q(given_names__icontains=q)
                    | Q(email__icontains=q)
                )
            participants = participants.filter(terms)
        if data.get("site"):
            participants = participants.filter(site=data["site"])
        if data.get("status"):
            participants = participants.filter(status=data["status"])
        if data.get("nationality"):
            participants = participants.filter(nationalities__contains=data["nationality"])
        if data.get("residence_status"):
            participants = participants.filter(residence_status=data["residence_status"])
    order = ("family_name", "given_names", "pk") if personal else ("pk",)
    return form, participants.order_by(*order), personal


@login_required
@require_GET
def participant_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list as filtered, as CSV or XLSX; pseudonymised for evaluators.

    Nationality and protection status are never exported: each view of them is logged one by
    one, which a file leaving the platform cannot honour.
    """
    _form, participants, personal = _filtered(request)
    kind = request.GET.get("format", "csv")
    if kind not in {"csv", "xlsx"}:
        return HttpResponse(_("Choose CSV or XLSX."), status=400, content_type="text/plain")
    return exports.participants_file(participants, personal=personal, kind=kind)


@login_required
@require_GET
def participant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, participants, personal = _filtered(request)
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "participants/participant_list.html#results"
        if request.htmx
        else "participants/participant_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "personal": personal,
            "can_register": permissions.can(request.user, Cap.MANAGE_PARTICIPANTS),
        },
    )


@login_required
@require_GET
def participant_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk)
    return _detail(request, participant)


def _detail(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    *,
    language_form: LanguageSkillForm | None = None,
    skill_form: ParticipantSkillForm | None = None,
    status: int = 200,
) -> HttpResponse:
    personal = sees_personal_data(request.user, participant)
    sensitive = sees_sensitive_data(request.user, participant)
    if sensitive:
        # Every view of nationality and protection status is on the record.
        log_sensitive_view(
            user=request.user,
            instance=participant,
            fields=SENSITIVE_FIELDS,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    can_manage = permissions.can(request.user, Cap.MANAGE_PARTICIPANTS, participant.programme_id)
    status_form = StatusForm()
    status_form.fields["status"].choices = [  # type: ignore[attr-defined]
        (value, label)
        for value, label in status_form.fields["status"].choices  # type: ignore[attr-defined]
        if value in TRANSITIONS.get(participant.status, ())
    ]
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "personal": personal,
            "sensitive": sensitive,
            "can_manage": can_manage,
            "status_form": status_form
            if can_manage and TRANSITIONS.get(participant.status)
            else None,
            "changes": participant.status_changes.select_related("changed_by"),
            # Eligibility reasons mention age and nationality: personal data.
            "checks": eligibility.check(participant) if sensitive else None,
            "languages": participant.language_skills.all(),
            "skills": participant.skills.select_related("skill"),
            "language_form": language_form
            or (
                LanguageSkillForm(instance=LanguageSkill(participant=participant))
                if can_manage
                else None
            ),
            "skill_form": skill_form
            or (
                ParticipantSkillForm(instance=ParticipantSkill(participant=participant))
                if can_manage
                else None
            ),
        },
        status=status,
    )


@login_required
@require_POST
def participant_language_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = LanguageSkillForm(request.POST, instance=LanguageSkill(participant=participant))
    if not form.is_valid():
        return _detail(request, participant, language_form=form, status=400)
    form.save()
    messages.success(request, _("The language was added to the profile."))
    return redirect("participants:participant_detail", pk=participant.pk)


@login_required
@require_POST
def participant_language_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    get_object_or_404(participant.language_skills, pk=item).delete()
    messages.success(request, _("The language was removed from the profile."))
    return redirect("participants:participant_detail", pk=participant.pk)


@login_required
@require_POST
def participant_skill_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = ParticipantSkillForm(
        request.POST, instance=ParticipantSkill(participant=participant, recorded_by=request.user)
    )
    if not form.is_valid():
        return _detail(request, participant, skill_form=form, status=400)
    form.save()
    messages.success(request, _("The skill was added to the profile."))
    return redirect("participants:participant_detail", pk=participant.pk)


@login_required
@require_POST
def participant_skill_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    get_object_or_404(participant.skills, pk=item).delete()
    messages.success(request, _("The skill was removed from the profile."))
    return redirect("participants:participant_detail", pk=participant.pk)


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_any(request, Cap.MANAGE_PARTICIPANTS)
    form = ParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_register(by=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(name)s is registered as an applicant.") % {"name": participant.full_name},
            )
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request, "participants/participant_form.html", {"form": form, "participant": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request, "participants/participant_form.html", {"form": form, "participant": participant}
    )


@login_required
@require_POST
def participant_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.participant_change_status(
                by=request.user,
                participant=participant,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The status was changed."))
    else:
        messages.error(request, _("Choose a new status."))
    return redirect("participants:participant_detail", pk=participant.pk)
