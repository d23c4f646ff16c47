"""Placements: the candidate's answer, starting, the list, one placement, ending it.

Staff who follow the person read and change a placement; the company's contacts read it under
the proposal's code (``C-00012``) until the person shared their name with them; the person
reads their own on their page (participants/views/me.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.pagination import DeferredJoinPaginator
from mile.core.roles import Cap
from mile.employers import services as employer_services
from mile.employers.access import get_proposal_for_user, is_contact_of
from mile.employers.models import Decision, Employer, Proposal
from mile.participants.models import Participant
from mile.placements import services
from mile.placements.access import get_placement_for_user, may_manage_placement
from mile.placements.explain import explanation
from mile.placements.forms import (
    PlacementEndForm,
    PlacementFilterForm,
    PlacementStartForm,
    ProposalAnswerForm,
)
from mile.placements.models import FollowUp, Placement, PlacementStatus
from mile.privacy.audit import log_sensitive_view
from mile.programmes.models import Site

PAGE_SIZE = 25


def staff_programmes(user: Any) -> set[int] | None:
    """Programmes whose placements ``user`` works on as staff; None for platform admins (all)."""
    if permissions.is_platform_admin(user):
        return None
    return permissions.programme_ids_with(user, Cap.MANAGE_PARTICIPANTS)


def require_staff(user: Any) -> set[int] | None:
    # Lists of placements are case work: employer contacts, stakeholders, evaluators and the
    # people themselves read theirs elsewhere (the portal, the indicators, their own page).
    programmes = staff_programmes(user)
    if programmes is not None and not programmes:
        raise PermissionDenied
    return programmes


def sees_name(user: Any, participant: Participant) -> bool:
    """Does ``user`` follow the person as staff who may see names (not pseudonymised)?"""
    # Platform administrators see every name.
    if permissions.is_platform_admin(user):
        return True
    # Evaluators read the same people under references only.
    if not permissions.can(user, Cap.VIEW_PERSONAL_DATA, participant.programme_id):
        return False
    # Employer contacts hold VIEW_PERSONAL_DATA for shared candidates, but follow nobody.
    return Participant.objects.for_user(user).filter(pk=participant.pk).exists()


# --- The candidate's answer --------------------------------------------------------------------


def _answer_page(
    request: AuthenticatedHttpRequest,
    proposal: Proposal,
    form: ProposalAnswerForm,
    *,
    own: bool,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "placements/proposal_answer.html",
        {
            "proposal": proposal,
            "offer": proposal.offer,
            "company": proposal.offer.employer.organisation.name,
            "form": form,
            "own": own,
            "answered": proposal.participant_answer != Decision.PENDING,
            "name": proposal.participant.full_name if not own else "",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The candidate accepts or declines an offer; staff who follow them may record it."""
    user = request.user
    proposal = get_proposal_for_user(user, pk)
    person = proposal.participant
    own = person.user_id is not None and person.user_id == user.pk
    # Not the person: only staff who propose candidates record an answer for them; the
    # company and evaluators read the proposal but never answer for the candidate.
    if not own and not permissions.can(user, Cap.MANAGE_EMPLOYERS, person.programme_id):
        raise PermissionDenied
    # Staff must follow the person (the service checks it again).
    if not own and not Participant.objects.for_user(user).filter(pk=person.pk).exists():
        raise PermissionDenied
    form = ProposalAnswerForm(request.POST if request.method == "POST" else None, own=own)
    if request.method == "POST":
        if proposal.participant_answer != Decision.PENDING:
            # Answered meanwhile (or twice): the page shows the answer on record.
            return _answer_page(request, proposal, form, own=own, status=409)
        if form.is_valid():
            try:
                employer_services.proposal_answer(
                    by=user,
                    proposal=proposal,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    share_identity=form.cleaned_data["share_identity"],
                )
            except ValidationError as error:
                form_errors(form, error)
                # The answer on record, not the one refused.
                proposal.refresh_from_db()
            else:
                messages.success(request, _("The answer was saved."))
                if own:
                    return redirect("participants:me")
                return redirect("employers:candidate_detail", pk=proposal.pk)
        return _answer_page(request, proposal, form, own=own, status=400)
    return _answer_page(request, proposal, form, own=own)


# --- Starting ----------------------------------------------------------------------------------


def _start_initial(request: AuthenticatedHttpRequest, proposal: Proposal, tutors: Any) -> Any:
    offer = proposal.offer
    me = request.user if tutors.filter(pk=request.user.pk).exists() else None
    return {
        "starts_on": offer.starts_on or timezone.localdate(),
        "ends_on": offer.ends_on,
        "hours_per_week": offer.hours_per_week,
        "company_tutor": offer.tutor_name,
        "company_tutor_email": offer.tutor_email,
        "company_tutor_phone": offer.tutor_phone,
        "programme_tutor": me,
    }


@login_required
@require_http_methods(["GET", "POST"])
def placement_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk)
    programme_id = proposal.offer.employer.programme_id
    # Starting is case work on the person's record and with the company.
    if not may_manage_placement(request.user, programme_id):
        raise PermissionDenied
    existing = Placement.objects.filter(proposal=proposal).first()
    if existing is not None:
        return redirect("placements:placement_detail", pk=existing.pk)
    tutors = services.programme_tutors(programme_id)
    form = PlacementStartForm(
        request.POST if request.method == "POST" else None,
        initial=_start_initial(request, proposal, tutors),
        tutors=tutors,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                placement = services.placement_start(
                    by=request.user,
                    proposal=proposal,
                    fields={name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request, _("The placement has started. Its follow-ups are scheduled.")
                )
                return redirect("placements:placement_detail", pk=placement.pk)
        status = 400
    return render(
        request,
        "placements/placement_form.html",
        {
            "proposal": proposal,
            "offer": proposal.offer,
            "company": proposal.offer.employer.organisation.name,
            "name": proposal.participant.full_name,
            "form": form,
            "ready": proposal.accepted_by_both,
        },
        status=status,
    )


# --- The list ----------------------------------------------------------------------------------


def _in_programmes(qs: QuerySet[Any], programmes: set[int] | None, field: str) -> QuerySet[Any]:
    return qs if programmes is None else qs.filter(**{f"{field}__in": programmes})


@login_required
@require_GET
def placement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    programmes = require_staff(user)
    placements = _in_programmes(
        Placement.objects.for_user(user), programmes, "participant__programme_id"
    )
    sites = _in_programmes(Site.objects.all(), programmes, "programme_id").order_by("city", "pk")
    employers = (
        _in_programmes(Employer.objects.for_user(user), programmes, "programme_id")
        .filter(pk__in=placements.values("offer__employer_id"))
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    form = PlacementFilterForm(request.GET or None, sites=sites, employers=employers)
    next_due = (
        FollowUp.objects.filter(placement=OuterRef("pk"), done_on__isnull=True)
        .order_by()
        .values("placement")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    rows = (
        form.filter(placements)
        .select_related("participant", "offer__employer__organisation", "offer__site")
        .annotate(next_due=Subquery(next_due))
        .order_by("-starts_on", "-pk")
    )
    page = DeferredJoinPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(request.GET.get(k) for k in ("q", "status", "site", "employer"))
    return render(
        request,
        "placements/placement_list.html#results"
        if request.htmx
        else "placements/placement_list.html",
        {"form": form, "page": page, "filtered": filtered, "today": timezone.localdate()},
    )


# --- One placement -----------------------------------------------------------------------------


@login_required
@require_GET
def placement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    placement = get_placement_for_user(user, pk)
    proposal = placement.proposal
    person = placement.participant
    contact = is_contact_of(user, placement.offer.employer)
    own = person.user_id is not None and person.user_id == user.pk
    staff_name = sees_name(user, person)
    # The company sees the name once the person shared it with them, and each view is logged.
    shared = contact and proposal.identity_shared_at is not None
    if shared and not staff_name:
        log_sensitive_view(
            user=user,
            instance=person,
            fields=("name",),
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    can_manage = may_manage_placement(user, person.programme_id) and staff_name
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "proposal": proposal,
            "offer": placement.offer,
            "company": placement.offer.employer.organisation.name,
            "name": person.full_name if (staff_name or shared or own) else "",
            "record_link": staff_name,
            "staff": staff_name,
            "contact": contact,
            "can_manage": can_manage,
            "ongoing": placement.status == PlacementStatus.ONGOING,
            "follow_ups": placement.follow_ups.select_related("recorded_by"),
            "reasons": explanation(proposal.reasons) if proposal.reasons else [],
        },
    )


# --- Ending ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def placement_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, write=True)
    if placement.status != PlacementStatus.ONGOING:
        messages.info(request, _("This placement has already ended."))
        return redirect("placements:placement_detail", pk=placement.pk)
    today = timezone.localdate()
    form = PlacementEndForm(
        request.POST if request.method == "POST" else None,
        # The planned end when it has come, else today: an end is never in the future.
        initial={"ended_on": min(placement.ends_on or today, today)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.placement_end(
                    by=request.user,
                    placement=placement,
                    ended_on=form.cleaned_data["ended_on"],
                    reason=form.cleaned_data["end_reason"],
                    note=form.cleaned_data["end_note"],
                )
            except ValidationError as error:
                form_errors(form, error)
                placement.refresh_from_db()
            else:
                messages.success(request, _("The placement has ended."))
                return redirect("placements:placement_detail", pk=placement.pk)
        status = 400
    return render(
        request,
        "placements/placement_end.html",
        {
            "placement": placement,
            "name": placement.participant.full_name,
            "company": placement.offer.employer.organisation.name,
            "form": form,
        },
        status=status,
    )
