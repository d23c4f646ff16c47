from __future__ import annotations

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from mile.conftest import World, client_for
from mile.esco.tests.esco_files import OCC, SKILL, write_folder
from mile.participants.models import Education, ParticipantSkill, WorkExperience
from mile.participants.tests.factories import participant_in


@pytest.fixture
def esco_it(db: None, tmp_path: Path) -> None:
    """The tiny ESCO with Italian labels beside the English ones."""
    call_command("esco_import", str(write_folder(tmp_path / "esco", languages=("en", "it"))))


def _url(name: str, **kwargs: object) -> str:
    with translation.override("en"):
        return reverse(f"participants:{name}", kwargs=kwargs)


def test_it_adds_edits_and_removes_education(world: World) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("participant_education_add", pk=person.pk),
        {
            "level": 6,
            "field": "07",
            "title": "Civil engineering",
            "institution": "University of Aleppo",
            "country": "SY",
            "start_year": 2008,
            "end_year": 2012,
            "recognition": "in_progress",
        },
    )
    assert response.status_code == 302
    education = Education.objects.get(participant=person)
    detail = client.get(_url("participant_detail", pk=person.pk)).content.decode()
    assert "Bachelor&#x27;s or equivalent" in detail
    assert "University of Aleppo" in detail
    assert "Recognition in progress" in detail
    edit = _url("participant_education_edit", pk=person.pk, item=education.pk)
    assert 'value="Civil engineering"' in client.get(edit).content.decode()
    client.post(edit, {"level": 7, "title": "Structural engineering", "recognition": "recognised"})
    education.refresh_from_db()
    assert (education.level, education.recognition) == (7, "recognised")
    client.post(_url("participant_education_delete", pk=person.pk, item=education.pk))
    assert not Education.objects.exists()
    # Each change is on the audit record.
    assert LogEntry.objects.filter(content_type__model="education").count() == 3


def test_it_reshows_wrong_years_with_the_reason(world: World) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("participant_education_add", pk=person.pk),
        {
            "level": 3,
            "institution": "Typed school",
            "start_year": 2015,
            "end_year": 2010,
            "recognition": "not_requested",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The end cannot be before the start." in content
    assert 'value="Typed school"' in content
    assert not Education.objects.exists()
    education = person.education.create(level=3)
    edit = client.post(
        _url("participant_education_edit", pk=person.pk, item=education.pk),
        {"level": 3, "start_year": 1800, "recognition": "not_requested"},
    )
    assert edit.status_code == 400
    assert "Give a year between 1940 and" in edit.content.decode()


def test_it_suggests_skills_from_tasks_and_the_occupation_and_adds_the_ticked_ones(
    world: World, esco
) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("participant_experience_add", pk=person.pk),
        {
            "job_title": "Kitchen helper",
            "occupation": OCC + "dev",
            "employer": "Trattoria Inventata",
            "country": "IT",
            "started_on": "2019-03-01",
            "ended_on": "2021-06-30",
            "tasks": "Prepared meals for guests.\nWorked in teams of five.",
        },
    )
    experience = WorkExperience.objects.get()
    suggestions = _url("participant_experience_skills", pk=person.pk, item=experience.pk)
    assert response["Location"] == suggestions
    page = client.get(suggestions).content.decode()
    # From the tasks as written …
    assert "prepare meals" in page
    assert "work in teams" in page
    # … and the occupation's essential skill.
    assert "Java" in page
    assert "Essential for “software developer”" in page
    client.post(suggestions, {"skills": [SKILL + "cook", SKILL + "java"]})
    skills = ParticipantSkill.objects.filter(participant=person).order_by("skill__uri")
    assert [s.skill.uri for s in skills] == [SKILL + "cook", SKILL + "java"]
    assert {s.origin for s in skills} == {ParticipantSkill.Origin.WORK_EXPERIENCE}
    assert {s.evidence for s in skills} == {ParticipantSkill.Evidence.DECLARED}
    # Skills already in the profile are not offered again.
    again = client.get(suggestions).content.decode()
    assert "prepare meals" not in again
    assert "work in teams" in again
    # A suggestion that was not offered cannot be slipped in.
    assert client.post(suggestions, {"skills": [SKILL + "drive"]}).status_code == 400


def test_it_shows_suggested_skills_in_the_readers_language(world: World, esco_it) -> None:
    person = participant_in(world.site)
    experience = person.work_experience.create(
        job_title="Cuoco", tasks="Preparare pasti per gli ospiti."
    )
    with translation.override("it"):
        url = reverse(
            "participants:participant_experience_skills",
            kwargs={"pk": person.pk, "item": experience.pk},
        )
    page = client_for(world, "caseworker").get(url).content.decode()
    assert "preparare pasti" in page


def test_it_reshows_a_work_experience_that_ends_before_it_starts(world: World) -> None:
    person = participant_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("participant_experience_add", pk=person.pk),
        {"job_title": "Typed job", "started_on": "2020-01-01", "ended_on": "2019-01-01"},
    )
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()
    assert 'value="Typed job"' in response.content.decode()
    assert not WorkExperience.objects.exists()


def test_it_edits_and_removes_work_experience(world: World) -> None:
    person = participant_in(world.site)
    experience = person.work_experience.create(job_title="Cook")
    client = client_for(world, "caseworker")
    edit = _url("participant_experience_edit", pk=person.pk, item=experience.pk)
    # Without tasks or occupation there is nothing to suggest: back to the profile.
    response = client.post(edit, {"job_title": "Head cook"})
    assert response["Location"] == _url("participant_detail", pk=person.pk)
    experience.refresh_from_db()
    assert experience.job_title == "Head cook"
    client.post(_url("participant_experience_delete", pk=person.pk, item=experience.pk))
    assert not WorkExperience.objects.exists()


def test_it_hides_free_text_of_the_profile_from_evaluators(world: World, esco) -> None:
    from mile.taxonomy.models import Concept

    person = participant_in(world.site)
    person.education.create(level=6, institution="Secret University", title="Secret title")
    person.work_experience.create(
        job_title="Secret job",
        employer="Secret employer",
        tasks="Secret tasks",
        occupation=Concept.objects.get(uri=OCC + "chef"),
    )
    page = (
        client_for(world, "evaluator")
        .get(_url("participant_detail", pk=person.pk))
        .content.decode()
    )
    assert "Bachelor" in page
    assert "chef" in page
    assert "Secret" not in page
    assert "Add education" not in page
    for persona in ("other_partner_user", "employer_contact"):
        assert (
            client_for(world, persona)
            .get(_url("participant_preferences", pk=person.pk))
            .status_code
            == 404
        )
    assert (
        client_for(world, "evaluator")
        .get(_url("participant_preferences", pk=person.pk))
        .status_code
        == 403
    )


def test_it_records_availability_and_preferences(world: World, esco) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    url = _url("participant_preferences", pk=person.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "digital_level": "intermediate",
            "driving_licences": ["B", "C1"],
            "available_from": "2030-09-01",
            "hours_per_week": 30,
            "preferred_hours": "part_time",
            "add_occupation": OCC + "chef",
            "preferred_sectors": ["I", "C"],
            "preferred_places": "Milan, Bergamo",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.driving_licences == ["B", "C1"]
    assert person.preferred_sectors == ["I", "C"]
    assert [c.uri for c in person.preferred_occupations.all()] == [OCC + "chef"]
    detail = client.get(_url("participant_detail", pk=person.pk)).content.decode()
    assert "B, C1" in detail
    assert "I – Accommodation and food service activities" in detail
    assert "Milan, Bergamo" in detail
    assert ">chef<" in detail
    # A second occupation is added beside the first; unticking removes one.
    chef = person.preferred_occupations.get().uri
    client.post(
        url, {"preferred_occupations": [chef], "add_occupation": OCC + "dev", "hours_per_week": 30}
    )
    assert person.preferred_occupations.count() == 2
    # Everything unticked is still a change to save: nothing is kept.
    assert client.post(url, {}).status_code == 302
    person.refresh_from_db()
    assert person.preferred_occupations.count() == 0
    assert person.driving_licences == []


def test_it_reshows_impossible_hours_with_the_reason(world: World) -> None:
    person = participant_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("participant_preferences", pk=person.pk),
        {"hours_per_week": 90, "preferred_places": "Typed place", "driving_licences": ["B"]},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Give a number of hours between 1 and 60." in content
    assert 'value="Typed place"' in content
    assert 'value="B" id="id_driving_licences_4" checked' in content


def test_it_fills_the_demo_profiles_once(db: None, esco, settings, tmp_path: Path) -> None:
    from mile.demo.loader import load_demo
    from mile.participants.models import Document, Participant

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    counts = (
        Education.objects.count(),
        WorkExperience.objects.count(),
        Document.objects.count(),
        ParticipantSkill.objects.count(),
    )
    people = Participant.objects.filter(programme__slug="mile").count()
    assert people >= 40
    assert counts[0] == people
    assert counts[1] == 2 * people
    assert counts[2] >= 5
    cv = Document.objects.filter(kind="cv").first()
    assert cv is not None
    assert "Curriculum vitae" in (cv.text or "")
    load_demo()
    assert (
        Education.objects.count(),
        WorkExperience.objects.count(),
        Document.objects.count(),
        ParticipantSkill.objects.count(),
    ) == counts
