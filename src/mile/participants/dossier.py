"""Everything MILE holds about one person, as plain JSON data (GDPR art. 15 access, 20 portability).

Keys are stable English identifiers and values are codes (``"refugee"``, ``"B2"``, ISO dates),
not labels in the reader's language, so another system can read the file; ESCO concepts carry
their URI and a label. What a reader may not see stays out: nationality and residence status
without ``sensitive``, case and service notes without ``notes``. Document contents never
leave: only their metadata.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mile.participants import models as m

FORMAT = "mile-dossier/1"
# Child records that point at the participant directly: their audit entries name it in
# ``changes["participant"]``, which finds the entries of rows deleted since.
_DIRECT_CHILDREN: tuple[type[models.Model], ...] = (
    m.StatusChange,
    m.LanguageSkill,
    m.ParticipantSkill,
    m.Consent,
    m.Education,
    m.WorkExperience,
    m.Document,
    m.IntegrationPlan,
    m.ServiceRecord,
    m.SkillValidation,
)


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    return value.isoformat()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _user(user: Any) -> str | None:
    return None if user is None else str(getattr(user, "full_name", "") or user)


def _concept(concept: Any) -> dict[str, Any] | None:
    if concept is None:
        return None
    return {"uri": concept.uri, "label": concept.label()}


def _country(country: Any) -> str | None:
    return str(country.code) if country else None


def build(participant: m.Participant, *, sensitive: bool, notes: bool) -> dict[str, Any]:
    """The dossier of ``participant``; ``sensitive`` and ``notes`` say what the reader may see."""
    p = participant
    record: dict[str, Any] = {
        "reference": p.reference,
        "programme": p.programme.name,
        "site": p.site.city,
        "responsible_partner": p.organisation.name,
        "track": p.track.name if p.track else None,
        "given_names": p.given_names,
        "family_name": p.family_name,
        "birth_date": _date(p.birth_date),
        "gender": p.gender,
        "country_of_birth": _country(p.country_of_birth),
        "arrival_date": _date(p.arrival_date),
        "work_authorisation": p.work_authorisation,
        "work_authorisation_expires": _date(p.work_authorisation_expires),
        "email": p.email,
        "phone": p.phone,
        "languages_spoken": list(p.languages_spoken or []),
        "digital_level": p.digital_level,
        "driving_licences": list(p.driving_licences or []),
        "status": p.status,
        "status_since": _date(p.status_changed_at),
        "source": p.source,
        "has_account": p.user_id is not None,
        "created_at": _date(p.created_at),
        "updated_at": _date(p.updated_at),
    }
    if sensitive:
        record["nationalities"] = [str(c.code) for c in p.nationalities]
        record["residence_status"] = p.residence_status
    if notes:
        record["case_notes"] = p.notes or ""
    plan = m.IntegrationPlan.objects.filter(participant=p).select_related("updated_by").first()
    planned = (
        list(plan.services.select_related("responsible").order_by("starts_on", "pk"))
        if plan
        else []
    )
    return {
        "format": FORMAT,
        "generated_at": _date(timezone.now()),
        "participant": record,
        "consents": [
            {
                "purpose": c.purpose,
                "given": c.given,
                "wording_version": c.wording_version,
                "language": c.language,
                "recorded_at": _date(c.recorded_at),
                "recorded_by": _user(c.recorded_by),
            }
            for c in p.consents.select_related("recorded_by").order_by("recorded_at", "pk")
        ],
        "status_changes": [
            {
                "from": s.from_status,
                "to": s.to_status,
                "reason": s.reason,
                "changed_at": _date(s.changed_at),
                "changed_by": _user(s.changed_by),
            }
            for s in p.status_changes.select_related("changed_by").order_by("changed_at", "pk")
        ],
        "languages": [
            {
                "language": lang.language,
                "assessment": lang.assessment,
                "listening": lang.listening,
                "reading": lang.reading,
                "spoken_interaction": lang.spoken_interaction,
                "spoken_production": lang.spoken_production,
                "writing": lang.writing,
            }
            for lang in p.language_skills.order_by("language")
        ],
        "skills": [
            {
                "skill": _concept(s.skill),
                "evidence": s.evidence,
                "origin": s.origin,
                "recorded_at": _date(s.recorded_at),
                "recorded_by": _user(s.recorded_by),
            }
            for s in p.skills.select_related("skill", "recorded_by").order_by("recorded_at", "pk")
        ],
        "education": [
            {
                "isced_level": e.level,
                "isced_field": e.field,
                "title": e.title,
                "institution": e.institution,
                "country": _country(e.country),
                "start_year": e.start_year,
                "end_year": e.end_year,
                "recognition": e.recognition,
            }
            for e in p.education.order_by("start_year", "pk")
        ],
        "work_experience": [
            {
                "job_title": w.job_title,
                "occupation": _concept(w.occupation),
                "employer": w.employer,
                "country": _country(w.country),
                "started_on": _date(w.started_on),
                "ended_on": _date(w.ended_on),
                "tasks": w.tasks,
            }
            for w in p.work_experience.select_related("occupation").order_by("started_on", "pk")
        ],
        "preferences": {
            "available_from": _date(p.available_from),
            "hours_per_week": p.hours_per_week,
            "preferred_hours": p.preferred_hours,
            "occupations": [_concept(c) for c in p.preferred_occupations.order_by("uri")],
            "sectors": list(p.preferred_sectors or []),
            "places": p.preferred_places,
        },
        "plan": None
        if plan is None
        else {
            "goals": plan.goals,
            "agreed_on": _date(plan.agreed_on),
            "updated_at": _date(plan.updated_at),
            "updated_by": _user(plan.updated_by),
        },
        "planned_services": [
            {
                "id": s.pk,
                "service": s.service_type,
                "description": s.description,
                "responsible": _user(s.responsible),
                "starts_on": _date(s.starts_on),
                "ends_on": _date(s.ends_on),
                "hours": _number(s.hours),
                "state": s.state,
            }
            for s in planned
        ],
        "service_records": [_service(s, notes=notes) for s in _services(p)],
        "validations": [
            {
                "skill": _concept(v.skill),
                "phase": v.phase,
                "identified_on": _date(v.identified_on),
                "documented_on": _date(v.documented_on),
                "assessed_on": _date(v.assessed_on),
                "result": v.result,
                "assessor": v.assessor,
                "certified_on": _date(v.certified_on),
                **({"notes": v.notes} if notes else {}),
            }
            for v in p.validations.select_related("skill").order_by("identified_on", "pk")
        ],
        "documents": [
            {
                "kind": d.kind,
                "file_name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
                "description": d.description,
                "uploaded_at": _date(d.uploaded_at),
                "uploaded_by": _user(d.uploaded_by),
            }
            for d in p.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")
        ],
        "audit_log": [
            _entry(e, sensitive=sensitive, notes=notes) for e in audit_entries(participant)
        ],
    }


def _services(p: m.Participant) -> models.QuerySet[m.ServiceRecord]:
    return p.services.select_related("provider", "recorded_by").order_by("started_on", "pk")


def _service(s: m.ServiceRecord, *, notes: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": s.service_type,
        "title": s.title,
        "started_on": _date(s.started_on),
        "ended_on": _date(s.ended_on),
        "hours": _number(s.hours),
        "provider": s.provider.name if s.provider else None,
        "outcome": s.outcome,
        "planned_service": s.planned_id,
        "recorded_at": _date(s.recorded_at),
        "recorded_by": _user(s.recorded_by),
    }
    if notes:
        data["notes"] = s.notes or ""
    return data


def audit_entries(participant: m.Participant) -> models.QuerySet[LogEntry]:
    """The audit trail about the person: their record, its parts, and views of it."""
    types = ContentType.objects.get_for_models(m.Participant, m.PlannedService, *_DIRECT_CHILDREN)
    about = Q(content_type=types[m.Participant], object_pk=str(participant.pk))
    pk = str(participant.pk)
    for model in _DIRECT_CHILDREN:
        ids = [
            str(i)
            for i in model._default_manager.filter(participant=participant).values_list(
                "pk", flat=True
            )
        ]
        # Rows that exist now, and rows deleted since (their last entry names the participant).
        about |= Q(content_type=types[model]) & (
            Q(object_pk__in=ids) | Q(changes__participant__0=pk) | Q(changes__participant__1=pk)
        )
    planned_ids = [
        str(i)
        for i in m.PlannedService.objects.filter(plan__participant=participant).values_list(
            "pk", flat=True
        )
    ]
    about |= Q(content_type=types[m.PlannedService], object_pk__in=planned_ids)
    entries: models.QuerySet[LogEntry] = (
        LogEntry.objects.filter(about)
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    return entries


# What never appears in an audit entry of the export without the matching right.
_SENSITIVE_CHANGES = set(m.SENSITIVE_FIELDS)
_NOTE_CHANGES = {"notes"}


def _entry(entry: LogEntry, *, sensitive: bool, notes: bool) -> dict[str, Any]:
    hidden = (set() if sensitive else _SENSITIVE_CHANGES) | (set() if notes else _NOTE_CHANGES)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    data: dict[str, Any] = {
        "timestamp": _date(entry.timestamp),
        "action": {
            LogEntry.Action.CREATE: "create",
            LogEntry.Action.UPDATE: "update",
            LogEntry.Action.DELETE: "delete",
            LogEntry.Action.ACCESS: "access",
        }.get(entry.action, str(entry.action)),
        "record": entry.content_type.model,
        "record_id": entry.object_pk,
        "actor": _user(entry.actor),
        "changes": {
            field: change for field, change in sorted(changes.items()) if field not in hidden
        },
    }
    if entry.action == LogEntry.Action.ACCESS:
        data["fields_seen"] = [f for f in extra.get("fields", []) if f not in hidden]
    return data
