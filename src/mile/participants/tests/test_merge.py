"""Merging two records of the same person: everything linked moves, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mile.conftest import World, client_for
from mile.participants import duplicates
from mile.participants.models import (
    Consent,
    Document,
    Education,
    IntegrationPlan,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    PlannedService,
    ServiceRecord,
    SkillValidation,
    StatusChange,
    WorkExperience,
)
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept


def _concept(name: str, kind: str = "skill") -> Concept:
    concept, _ = Concept.objects.get_or_create(
        uri=f"http://data.europa.eu/esco/{kind}/{name}", defaults={"kind": kind, "version": "1"}
    )
    return concept


def _url(survivor: Participant, duplicate: Participant) -> str:
    return reverse(
        "participants:participant_merge", kwargs={"pk": survivor.pk, "duplicate": duplicate.pk}
    )


def _pair(world: World) -> tuple[Participant, Participant]:
    survivor = participant_in(
        world.site, given_names="Samira", family_name="Exempla", email="", notes="Known since 2019."
    )
    duplicate = participant_in(
        world.site,
        given_names="Samíra",
        family_name="Exempla",
        email="samira@example.org",
        phone="+30 210 000 0000",
        nationalities=["SY", "ER"],
        notes="Applied online again.",
    )
    return survivor, duplicate


def _document(person: Participant, **kw: object) -> Document:
    return Document.objects.create(
        participant=person,
        kind="evidence",
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        file="documents/2026/11/x.bin",
        **kw,
    )


def test_it_merges_every_linked_record_into_the_survivor(world: World) -> None:
    survivor, duplicate = _pair(world)
    cook, clean, drive = _concept("cook"), _concept("clean"), _concept("drive")
    chef = _concept("chef", "occupation")
    # One of each linked record on the duplicate; clashes where a clash is possible.
    StatusChange.objects.create(
        participant=duplicate, from_status="applicant", to_status="applicant"
    )
    survivor.language_skills.create(language="el", assessment="self", listening="A1", writing="A2")
    duplicate.language_skills.create(
        language="el", assessment="tested", listening="B1", writing="A1"
    )
    duplicate.language_skills.create(language="ar", assessment="mother_tongue")
    survivor.skills.create(skill=cook, evidence="declared")
    duplicate.skills.create(skill=cook, evidence="validated")
    duplicate.skills.create(skill=clean, evidence="observed")
    Consent.objects.create(
        participant=duplicate, purpose="employers", given=True, wording_version="1", language="el"
    )
    Education.objects.create(participant=duplicate, level=3)
    WorkExperience.objects.create(participant=duplicate, job_title="Cook")
    survivor_plan = IntegrationPlan.objects.create(participant=survivor, goals="Find a job.")
    planned = PlannedService.objects.create(
        plan=IntegrationPlan.objects.create(participant=duplicate, goals="Learn Greek."),
        service_type="language_course",
    )
    ServiceRecord.objects.create(
        participant=duplicate,
        service_type="language_course",
        title="Greek A2",
        started_on=dt.date(2026, 1, 10),
        planned=planned,
    )
    mine = SkillValidation.objects.create(participant=survivor, skill=drive, phase="identify")
    theirs = SkillValidation.objects.create(participant=duplicate, skill=drive, phase="assess")
    evidence = _document(survivor, validation=mine)
    _document(duplicate)
    duplicate.preferred_occupations.add(chef)
    reference = duplicate.reference

    response = client_for(world, "caseworker").post(_url(survivor, duplicate))

    assert response.status_code == 302
    assert not Participant.objects.filter(pk=duplicate.pk).exists()
    survivor.refresh_from_db()
    # Empty fields filled from the duplicate; nationalities and notes joined.
    assert (survivor.email, survivor.phone) == ("samira@example.org", "+30 210 000 0000")
    assert sorted(c.code for c in survivor.nationalities) == ["ER", "SY"]
    assert survivor.notes == f"Known since 2019.\n\n[{reference}] Applied online again."
    greek = survivor.language_skills.get(language="el")
    assert (greek.assessment, greek.listening, greek.writing) == ("tested", "B1", "A2")
    assert survivor.language_skills.filter(language="ar").exists()
    assert {(s.skill.uri.rsplit("/", 1)[1], s.evidence) for s in survivor.skills.all()} == {
        ("cook", "validated"),
        ("clean", "observed"),
    }
    assert survivor.consents.get().purpose == "employers"
    assert survivor.education.count() == 1
    assert survivor.work_experience.count() == 1
    assert survivor.documents.count() == 2
    assert IntegrationPlan.objects.get(participant=survivor) == survivor_plan
    assert list(survivor_plan.services.all()) == [planned]
    assert "Learn Greek." in IntegrationPlan.objects.get(participant=survivor).goals
    assert survivor.services.get().planned == planned
    validation = survivor.validations.get()
    assert validation == theirs
    assert validation.phase == "assess"
    evidence.refresh_from_db()
    assert evidence.validation == theirs
    assert list(survivor.preferred_occupations.all()) == [chef]
    assert survivor.status_changes.filter(reason=f"Merged {reference} into this record.").exists()
    assert survivor.status_changes.count() == 2
    # Every move is on the audit trail, and so is the deletion.
    assert LogEntry.objects.filter(
        action=LogEntry.Action.DELETE, object_pk=str(duplicate.pk)
    ).exists()
    assert (
        LogEntry.objects.get_for_objects(Education.objects.all())
        .filter(action=LogEntry.Action.UPDATE)
        .exists()
    )


def test_it_shows_both_records_side_by_side_before_merging(world: World) -> None:
    survivor, duplicate = _pair(world)
    page = client_for(world, "coordinator").get(_url(survivor, duplicate))
    content = page.content.decode()
    assert page.status_code == 200
    assert "samira@example.org" in content
    assert survivor.reference in content
    assert duplicate.reference in content
    assert Participant.objects.count() == 2


def test_it_refuses_a_merge_across_partners(world: World) -> None:
    survivor, _ = _pair(world)
    elsewhere = participant_in(world.other_site, given_names="Samira", family_name="Exempla")
    client = client_for(world, "caseworker")
    world.users["caseworker"].memberships.update(site=world.site)
    assert client.post(_url(survivor, elsewhere)).status_code == 404
    assert client.post(_url(elsewhere, survivor)).status_code == 404
    assert Participant.objects.filter(pk=elsewhere.pk).exists()


def test_it_refuses_a_merge_to_evaluators(world: World) -> None:
    survivor, duplicate = _pair(world)
    assert client_for(world, "evaluator").post(_url(survivor, duplicate)).status_code == 403
    assert Participant.objects.count() == 2


def test_it_refuses_to_merge_a_record_with_itself(world: World) -> None:
    survivor, _ = _pair(world)
    response = client_for(world, "caseworker").post(_url(survivor, survivor))
    assert response.status_code == 400
    assert "Choose two different records." in response.content.decode()


def test_it_has_a_rule_for_every_relation_to_a_participant() -> None:
    assert duplicates.unhandled_relations() == [], (
        "A model now links to Participant: add how to merge it to RELATIONS in "
        "participants/duplicates.py."
    )


def test_it_fails_loudly_on_a_relation_it_does_not_know(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    survivor, duplicate = _pair(world)
    Education.objects.create(participant=duplicate, level=3)
    rules = dict(duplicates.RELATIONS)
    del rules["participants.education.participant"]
    monkeypatch.setattr(duplicates, "RELATIONS", rules)
    with pytest.raises(ImproperlyConfigured, match=r"participants\.education\.participant"):
        duplicates.participant_merge(
            by=world.users["coordinator"], survivor=survivor, duplicate=duplicate
        )
    assert Participant.objects.filter(pk=duplicate.pk).exists()
    assert Education.objects.get().participant == duplicate


def test_it_keeps_the_sign_in_account_of_the_duplicate(world: World) -> None:
    from mile.accounts.models import User

    survivor, duplicate = _pair(world)
    account = User.objects.create_user("samira@example.org", None, full_name="Samira")
    duplicate.user = account
    duplicate.save()
    duplicates.participant_merge(
        by=world.users["coordinator"], survivor=survivor, duplicate=duplicate
    )
    survivor.refresh_from_db()
    assert survivor.user == account
    assert LanguageSkill.objects.count() == 0
    assert ParticipantSkill.objects.count() == 0
