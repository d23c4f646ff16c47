"""Writes about employers and their offers: atomic, checked, audited (django-auditlog)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.employers.access import is_contact_of, may_edit
from mile.employers.models import (
    Decision,
    Employer,
    NeedsAssessment,
    Offer,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
    Proposal,
)
from mile.employers.tasks import notify_candidate_proposed, notify_offer_proposed
from mile.participants.consent import has_consent
from mile.participants.models import Participant, Purpose, ServiceRecord, ServiceType
from mile.programmes.models import Involvement, Organisation, OrganisationType, Relation
from mile.taxonomy.models import Concept, Kind, OccupationSkill
from mile.taxonomy.models import Relation as SkillRelation

# Optional skills of an occupation proposed beside its essential ones (ESCO lists up to 60).
OPTIONAL_FROM_OCCUPATION = 8
ESSENTIAL_FROM_OCCUPATION = 25
FROM_DESCRIPTION = 10


def _require_manage(by: Any, programme_id: int) -> None:
    if not permissions.can(by, Cap.MANAGE_EMPLOYERS, programme_id):
        raise PermissionDenied


# --- Employers ---------------------------------------------------------------------------------


@transaction.atomic
def employer_create(
    *,
    by: Any,
    programme: Any,
    site: Any,
    organisation: Organisation | None = None,
    organisation_fields: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Employer:
    """Add a company to a programme: a known organisation, or a new one from its fields.

    The organisation is also recorded as involved in the programme as an employer, so the
    programme's list of organisations and its counts include it.
    """
    _require_manage(by, programme.pk)
    if organisation is None:
        organisation = Organisation(type=OrganisationType.EMPLOYER, **(organisation_fields or {}))
        organisation.full_clean()
        organisation.save()
    employer = Employer(
        programme=programme, organisation=organisation, site=site, created_by=by, **(fields or {})
    )
    employer.full_clean()
    employer.save()
    Involvement.objects.get_or_create(
        programme=programme, organisation=organisation, defaults={"relation": Relation.EMPLOYER}
    )
    return employer


@transaction.atomic
def employer_update(
    *,
    by: Any,
    employer: Employer,
    organisation_fields: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> Employer:
    """Change the company's profile; its contacts may, but not its status or site."""
    if not may_edit(by, employer):
        raise PermissionDenied
    staff = permissions.can(by, Cap.MANAGE_EMPLOYERS, employer.programme_id)
    fields = dict(fields or {})
    if not staff and {"status", "site"} & set(fields):
        # The programme decides where a company stands in it and which site follows it.
        raise PermissionDenied
    organisation = employer.organisation
    for name, value in (organisation_fields or {}).items():
        setattr(organisation, name, value)
    if organisation_fields:
        organisation.full_clean()
        organisation.save()
    for name, value in fields.items():
        setattr(employer, name, value)
    employer.full_clean()
    employer.save()
    return employer


# --- Offers ------------------------------------------------------------------------------------


@transaction.atomic
def offer_create(*, by: Any, employer: Employer, fields: dict[str, Any]) -> Offer:
    """A new offer, as a draft: skills and languages follow, then it is published."""
    if not may_edit(by, employer):
        raise PermissionDenied
    offer = Offer(employer=employer, created_by=by, status=OfferStatus.DRAFT, **fields)
    offer.full_clean()
    offer.save()
    return offer


@transaction.atomic
def offer_update(*, by: Any, offer: Offer, fields: dict[str, Any]) -> Offer:
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.full_clean()
    offer.save()
    return offer


def offer_move(*, by: Any, offer: Offer, status: str) -> Offer:
    """Publish, mark filled, reopen or close."""
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    offer.move_to(status)
    return offer


@transaction.atomic
def offer_duplicate(*, by: Any, offer: Offer) -> Offer:
    """A new draft with the same content, skills and languages; dates are left to fill in."""
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    skills = list(offer.skills.all())
    languages = list(offer.languages.all())
    copy = Offer.objects.get(pk=offer.pk)
    copy.pk = None
    # The copy's title says so, within the field's length.
    copy.title = (_("%(title)s (copy)") % {"title": offer.title})[:200]
    copy.status = OfferStatus.DRAFT
    copy.status_changed_at = timezone.now()
    copy.published_at = None
    copy.starts_on = None
    copy.ends_on = None
    copy.duplicated_from = offer
    copy.created_by = by
    copy.save()
    OfferSkill.objects.bulk_create(
        OfferSkill(offer=copy, skill_id=s.skill_id, essential=s.essential, origin=s.origin)
        for s in skills
    )
    OfferLanguage.objects.bulk_create(
        OfferLanguage(offer=copy, language=lang.language, min_level=lang.min_level)
        for lang in languages
    )
    return copy


@dataclass(frozen=True)
class ProposedSkill:
    concept: Concept
    essential: bool
    origin: str  # OfferSkill.Origin
    # Why it is proposed: the occupation's name or the words of the description it matched.
    because: str


def offer_skills_proposed(offer: Offer, *, language: str) -> list[ProposedSkill]:
    """Skills for the author to accept or drop: the occupation's ESCO skills, then the text's.

    Skills the offer already has are left out. Essential skills of the occupation come first
    and are proposed as essential; its optional ones and those found in the description as
    optional.
    """
    from mile.participants.suggest import skills_in_text

    have = set(offer.skills.values_list("skill_id", flat=True))
    found: dict[int, tuple[bool, str, str]] = {}
    if offer.occupation_id:
        occupation_label = offer.occupation.label(language) if offer.occupation else ""
        links = (
            OccupationSkill.objects.filter(occupation_id=offer.occupation_id, skill__obsolete=False)
            .exclude(skill_id__in=have)
            .order_by("skill__uri")
            .values_list("skill_id", "relation")
        )
        essential = [pk for pk, rel in links if rel == SkillRelation.ESSENTIAL]
        optional = [pk for pk, rel in links if rel == SkillRelation.OPTIONAL]
        for pk in essential[:ESSENTIAL_FROM_OCCUPATION]:
            found[pk] = (True, OfferSkill.Origin.OCCUPATION, occupation_label)
        for pk in optional[:OPTIONAL_FROM_OCCUPATION]:
            found[pk] = (False, OfferSkill.Origin.OCCUPATION, occupation_label)
    if offer.description.strip():
        in_text = skills_in_text(offer.description, language=language, limit=FROM_DESCRIPTION)
        by_uri = dict(Concept.objects.filter(uri__in=list(in_text)).values_list("uri", "pk"))
        for uri, (_score, words) in in_text.items():
            text_pk = by_uri.get(uri)
            if text_pk is not None and text_pk not in have:
                found.setdefault(text_pk, (False, OfferSkill.Origin.DESCRIPTION, words))
    concepts = Concept.objects.current().with_labels(language).in_bulk(list(found))
    return [
        ProposedSkill(concepts[pk], essential, origin, because)
        for pk, (essential, origin, because) in found.items()
        if pk in concepts
    ]


@transaction.atomic
def offer_skills_accept(
    *, by: Any, offer: Offer, accepted: list[tuple[Concept, bool, str]]
) -> list[OfferSkill]:
    """Keep the skills the author ticked, each (concept, essential, origin)."""
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    created = []
    for concept, essential, origin in accepted:
        if concept.kind not in (Kind.SKILL, Kind.SKILL_GROUP) or concept.obsolete:
            raise ValidationError(_("Only current ESCO skills can be added to an offer."))
        skill, _created = OfferSkill.objects.update_or_create(
            offer=offer, skill=concept, defaults={"essential": essential, "origin": origin}
        )
        created.append(skill)
    return created


# --- Candidates --------------------------------------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    by: Any,
    offer: Offer,
    participant: Participant,
    note: str = "",
    score: float | None = None,
    reasons: list[Any] | None = None,
) -> Proposal:
    """Propose a person to the employer; only with their consent to share their profile.

    ``score`` and ``reasons`` keep matching's fit and explanation when the proposal comes from
    it. The candidacy becomes a job-guidance step of the person's pathway, ongoing until both
    sides have answered; the company's contacts and the person (if they have an account) are
    told by e-mail.
    """
    _require_manage(by, offer.employer.programme_id)
    if not Participant.objects.for_user(by).filter(pk=participant.pk).exists():
        raise PermissionDenied
    if participant.programme_id != offer.employer.programme_id:
        raise ValidationError(_("The person takes part in another programme."))
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(_("Candidates are proposed for open offers only."))
    if not has_consent(participant, Purpose.EMPLOYERS):
        raise ValidationError(_("The person has not agreed to share their profile with employers."))
    if Proposal.objects.filter(offer=offer, participant=participant).exists():
        raise ValidationError(_("This person has already been proposed for this offer."))
    record = ServiceRecord.objects.create(
        participant=participant,
        service_type=ServiceType.JOB_GUIDANCE,
        title=_candidacy_title(offer),
        started_on=timezone.localdate(),
        outcome=ServiceRecord.Outcome.ONGOING,
        provider=None,
        recorded_by=by,
    )
    proposal = Proposal.objects.create(
        offer=offer,
        participant=participant,
        note=note.strip(),
        proposed_by=by,
        score=score,
        reasons=reasons or [],
        service_record=record,
    )
    # Both sides learn of it by e-mail once the proposal is saved for good.
    transaction.on_commit(lambda: notify_candidate_proposed.enqueue(proposal.pk))
    transaction.on_commit(lambda: notify_offer_proposed.enqueue(proposal.pk))
    return proposal


def _candidacy_title(offer: Offer) -> str:
    # Names, not words: the title reads the same in every language.
    return f"{offer.title} · {offer.employer.organisation.name}"[:200]


def _candidacy_sync(proposal: Proposal) -> None:
    """The pathway step ends when either side declines, or when both have accepted."""
    record = proposal.service_record
    if record is None:
        return
    answers = (proposal.decision, proposal.participant_answer)
    if Decision.DECLINED in answers or answers == (Decision.ACCEPTED, Decision.ACCEPTED):
        record.outcome = ServiceRecord.Outcome.COMPLETED
        record.ended_on = timezone.localdate()
    else:
        record.outcome = ServiceRecord.Outcome.ONGOING
        record.ended_on = None
    record.save(update_fields=["outcome", "ended_on"])


@transaction.atomic
def proposal_decide(*, by: Any, proposal: Proposal, decision: str, reason: str) -> Proposal:
    """The employer accepts or declines the candidate, with a reason."""
    if not is_contact_of(by, proposal.offer.employer):
        raise PermissionDenied
    proposal.decide(by=by, decision=decision, reason=reason)
    _candidacy_sync(proposal)
    return proposal


@transaction.atomic
def proposal_answer(
    *, by: Any, proposal: Proposal, decision: str, reason: str, share_identity: bool = False
) -> Proposal:
    """The candidate accepts or declines the offer, with a reason for a decline.

    Given by the person on their own page, or recorded by staff who follow them (many
    participants have no account). Accepting may also share their name with the employer.
    """
    _require_own_or_staff(by, proposal.participant)
    proposal.answer(by=by, decision=decision, reason=reason)
    if share_identity and decision == Decision.ACCEPTED and proposal.identity_shared_at is None:
        proposal.identity_shared_at = timezone.now()
        proposal.save(update_fields=["identity_shared_at"])
    _candidacy_sync(proposal)
    return proposal


def _require_own_or_staff(by: Any, person: Participant) -> None:
    own = person.user_id is not None and person.user_id == getattr(by, "pk", None)
    if not own:
        _require_manage(by, person.programme_id)
        if not Participant.objects.for_user(by).filter(pk=person.pk).exists():
            raise PermissionDenied


def proposal_share_identity(*, by: Any, proposal: Proposal) -> Proposal:
    """The candidate agrees that this employer sees their name and contacts.

    Given by the person on their own page, or recorded by staff who follow them.
    """
    _require_own_or_staff(by, proposal.participant)
    if proposal.identity_shared_at is None:
        proposal.identity_shared_at = timezone.now()
        proposal.save(update_fields=["identity_shared_at"])
    return proposal


@transaction.atomic
def offer_languages_save(*, by: Any, offer: Offer, formset: Any) -> None:
    """Save the language requirements as edited in the form (added, changed, removed)."""
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    formset.instance = offer
    formset.save()


# --- Needs assessment --------------------------------------------------------------------------

NEEDS_FIELDS = frozenset(
    {"assessed_on", "planned_hires", "obstacles", "obstacles_other", "support", "support_other"}
)


@transaction.atomic
def needs_assessment_save(
    *,
    by: Any,
    employer: Employer,
    assessment: NeedsAssessment | None = None,
    fields: dict[str, Any],
    occupations: list[Concept],
    skills: list[Concept],
) -> NeedsAssessment:
    """Record what the company needs: a new assessment (the history is kept), or correct one."""
    if not may_edit(by, employer):
        raise PermissionDenied
    if unknown := set(fields) - NEEDS_FIELDS:
        raise TypeError(f"Not fields of a needs assessment: {sorted(unknown)}")
    if assessment is None:
        assessment = NeedsAssessment(employer=employer, recorded_by=by)
    elif assessment.employer_id != employer.pk:
        # An assessment is corrected only through its own company.
        raise PermissionDenied
    for name, value in fields.items():
        setattr(assessment, name, value)
    errors: dict[str, str] = {}
    if any(c.kind not in (Kind.OCCUPATION, Kind.ISCO_GROUP) or c.obsolete for c in occupations):
        errors["occupations"] = _("Choose current ESCO occupations.")
    if any(c.kind != Kind.SKILL or c.obsolete for c in skills):
        errors["skills"] = _("Choose current ESCO skills.")
    if errors:
        raise ValidationError(errors)
    # The recorder is empty once their account is gone: the assessment stays correctable.
    assessment.full_clean(exclude=["recorded_by"])
    assessment.save()
    assessment.occupations.set(occupations)
    assessment.skills.set(skills)
    return assessment


@transaction.atomic
def offer_requirements_set(
    *,
    by: Any,
    offer: Offer,
    skills: list[tuple[Concept, bool, str]] | None = None,
    languages: list[tuple[str, str]] | None = None,
) -> Offer:
    """Replace the offer's skills, each (concept, essential, origin), and its languages, each
    (ISO 639-1 code, minimum CEFR level); a list left as None keeps what the offer has."""
    if not may_edit(by, offer.employer):
        raise PermissionDenied
    if skills is not None:
        _offer_skills_replace(offer, skills)
    if languages is not None:
        _offer_languages_replace(offer, languages)
    return offer


def _offer_skills_replace(offer: Offer, skills: list[tuple[Concept, bool, str]]) -> None:
    concepts = [concept for concept, _essential, _origin in skills]
    wrong = sorted(
        {c.uri for c in concepts if c.kind not in (Kind.SKILL, Kind.SKILL_GROUP) or c.obsolete}
    )
    if wrong:
        raise ValidationError(
            {
                "skills": _("Only current ESCO skills can be added to an offer: %(uris)s.")
                % {"uris": ", ".join(wrong)}
            }
        )
    if len({c.pk for c in concepts}) != len(concepts):
        raise ValidationError({"skills": _("List each skill once.")})
    if any(origin not in OfferSkill.Origin.values for _c, _e, origin in skills):
        raise ValidationError({"skills": _("Choose the origin of each skill from the list.")})
    # Matching and candidates rely on an open offer's essential skills.
    if offer.status == OfferStatus.OPEN and not any(essential for _c, essential, _o in skills):
        raise ValidationError({"skills": _("An open offer keeps at least one essential skill.")})
    offer.skills.exclude(skill__in=concepts).delete()
    existing = {s.skill_id: s for s in offer.skills.all()}
    for concept, essential, origin in skills:
        kept = existing.get(concept.pk)
        if kept is None:
            OfferSkill.objects.create(
                offer=offer, skill=concept, essential=essential, origin=origin
            )
        elif (kept.essential, kept.origin) != (essential, origin):
            kept.essential, kept.origin = essential, origin
            kept.save(update_fields=["essential", "origin"])


def _offer_languages_replace(offer: Offer, languages: list[tuple[str, str]]) -> None:
    from mile.core.languages import unknown_language_codes
    from mile.participants.models import Cefr

    codes = [code for code, _level in languages]
    unknown = unknown_language_codes(codes)
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError({"languages": _("List each language once.")})
    if any(level not in Cefr.values for _code, level in languages):
        raise ValidationError({"languages": _("Choose a CEFR level from A1 to C2.")})
    offer.languages.exclude(language__in=codes).delete()
    for code, level in languages:
        OfferLanguage.objects.update_or_create(
            offer=offer, language=code, defaults={"min_level": level}
        )


# An answered proposal tells more than a pending one; an acceptance more than a decline.
_DECISION_RANK: dict[str, int] = {Decision.PENDING: 0, Decision.DECLINED: 1, Decision.ACCEPTED: 2}


def proposals_merge(survivor: Participant, duplicate: Participant) -> None:
    """Move the duplicate's candidacies to the survivor (``participant_merge`` calls it).

    Both proposed for the same offer: the further answer stays, and the name counts as shared
    when the person agreed in either.
    """
    kept = {p.offer_id: p for p in Proposal.objects.filter(participant=survivor)}
    for theirs in Proposal.objects.filter(participant=duplicate):
        mine = kept.get(theirs.offer_id)
        # A placement hangs from its proposal: the one that has it is the one kept.
        if mine is not None and _has_placement(theirs) and not _has_placement(mine):
            mine.delete()
            mine = None
        if mine is None:
            theirs.participant = survivor
            theirs.save(update_fields=["participant"])
            continue
        mine.identity_shared_at = mine.identity_shared_at or theirs.identity_shared_at
        if _DECISION_RANK[theirs.decision] > _DECISION_RANK[mine.decision]:
            mine.decision, mine.reason = theirs.decision, theirs.reason
            mine.decided_at, mine.decided_by_id = theirs.decided_at, theirs.decided_by_id
        if _DECISION_RANK[theirs.participant_answer] > _DECISION_RANK[mine.participant_answer]:
            mine.participant_answer = theirs.participant_answer
            mine.participant_reason = theirs.participant_reason
            mine.participant_answered_at = theirs.participant_answered_at
            mine.participant_answered_by_id = theirs.participant_answered_by_id
        theirs.delete()
        mine.save()


def _has_placement(proposal: Proposal) -> bool:
    # The placements app builds on this one: its reverse accessor, without importing it.
    return getattr(proposal, "placement", None) is not None
