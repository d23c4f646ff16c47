"""The participants API: intake, profile, plan and services, in the reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mile.conftest import World, client_for
from mile.participants.models import (
    Education,
    IntegrationPlan,
    Participant,
    PlannedService,
    ServiceRecord,
    ServiceType,
    WorkExperience,
)
from mile.participants.tests.factories import participant_in


def _intake(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "organisation": world.partner.pk,
        "given_names": "Yonas",
        "family_name": "Apitest",
        "birth_date": "1994-03-02",
        "gender": "male",
        "nationalities": ["ER"],
        "residence_status": "refugee",
        "work_authorisation": "yes",
        **overrides,
    }


def test_it_registers_a_person_at_intake_over_the_api(world: World) -> None:
    client = client_for(world, "caseworker")
    response = client.post("/api/v1/participants/", _intake(world), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["family_name"] == "Apitest"
    assert body["status"] == "applicant"
    assert Participant.objects.get(pk=body["id"]).status_changes.count() == 1


def test_it_explains_each_wrong_field_in_json_and_stores_nothing(world: World) -> None:
    client = client_for(world, "caseworker")
    data = _intake(world, birth_date="2090-01-01", gender="robot", site=987654)
    response = client.post("/api/v1/participants/", data, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"gender", "site"} <= errors.keys()
    data = _intake(world, birth_date="2090-01-01")
    response = client.post("/api/v1/participants/", data, content_type="application/json")
    assert response.status_code == 400
    assert "birth_date" in response.json()["errors"]
    assert not Participant.objects.filter(family_name="Apitest").exists()


def test_it_refuses_intake_to_roles_that_do_not_manage_participants(world: World) -> None:
    for persona, expected in (("evaluator", 403), ("employer_contact", 403)):
        response = client_for(world, persona).post(
            "/api/v1/participants/", _intake(world), content_type="application/json"
        )
        assert response.status_code in {expected, 400}, (persona, response.json())
    assert not Participant.objects.filter(family_name="Apitest").exists()


def test_it_serves_the_profile_without_free_text_to_evaluators(world: World) -> None:
    person = participant_in(world.site, driving_licences=["B"])
    person.language_skills.create(language="ar", assessment="mother_tongue")
    Education.objects.create(participant=person, level=3, institution="Lycée de Test")
    WorkExperience.objects.create(
        participant=person, job_title="Cook", employer="Restaurant Test", tasks="Grilled fish"
    )
    url = f"/api/v1/participants/{person.pk}/profile/"
    staff = client_for(world, "caseworker").get(url).json()
    assert staff["languages"][0]["language"] == "ar"
    assert staff["work_experience"][0]["employer"] == "Restaurant Test"
    assert staff["driving_licences"] == ["B"]
    evaluator = client_for(world, "evaluator").get(url).json()
    assert evaluator["education"][0]["level"] == 3
    assert "employer" not in evaluator["work_experience"][0]
    assert "institution" not in evaluator["education"][0]
    assert client_for(world, "other_partner_user").get(url).status_code == 404


def test_it_serves_the_plan_and_the_services_a_page_at_a_time(world: World) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    assert client.get(f"/api/v1/participants/{person.pk}/plan/").json()["services"] == []
    plan = IntegrationPlan.objects.create(participant=person, goals="A job in logistics")
    PlannedService.objects.create(plan=plan, service_type=ServiceType.JOB_GUIDANCE, hours=6)
    for day in range(1, 56):
        ServiceRecord.objects.create(
            participant=person,
            service_type=ServiceType.LANGUAGE_COURSE,
            title=f"Lesson {day}",
            started_on=dt.date(2026, 1, 1) + dt.timedelta(days=day),
            hours=2,
            notes="Private note",
        )
    plan_body = client.get(f"/api/v1/participants/{person.pk}/plan/").json()
    assert plan_body["goals"] == "A job in logistics"
    assert plan_body["services"][0]["service_type"] == "job_guidance"
    services = client.get(f"/api/v1/participants/{person.pk}/services/").json()
    assert services["count"] == 55
    assert len(services["results"]) == 50
    assert services["results"][0]["title"] == "Lesson 55"
    assert "notes" not in services["results"][0]
    evaluator_plan = client_for(world, "evaluator").get(f"/api/v1/participants/{person.pk}/plan/")
    assert evaluator_plan.json()["goals"] == ""
