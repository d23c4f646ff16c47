"""Possible duplicates of a person, and merging two records of the same person into one.

``participant_duplicates`` is a read (a selector): the records in the user's scope born on the
same day, sharing a nationality, with a similar name (accents, case, hyphens and the order of
the names do not matter). ``participant_merge`` moves every linked record of the duplicate to
the survivor, then deletes the duplicate. It walks ``Participant._meta`` and refuses to run
when a relation has no rule here, so a model added later is never silently lost.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import (
    VALIDATION_PHASES,
    Cefr,
    Consent,
    Document,
    Education,
    IntegrationPlan,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    ServiceRecord,
    StatusChange,
    WorkExperience,
)

SIMILAR_NAMES = 0.85


# --- Finding possible duplicates ----------------------------------------------------------


def normalise_name(name: str) -> str:
    """Lower case, without accents or punctuation: "Nádia O'Brien-Ruiz" → "nadia o brien ruiz"."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = "".join(c if c.isalnum() else " " for c in bare.casefold())
    return " ".join(letters.split())


def name_similarity(given_a: str, family_a: str, given_b: str, family_b: str) -> float:
    """1.0 for the same name; swapped given and family names count as the same."""
    a = normalise_name(f"{given_a} {family_a}")
    b = normalise_name(f"{given_b} {family_b}")
    if not a or not b:
        return 0.0
    in_order = SequenceMatcher(None, a, b).ratio()
    # Sorting the words makes "Ali Hassan" and "Hassan Ali" the same.
    sorted_a, sorted_b = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    return max(in_order, SequenceMatcher(None, sorted_a, sorted_b).ratio())


def _codes(countries: Iterable[Any]) -> set[str]:
    return {str(getattr(c, "code", c)) for c in countries or () if str(getattr(c, "code", c))}


def participant_duplicates(
    *, user: Any, fields: dict[str, Any], exclude: int | None = None
) -> list[Participant]:
    """Records in ``user``'s scope that may be the same person as ``fields`` describe."""
    birth_date = fields.get("birth_date")
    nationalities = _codes(fields.get("nationalities") or ())
    if not birth_date or not nationalities:
        return []
    candidates = (
        Participant.objects.for_user(user)
        .filter(birth_date=birth_date)
        .select_related("site")
        .order_by("pk")
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return [
        other
        for other in candidates
        if _codes(other.nationalities) & nationalities
        and name_similarity(
            str(fields.get("given_names", "")),
            str(fields.get("family_name", "")),
            other.given_names,
            other.family_name,
        )
        >= SIMILAR_NAMES
    ]


# --- Merging ----------------------------------------------------------------------------------

Mover = Callable[[Participant, Participant], None]


def _move_all(model: type[models.Model]) -> Mover:
    def move(survivor: Participant, duplicate: Participant) -> None:
        # One save per row, not a bulk update: the audit trail records each move.
        for row in model._default_manager.filter(participant=duplicate):
            row.participant = survivor  # type: ignore[attr-defined]
            row.save(update_fields=["participant"])

    return move


_LEVELS = ["", *Cefr.values]
_CEFR_FIELDS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
_ASSESSMENT_RANK = {
    LanguageSkill.Assessment.SELF: 0,
    LanguageSkill.Assessment.TESTED: 1,
    LanguageSkill.Assessment.MOTHER_TONGUE: 2,
}


def _merge_languages(survivor: Participant, duplicate: Participant) -> None:
    kept = {row.language: row for row in survivor.language_skills.all()}
    for theirs in duplicate.language_skills.all():
        mine = kept.get(theirs.language)
        if mine is None:
            theirs.participant = survivor
            theirs.save(update_fields=["participant"])
            continue
        # The same language twice: keep the higher level of each skill.
        for name in _CEFR_FIELDS:
            levels = (getattr(mine, name), getattr(theirs, name))
            setattr(mine, name, max(levels, key=_LEVELS.index))
        if _ASSESSMENT_RANK[theirs.assessment] > _ASSESSMENT_RANK[mine.assessment]:  # type: ignore[index]
            mine.assessment = theirs.assessment
        mine.save()
        theirs.delete()


_EVIDENCE_RANK = {value: rank for rank, value in enumerate(ParticipantSkill.Evidence.values)}


def _merge_skills(survivor: Participant, duplicate: Participant) -> None:
    kept = {row.skill_id: row for row in survivor.skills.all()}
    for theirs in duplicate.skills.all():
        mine = kept.get(theirs.skill_id)
        if mine is None:
            theirs.participant = survivor
            theirs.save(update_fields=["participant"])
            continue
        # The same skill twice: keep the stronger evidence (validated beats declared).
        if _EVIDENCE_RANK[theirs.evidence] > _EVIDENCE_RANK[mine.evidence]:
            mine.evidence = theirs.evidence
            mine.origin = theirs.origin
            mine.recorded_by_id = theirs.recorded_by_id
            mine.recorded_at = theirs.recorded_at
            mine.save()
        theirs.delete()


_PHASE_RANK = {phase.value: rank for rank, phase in enumerate(VALIDATION_PHASES)}


def _merge_validations(survivor: Participant, duplicate: Participant) -> None:
    kept = {row.skill_id: row for row in survivor.validations.all()}
    for theirs in duplicate.validations.all():
        mine = kept.get(theirs.skill_id)
        if mine is None:
            theirs.participant = survivor
            theirs.save(update_fields=["participant"])
            continue
        # The same skill validated twice: keep the one further along, with all the evidence.
        winner, loser = (
            (theirs, mine)
            if _PHASE_RANK[theirs.phase] > _PHASE_RANK[mine.phase]
            else (mine, theirs)
        )
        for document in Document.objects.filter(validation=loser):
            document.validation = winner
            document.save(update_fields=["validation"])
        loser.delete()
        if winner is theirs:
            theirs.participant = survivor
            theirs.save(update_fields=["participant"])


def _merge_plan(survivor: Participant, duplicate: Participant) -> None:
    theirs = IntegrationPlan.objects.filter(participant=duplicate).first()
    if theirs is None:
        return
    mine = IntegrationPlan.objects.filter(participant=survivor).first()
    if mine is None:
        theirs.participant = survivor
        theirs.save(update_fields=["participant"])
        return
    for service in theirs.services.all():
        service.plan = mine
        service.save(update_fields=["plan"])
    if theirs.goals and theirs.goals not in mine.goals:
        mine.goals = "\n\n".join(g for g in (mine.goals, theirs.goals) if g)
    mine.agreed_on = mine.agreed_on or theirs.agreed_on
    mine.save()
    theirs.delete()


# Every relation that points at a participant, by "<app>.<model>.<field>", and how to merge it.
RELATIONS: dict[str, Mover] = {
    "participants.statuschange.participant": _move_all(StatusChange),
    "participants.languageskill.participant": _merge_languages,
    "participants.participantskill.participant": _merge_skills,
    "participants.consent.participant": _move_all(Consent),
    "participants.education.participant": _move_all(Education),
    "participants.workexperience.participant": _move_all(WorkExperience),
    "participants.document.participant": _move_all(Document),
    "participants.integrationplan.participant": _merge_plan,
    "participants.servicerecord.participant": _move_all(ServiceRecord),
    "participants.skillvalidation.participant": _merge_validations,
}


def register_relation(key: str, mover: Mover) -> None:
    """Let a later app say how its records of a participant merge (from its ``ready``).

    Apps that build on participants (employers, placements …) link to them; participants
    does not import them, so each brings its own rule here.
    """
    RELATIONS[key] = mover


def _merge_preferred_occupations(survivor: Participant, duplicate: Participant) -> None:
    survivor.preferred_occupations.add(*duplicate.preferred_occupations.all())


# Many-to-many fields of the participant itself, by name.
MANY_TO_MANY: dict[str, Mover] = {"preferred_occupations": _merge_preferred_occupations}


def _key(relation: Any) -> str:
    return f"{relation.related_model._meta.label_lower}.{relation.field.name}"


def unhandled_relations() -> list[str]:
    """Relations to a participant the merge has no rule for; must stay empty."""
    through = {
        f"{field.remote_field.through._meta.label_lower}.participant"  # type: ignore[union-attr]
        for field in Participant._meta.many_to_many
    }
    missing = [
        key
        for relation in Participant._meta.get_fields(include_hidden=True)
        if relation.is_relation
        and relation.auto_created
        and not relation.concrete
        and (key := _key(relation)) not in RELATIONS
        and key not in through
    ]
    missing += [f.name for f in Participant._meta.many_to_many if f.name not in MANY_TO_MANY]
    return sorted(missing)


def _linked(relation: Any, participant: Participant) -> int:
    return int(
        relation.related_model._default_manager.filter(**{relation.field.name: participant}).count()
    )


_KEEP = {"id", "programme", "site", "organisation", "status", "status_changed_at", "source"}
_KEEP |= {"created_by", "created_at", "updated_at", "user", "notes", "nationalities"}


def _fill_empty_fields(survivor: Participant, duplicate: Participant) -> None:
    for field in Participant._meta.concrete_fields:
        if field.name in _KEEP:
            continue
        mine, theirs = getattr(survivor, field.attname), getattr(duplicate, field.attname)
        if isinstance(mine, list) and isinstance(theirs, list):
            setattr(survivor, field.attname, [*mine, *(v for v in theirs if v not in mine)])
        elif mine in (None, "") and theirs not in (None, ""):
            setattr(survivor, field.attname, theirs)
    codes = [str(c.code) for c in survivor.nationalities]
    codes += [str(c.code) for c in duplicate.nationalities if str(c.code) not in codes]
    survivor.nationalities = codes
    if duplicate.notes:
        # Case notes are never lost: the duplicate's follow the survivor's, marked as such.
        theirs_note = f"[{duplicate.reference}] {duplicate.notes}"
        survivor.notes = f"{survivor.notes}\n\n{theirs_note}" if survivor.notes else theirs_note


@transaction.atomic
def participant_merge(*, by: Any, survivor: Participant, duplicate: Participant) -> Participant:
    """Merge ``duplicate`` into ``survivor``: every linked record moves, then it is deleted."""
    if unhandled_relations():
        raise ImproperlyConfigured(
            f"participant_merge has no rule for {unhandled_relations()}: add one to RELATIONS."
        )
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different records."))
    # Both in the user's scope, with case work rights on the programme.
    in_scope = Participant.objects.for_user(by).filter(pk__in=[survivor.pk, duplicate.pk])
    if in_scope.count() != 2:
        raise PermissionDenied
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, survivor.programme_id):
        raise PermissionDenied
    if survivor.programme_id != duplicate.programme_id:
        raise ValidationError(_("Only records of the same programme can be merged."))
    locked = Participant.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.user_id and duplicate.user_id:
        raise ValidationError(
            _("Both records have their own sign-in account. Only one of them can be kept.")
        )
    reference = duplicate.reference
    for relation in Participant._meta.get_fields(include_hidden=True):
        if relation.is_relation and relation.auto_created and not relation.concrete:
            mover = RELATIONS.get(_key(relation))
            if mover is not None:
                mover(survivor, duplicate)
    for mover in MANY_TO_MANY.values():
        mover(survivor, duplicate)
    _fill_empty_fields(survivor, duplicate)
    account = duplicate.user
    if account is not None:
        duplicate.user = None
        duplicate.save(update_fields=["user"])
        survivor.user = account
    # An online application has no staff creator; nothing else may be left invalid.
    survivor.full_clean(exclude=["created_by"])
    survivor.save()
    StatusChange.objects.create(
        participant=survivor,
        from_status=survivor.status,
        to_status=survivor.status,
        reason=_("Merged %(reference)s into this record.") % {"reference": reference},
        changed_by=by,
    )
    # Nothing may go down with the duplicate: every linked row has moved by now.
    left = {_key(r): n for r in Participant._meta.related_objects if (n := _linked(r, duplicate))}
    if left:
        raise RuntimeError(f"Records still linked to {reference}: {left}")
    duplicate.delete()
    return survivor
