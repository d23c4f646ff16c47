from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.pagination import DeferredJoinPaginator
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
    Cefr,
    LanguageSkill,
    Participant,
    ParticipantQuerySet,
    ParticipantSkill,
    Status,
    WorkExperience,
)
from mile.privacy.audit import log_sensitive_view

PAGE_SIZE = 25
# The list's filters always in view; the others unfold under "More filters".
MAIN_FILTERS = ("q", "site", "status", "track", "sort")


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
        participants = _profile_filters(participants, data)
    return form, _sorted(participants, form, personal=personal), personal


def _profile_filters(
    participants: ParticipantQuerySet, data: dict[str, Any]
) -> ParticipantQuerySet:
    """Track, language and level, ESCO skill and occupation: each an EXISTS, so no duplicates."""
    if data.get("track"):
        participants = participants.filter(track=data["track"])
    if language := data.get("language"):
        known = LanguageSkill.objects.filter(participant=OuterRef("pk"), language=language)
        if level := data.get("min_level"):
            # At least one of the five CEFR skills at the level or above; a mother tongue counts.
            levels = Cefr.values[Cefr.values.index(level) :]
            known = known.filter(
                Q(assessment=LanguageSkill.Assessment.MOTHER_TONGUE)
                | Q(listening__in=levels)
                | Q(reading__in=levels)
                | Q(spoken_interaction__in=levels)
                | Q(spoken_production__in=levels)
                | Q(writing__in=levels)
            )
        participants = participants.filter(Exists(known))
    if skill := data.get("skill"):
        participants = participants.filter(
            Exists(ParticipantSkill.objects.filter(participant=OuterRef("pk"), skill=skill))
        )
    if occupation := data.get("occupation"):
        preferred = Participant.preferred_occupations.through.objects.filter(
            participant=OuterRef("pk"), concept=occupation
        )
        worked = WorkExperience.objects.filter(participant=OuterRef("pk"), occupation=occupation)
        participants = participants.filter(Exists(worked) | Exists(preferred))
    return participants


# The pathway's order, for sorting by status.
_STATUS_ORDER = Case(
    *(When(status=value, then=Value(n)) for n, value in enumerate(Status.values)),
    default=Value(len(Status.values)),
)


def _sorted(
    participants: ParticipantQuerySet, form: ParticipantFilterForm, *, personal: bool
) -> ParticipantQuerySet:
    sort = form.cleaned_data.get("sort") if form.is_valid() else ""
    # Evaluators see references only: sorting by name would hint at who is who.
    by_name = ("family_name", "given_names", "pk") if personal else ("pk",)
    if sort == "newest":
        return participants.order_by("-created_at", "-pk")
    if sort == "status":
        return participants.order_by(_STATUS_ORDER, *by_name)
    return participants.order_by(*by_name)


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
    page = DeferredJoinPaginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
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
            "main_filters": MAIN_FILTERS,
            "more_filters_used": any(
                request.GET.get(name) for name in form.fields if name not in MAIN_FILTERS
            ),
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
    **profile_forms: Any,
) -> HttpResponse:
    from mile.participants.views.merge import detail_context
    from mile.participants.views.profile import profile_context

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
            # Education, work experience, preferences and documents (views/profile.py).
            **profile_context(
                participant, personal=personal, can_manage=can_manage, **profile_forms
            ),
            # Consent answers and possible duplicates (views/merge.py).
            **detail_context(request.user, participant, personal=personal, can_manage=can_manage),
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
    from mile.participants.duplicates import participant_duplicates
    from mile.participants.forms_apply import IntakeConsentForm

    form = ParticipantForm(request.POST or None, user=request.user)
    # Look-alikes in the user's scope must be ruled out before a second record is made.
    duplicates = (
        participant_duplicates(user=request.user, fields=form.cleaned_data)
        if request.method == "POST" and form.is_valid()
        else []
    )
    consent_form = IntakeConsentForm(request.POST or None, duplicates=bool(duplicates))
    if request.method == "POST" and form.is_valid() and consent_form.is_valid():
        try:
            participant = services.participant_intake(
                by=request.user,
                fields=form.cleaned_data,
                consents=consent_form.consents(),
                language=get_language() or "en",
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered as an applicant.") % {"name": participant.full_name},
            )
            return redirect("participants:participant_detail", pk=participant.pk)
    return render(
        request,
        "participants/participant_form.html",
        {
            "form": form,
            "participant": None,
            "consent_form": consent_form,
            "duplicates": duplicates,
        },
        # What was sent comes back with its errors (or the look-alikes to rule out).
        status=400 if request.method == "POST" else 200,
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
        request,
        "participants/participant_form.html",
        {"form": form, "participant": participant},
        status=400 if request.method == "POST" else 200,
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
