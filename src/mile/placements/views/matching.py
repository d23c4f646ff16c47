"""Matching: runs over a site's open places, the live rankings of one offer or one person, and
the skill gaps of a person's near-misses.

Everything here is for those who may propose candidates to employers (``access.may_match``):
employer contacts, stakeholders and evaluators never see a ranking. People are shown only to
staff who follow them (``Participant.objects.for_user``), even inside a run they may read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mile.activities.models import Course
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.employers.access import get_offer_for_user
from mile.employers.models import Offer, OfferStatus
from mile.participants.access import get_participant_for_user
from mile.participants.consent import has_consent
from mile.participants.models import Participant, Purpose
from mile.placements import gaps, services
from mile.placements.access import get_run_for_user, get_suggestion_for_user, may_match
from mile.placements.explain import concept_labels, explanation, uris_of
from mile.placements.forms_matching import (
    CandidateChoiceForm,
    GapForm,
    MatchFilterForm,
    OfferChoiceForm,
    RunForm,
)
from mile.placements.matching import Match, candidates_for, offers_for
from mile.placements.models import Group, MatchRun, Suggestion
from mile.programmes.models import Programme, Site
from mile.taxonomy.models import Concept, Kind

PAGE_SIZE = 25
# The rankings show the best ten.
SHOWN = 10


# --- Who may match -----------------------------------------------------------------------------


def _matching_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes in which ``user`` may match (``access.may_match``)."""
    # Platform administrators match in every programme.
    if permissions.is_platform_admin(user):
        return Programme.objects.order_by("name")
    return Programme.objects.filter(
        pk__in=[
            pk
            for pk in permissions.programme_ids_with(user, Cap.MANAGE_EMPLOYERS)
            if may_match(user, pk)
        ]
    ).order_by("name")


def _require_matching(user: Any) -> None:
    # Matching is for those who may propose candidates somewhere; the others never see it.
    if not permissions.is_platform_admin(user) and not any(
        may_match(user, pk) for pk in permissions.programme_ids_with(user, Cap.MANAGE_EMPLOYERS)
    ):
        raise PermissionDenied


# --- Rendering reasons -------------------------------------------------------------------------


def _labels(reason_lists: Iterable[Sequence[Any]]) -> dict[str, str]:
    """Every skill the reasons name, labelled in the reader's language in one query."""
    return concept_labels(uris_of(r for reasons in reason_lists for r in reasons))


def _infeasible_text(code: str) -> str:
    if code == "floors_conflict":
        return _(
            "The fairness floors cannot all be met together: each group could reach its share "
            "alone, but not all at once. Nothing was suggested. Lower a floor and run again."
        )
    return _(
        "The fairness floors could not be met: too few people of a group fit the open places "
        "well enough. Nothing was suggested. Lower the floor or the lowest fit and run again."
    )


def _floors(run: MatchRun) -> list[tuple[str, float]]:
    return [
        (str(Group(group).label), share)
        for group, share in sorted(run.floors.items())
        if group in Group.values
    ]


# --- Runs --------------------------------------------------------------------------------------


def _run_form(request: AuthenticatedHttpRequest, programmes: QuerySet[Programme]) -> RunForm:
    user = request.user
    sites = (
        Site.objects.filter(programme__in=programmes)
        .select_related("programme")
        .order_by("programme__name", "city")
    )
    offers = (
        Offer.objects.for_user(user)
        .filter(status=OfferStatus.OPEN, employer__programme__in=programmes)
        .select_related("employer__organisation", "site")
        .order_by("title", "pk")
    )
    return RunForm(
        request.POST if request.method == "POST" else None,
        programmes=programmes,
        sites=sites,
        offers=offers,
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require_matching(user)
    programmes = _matching_programmes(user)
    form = _run_form(request, programmes)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = services.match_run(
                    by=user,
                    programme=data["programme"],
                    site=data["site"],
                    offer=data["offer"],
                    method=data["method"],
                    min_score=data["min_score"] / 100,
                    floors=form.floors(),
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The run suggests %(count)s person.",
                        "The run suggests %(count)s people.",
                        run.placed,
                    )
                    % {"count": run.placed},
                )
                return redirect("placements:run_detail", pk=run.pk)
        status = 400
    runs = MatchRun.objects.for_user(user).select_related(
        "programme", "site", "offer__employer__organisation"
    )
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/run_list.html",
        {
            "form": form,
            "page": page,
            # Evaluated by the form already: no query.
            "several_programmes": len(programmes) > 1,
        },
        status=status,
    )


@dataclass
class SuggestionRow:
    suggestion: Suggestion
    sentences: list[str]


@dataclass
class OfferSuggestions:
    offer: Offer
    rows: list[SuggestionRow] = field(default_factory=list)


def _grouped(suggestions: list[Suggestion]) -> list[OfferSuggestions]:
    labels = _labels(s.reasons for s in suggestions)
    groups: dict[int, OfferSuggestions] = {}
    for s in suggestions:
        group = groups.setdefault(s.offer_id, OfferSuggestions(s.offer))
        group.rows.append(SuggestionRow(s, explanation(s.reasons, labels)))
    return list(groups.values())


def _propose_selected(request: AuthenticatedHttpRequest, run: MatchRun) -> None:
    """Propose each chosen suggestion; one refused does not stop the others."""
    ids = [int(v) for v in request.POST.getlist("suggestion") if v.isdigit()]
    if not ids:
        messages.error(request, _("Choose the people to propose."))
        return
    chosen = (
        Suggestion.objects.for_user(request.user)
        .filter(run=run, pk__in=ids)
        .select_related("participant", "offer__employer__organisation", "run")
        .order_by("pk")
    )
    proposed = 0
    for suggestion in chosen:
        try:
            services.suggestion_propose(by=request.user, suggestion=suggestion)
        except ValidationError as error:
            messages.error(
                request,
                _("%(name)s was not proposed: %(reason)s")
                % {"name": suggestion.participant.full_name, "reason": " ".join(error.messages)},
            )
        else:
            proposed += 1
    if proposed:
        messages.success(
            request,
            ngettext(
                "%(count)s person was proposed to the employers.",
                "%(count)s people were proposed to the employers.",
                proposed,
            )
            % {"count": proposed},
        )


@login_required
@require_http_methods(["GET", "POST"])
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_matching(user)
    run = get_run_for_user(user, pk)
    can_propose = may_match(user, run.programme_id)
    if request.method == "POST":
        # Reading a run is not enough to propose from it.
        if not can_propose:
            raise PermissionDenied
        _propose_selected(request, run)
        return redirect("placements:run_detail", pk=run.pk)
    suggestions = list(
        Suggestion.objects.for_user(user)
        .filter(run=run)
        .select_related("participant", "offer__employer__organisation", "offer__site", "proposal")
        .order_by("offer__title", "offer_id", "-score", "pk")
    )
    return render(
        request,
        "placements/run_detail.html",
        {
            "run": run,
            "groups": _grouped(suggestions),
            "open_count": sum(
                1 for s in suggestions if s.proposal_id is None and s.dismissed_at is None
            ),
            "hidden": max(0, run.placed - len(suggestions)),
            "floors": _floors(run),
            "infeasible": _infeasible_text(run.infeasible) if run.infeasible else "",
            "can_propose": can_propose,
        },
    )


@login_required
@require_POST
def suggestion_dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_matching(request.user)
    suggestion = get_suggestion_for_user(request.user, pk)
    try:
        services.suggestion_dismiss(by=request.user, suggestion=suggestion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The suggestion of %(name)s was set aside.")
            % {"name": suggestion.participant.full_name},
        )
    return redirect("placements:run_detail", pk=suggestion.run_id)


# --- One offer's best candidates ---------------------------------------------------------------


@dataclass
class CandidateRow:
    participant: Participant
    match: Match
    sentences: list[str]


def _offer_for_matching(user: Any, pk: int) -> Offer:
    _require_matching(user)
    offer = get_offer_for_user(user, pk)
    # The company's contacts and evaluators read the offer, but only staff propose for it.
    if not may_match(user, offer.employer.programme_id):
        raise PermissionDenied
    return offer


@login_required
@require_http_methods(["GET"])
def offer_matches(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _offer_for_matching(user, pk)
    sites = Site.objects.filter(programme_id=offer.employer.programme_id).select_related(
        "programme"
    )
    form = MatchFilterForm(request.GET or None, sites=sites.order_by("city"))
    status = 200
    rows: list[CandidateRow] = []
    is_open = offer.status == OfferStatus.OPEN
    if form.is_bound and not form.is_valid():
        status = 400
    elif is_open:
        data = form.cleaned_data if form.is_bound else {}
        site = data.get("site")
        min_score = (data.get("min_score") or 0) / 100
        matches = candidates_for(
            user, offer, k=SHOWN, min_score=min_score, site_id=site.pk if site else None
        )
        people = (
            Participant.objects.for_user(user)
            .select_related("site")
            .in_bulk([m.participant_id for m in matches])
        )
        matches = [m for m in matches if m.participant_id in people]
        labels = _labels(m.reasons for m in matches)
        rows = [
            CandidateRow(people[m.participant_id], m, explanation(m.reasons, labels))
            for m in matches
        ]
    return render(
        request,
        "placements/offer_matches.html",
        {
            "offer": offer,
            "form": form,
            "rows": rows,
            "is_open": is_open,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


def _back(name: str, pk: int, query: str) -> HttpResponse:
    """Back to the ranking, with the filters it had (parsed again: never a raw address)."""
    url = reverse(f"placements:{name}", kwargs={"pk": pk})
    kept = QueryDict(query[:500]).urlencode()
    return redirect(f"{url}?{kept}" if kept else url)


@login_required
@require_POST
def offer_match_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    offer = _offer_for_matching(user, pk)
    form = CandidateChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the person to propose."))
        return _back("offer_matches", offer.pk, request.POST.get("query", ""))
    participant = get_participant_for_user(user, form.cleaned_data["participant"])
    _propose(
        request,
        offer,
        participant,
        _("%(name)s was proposed to %(company)s.")
        % {"name": participant.full_name, "company": offer.employer.organisation.name},
    )
    return _back("offer_matches", offer.pk, request.POST.get("query", ""))


def _propose(
    request: AuthenticatedHttpRequest, offer: Offer, participant: Participant, done: str
) -> None:
    """Propose from a ranking and say how it went: ``done``, or the service's reason."""
    try:
        services.proposal_from_match(by=request.user, offer=offer, participant=participant)
    except ValidationError as error:
        messages.error(
            request,
            _("%(name)s was not proposed: %(reason)s")
            % {"name": participant.full_name, "reason": " ".join(error.messages)},
        )
    else:
        messages.success(request, done)


# --- One person's best offers and skill gaps ---------------------------------------------------


@dataclass
class OfferRow:
    offer: Offer
    match: Match
    sentences: list[str]


def _participant_for_matching(user: Any, pk: int) -> Participant:
    _require_matching(user)
    participant = get_participant_for_user(user, pk)
    # Evaluators read the record pseudonymised, but only staff propose the person.
    if not may_match(user, participant.programme_id):
        raise PermissionDenied
    return participant


@login_required
@require_http_methods(["GET"])
def participant_matches(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = _participant_for_matching(user, pk)
    matches = offers_for(user, participant, k=SHOWN)
    found = (
        Offer.objects.for_user(user)
        .select_related("employer__organisation", "site")
        .in_bulk([m.offer_id for m in matches])
    )
    matches = [m for m in matches if m.offer_id in found]
    labels = _labels(m.reasons for m in matches)
    rows = [OfferRow(found[m.offer_id], m, explanation(m.reasons, labels)) for m in matches]
    return render(
        request,
        "placements/participant_matches.html",
        {
            "participant": participant,
            "rows": rows,
            "gaps": gaps.skill_gaps(user, participant, matches),
            "consented": has_consent(participant, Purpose.EMPLOYERS),
            "can_plan": permissions.can(user, Cap.MANAGE_PARTICIPANTS, participant.programme_id),
        },
    )


@login_required
@require_POST
def participant_match_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    participant = _participant_for_matching(user, pk)
    form = OfferChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the offer to propose the person for."))
        return redirect("placements:participant_matches", pk=participant.pk)
    offer = get_offer_for_user(user, form.cleaned_data["offer"])
    _propose(
        request,
        offer,
        participant,
        _("%(name)s was proposed for “%(offer)s” of %(company)s.")
        % {
            "name": participant.full_name,
            "offer": offer.title,
            "company": offer.employer.organisation.name,
        },
    )
    return redirect("placements:participant_matches", pk=participant.pk)


@login_required
@require_POST
def gap_to_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    # The plan is case work: for those who manage participants somewhere.
    if not permissions.can(user, Cap.MANAGE_PARTICIPANTS):
        raise PermissionDenied
    participant = get_participant_for_user(user, pk, write=True)
    form = GapForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("Choose what to add.")
        )
        return redirect("placements:participant_matches", pk=participant.pk)
    course = skill = None
    if (course_id := form.cleaned_data["course"]) is not None:
        course = get_object_or_404(
            Course.objects.for_user(user).filter(programme_id=participant.programme_id),
            pk=course_id,
        )
    else:
        skill = get_object_or_404(Concept, pk=form.cleaned_data["skill"], kind=Kind.SKILL)
    try:
        services.gap_to_plan(by=user, participant=participant, skill=skill, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(what)s” was added to the integration plan.")
            % {"what": course.title if course is not None else skill.label() if skill else ""},
        )
    return redirect("placements:participant_matches", pk=participant.pk)
