"""The JSON export of everything held about a person (GDPR access and portability)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from auditlog.models import LogEntry
from django.urls import reverse

from mile.conftest import World, client_for
from mile.participants import dossier
from mile.participants.models import (
    Consent,
    IntegrationPlan,
    LanguageSkill,
    Participant,
    Purpose,
    ServiceType,
)
from mile.participants.tests.factories import participant_in

SECTIONS = {
    "format",
    "generated_at",
    "participant",
    "consents",
    "status_changes",
    "languages",
    "skills",
    "education",
    "work_experience",
    "preferences",
    "plan",
    "planned_services",
    "service_records",
    "validations",
    "documents",
    "audit_log",
}


def _person(world: World) -> Participant:
    person = participant_in(
        world.site,
        given_names="Idris",
        family_name="Muster",
        nationalities=["SO"],
        residence_status="refugee",
        notes="Prefers morning appointments.",
    )
    Consent.objects.create(
        participant=person,
        purpose=Purpose.PARTICIPATION,
        given=True,
        wording_version="2026-1",
        language="it",
    )
    Consent.objects.create(
        participant=person,
        purpose=Purpose.NEWSLETTER,
        given=False,
        wording_version="2026-1",
        language="it",
    )
    person.language_skills.create(language="so", assessment=LanguageSkill.Assessment.MOTHER_TONGUE)
    person.education.create(level=2, title="School leaving certificate")
    person.work_experience.create(job_title="Warehouse worker", started_on=dt.date(2019, 1, 1))
    plan = IntegrationPlan.objects.create(participant=person, goals="Work in logistics.")
    planned = plan.services.create(service_type=ServiceType.LANGUAGE_COURSE, hours=Decimal("40"))
    person.services.create(
        service_type=ServiceType.LANGUAGE_COURSE,
        title="Italian A2",
        started_on=dt.date(2021, 2, 1),
        hours=Decimal("12.5"),
        planned=planned,
        notes="Missed two lessons.",
    )
    person.documents.create(
        kind="cv",
        original_name="cv-idris.pdf",
        content_type="application/pdf",
        size=1234,
        sha256="0" * 64,
        file="documents/2026/01/x.bin",
        text="Secret CV text",
    )
    return person


def _download(world: World, persona: str, person: Participant) -> Any:
    return client_for(world, persona).get(
        reverse("participants:participant_data_export", kwargs={"pk": person.pk})
    )


def test_it_exports_every_section_as_an_attachment_with_iso_dates(world: World) -> None:
    person = _person(world)
    response = _download(world, "caseworker", person)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{person.reference}.json"'
    data = json.loads(response.content)
    assert set(data) == SECTIONS
    record = data["participant"]
    assert record["family_name"] == "Muster"
    assert record["birth_date"] == "1990-05-17"
    assert record["nationalities"] == ["SO"]
    assert record["residence_status"] == "refugee"
    assert record["case_notes"] == "Prefers morning appointments."
    assert [(c["purpose"], c["given"]) for c in data["consents"]] == [
        ("participation", True),
        ("newsletter", False),
    ]
    assert data["languages"][0]["language"] == "so"
    assert data["education"][0]["isced_level"] == 2
    assert data["work_experience"][0]["started_on"] == "2019-01-01"
    assert data["plan"]["goals"] == "Work in logistics."
    assert data["planned_services"][0]["hours"] == 40.0
    assert data["service_records"][0]["hours"] == 12.5
    assert data["service_records"][0]["notes"] == "Missed two lessons."
    # Documents: what they are, never what they say.
    assert data["documents"][0]["file_name"] == "cv-idris.pdf"
    assert "Secret CV text" not in response.content.decode()
    assert {e["record"] for e in data["audit_log"]} >= {"participant", "consent", "servicerecord"}


def test_it_leaves_out_sensitive_fields_and_notes_for_a_reader_without_the_right(
    world: World,
) -> None:
    person = _person(world)
    person.residence_status = "subsidiary_protection"
    person.save()
    data = dossier.build(person, sensitive=False, notes=False)
    text = json.dumps(data)
    assert "nationalities" not in data["participant"]
    assert "residence_status" not in data["participant"]
    assert "case_notes" not in data["participant"]
    assert "notes" not in data["service_records"][0]
    # Nor through the audit trail of the changes.
    assert "subsidiary_protection" not in text
    assert '"SO"' not in text
    assert "Missed two lessons" not in text


def test_it_keeps_the_audit_entries_of_parts_deleted_since(world: World) -> None:
    person = _person(world)
    deleted = person.language_skills.get(language="so")
    deleted_pk = str(deleted.pk)
    deleted.delete()
    other = participant_in(world.site)
    other.language_skills.create(language="ar", assessment=LanguageSkill.Assessment.MOTHER_TONGUE)
    data = dossier.build(person, sensitive=True, notes=True)
    entries = {
        (e["action"], e["record_id"]) for e in data["audit_log"] if e["record"] == "languageskill"
    }
    # Its creation and deletion, and nothing of another person's languages.
    assert entries == {("create", deleted_pk), ("delete", deleted_pk)}


def test_it_records_who_took_the_export(world: World) -> None:
    person = _person(world)
    _download(world, "coordinator", person)
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == world.users["coordinator"]
    assert entry.object_pk == str(person.pk)
    assert entry.additional_data["fields"] == ["export", "nationalities", "residence_status"]


def test_it_answers_only_those_who_see_the_person(world: World) -> None:
    person = _person(world)
    assert _download(world, "evaluator", person).status_code == 403
    assert _download(world, "other_partner_user", person).status_code == 404
    assert _download(world, "employer_contact", person).status_code == 404
    assert _download(world, "other_programme_user", person).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
