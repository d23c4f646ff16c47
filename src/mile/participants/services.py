"""Writes about participants: intake and status changes, atomic and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants import eligibility
from mile.participants.documents import document_store
from mile.participants.models import (
    Document,
    DocumentKind,
    IntegrationPlan,
    Participant,
    ParticipantSkill,
    PlannedService,
    ServiceRecord,
    SkillValidation,
    Status,
    StatusChange,
    ValidationPhase,
)
from mile.participants.pathway import providers, responsible_staff
from mile.programmes.services import clean_track_services
from mile.taxonomy.models import Concept, Kind


@transaction.atomic
def participant_register(*, by: Any, fields: dict[str, Any]) -> Participant:
    """Record a person at intake; they start as an applicant."""
    participant = Participant(**fields, created_by=by, status=Status.APPLICANT)
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    participant.full_clean()
    participant.save()
    StatusChange.objects.create(
        participant=participant,
        from_status=Status.APPLICANT,
        to_status=Status.APPLICANT,
        reason=_("Registered at intake"),
        changed_by=by,
    )
    return participant


# --- Applying and consent (helper A: see consent.py and duplicates.py) -------------------------


@transaction.atomic
def participant_intake(
    *, by: Any, fields: dict[str, Any], consents: dict[str, bool], language: str
) -> Participant:
    """Register a person at intake with their answer to each purpose, in one transaction."""
    participant = participant_register(by=by, fields=fields)
    for purpose, given in consents.items():
        consent_record(
            by=by, participant=participant, purpose=purpose, given=given, language=language
        )
    return participant


def _consent_row(
    *, participant: Participant, purpose: str, given: bool, language: str, by: Any
) -> Any:
    from mile.participants.consent import CONSENT_WORDING_VERSION
    from mile.participants.models import Consent, Purpose

    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
    # A new row for every answer: a withdrawal never rewrites what was agreed before.
    return Consent.objects.create(
        participant=participant,
        purpose=purpose,
        given=given,
        wording_version=CONSENT_WORDING_VERSION,
        language=language,
        recorded_by=by,
    )


@transaction.atomic
def consent_record(
    *, by: Any, participant: Participant, purpose: str, given: bool, language: str
) -> Any:
    """Record a person's answer (given or withdrawn) for one purpose.

    Staff record what the person told them; the person may also answer on their own page,
    and then nobody else is named as having recorded it.
    """
    own = participant.user_id is not None and participant.user_id == getattr(by, "pk", None)
    if not own and not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    return _consent_row(
        participant=participant,
        purpose=purpose,
        given=given,
        language=language,
        by=None if own else by,
    )


@transaction.atomic
def participant_apply(
    *,
    programme: Any,
    site: Any,
    fields: dict[str, Any],
    consents: dict[str, bool],
    language: str,
) -> Participant:
    """A person applies online: an applicant at the chosen site, with their consents.

    ``fields`` holds the participant's fields and ``language_skills``, a list of
    ``{"language": code, "level": CEFR level or "" for the mother tongue}``.
    """
    from django.utils import translation

    from mile.participants.models import LanguageSkill, Purpose, Source

    if site.programme_id != programme.pk:
        raise ValidationError({"site": _("The site belongs to another programme.")})
    if programme.ends_on < timezone.localdate():
        raise ValidationError(_("Applications for this programme are closed."))
    if not consents.get(Purpose.PARTICIPATION):
        raise ValidationError(
            {"participation": _("You can only apply if you say yes to taking part.")}
        )
    fields = dict(fields)
    languages = fields.pop("language_skills", [])
    participant = Participant(
        **fields,
        programme=programme,
        site=site,
        organisation=site.lead_partner,
        status=Status.APPLICANT,
        source=Source.ONLINE,
        languages_spoken=[item["language"] for item in languages],
    )
    # Nobody on the staff made this record: the person did.
    participant.full_clean(exclude=["created_by"])
    participant.save()
    # Staff of any site read the pathway: the note is in the platform's language, and the
    # applicant's language is on the consent rows.
    with translation.override("en"):
        reason = _("Applied online")
    StatusChange.objects.create(
        participant=participant,
        from_status=Status.APPLICANT,
        to_status=Status.APPLICANT,
        reason=reason,
        changed_by=None,
    )
    for item in languages:
        level = item.get("level") or ""
        LanguageSkill.objects.create(
            participant=participant,
            language=item["language"],
            assessment=LanguageSkill.Assessment.SELF
            if level
            else LanguageSkill.Assessment.MOTHER_TONGUE,
            listening=level,
            reading=level,
            spoken_interaction=level,
            spoken_production=level,
            writing=level,
        )
    for purpose, given in consents.items():
        _consent_row(
            participant=participant, purpose=purpose, given=given, language=language, by=None
        )
    return participant


@transaction.atomic
def participant_change_status(
    *, by: Any, participant: Participant, status: str, reason: str = ""
) -> StatusChange:
    """Move a participant along the pathway; dropping out needs a reason."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    if not participant.can_move_to(status):
        raise ValidationError(
            {
                "status": _("A participant cannot go from %(old)s to %(new)s.")
                % {
                    "old": participant.get_status_display(),
                    "new": Status(status).label if status in Status.values else status,
                }
            }
        )
    reason = reason.strip()
    if status == Status.DROPPED_OUT and not reason:
        raise ValidationError({"reason": _("Say why the participant dropped out.")})
    if status == Status.ELIGIBLE:
        failed = [c for c in eligibility.check(participant) if not c.passed]
        # A case worker may admit someone the rules do not, but only with a reason on record.
        if failed and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Not all eligibility checks pass (%(failed)s): give a reason to override."
                    )
                    % {"failed": "; ".join(c.reason for c in failed)}
                }
            )
    change = StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=status,
        reason=reason,
        changed_by=by,
    )
    participant.status = status
    participant.status_changed_at = timezone.now()
    participant.save(update_fields=["status", "status_changed_at", "updated_at"])
    return change


@transaction.atomic
def participant_skills_accept(
    *, by: Any, participant: Participant, skills: list[Any], origin: str
) -> list[Any]:
    """Add the suggested ESCO skills a case worker accepted, as declared; skip those held."""
    from mile.participants.models import ParticipantSkill

    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    held = set(participant.skills.values_list("skill_id", flat=True))
    added = []
    for skill in skills:
        if skill.pk in held:
            continue
        held.add(skill.pk)
        # One by one, not in bulk: the audit log records each addition.
        added.append(
            ParticipantSkill.objects.create(
                participant=participant,
                skill=skill,
                evidence=ParticipantSkill.Evidence.DECLARED,
                origin=origin,
                recorded_by=by,
            )
        )
    return added


# --- Plan, services and validation (the pathway) ----------------------------------------------


def _require_manage(by: Any, participant: Participant) -> None:
    # Plans, services and validations are case work: the same right as editing the record.
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied


def _plan_of(participant: Participant, by: Any) -> IntegrationPlan:
    plan, _created = IntegrationPlan.objects.get_or_create(
        participant=participant, defaults={"updated_by": by}
    )
    return plan


@transaction.atomic
def plan_save(
    *, by: Any, participant: Participant, goals: str, agreed_on: dt.date | None
) -> IntegrationPlan:
    """Write the plan's goals and the day it was agreed with the person."""
    _require_manage(by, participant)
    if agreed_on is not None and agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The plan cannot be agreed in the future.")})
    plan = _plan_of(participant, by)
    plan.goals = goals.strip()
    plan.agreed_on = agreed_on
    plan.updated_by = by
    plan.save()
    return plan


@transaction.atomic
def plan_from_track(*, by: Any, participant: Participant) -> list[PlannedService]:
    """Plan the services of the participant's track that the plan does not have yet."""
    _require_manage(by, participant)
    track = participant.track
    if track is None:
        raise ValidationError(_("Choose a track for the participant first."))
    entries = clean_track_services(track.planned_services)
    if not entries:
        raise ValidationError(
            _("The track %(track)s has no planned services yet.") % {"track": track.name}
        )
    plan = _plan_of(participant, by)
    # Starting from the track twice adds nothing twice.
    present = set(plan.services.values_list("service_type", flat=True))
    created = []
    for entry in entries:
        if entry["service"] in present:
            continue
        item = PlannedService(
            plan=plan,
            service_type=entry["service"],
            hours=None if entry["hours"] is None else Decimal(str(entry["hours"])),
        )
        item.full_clean()
        item.save()
        created.append(item)
    if created:
        plan.updated_by = by
        plan.save()
    return created


@transaction.atomic
def planned_service_save(
    *,
    by: Any,
    participant: Participant,
    fields: dict[str, Any],
    planned: PlannedService | None = None,
) -> PlannedService:
    """Add a service to the plan (made on the way if there is none yet) or change one."""
    _require_manage(by, participant)
    responsible = fields.get("responsible")
    if (
        responsible is not None
        and not responsible_staff(participant.programme_id).filter(pk=responsible.pk).exists()
    ):
        raise ValidationError(
            {"responsible": _("Choose someone of the programme who works with participants.")}
        )
    if planned is None:
        planned = PlannedService(plan=_plan_of(participant, by))
    elif planned.plan.participant_id != participant.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(planned, name, value)
    planned.full_clean()
    planned.save()
    return planned


@transaction.atomic
def planned_service_delete(*, by: Any, planned: PlannedService) -> None:
    """Remove a service from the plan; what was recorded against it stays, unlinked."""
    _require_manage(by, planned.plan.participant)
    planned.delete()


def _move_planned_on(planned: PlannedService) -> None:
    """A planned service moves forward as records come in: in progress, then done.

    Done when the hours received reach the hours planned, or, without planned hours, when a
    record says it was completed. It never moves back nor leaves "cancelled": a person decides
    that, on the plan.
    """
    if planned.state in (PlannedService.State.CANCELLED, PlannedService.State.DONE):
        return
    records = planned.records.exclude(outcome=ServiceRecord.Outcome.NOT_ATTENDED)
    if not records.exists():
        return
    received = records.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if planned.hours:
        done = received >= planned.hours
    else:
        done = records.filter(outcome=ServiceRecord.Outcome.COMPLETED).exists()
    state = PlannedService.State.DONE if done else PlannedService.State.IN_PROGRESS
    if state != planned.state:
        planned.state = state
        planned.save(update_fields=["state"])


@transaction.atomic
def service_record_save(
    *,
    by: Any,
    participant: Participant,
    fields: dict[str, Any],
    record: ServiceRecord | None = None,
) -> ServiceRecord:
    """Record something done with the person, or correct a record; moves its planned service."""
    _require_manage(by, participant)
    provider = fields.get("provider")
    if (
        provider is not None
        and not providers(participant.programme_id).filter(pk=provider.pk).exists()
    ):
        raise ValidationError({"provider": _("Choose an organisation of the programme.")})
    planned = fields.get("planned")
    if planned is not None and planned.plan.participant_id != participant.pk:
        raise ValidationError({"planned": _("Choose a service of this person's plan.")})
    if record is None:
        record = ServiceRecord(participant=participant, recorded_by=by)
    elif record.participant_id != participant.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(record, name, value)
    # Records imported or made by the API may have no author: that is no reason to refuse a fix.
    record.full_clean(exclude=["recorded_by"])
    record.save()
    if record.planned is not None:
        _move_planned_on(record.planned)
    return record


@transaction.atomic
def service_record_delete(*, by: Any, record: ServiceRecord) -> None:
    _require_manage(by, record.participant)
    record.delete()


# Validation of skills acquired: identify → document → assess → certify, each phase dated.
_BEFORE = {
    ValidationPhase.DOCUMENT: ValidationPhase.IDENTIFY,
    ValidationPhase.ASSESS: ValidationPhase.DOCUMENT,
    ValidationPhase.CERTIFY: ValidationPhase.ASSESS,
}
_ORDER_ERRORS = {
    ValidationPhase.DOCUMENT: gettext_lazy("Identify the skill before documenting it."),
    ValidationPhase.ASSESS: gettext_lazy("Document the skill before assessing it."),
    ValidationPhase.CERTIFY: gettext_lazy("Assess the skill before certifying it."),
}


@transaction.atomic
def validation_start(
    *,
    by: Any,
    participant: Participant,
    skill: Concept,
    identified_on: dt.date | None = None,
    notes: str = "",
) -> SkillValidation:
    """Identify a skill to validate: the first of the four phases."""
    _require_manage(by, participant)
    day = identified_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"identified_on": _("The date cannot be in the future.")})
    if skill.kind != Kind.SKILL or skill.obsolete:
        raise ValidationError({"skill": _("Choose a current ESCO skill.")})
    if SkillValidation.objects.filter(participant=participant, skill=skill).exists():
        raise ValidationError({"skill": _("This skill is already being validated.")})
    return SkillValidation.objects.create(
        participant=participant,
        skill=skill,
        identified_on=day,
        notes=notes.strip(),
        updated_by=by,
    )


@transaction.atomic
def validation_add_evidence(
    *, by: Any, validation: SkillValidation, upload: Any, description: str = ""
) -> Document:
    """Attach a document that shows the skill, until the skill is certified."""
    _require_manage(by, validation.participant)
    if validation.phase == ValidationPhase.CERTIFY:
        raise ValidationError({"file": _("The skill is certified: its evidence is closed.")})
    return document_store(
        by=by,
        participant=validation.participant,
        upload=upload,
        kind=DocumentKind.EVIDENCE,
        validation=validation,
        description=description,
    )


@transaction.atomic
def validation_advance(
    *,
    by: Any,
    validation: SkillValidation,
    phase: str,
    on: dt.date,
    result: str = "",
    assessor: str = "",
    upload: Any = None,
    description: str = "",
) -> SkillValidation:
    """Take a validation to its next phase on a date; refuses a phase out of order.

    Documenting needs evidence (attached before or uploaded now); assessing needs a result and
    an assessor and may be repeated until the skill passes; certifying needs a passed
    assessment and marks the skill "validated" in the profile.
    """
    validation = (
        SkillValidation.objects.select_for_update()
        .select_related("participant")
        .get(pk=validation.pk)
    )
    participant = validation.participant
    _require_manage(by, participant)
    if phase not in _BEFORE:
        raise ValidationError({"phase": _("Choose the next phase.")})
    phase = ValidationPhase(phase)
    if validation.phase == ValidationPhase.CERTIFY:
        raise ValidationError(_("The skill is already certified."))
    retake = phase == ValidationPhase.ASSESS == validation.phase
    if validation.phase != _BEFORE[phase] and not retake:
        raise ValidationError(_ORDER_ERRORS[phase])
    if retake and validation.result == SkillValidation.Result.PASSED:
        raise ValidationError(_("The skill passed the assessment: certify it."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    previous = {
        ValidationPhase.DOCUMENT: validation.identified_on,
        ValidationPhase.ASSESS: validation.documented_on,
        ValidationPhase.CERTIFY: validation.assessed_on,
    }[phase]
    if previous is not None and on < previous:
        raise ValidationError(
            {
                "on": _("The date cannot be before the previous phase (%(date)s).")
                % {"date": date_format(previous, "SHORT_DATE_FORMAT")}
            }
        )
    if phase == ValidationPhase.DOCUMENT:
        if upload is not None:
            validation_add_evidence(
                by=by, validation=validation, upload=upload, description=description
            )
        elif not validation.evidence.exists():
            raise ValidationError({"file": _("Attach at least one piece of evidence.")})
        validation.documented_on = on
    elif phase == ValidationPhase.ASSESS:
        errors = {}
        if result not in SkillValidation.Result.values:
            errors["result"] = _("Give the result of the assessment.")
        if not assessor.strip():
            errors["assessor"] = _("Say who assessed the skill.")
        if errors:
            raise ValidationError(errors)
        validation.assessed_on = on
        validation.result = result
        validation.assessor = assessor.strip()
    else:
        if validation.result != SkillValidation.Result.PASSED:
            raise ValidationError(_("Only a skill that passed the assessment can be certified."))
        validation.certified_on = on
        # The profile says how we know a skill: now it is validated.
        ParticipantSkill.objects.update_or_create(
            participant=participant,
            skill_id=validation.skill_id,
            defaults={"evidence": ParticipantSkill.Evidence.VALIDATED},
            create_defaults={
                "evidence": ParticipantSkill.Evidence.VALIDATED,
                "recorded_by": by,
            },
        )
    validation.phase = phase
    validation.updated_by = by
    validation.save()
    return validation
