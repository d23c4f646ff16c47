"""Validation of skills acquired: identify, document, assess, certify."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mile.conftest import World, client_for
from mile.participants.models import Document, Participant, ParticipantSkill, SkillValidation
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept, Label

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _skill(name: str) -> Concept:
    concept = Concept.objects.create(
        uri=f"http://data.europa.eu/esco/skill/{name.replace(' ', '-')}", kind="skill", version="1"
    )
    Label.objects.create(concept=concept, language="en", kind="p", text=name, folded=name)
    return concept


def _url(name: str, person: Participant, **kwargs: Any) -> str:
    return reverse(f"participants:{name}", kwargs={"pk": person.pk, **kwargs})


def _validation(person: Participant, skill: Concept, **fields: Any) -> SkillValidation:
    return person.validations.create(skill=skill, identified_on=dt.date(2024, 1, 10), **fields)


def _step(validation: SkillValidation, phase: str, on: str, **fields: Any) -> dict[str, Any]:
    data = {f"v{validation.pk}-phase": phase, f"v{validation.pk}-on": on}
    data.update({f"v{validation.pk}-{k}": v for k, v in fields.items()})
    return data


def test_it_starts_a_validation_for_a_skill_of_the_profile(world: World) -> None:
    person = participant_in(world.site)
    cook = _skill("cook pasta")
    person.skills.create(skill=cook, evidence="declared")
    client = client_for(world, "caseworker")
    page = client.get(_url("participant_validation", person)).content.decode()
    assert "Start a validation" in page
    assert "cook pasta" in page
    response = client.post(
        _url("participant_validation_start", person),
        {"profile_skill": cook.pk, "identified_on": "2024-01-10", "notes": "Seen at work"},
    )
    assert response.status_code == 302
    validation = SkillValidation.objects.get()
    assert (validation.skill, validation.phase, validation.identified_on) == (
        cook,
        "identify",
        dt.date(2024, 1, 10),
    )
    again = client.post(_url("participant_validation_start", person), {"skill": cook.uri})
    assert again.status_code == 400
    assert "This skill is already being validated." in again.content.decode()


def test_it_starts_a_validation_for_any_esco_skill(world: World) -> None:
    person = participant_in(world.site)
    forklift = _skill("operate forklift")
    response = client_for(world, "caseworker").post(
        _url("participant_validation_start", person), {"skill": forklift.uri}
    )
    assert response.status_code == 302
    validation = SkillValidation.objects.get()
    assert validation.identified_on == timezone.localdate()


def test_it_asks_for_a_skill_and_keeps_the_notes(world: World) -> None:
    person = participant_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("participant_validation_start", person), {"notes": "Typed notes"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Choose a skill of the profile, or search ESCO." in content
    assert "Typed notes" in content
    assert not SkillValidation.objects.exists()


def test_it_takes_a_skill_through_the_four_phases(world: World, media: Path) -> None:
    person = participant_in(world.site)
    cook = _skill("cook pasta")
    person.skills.create(skill=cook, evidence="declared")
    validation = _validation(person, cook)
    client = client_for(world, "caseworker")
    url = _url("participant_validation_advance", person, item=validation.pk)
    # Documenting needs evidence.
    response = client.post(url, _step(validation, "document", "2024-01-20"))
    assert response.status_code == 400
    assert "Attach at least one piece of evidence." in response.content.decode()
    response = client.post(
        url,
        _step(
            validation,
            "document",
            "2024-01-20",
            file=SimpleUploadedFile("dish.png", PNG, "image/png"),
            description="Photo of a dish",
        ),
    )
    assert response.status_code == 302
    evidence = Document.objects.get()
    assert (evidence.kind, evidence.validation) == ("evidence", validation)
    # The assessment needs a result and an assessor, on or after the documentation.
    response = client.post(
        url, _step(validation, "assess", "2024-01-15", result="passed", assessor="Chef Test")
    )
    assert response.status_code == 400
    assert "The date cannot be before the previous phase" in response.content.decode()
    response = client.post(
        url, _step(validation, "assess", "2024-02-01", result="passed", assessor="Chef Test")
    )
    assert response.status_code == 302
    response = client.post(url, _step(validation, "certify", "2024-02-10"))
    assert response.status_code == 302
    validation.refresh_from_db()
    assert (validation.phase, validation.documented_on, validation.assessed_on) == (
        "certify",
        dt.date(2024, 1, 20),
        dt.date(2024, 2, 1),
    )
    assert validation.certified_on == dt.date(2024, 2, 10)
    assert person.skills.get(skill=cook).evidence == ParticipantSkill.Evidence.VALIDATED
    page = client.get(_url("participant_validation", person)).content.decode()
    assert "Get the certificate (PDF)" in page
    assert "dish.png" in page


def test_it_refuses_to_certify_a_skill_before_its_assessment(world: World) -> None:
    person = participant_in(world.site)
    validation = _validation(person, _skill("lay bricks"), phase="document")
    response = client_for(world, "caseworker").post(
        _url("participant_validation_advance", person, item=validation.pk),
        _step(validation, "certify", "2024-02-10"),
    )
    assert response.status_code == 400
    assert "Assess the skill before certifying it." in response.content.decode()
    validation.refresh_from_db()
    assert validation.phase == "document"


def test_it_certifies_only_a_passed_assessment_and_lets_it_be_taken_again(world: World) -> None:
    person = participant_in(world.site)
    bricks = _skill("lay bricks")
    validation = _validation(
        person,
        bricks,
        phase="assess",
        documented_on=dt.date(2024, 1, 20),
        assessed_on=dt.date(2024, 2, 1),
        result="not_passed",
        assessor="Site Test",
    )
    client = client_for(world, "caseworker")
    url = _url("participant_validation_advance", person, item=validation.pk)
    assert (
        "Record the assessment"
        in client.get(_url("participant_validation", person)).content.decode()
    )
    response = client.post(url, _step(validation, "certify", "2024-02-10"))
    assert response.status_code == 400
    assert "Only a skill that passed the assessment can be certified." in response.content.decode()
    client.post(url, _step(validation, "assess", "2024-03-01", result="passed", assessor="Site"))
    client.post(url, _step(validation, "certify", "2024-03-05"))
    validation.refresh_from_db()
    assert validation.phase == "certify"
    # The skill was not in the profile yet: certifying adds it, validated.
    assert person.skills.get(skill=bricks).evidence == ParticipantSkill.Evidence.VALIDATED
    response = client.post(url, _step(validation, "certify", "2024-03-06"))
    assert response.status_code == 400
    assert "The skill is already certified." in response.content.decode()


def test_it_attaches_more_evidence_until_the_skill_is_certified(world: World, media: Path) -> None:
    person = participant_in(world.site)
    validation = _validation(person, _skill("cook pasta"), phase="document")
    client = client_for(world, "caseworker")
    url = _url("participant_validation_evidence", person, item=validation.pk)
    response = client.post(
        url,
        {f"e{validation.pk}-file": SimpleUploadedFile("cv.exe", b"MZ" + b"\x00" * 30)},
    )
    assert response.status_code == 400
    assert "This file is a program, not a document." in response.content.decode()
    assert not Document.objects.exists()
    response = client.post(
        url, {f"e{validation.pk}-file": SimpleUploadedFile("work.png", PNG, "image/png")}
    )
    assert response.status_code == 302
    assert validation.evidence.count() == 1


def test_it_shows_evaluators_validations_without_names_notes_or_forms(
    world: World, media: Path
) -> None:
    person = participant_in(world.site)
    validation = _validation(person, _skill("cook pasta"), notes="Private remark")
    client_for(world, "caseworker").post(
        _url("participant_validation_evidence", person, item=validation.pk),
        {f"e{validation.pk}-file": SimpleUploadedFile("samira-diploma.png", PNG, "image/png")},
    )
    evaluator = client_for(world, "evaluator")
    page = evaluator.get(_url("participant_validation", person)).content.decode()
    assert "cook pasta" in page
    for hidden in ("Private remark", "samira-diploma", person.family_name, "Start a validation"):
        assert hidden not in page
    response = evaluator.post(
        _url("participant_validation_advance", person, item=validation.pk),
        _step(validation, "document", "2024-01-20"),
    )
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["other_partner_user", "employer_contact"])
def test_it_hides_validations_of_other_partners_participants(world: World, persona: str) -> None:
    person = participant_in(world.site)
    validation = _validation(person, _skill("cook pasta"))
    client = client_for(world, persona)
    assert client.get(_url("participant_validation", person)).status_code == 404
    response = client.post(
        _url("participant_validation_advance", person, item=validation.pk),
        _step(validation, "document", "2024-01-20"),
    )
    assert response.status_code == 404


def test_it_answers_404_for_a_validation_of_someone_else(world: World) -> None:
    person = participant_in(world.site)
    theirs = _validation(participant_in(world.site), _skill("cook pasta"))
    response = client_for(world, "caseworker").post(
        _url("participant_validation_advance", person, item=theirs.pk),
        _step(theirs, "document", "2024-01-20"),
    )
    assert response.status_code == 404
