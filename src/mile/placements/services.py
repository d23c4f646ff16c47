"""Writes of the placement workflow: matching runs, proposals from them, placements and their
follow-ups, and skill gaps added to the integration plan. Atomic, checked, audited.

Each step is also a service record of the person's pathway: the candidacy (job guidance,
written by ``employers.services.proposal_create``), the placement (work placement, ongoing
until it ends) and each follow-up (post-placement support).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mile.activities.models import Course
from mile.core import permissions
from mile.core.roles import Cap
from mile.employers import services as employer_services
from mile.employers.models import Offer, OfferStatus, Proposal
from mile.matching import assign
from mile.matching.explain import explain
from mile.matching.score import fit
from mile.participants import services as participant_services
from mile.participants.models import (
    Participant,
    PlannedService,
    ServiceRecord,
    ServiceType,
    Status,
)
from mile.participants.pathway import responsible_staff
from mile.placements import matching
from mile.placements.explain import explanation
from mile.placements.models import (
    FOLLOW_UP_MONTHS,
    FollowUp,
    Group,
    MatchRun,
    Method,
    Outcome,
    Placement,
    PlacementStatus,
    Suggestion,
)
from mile.programmes.models import Programme, Site
from mile.taxonomy.models import Concept


def _require(by: Any, programme_id: int, *caps: Cap) -> None:
    for cap in caps:
        if not permissions.can(by, cap, programme_id):
            raise PermissionDenied


# --- Matching runs -----------------------------------------------------------------------------


@transaction.atomic
def match_run(
    *,
    by: Any,
    programme: Programme,
    site: Site | None = None,
    offer: Offer | None = None,
    method: str = Method.OPTIMAL,
    min_score: float = 0.3,
    floors: dict[str, float] | None = None,
) -> MatchRun:
    """Assign the matchable people to the open places of a site (or of one offer) at once.

    The optimal method maximises the total fit (with fairness floors when given); greedy takes
    the best remaining pair first; stable respects both sides' preferences. The greedy total
    is always computed beside, so the page can show what the exact assignment gained.
    """
    _require(by, programme.pk, Cap.MANAGE_EMPLOYERS)
    floors = {k: v for k, v in (floors or {}).items() if v}
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a method.")})
    if not 0.0 <= min_score <= 1.0:
        raise ValidationError({"min_score": _("Give a fit between 0 and 1.")})
    if any(g not in Group.values or not 0.0 <= v <= 1.0 for g, v in floors.items()):
        raise ValidationError({"floors": _("Give each share between 0 and 100 %.")})
    if floors and method != Method.OPTIMAL:
        raise ValidationError({"floors": _("Fairness floors apply to the best total fit only.")})
    if site is not None and site.programme_id != programme.pk:
        raise ValidationError({"site": _("The site belongs to another programme.")})
    if offer is not None:
        if offer.employer.programme_id != programme.pk:
            raise ValidationError({"offer": _("The offer belongs to another programme.")})
        if offer.status != OfferStatus.OPEN:
            raise ValidationError({"offer": _("Only an open offer can be matched.")})

    started = time.perf_counter()
    offer_rows = list(matching.open_offers(by, programme.pk, site_id=site.pk if site else None))
    if offer is not None:
        offer_rows = [o for o in offer_rows if o.pk == offer.pk]
    offer_rows = [o for o in offer_rows if matching.free_places(o) > 0]
    people = matching.persons(
        matching.matchable(by, programme.pk, site_id=site.pk if site and offer is None else None)
    )
    items = matching.offers(offer_rows)
    run = MatchRun(
        programme=programme,
        site=site,
        offer=offer,
        method=method,
        min_score=min_score,
        floors=floors,
        people=len(people),
        offers=len(items),
        places=sum(o.places for o in items),
        run_by=by,
    )
    if not people or not items:
        run.seconds = time.perf_counter() - started
        run.save()
        return run

    excluded = matching.proposed_pairs([int(p.id) for p in people], [int(o.id) for o in items])
    scores = matching.score_matrix(people, items, excluded)
    places = np.array([o.places for o in items], dtype=np.int64)
    greedy = assign.assign_greedy(scores, places, min_score=min_score)
    result: assign.Assignment | assign.Infeasible
    if method == Method.GREEDY:
        result = greedy
    elif method == Method.STABLE:
        result = assign.assign_stable(scores, places, min_score=min_score)
    elif floors:
        masks = {g: np.array([g in p.groups for p in people], dtype=bool) for g in floors}
        try:
            result = assign.assign_with_floors(scores, places, masks, floors, min_score=min_score)
        except ValueError:
            # Floors are solved as an integer program, bounded to stay fast.
            raise ValidationError(
                {
                    "floors": _(
                        "Too many possible pairs for fairness floors: raise the lowest fit or"
                        " match one site at a time."
                    )
                }
            ) from None
    else:
        result = assign.assign_optimal(scores, places, min_score=min_score)
    run.greedy_fit = float(greedy.total_fit)
    run.greedy_placed = int(greedy.count)
    if isinstance(result, assign.Infeasible):
        run.infeasible = result.code
        run.seconds = time.perf_counter() - started
        run.save()
        return run
    run.total_fit = float(result.total_fit)
    run.placed = int(result.count)
    run.save()
    graph = matching.skill_graph()
    suggestions = []
    for i, j in result.pairs:
        person, item = people[int(i)], items[int(j)]
        f = fit(person, item, graph, matching.WEIGHTS)
        suggestions.append(
            Suggestion(
                run=run,
                participant_id=int(person.id),
                offer_id=int(item.id),
                score=round(f.score, 4),
                parts={k: round(v, 4) for k, v in f.parts.items()},
                reasons=[list(r) for r in explain(f, item)],
            )
        )
    Suggestion.objects.bulk_create(suggestions)
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["seconds"])
    return run


@transaction.atomic
def suggestion_propose(*, by: Any, suggestion: Suggestion, note: str = "") -> Proposal:
    """Propose the suggested person for the suggested offer, keeping the fit and reasons."""
    if suggestion.proposal_id is not None:
        raise ValidationError(_("This person has already been proposed for this offer."))
    if suggestion.dismissed_at is not None:
        raise ValidationError(_("This suggestion was set aside."))
    proposal = employer_services.proposal_create(
        by=by,
        offer=suggestion.offer,
        participant=suggestion.participant,
        note=note,
        score=suggestion.score,
        reasons=suggestion.reasons,
    )
    suggestion.proposal = proposal
    suggestion.save(update_fields=["proposal"])
    return proposal


@transaction.atomic
def suggestion_dismiss(*, by: Any, suggestion: Suggestion) -> Suggestion:
    """Set a suggestion aside: it stays in the run, marked, and is not proposed."""
    _require(by, suggestion.run.programme_id, Cap.MANAGE_EMPLOYERS)
    if suggestion.proposal_id is not None:
        raise ValidationError(_("This person has already been proposed for this offer."))
    if suggestion.dismissed_at is None:
        suggestion.dismissed_at = timezone.now()
        suggestion.save(update_fields=["dismissed_at"])
    return suggestion


def proposal_from_match(
    *, by: Any, offer: Offer, participant: Participant, note: str = ""
) -> Proposal:
    """Propose from a live ranking: the fit and its reasons are computed now and kept."""
    person = matching.persons([participant])[0]
    item = matching.offers([offer])[0]
    f = fit(person, item, matching.skill_graph(), matching.WEIGHTS)
    reasons = explain(f, item)
    if f.excluded:
        why = explanation([r for r in reasons if r.code == "excluded"])
        raise ValidationError(
            _("This person cannot take this offer: %(why)s") % {"why": "; ".join(why)}
        )
    return employer_services.proposal_create(
        by=by,
        offer=offer,
        participant=participant,
        note=note,
        score=round(f.score, 4),
        reasons=[list(r) for r in reasons],
    )


# --- Placements --------------------------------------------------------------------------------

PLACEMENT_FIELDS = frozenset(
    {
        "starts_on",
        "ends_on",
        "hours_per_week",
        "company_tutor",
        "company_tutor_email",
        "company_tutor_phone",
        "programme_tutor",
    }
)


def programme_tutors(programme_id: int) -> Any:
    """Who may follow a placement for the programme: staff who work with participants."""
    return responsible_staff(programme_id)


def _to_status(by: Any, participant: Participant, status: str) -> None:
    """Move the person along the pathway when the move is allowed, through ACTIVE if needed."""
    participant.refresh_from_db(fields=["status"])
    if participant.status == status:
        return
    if participant.status == Status.ENROLLED and status != Status.ACTIVE:
        participant_services.participant_change_status(
            by=by, participant=participant, status=Status.ACTIVE
        )
        participant.refresh_from_db(fields=["status"])
    if participant.can_move_to(status):
        participant_services.participant_change_status(
            by=by, participant=participant, status=status
        )


def _recorded_by_hand(placement: Placement) -> ServiceRecord | None:
    """The work placement at this company the case worker already entered in the pathway for
    the same days, if any: the placement takes it over instead of adding a second one."""
    ends = placement.ends_on or placement.starts_on
    return (
        ServiceRecord.objects.filter(
            participant_id=placement.participant_id,
            service_type=ServiceType.WORK_PLACEMENT,
            provider=placement.offer.employer.organisation,
            placement__isnull=True,
            started_on__lte=ends,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=placement.starts_on))
        .order_by("-started_on", "-pk")
        .first()
    )


@transaction.atomic
def placement_start(*, by: Any, proposal: Proposal, fields: dict[str, Any]) -> Placement:
    """Start the placement both sides accepted, and schedule its follow-ups.

    The person moves to "placed"; an offer whose places are all taken moves to "filled".
    """
    programme_id = proposal.offer.employer.programme_id
    _require(by, programme_id, Cap.MANAGE_EMPLOYERS, Cap.MANAGE_PARTICIPANTS)
    if not Participant.objects.for_user(by).filter(pk=proposal.participant_id).exists():
        raise PermissionDenied
    if unknown := set(fields) - PLACEMENT_FIELDS:
        raise ValueError(f"not placement fields: {sorted(unknown)}")
    if not proposal.accepted_by_both:
        raise ValidationError(_("A placement starts once the candidate and the employer accept."))
    if Placement.objects.filter(proposal=proposal).exists():
        raise ValidationError(_("This placement has already started."))
    tutor = fields.get("programme_tutor")
    if tutor is None or not programme_tutors(programme_id).filter(pk=tutor.pk).exists():
        raise ValidationError(
            {"programme_tutor": _("Choose someone of the programme who works with participants.")}
        )
    if Placement.objects.filter(
        participant_id=proposal.participant_id, status=PlacementStatus.ONGOING
    ).exists():
        raise ValidationError(_("The person is already in an ongoing placement."))
    placement = Placement(
        proposal=proposal,
        participant_id=proposal.participant_id,
        offer=proposal.offer,
        created_by=by,
        **fields,
    )
    placement.full_clean(exclude=["proposal", "participant", "offer", "service_record"])
    offer = proposal.offer
    record = _recorded_by_hand(placement) or ServiceRecord(
        participant_id=proposal.participant_id,
        service_type=ServiceType.WORK_PLACEMENT,
        provider=offer.employer.organisation,
        recorded_by=by,
    )
    record.title = f"{offer.title} · {offer.employer.organisation.name}"[:200]
    record.started_on = placement.starts_on
    record.ended_on = None
    record.outcome = ServiceRecord.Outcome.ONGOING
    record.save()
    placement.service_record = record
    placement.save()
    FollowUp.objects.bulk_create(
        FollowUp(
            placement=placement,
            months=months,
            due_on=FollowUp.due_date(placement.starts_on, months),
        )
        for months in FOLLOW_UP_MONTHS
    )
    _to_status(by, proposal.participant, Status.PLACED)
    started = Placement.objects.filter(offer=offer).exclude(status=PlacementStatus.ENDED_EARLY)
    if offer.status == OfferStatus.OPEN and started.count() >= offer.places:
        offer.move_to(OfferStatus.FILLED)
    return placement


@transaction.atomic
def placement_end(
    *, by: Any, placement: Placement, ended_on: dt.date, reason: str, note: str = ""
) -> Placement:
    """End the placement, as planned or early; the person goes back to "active"."""
    _require(by, placement.participant.programme_id, Cap.MANAGE_PARTICIPANTS)
    placement.end(on=ended_on, reason=reason, note=note)
    record = placement.service_record
    if record is not None:
        record.ended_on = ended_on
        record.outcome = (
            ServiceRecord.Outcome.COMPLETED
            if placement.status == PlacementStatus.COMPLETED
            else ServiceRecord.Outcome.INTERRUPTED
        )
        record.save(update_fields=["ended_on", "outcome"])
    person = placement.participant
    person.refresh_from_db(fields=["status"])
    if person.status == Status.PLACED:
        _to_status(by, person, Status.ACTIVE)
    return placement


@transaction.atomic
def follow_up_record(
    *,
    by: Any,
    follow_up: FollowUp,
    done_on: dt.date,
    outcome: str,
    left_reason: str = "",
    notes: str = "",
    with_employer: bool = True,
    with_participant: bool = True,
) -> FollowUp:
    """Record a check-in; "hired" moves the person to "employed", "left" ends the placement.

    After someone left, the later check-ins not yet done are dropped: there is no one at the
    company to check in with.
    """
    placement = follow_up.placement
    _require(by, placement.participant.programme_id, Cap.MANAGE_PARTICIPANTS)
    if not Participant.objects.for_user(by).filter(pk=placement.participant_id).exists():
        raise PermissionDenied
    follow_up.record(
        by=by,
        done_on=done_on,
        outcome=outcome,
        left_reason=left_reason,
        notes=notes,
        with_employer=with_employer,
        with_participant=with_participant,
    )
    record = follow_up.service_record or ServiceRecord(
        participant_id=placement.participant_id,
        service_type=ServiceType.POST_PLACEMENT,
        title=f"{placement.offer.title} · {placement.offer.employer.organisation.name}"[:200],
        provider=placement.offer.employer.organisation,
        recorded_by=by,
    )
    record.started_on = record.ended_on = done_on
    record.outcome = ServiceRecord.Outcome.COMPLETED
    record.save()
    if follow_up.service_record_id != record.pk:
        follow_up.service_record = record
        follow_up.save(update_fields=["service_record"])
    if outcome == Outcome.LEFT:
        if placement.status == PlacementStatus.ONGOING:
            placement_end(
                by=by, placement=placement, ended_on=done_on, reason=left_reason, note=notes
            )
        placement.follow_ups.filter(done_on__isnull=True, months__gt=follow_up.months).delete()
    elif outcome == Outcome.HIRED:
        _to_status(by, placement.participant, Status.EMPLOYED)
    return follow_up


# --- Skill gaps → the integration plan ---------------------------------------------------------


@transaction.atomic
def gap_to_plan(
    *,
    by: Any,
    participant: Participant,
    skill: Concept | None = None,
    course: Course | None = None,
) -> PlannedService:
    """Add a course that teaches a missing skill, or the skill itself, to the person's plan."""
    if (skill is None) == (course is None):
        raise ValueError("give a skill or a course")
    if course is not None:
        if course.programme_id != participant.programme_id:
            raise PermissionDenied
        days = [s.starts_at.date() for s in course.sessions.all()]
        fields: dict[str, Any] = {
            "service_type": course.service_type,
            "description": course.title[:200],
            "starts_on": min(days, default=None),
            "ends_on": max(days, default=None),
        }
    else:
        assert skill is not None
        fields = {
            "service_type": ServiceType.TECHNICAL_TRAINING,
            "description": (_("Learn: %(skill)s") % {"skill": skill.label()})[:200],
        }
    plan = getattr(participant, "plan", None)
    if (
        plan is not None
        and plan.services.filter(
            description=fields["description"], state=PlannedService.State.PLANNED
        ).exists()
    ):
        raise ValidationError(_("The plan already has this."))
    return participant_services.planned_service_save(by=by, participant=participant, fields=fields)


# --- Merging two records of one person --------------------------------------------------------


def suggestions_merge(survivor: Participant, duplicate: Participant) -> None:
    """Move the duplicate's suggestions; a run that suggested both keeps the survivor's."""
    runs = set(Suggestion.objects.filter(participant=survivor).values_list("run_id", flat=True))
    Suggestion.objects.filter(participant=duplicate, run_id__in=runs).delete()
    Suggestion.objects.filter(participant=duplicate).update(participant=survivor)


def placements_merge(survivor: Participant, duplicate: Participant) -> None:
    """Placements follow their proposal, which the employers' rule has moved already."""
    for placement in Placement.objects.filter(participant=duplicate).select_related("proposal"):
        placement.participant_id = placement.proposal.participant_id
        placement.save(update_fields=["participant"])
    Placement.objects.filter(participant=duplicate).update(participant=survivor)
