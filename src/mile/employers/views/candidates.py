"""Candidates proposed to employers: staff propose, the company answers, the person shares.

An employer contact sees a candidate under the proposal's pseudonym (``C-00012``) with the
skills profile the person agreed to show employers; their name and contacts only once the
person agreed to share them with this employer, and each such view is logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.employers import services
from mile.employers.access import get_offer_for_user, get_proposal_for_user, is_contact_of
from mile.employers.candidates import candidate_profile
from mile.employers.forms_candidates import (
    CandidateFilterForm,
    CandidateSearchForm,
    DecisionForm,
    ProposalForm,
)
from mile.employers.models import Decision, Offer, OfferStatus, Proposal
from mile.participants.models import Consent, Participant, Purpose, Status
from mile.privacy.audit import log_sensitive_view

PAGE_SIZE = 25
# People shown to choose from at once; a search narrows them.
CHOICES_SHOWN = 50
# Who can be proposed: people in the programme who have not finished or left it.
PROPOSABLE = (Status.ENROLLED, Status.ACTIVE, Status.PLACED)
# What an employer contact is shown once the person shared it; each view is logged.
SHARED_FIELDS = ("name", "email", "phone")


def _named_participants(user: Any, participant_ids: list[int]) -> set[int]:
    """Of these people, those ``user`` follows as staff and may see by name."""
    personal = permissions.programme_ids_with(user, Cap.VIEW_PERSONAL_DATA)
    visible = Participant.objects.for_user(user).filter(pk__in=participant_ids)
    if not permissions.is_platform_admin(user):
        # Evaluators read the same people pseudonymised.
        visible = visible.filter(programme_id__in=personal)
    return set(visible.values_list("pk", flat=True))


# --- Proposing ---------------------------------------------------------------------------------


def _proposable(user: Any, offer: Offer) -> QuerySet[Participant]:
    return Participant.objects.for_user(user).filter(
        programme_id=offer.employer.programme_id, status__in=PROPOSABLE
    )


def _choices(user: Any, offer: Offer, q: str, selected: Any) -> tuple[list[Any], bool]:
    """The people to choose from, with whether each agreed and was already proposed."""
    latest_consent = Consent.objects.filter(
        participant=OuterRef("pk"), purpose=Purpose.EMPLOYERS
    ).order_by("-recorded_at", "-pk")
    people = _proposable(user, offer).annotate(
        employers_consent=Subquery(latest_consent.values("given")[:1]),
        already=Exists(Proposal.objects.filter(offer=offer, participant=OuterRef("pk"))),
    )
    if q:
        reference = q.upper().removeprefix("P-")
        terms = Q(family_name__icontains=q) | Q(given_names__icontains=q)
        if reference.isdigit():
            terms |= Q(pk=int(reference))
        people = people.filter(terms)
    shown = list(people.order_by("family_name", "given_names", "pk")[: CHOICES_SHOWN + 1])
    more = len(shown) > CHOICES_SHOWN
    shown = shown[:CHOICES_SHOWN]
    # The person chosen before a refusal stays in view, whatever the search.
    if selected and str(selected).isdigit() and all(str(p.pk) != str(selected) for p in shown):
        shown = [*people.filter(pk=int(selected)), *shown]
    return shown, more


def _proposal_page(
    request: AuthenticatedHttpRequest, offer: Offer, form: ProposalForm, q: str, *, status: int
) -> HttpResponse:
    selected = form["participant"].value()
    people, more = _choices(request.user, offer, q, selected)
    return render(
        request,
        "employers/proposal_form.html",
        {
            "offer": offer,
            "form": form,
            "search_form": CandidateSearchForm(initial={"q": q}),
            "q": q,
            "people": people,
            "more": more,
            "selected": str(selected or ""),
            "is_open": offer.status == OfferStatus.OPEN,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk)
    # Proposing is for the programme's staff; the company itself and evaluators only read.
    if not permissions.can(request.user, Cap.MANAGE_EMPLOYERS, offer.employer.programme_id):
        raise PermissionDenied
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        participants=_proposable(request.user, offer),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_create(
                    by=request.user,
                    offer=offer,
                    participant=form.cleaned_data["participant"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The candidate was proposed to %(company)s.")
                    % {"company": offer.employer.organisation.name},
                )
                return redirect("employers:offer_detail", pk=offer.pk)
        return _proposal_page(request, offer, form, q, status=400)
    return _proposal_page(request, offer, form, q, status=200)


# --- The offer page's section ------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    proposal: Proposal
    # The person's name and record, for staff who follow them; empty for everyone else.
    name: str = ""
    record_url: str = ""


def offer_candidates_section(request: HttpRequest, offer: Any) -> dict[str, Any]:
    """What the offer page shows of its candidates (template employers/_offer_candidates.html)."""
    user: Any = request.user
    proposals = list(
        Proposal.objects.for_user(user)
        .filter(offer=offer)
        .select_related("participant")
        .order_by("-proposed_at", "-pk")
    )
    named = _named_participants(user, [p.participant_id for p in proposals])
    rows = [
        CandidateRow(
            proposal=p,
            name=p.participant.full_name if p.participant_id in named else "",
            record_url=(
                reverse("participants:participant_detail", kwargs={"pk": p.participant_id})
                if p.participant_id in named
                else ""
            ),
        )
        for p in proposals
    ]
    can_propose = offer.status == OfferStatus.OPEN and permissions.can(
        user, Cap.MANAGE_EMPLOYERS, offer.employer.programme_id
    )
    return {
        "candidate_rows": rows,
        "candidate_propose_url": (
            reverse("employers:proposal_create", kwargs={"pk": offer.pk}) if can_propose else ""
        ),
        "candidates_contact_view": is_contact_of(user, offer.employer),
    }


# --- The list ----------------------------------------------------------------------------------


@login_required
@require_GET
def candidate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    contact = permissions.can(user, Cap.MANAGE_OWN_EMPLOYER)
    # Staff and evaluators read the proposals of people they follow; companies their own.
    if not (contact or permissions.can(user, Cap.VIEW_EMPLOYERS)):
        raise PermissionDenied
    proposals: QuerySet[Proposal] = Proposal.objects.for_user(user)
    offers = Offer.objects.filter(pk__in=proposals.values("offer_id")).select_related(
        "employer__organisation"
    )
    form = CandidateFilterForm(request.GET or None, offers=offers)
    proposals = form.filter(proposals)
    page = Paginator(
        proposals.select_related("offer__employer__organisation", "participant").order_by(
            "-proposed_at", "-pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    named = _named_participants(user, [p.participant_id for p in page])
    template = (
        "employers/candidate_list.html#results" if request.htmx else "employers/candidate_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "named": named,
            # Staff see a name column; the company and evaluators see references only.
            "show_names": permissions.can(user, Cap.MANAGE_EMPLOYERS),
            "contact": contact,
            "filtered": bool(request.GET.get("offer") or request.GET.get("decision")),
            "pseudonymised": not permissions.can(user, Cap.VIEW_PERSONAL_DATA),
        },
    )


# --- One candidate -----------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    proposal: Proposal,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    person = proposal.participant
    employer = proposal.offer.employer
    contact = is_contact_of(user, employer)
    own = person.user_id is not None and person.user_id == user.pk
    named = person.pk in _named_participants(user, [person.pk])
    profile = candidate_profile(
        proposal, language=get_language() or "en", may_see_identity=contact or own or named
    )
    if contact and profile.identity is not None:
        log_sensitive_view(
            user=user,
            instance=person,
            fields=SHARED_FIELDS,
            remote_addr=request.META.get("REMOTE_ADDR"),
        )
    pending = proposal.decision == Decision.PENDING
    return render(
        request,
        "employers/candidate_detail.html",
        {
            "proposal": proposal,
            "offer": proposal.offer,
            "company": employer.organisation.name,
            "profile": profile,
            "contact": contact,
            "own": own,
            "staff_name": person.full_name if named else "",
            "can_decide": contact and pending,
            "decision_form": decision_form or (DecisionForm() if contact and pending else None),
            "can_record_share": (
                named
                and proposal.identity_shared_at is None
                and permissions.can(user, Cap.MANAGE_EMPLOYERS, employer.programme_id)
            ),
            # Sharing with a company that declined would serve nothing.
            "can_share_own": (
                own
                and proposal.identity_shared_at is None
                and proposal.decision != Decision.DECLINED
            ),
            # The employer's reason is for the company and the staff, not for the candidate.
            "show_reason": not own or contact or named,
        },
        status=status,
    )


@login_required
@require_GET
def candidate_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_proposal_for_user(request.user, pk))


@login_required
@require_POST
def candidate_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_proposal_for_user(request.user, pk, decide=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_decide(
                by=request.user,
                proposal=proposal,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
            # The answer on record, not the one refused.
            proposal.refresh_from_db()
        else:
            messages.success(request, _("Your answer was sent to the programme."))
            return redirect("employers:candidate_detail", pk=proposal.pk)
    return _detail(request, proposal, decision_form=form, status=400)


@login_required
@require_POST
def candidate_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person agrees that this employer sees their name and contacts (or staff record it)."""
    proposal = get_proposal_for_user(request.user, pk)
    person = proposal.participant
    own = person.user_id is not None and person.user_id == request.user.pk
    # The company never shares on the candidate's behalf; the service checks staff rights.
    if not own and is_contact_of(request.user, proposal.offer.employer):
        raise PermissionDenied
    services.proposal_share_identity(by=request.user, proposal=proposal)
    company = proposal.offer.employer.organisation.name
    if own:
        messages.success(
            request,
            _("Your name and contact details are now shared with %(company)s.")
            % {"company": company},
        )
        return redirect("participants:me")
    messages.success(
        request,
        _("Recorded: the person agreed to share their name and contact details with %(company)s.")
        % {"company": company},
    )
    return redirect("employers:candidate_detail", pk=proposal.pk)
