"""The demo's placement workflow: matching runs, candidates' answers, placements, follow-ups.

In Milan the coordinator ran the engine twice: over the workshop's new offer (stable), then
over the whole site with a floor of 40 % for women (best total fit, without the floor where it
cannot be met). Of the site run two people were proposed and one suggestion was set aside;
one candidate declined (the shifts start too early), the workshop accepted the other. A person
who was only eligible is enrolled and agrees to be shown to employers, so the runs have three
people to place. In Innsbruck the candidate the hotel accepted for the summer season accepts
too and shares their name.

Placements started 400, 200, 100 and 25 days ago: three at the Innsbruck hotel (one hired
after three months, one left after six on their own, one still there) and the Milan
workshop's first, whose one-month check-in falls due within days on the list of Milan's case
worker. The 400-day one's twelve-month check-in is overdue. Who is placed follows each
person's status in the demo (employed, active, placed), so the pathways stay in step.

Everything goes through the services staff, employers and candidates use. The services stamp
what they record with today; steps that happened before a placement started get their dates
set after (proposals, answers, the candidacy record, status changes, the offers' dates).
The companies' answers are their contacts' (Erik in Innsbruck, Giulia in Milan).

Needs ESCO (``make run`` imports it first), since an offer is only published with a skill;
without it nothing is made. Running it again changes nothing: the part is made only while
the programme has neither a matching run nor a placement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mile.accounts.models import Membership, User
from mile.core.roles import Role
from mile.demo.data import ORGANISATIONS
from mile.demo.employers import HOST_LANGUAGE, _concepts, _contact, _coordinator
from mile.employers import services as employer_services
from mile.employers.models import (
    ContractType,
    Decision,
    Employer,
    Offer,
    OfferKind,
    OfferSkill,
    OfferStatus,
    Proposal,
)
from mile.participants import services as participant_services
from mile.participants.consent import has_consent
from mile.participants.models import (
    Consent,
    Participant,
    Purpose,
    ServiceRecord,
    ServiceType,
    Status,
    StatusChange,
)
from mile.placements import services
from mile.placements.models import (
    Group,
    LeftReason,
    MatchRun,
    Method,
    Outcome,
    Placement,
    PlacementStatus,
)
from mile.programmes.models import Programme, Site
from mile.taxonomy.models import Concept, Kind, fold

DECLINE = "The shifts start too early for childcare."
WOMEN_FLOOR = 0.4
# Days from proposing a candidate to the start of their placement.
LEAD_DAYS = 24


@dataclass(frozen=True)
class OfferSpec:
    employer: str  # a key of data.ORGANISATIONS
    title: str
    kind: str
    # English preferred labels of ESCO occupations, the first one found is taken.
    occupations: tuple[str, ...]
    # English preferred labels of the essential skills; those missing are left out, and the
    # last one, "work in teams", is in every ESCO (the tests' tiny one too).
    skills: tuple[str, ...]
    description: str
    starts: int  # days from today (negative: ago)
    days: int  # how long it lasts
    hours_per_week: int
    places: int
    contract_type: str
    languages: tuple[tuple[str, str], ...]
    tutor_name: str
    tutor_email: str = ""
    workplace: int = 0


@dataclass(frozen=True)
class CheckIn:
    months: int
    outcome: str
    notes: str
    left_reason: str = ""


@dataclass(frozen=True)
class PlacementSpec:
    offer: OfferSpec
    # Who is placed: the person of the offer's site in this status, so the placement's end
    # matches the pathway the demo gave them (employed: hired; active: left; placed: ongoing).
    status: str
    note: str
    accepted_because: str
    check_ins: tuple[CheckIn, ...] = ()
    # Ends as planned, between the check-ins, when the person was hired before.
    completed: bool = False


KITCHEN = ("kitchen assistant", "cook", "chef")
KITCHEN_SKILLS = (
    "comply with food safety and hygiene",
    "clean kitchen equipment",
    "use food preparation techniques",
    "work in a hospitality team",
    "work in teams",
)
PLACEMENTS = [
    PlacementSpec(
        OfferSpec(
            "alpenblick",
            "Kitchen assistant, winter season",
            OfferKind.PLACEMENT,
            KITCHEN,
            KITCHEN_SKILLS,
            "Prepare vegetables and salads for the restaurant, help the cooks during service "
            "and keep the kitchen clean following the hygiene plan.",
            -400,
            150,
            38,
            1,
            ContractType.PLACEMENT_AGREEMENT,
            (("de", "A2"),),
            "Hannes Probegger",
            "kueche@alpenblick-demo.example",
        ),
        Status.EMPLOYED,
        "Worked in a hotel kitchen before coming here; finished the kitchen course.",
        "Good fit for our kitchen; we take the candidate for the winter season.",
        (
            CheckIn(1, Outcome.STILL_PLACED, "Settling in well; the head chef is pleased."),
            CheckIn(3, Outcome.HIRED, "Offered a seasonal contract as kitchen assistant."),
            CheckIn(6, Outcome.HIRED, "Still in the kitchen on the contract; asked for a course."),
        ),
        completed=True,
    ),
    PlacementSpec(
        OfferSpec(
            "alpenblick",
            "Room attendant, Seehof Igls",
            OfferKind.JOB,
            ("room attendant",),
            ("clean rooms", "handle linen in stock", "perform cleaning duties", "work in teams"),
            "Clean and prepare guest rooms, change the bed linen and report damage to the "
            "housekeeping supervisor.",
            -200,
            300,
            30,
            1,
            ContractType.FIXED_TERM,
            (("de", "A2"),),
            "Maria Musterer",
            "housekeeping@alpenblick-demo.example",
            workplace=1,
        ),
        Status.ACTIVE,
        "Motivated and punctual; wants to work in a hotel.",
        "We offer a ten-month contract in housekeeping.",
        (
            CheckIn(1, Outcome.STILL_PLACED, "Learning the housekeeping routine quickly."),
            CheckIn(3, Outcome.STILL_PLACED, "Asked for more hours; the hotel will see in spring."),
            CheckIn(
                6,
                Outcome.LEFT,
                "Left at the end of the month: the journey to Igls took too long.",
                LeftReason.RESIGNED,
            ),
        ),
    ),
    PlacementSpec(
        OfferSpec(
            "alpenblick",
            "Kitchen assistant, breakfast service",
            OfferKind.PLACEMENT,
            KITCHEN,
            KITCHEN_SKILLS,
            "Prepare the breakfast buffet, keep it stocked during service and clean up after.",
            -100,
            180,
            30,
            1,
            ContractType.PLACEMENT_AGREEMENT,
            (("de", "A2"),),
            "Hannes Probegger",
            "kueche@alpenblick-demo.example",
        ),
        Status.PLACED,
        "Completed the hygiene module of the kitchen course.",
        "Good fit for the breakfast team.",
        (
            CheckIn(1, Outcome.STILL_PLACED, "Fine at the buffet; German at work improving."),
            CheckIn(3, Outcome.STILL_PLACED, "Works on their own now; a contract is discussed."),
        ),
    ),
    PlacementSpec(
        OfferSpec(
            "brambilla",
            "Warehouse and shipping helper",
            OfferKind.PLACEMENT,
            ("warehouse worker",),
            ("pack goods", "store goods", "ensure correct goods labelling", "work in teams"),
            "Pack finished frames and brackets, label the parcels and keep the store in order.",
            -25,
            120,
            40,
            1,
            ContractType.PLACEMENT_AGREEMENT,
            (("it", "A2"),),
            "Giulia Brambilla",
            "officina@brambilla-demo.example",
        ),
        Status.PLACED,
        "Used to physical work; Italian enough to follow the safety training.",
        "We take the candidate for our first placement.",
    ),
]
# The Milan workshop's new offer, which the matching runs fill.
WORKSHOP = OfferSpec(
    "brambilla",
    "Workshop helper",
    OfferKind.PLACEMENT,
    ("metal products assembler",),
    ("use hand tools", "assemble metal parts", "work in teams"),
    "Help the assemblers: prepare the parts, assemble simple brackets with hand tools and "
    "keep the workshop tidy. Safety training on the first day.",
    35,
    90,
    30,
    3,
    ContractType.PLACEMENT_AGREEMENT,
    (("it", "A2"),),
    "Giulia Brambilla",
    "officina@brambilla-demo.example",
)


def _on(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _staff(programme: Programme, site: Site) -> User | None:
    membership = (
        Membership.objects.filter(
            programme=programme, site=site, role=Role.PARTNER_STAFF, is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _person(programme: Programme, site: Site, status: str) -> Participant | None:
    return (
        Participant.objects.filter(programme=programme, site=site, status=status)
        .order_by("pk")
        .first()
    )


def _agree(person: Participant, by: User) -> Consent | None:
    """The person agrees to be shown to employers, unless they already have."""
    if has_consent(person, Purpose.EMPLOYERS):
        return None
    consent: Consent = participant_services.consent_record(
        by=by,
        participant=person,
        purpose=Purpose.EMPLOYERS,
        given=True,
        language=HOST_LANGUAGE.get(person.site.country.code, "en"),
    )
    return consent


def _offer(
    spec: OfferSpec,
    employer: Employer,
    by: User,
    occupations: dict[str, Concept],
    skills: dict[str, Concept],
) -> Offer | None:
    """The offer, published; None when none of its skills is in the ESCO imported."""
    needed = [skills[k] for k in map(fold, spec.skills) if k in skills]
    if not needed:
        return None
    where = employer.workplaces.order_by("pk")[spec.workplace : spec.workplace + 1].first()
    starts_on = _on(spec.starts)
    published_on = max(starts_on, _on(-300))
    offer = employer_services.offer_create(
        by=by,
        employer=employer,
        fields={
            "kind": spec.kind,
            "title": spec.title,
            "description": spec.description,
            "occupation": next(
                (occupations[k] for k in map(fold, spec.occupations) if k in occupations), None
            ),
            "site": employer.site,
            "address": f"{where.street}, {where.postcode} {where.city}" if where else "",
            "latitude": where.latitude if where else None,
            "longitude": where.longitude if where else None,
            "hours_per_week": spec.hours_per_week,
            "starts_on": published_on,
            "ends_on": published_on + dt.timedelta(days=spec.days),
            "places": spec.places,
            "paid": True,
            "contract_type": spec.contract_type,
            "tutor_name": spec.tutor_name,
            "tutor_email": spec.tutor_email,
        },
    )
    employer_services.offer_requirements_set(
        by=by,
        offer=offer,
        skills=[(concept, True, OfferSkill.Origin.MANUAL) for concept in needed],
        languages=list(spec.languages),
    )
    employer_services.offer_move(by=by, offer=offer, status=OfferStatus.OPEN)
    if published_on != starts_on:
        # Publishing refuses a start more than a year ago, rightly today; this offer was
        # published before its start, so its dates are set after.
        Offer.objects.filter(pk=offer.pk).update(
            starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=spec.days)
        )
        offer.refresh_from_db()
    return offer


def _place(
    spec: PlacementSpec,
    *,
    offer: Offer,
    person: Participant,
    staff: User,
    contact: User,
) -> Placement:
    """Propose, both sides accept, start, and record the check-ins done since."""
    starts_on = offer.starts_on or timezone.localdate()
    asked = timezone.now()
    # Someone employed has told the employers demo they no longer want to be shown; they
    # agreed before this placement (dated below).
    consent = _agree(person, staff)
    proposal = employer_services.proposal_create(
        by=staff, offer=offer, participant=person, note=spec.note
    )
    employer_services.proposal_decide(
        by=contact, proposal=proposal, decision=Decision.ACCEPTED, reason=spec.accepted_because
    )
    employer_services.proposal_answer(
        by=staff, proposal=proposal, decision=Decision.ACCEPTED, reason="", share_identity=True
    )
    placement = services.placement_start(
        by=staff,
        proposal=proposal,
        fields={
            "starts_on": starts_on,
            "ends_on": offer.ends_on,
            "hours_per_week": offer.hours_per_week,
            "company_tutor": offer.tutor_name,
            "company_tutor_email": offer.tutor_email,
            "programme_tutor": staff,
        },
    )
    _replace_generic_record(placement)
    today = timezone.localdate()
    for check_in in spec.check_ins:
        follow_up = placement.follow_ups.get(months=check_in.months)
        done_on = min(follow_up.due_on + dt.timedelta(days=2), today)
        ends_on = placement.ends_on
        if spec.completed and ends_on is not None and ends_on < done_on:
            _complete(placement, staff)
        services.follow_up_record(
            by=staff,
            follow_up=follow_up,
            done_on=done_on,
            outcome=check_in.outcome,
            left_reason=check_in.left_reason,
            notes=check_in.notes,
        )
    _backdate(placement, proposal, consent, asked)
    return placement


def _replace_generic_record(placement: Placement) -> None:
    """The pathways demo gave this person a generic "Work placement (demo employer)" at the
    same company on other days; this placement is that one, told in full, so it takes over
    the planned service and the generic record goes (a pathway shows each placement once)."""
    record = placement.service_record
    if record is None:
        return
    generic = ServiceRecord.objects.filter(
        participant_id=placement.participant_id,
        service_type=ServiceType.WORK_PLACEMENT,
        provider=placement.offer.employer.organisation,
        placement__isnull=True,
    ).exclude(pk=record.pk)
    planned = next((r.planned_id for r in generic if r.planned_id), None)
    if planned is not None and record.planned_id is None:
        record.planned_id = planned
        record.save(update_fields=["planned"])
    generic.delete()


def _complete(placement: Placement, by: User) -> None:
    """End the placement as planned (once), the person working on under a contract."""
    placement.refresh_from_db()
    if placement.status == PlacementStatus.ONGOING and placement.ends_on is not None:
        services.placement_end(
            by=by,
            placement=placement,
            ended_on=placement.ends_on,
            reason=LeftReason.ENDED,
            note="Placement completed; the person stays on under a contract.",
        )


def _backdate(
    placement: Placement, proposal: Proposal, consent: Consent | None, since: dt.datetime
) -> None:
    """Date what the services stamped with today to when it happened, before the start.

    The services record "now" (an answer is given when it is recorded), and a demo placement
    that started months ago needs its proposal, answers and pathway steps from before then.
    """
    start = placement.starts_on
    proposed = start - dt.timedelta(days=LEAD_DAYS)
    answered = start - dt.timedelta(days=LEAD_DAYS - 7)
    Proposal.objects.filter(pk=proposal.pk).update(
        proposed_at=_at(proposed),
        decided_at=_at(proposed + dt.timedelta(days=3)),
        participant_answered_at=_at(answered),
        identity_shared_at=_at(answered),
    )
    if proposal.service_record_id is not None:
        ServiceRecord.objects.filter(pk=proposal.service_record_id).update(
            started_on=proposed, ended_on=answered
        )
    Offer.objects.filter(pk=placement.offer_id).update(
        created_at=_at(proposed - dt.timedelta(days=21)),
        published_at=_at(proposed - dt.timedelta(days=20)),
        status_changed_at=_at(start),
    )
    if consent is not None:
        Consent.objects.filter(pk=consent.pk).update(
            recorded_at=_at(proposed - dt.timedelta(days=7))
        )
    # The person moved along the pathway when the placement started and when it ended.
    changes = StatusChange.objects.filter(participant_id=placement.participant_id)
    for change in changes.filter(changed_at__gte=since).order_by("changed_at", "pk"):
        day = (
            placement.ended_on
            if change.to_status == Status.ACTIVE and placement.ended_on
            else start
        )
        StatusChange.objects.filter(pk=change.pk).update(changed_at=_at(day))
    latest = changes.order_by("-changed_at", "-pk").values_list("changed_at", flat=True).first()
    if latest is not None:
        Participant.objects.filter(pk=placement.participant_id).update(status_changed_at=latest)


def _milan_runs(
    programme: Programme,
    site: Site,
    coordinator: User,
    staff: User,
    contact: User,
    workshop: Offer,
) -> None:
    """The engine over the workshop's offer, then over the site; proposals from the second."""
    # Whoever was only eligible is enrolled and agrees to be shown to employers: with the
    # two already on their way, three people to place.
    newcomer = _person(programme, site, Status.ELIGIBLE)
    if newcomer is not None:
        participant_services.participant_change_status(
            by=staff, participant=newcomer, status=Status.ENROLLED
        )
        _agree(newcomer, staff)
    services.match_run(by=coordinator, programme=programme, offer=workshop, method=Method.STABLE)
    run = services.match_run(
        by=coordinator,
        programme=programme,
        site=site,
        method=Method.OPTIMAL,
        floors={Group.WOMEN.value: WOMEN_FLOOR},
    )
    if run.infeasible:
        # Not enough women to place: staff run it again without the floor, and only that
        # run is worth keeping in the demo.
        run.delete()
        run = services.match_run(by=coordinator, programme=programme, site=site)
    suggestions = list(run.suggestions.select_related("offer__employer", "participant"))
    if len(suggestions) < 2:
        return
    *chosen, aside = suggestions
    services.suggestion_dismiss(by=coordinator, suggestion=aside)
    proposals = [
        services.suggestion_propose(
            by=coordinator, suggestion=s, note="Suggested by the matching run; fits the offer."
        )
        for s in chosen
    ]
    employer_services.proposal_answer(
        by=staff, proposal=proposals[0], decision=Decision.DECLINED, reason=DECLINE
    )
    # The workshop answers the others; the candidates have yet to.
    for proposal in proposals[1:]:
        if proposal.offer.employer_id == workshop.employer_id:
            employer_services.proposal_decide(
                by=contact,
                proposal=proposal,
                decision=Decision.ACCEPTED,
                reason="We invite the candidate for a trial day in the workshop.",
            )


def _answer_accepted_candidate(programme: Programme, staff: dict[int, User]) -> None:
    """The first candidate an employer accepted answers yes and shares their name."""
    proposal = (
        Proposal.objects.filter(
            offer__employer__programme=programme,
            offer__status=OfferStatus.OPEN,
            decision=Decision.ACCEPTED,
            participant_answer=Decision.PENDING,
        )
        .select_related("participant")
        .order_by("pk")
        .first()
    )
    by = staff.get(proposal.participant.site_id) if proposal else None
    if proposal is None or by is None:
        return
    employer_services.proposal_answer(
        by=by, proposal=proposal, decision=Decision.ACCEPTED, reason="", share_identity=True
    )


def load_placements() -> int:
    """Matching runs, answers, placements and follow-ups of the MILE demo; how many started."""
    programme = Programme.objects.filter(slug="mile").first()
    if programme is None:
        return 0
    if (
        MatchRun.objects.filter(programme=programme).exists()
        or Placement.objects.filter(offer__employer__programme=programme).exists()
    ):
        return 0
    offer_specs = [p.offer for p in PLACEMENTS] + [WORKSHOP]
    skills = _concepts({s for o in offer_specs for s in o.skills}, (Kind.SKILL,))
    if not skills:
        return 0
    occupations = _concepts({s for o in offer_specs for s in o.occupations}, (Kind.OCCUPATION,))
    coordinator = _coordinator(programme)
    if coordinator is None:
        return 0
    names = {org.key: org.name for org in ORGANISATIONS}
    employers: dict[str, Employer] = {}
    for key in sorted({o.employer for o in offer_specs}):
        employer = (
            Employer.objects.filter(programme=programme, organisation__name=names[key])
            .select_related("site", "organisation")
            .first()
        )
        if employer is None:
            return 0
        employers[key] = employer
    staff = {site.pk: user for site in programme.sites.all() if (user := _staff(programme, site))}
    # Only a company's own contact answers for it; without one, its part is left out.
    contacts: dict[str, User] = {
        key: contact for key, employer in employers.items() if (contact := _contact(employer))
    }
    _answer_accepted_candidate(programme, staff)
    started = 0
    for spec in PLACEMENTS:
        employer = employers[spec.offer.employer]
        site_staff = staff.get(employer.site_id)
        person = _person(programme, employer.site, spec.status)
        contact = contacts.get(spec.offer.employer)
        if site_staff is None or person is None or contact is None:
            continue
        offer = _offer(spec.offer, employer, coordinator, occupations, skills)
        if offer is None:
            continue
        _place(spec, offer=offer, person=person, staff=site_staff, contact=contact)
        started += 1
    workshop_employer = employers[WORKSHOP.employer]
    milan_staff = staff.get(workshop_employer.site_id)
    workshop = _offer(WORKSHOP, workshop_employer, coordinator, occupations, skills)
    milan_contact = contacts.get(WORKSHOP.employer)
    if workshop is not None and milan_staff is not None and milan_contact is not None:
        _milan_runs(
            programme, workshop_employer.site, coordinator, milan_staff, milan_contact, workshop
        )
    return started
