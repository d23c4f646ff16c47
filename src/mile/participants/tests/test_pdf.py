"""The skills profile and the certificate as real PDFs, read back as a reader's tool would."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mile.conftest import World, client_for
from mile.esco.tests.esco_files import OCC, SKILL
from mile.participants import pdf
from mile.participants.models import (
    LanguageSkill,
    Participant,
    ParticipantSkill,
    ResidenceStatus,
    SkillValidation,
    ValidationPhase,
)
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept, Label, fold


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _label(uri: str, language: str, text: str) -> None:
    concept = Concept.objects.get(uri=uri)
    Label.objects.create(concept=concept, language=language, kind="p", text=text, folded=fold(text))


@pytest.fixture
def person(world: World, esco: Path) -> Participant:
    person = participant_in(
        world.site,
        given_names="Rahel",
        family_name="Paradeigma",
        email="rahel@example.org",
        nationalities=["ER"],
        country_of_birth="ER",
        residence_status=ResidenceStatus.SUBSIDIARY,
        driving_licences=["B"],
        digital_level="intermediate",
    )
    person.language_skills.create(language="ti", assessment=LanguageSkill.Assessment.MOTHER_TONGUE)
    person.language_skills.create(
        language="it",
        assessment=LanguageSkill.Assessment.TESTED,
        listening="B2",
        reading="B1",
        spoken_interaction="B1",
        spoken_production="B1",
        writing="A2",
    )
    for uri, evidence in [("cook", "validated"), ("team", "observed"), ("java", "declared")]:
        person.skills.create(skill=Concept.objects.get(uri=SKILL + uri), evidence=evidence)
    person.work_experience.create(
        job_title="Kitchen help",
        occupation=Concept.objects.get(uri=OCC + "chef"),
        employer="Trattoria Inventata",
        started_on=dt.date(2020, 3, 1),
    )
    person.education.create(level=3, field="10", title="Catering diploma", country="SD")
    return person


def _validate(person: Participant, uri: str, **fields: object) -> SkillValidation:
    return person.validations.create(skill=Concept.objects.get(uri=SKILL + uri), **fields)


def test_it_makes_the_profile_in_greek_with_greek_esco_labels_and_uris(
    world: World, person: Participant
) -> None:
    _label(SKILL + "cook", "el", "προετοιμασία γευμάτων")
    _label(OCC + "chef", "el", "μάγειρας")
    response = client_for(world, "caseworker").get(
        reverse("participants:participant_profile_export", kwargs={"pk": person.pk}), {"lang": "el"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Rahel Paradeigma" in text
    assert "rahel@example.org" in text
    # ESCO in Greek where it has Greek labels, in English where it has none yet.
    assert "προετοιμασία γευμάτων" in text
    assert "μάγειρας" in text
    assert "work in teams" in text
    assert SKILL + "cook" in text
    assert OCC + "chef" in text
    # The interface text is Greek too, and the CEFR grid is there.
    assert "Γλώσσες" in text
    assert "B2" in text
    assert "A2" in text
    assert "Catering diploma" in text
    # Nationality and protection status never leave in a profile, in any language.
    for withheld in ("Eritrea", "Ερυθραία", "Subsidiary", "επικουρική", "subsidiary_protection"):
        assert withheld.casefold() not in text.casefold()


def test_it_refuses_the_profile_in_a_language_mile_does_not_speak(
    world: World, person: Participant
) -> None:
    response = client_for(world, "caseworker").get(
        reverse("participants:participant_profile_export", kwargs={"pk": person.pk}), {"lang": "xx"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_it_certifies_only_the_skills_that_reached_certification(
    world: World, person: Participant
) -> None:
    _label(SKILL + "cook", "it", "preparare pasti")
    _validate(
        person,
        "cook",
        phase=ValidationPhase.CERTIFY,
        result=SkillValidation.Result.PASSED,
        assessor="Assessor Inventato",
        certified_on=dt.date(2021, 6, 30),
    )
    _validate(person, "team", phase=ValidationPhase.ASSESS, assessed_on=dt.date(2021, 6, 1))
    _validate(person, "java", phase=ValidationPhase.IDENTIFY)
    url = reverse("participants:participant_certificate_export", kwargs={"pk": person.pk})
    response = client_for(world, "caseworker").get(url, {"lang": "it"})
    assert response.status_code == 200
    text = _text(response.content)
    assert "preparare pasti" in text  # the Italian ESCO label
    assert SKILL + "cook" in text
    assert "Assessor Inventato" in text
    assert "30 Giugno 2021" in text
    assert world.programme.name in text
    assert world.partner.name in text
    assert SKILL + "team" not in text
    assert SKILL + "java" not in text
    assert f"MILE-TEST-{person.reference}-" in text


def test_it_explains_that_there_is_no_certificate_before_a_skill_is_certified(
    world: World, person: Participant
) -> None:
    _validate(person, "cook", phase=ValidationPhase.ASSESS)
    response = client_for(world, "caseworker").get(
        reverse("participants:participant_certificate_export", kwargs={"pk": person.pk})
    )
    assert response.status_code == 409
    assert "No skill is certified yet" in response.content.decode()


def test_it_numbers_a_certificate_the_same_until_a_skill_is_added(
    world: World, person: Participant
) -> None:
    first = pdf.certificate_number(person, [3, 1])
    assert first == pdf.certificate_number(person, [1, 3])
    assert first != pdf.certificate_number(person, [1, 3, 4])


def test_it_offers_the_certificate_in_the_participants_own_language(
    world: World, person: Participant
) -> None:
    languages = ["en", "it", "de", "el"]
    # Tigrinya is no interface language: the language of the site's country comes next.
    assert pdf.likely_language(person, languages) == "it"
    person.language_skills.create(language="de", assessment=LanguageSkill.Assessment.MOTHER_TONGUE)
    assert pdf.likely_language(person, languages) == "de"
    page = client_for(world, "caseworker").get(
        reverse("participants:participant_exports", kwargs={"pk": person.pk})
    )
    assert page.status_code == 200
    assert '<option value="de" selected>Deutsch</option>' in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("evaluator", 403), ("other_partner_user", 404), ("employer_contact", 404)],
)
def test_it_keeps_the_documents_from_those_who_may_not_see_the_person(
    world: World, persona: str, status: int
) -> None:
    person = participant_in(world.site)
    client = client_for(world, persona)
    for name in (
        "participant_exports",
        "participant_profile_export",
        "participant_certificate_export",
        "participant_data_export",
    ):
        url = reverse(f"participants:{name}", kwargs={"pk": person.pk})
        assert client.get(url).status_code == status, name


def test_it_links_the_documents_from_the_record_for_staff_only(
    world: World, person: Participant
) -> None:
    url = reverse("participants:participant_detail", kwargs={"pk": person.pk})
    exports = reverse("participants:participant_exports", kwargs={"pk": person.pk})
    assert exports in client_for(world, "caseworker").get(url).content.decode()
    assert exports not in client_for(world, "evaluator").get(url).content.decode()


def test_it_keeps_skill_evidence_in_the_profile(world: World, person: Participant) -> None:
    # Checked without rendering: the grouping the PDF shows.
    context = pdf.profile_context(person, language="en", personal=True)
    groups = {
        str(g["title"]): [(i["concept"].label, i["item"].evidence) for i in g["items"]]
        for g in context["skill_groups"]
    }
    assert groups == {
        "Skills and competences": [("prepare meals", ParticipantSkill.Evidence.VALIDATED)],
        "Knowledge": [("Java", ParticipantSkill.Evidence.DECLARED)],
        "Transversal skills": [("work in teams", ParticipantSkill.Evidence.OBSERVED)],
    }


def test_it_gives_the_demo_certified_skills_once(world: World, person: Participant) -> None:
    from mile.demo.documents import load_certifications

    world.programme.slug = "mile"
    world.programme.save()
    person.status = "placed"
    person.save()
    assert load_certifications() == 1
    assert load_certifications() == 0
    (validation,) = pdf.certified(person)
    assert validation.skill.uri == SKILL + "cook"
