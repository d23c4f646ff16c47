"""The integration plan, planned services, service records and the timeline of one person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mile.conftest import World, client_for
from mile.participants.models import (
    Consent,
    IntegrationPlan,
    Participant,
    PlannedService,
    ServiceRecord,
    Status,
    StatusChange,
)
from mile.participants.tests.factories import participant_in
from mile.programmes.models import Track
from mile.taxonomy.models import Concept, Label


def _url(name: str, person: Participant, **kwargs: Any) -> str:
    return reverse(f"participants:{name}", kwargs={"pk": person.pk, **kwargs})


def _with_track(world: World, **kwargs: Any) -> Participant:
    track = world.programme.tracks.get(name="Comprehensive")
    track.planned_services = [
        {"service": "skills_assessment", "hours": 4},
        {"service": "technical_training", "hours": 120},
        {"service": "job_guidance", "hours": 6},
    ]
    track.save()
    return participant_in(world.site, track=track, **kwargs)


def _record(**overrides: Any) -> dict[str, Any]:
    return {
        "service_type": "language_course",
        "title": "Italian A2",
        "started_on": "2024-03-01",
        "ended_on": "2024-04-30",
        "hours": "40",
        "outcome": "completed",
        "notes": "",
        **overrides,
    }


# --- The plan -----------------------------------------------------------------------------------


def test_it_saves_the_goals_of_the_plan_and_hides_them_from_evaluators(world: World) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("participant_plan_save", person),
        {"goals": "Work as a cook in Milan", "agreed_on": "2024-02-01"},
    )
    assert response.status_code == 302
    plan = IntegrationPlan.objects.get(participant=person)
    assert plan.goals == "Work as a cook in Milan"
    assert plan.updated_by == world.users["caseworker"]
    assert (
        "Work as a cook in Milan"
        in client.get(_url("participant_pathway", person)).content.decode()
    )
    evaluator = client_for(world, "evaluator")
    page = evaluator.get(_url("participant_pathway", person)).content.decode()
    assert "Work as a cook" not in page
    assert person.full_name not in page
    assert person.reference in page
    assert evaluator.post(_url("participant_plan_save", person), {"goals": "x"}).status_code == 403


def test_it_refuses_a_plan_agreed_in_the_future_and_keeps_the_goals(world: World) -> None:
    person = participant_in(world.site)
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client_for(world, "caseworker").post(
        _url("participant_plan_save", person), {"goals": "Typed goals", "agreed_on": future}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "The plan cannot be agreed in the future." in content
    assert "Typed goals" in content
    assert not IntegrationPlan.objects.exists()


def test_it_starts_the_plan_from_the_track_once(world: World) -> None:
    person = _with_track(world)
    client = client_for(world, "caseworker")
    page = client.get(_url("participant_pathway", person)).content.decode()
    assert "Start the plan from the track Comprehensive" in page
    response = client.post(_url("participant_plan_from_track", person), follow=True)
    assert "3 services of the track were added to the plan." in response.content.decode()
    planned = PlannedService.objects.filter(plan__participant=person).order_by("pk")
    assert [(p.service_type, p.hours, p.state) for p in planned] == [
        ("skills_assessment", Decimal(4), "planned"),
        ("technical_training", Decimal(120), "planned"),
        ("job_guidance", Decimal(6), "planned"),
    ]
    again = client.post(_url("participant_plan_from_track", person), follow=True)
    assert "The plan already has every service of the track." in again.content.decode()
    assert planned.count() == 3


def test_it_says_why_a_plan_cannot_start_from_a_track(world: World) -> None:
    person = participant_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("participant_plan_from_track", person), follow=True
    )
    assert "Choose a track for the participant first." in response.content.decode()
    assert not PlannedService.objects.exists()


# --- Planned services ---------------------------------------------------------------------------


def test_it_adds_a_planned_service_with_someone_responsible(world: World) -> None:
    person = participant_in(world.site)
    caseworker = world.users["caseworker"]
    response = client_for(world, "caseworker").post(
        _url("participant_planned_service_add", person),
        {
            "service_type": "tutoring",
            "description": "Weekly tutor",
            "responsible": caseworker.pk,
            "starts_on": "2024-03-01",
            "ends_on": "2024-05-31",
            "hours": "10",
            "state": "planned",
        },
    )
    assert response.status_code == 302
    item = PlannedService.objects.get()
    assert item.plan.participant == person
    assert item.responsible == caseworker
    assert LogEntry.objects.get_for_object(item).exists()


def test_it_offers_only_staff_who_work_with_participants_as_responsible(world: World) -> None:
    person = participant_in(world.site)
    client = client_for(world, "caseworker")
    page = client.get(_url("participant_pathway", person)).content.decode()
    assert "Persona caseworker" in page
    assert "Persona evaluator" not in page
    assert "Persona employer_contact" not in page
    response = client.post(
        _url("participant_planned_service_add", person),
        {
            "service_type": "tutoring",
            "description": "Typed description",
            "responsible": world.users["employer_contact"].pk,
            "state": "planned",
        },
    )
    assert response.status_code == 400
    assert "Typed description" in response.content.decode()
    assert not PlannedService.objects.exists()


def test_it_refuses_a_planned_service_that_ends_before_it_starts(world: World) -> None:
    person = participant_in(world.site)
    response = client_for(world, "caseworker").post(
        _url("participant_planned_service_add", person),
        {
            "service_type": "tutoring",
            "starts_on": "2024-05-01",
            "ends_on": "2024-04-01",
            "hours": "0",
            "state": "planned",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Give a number of hours above zero." in content
    assert 'value="2024-05-01"' in content
    assert not PlannedService.objects.exists()


def test_it_edits_and_removes_a_planned_service(world: World) -> None:
    person = participant_in(world.site)
    plan = IntegrationPlan.objects.create(participant=person)
    item = plan.services.create(service_type="tutoring", hours=10)
    client = client_for(world, "caseworker")
    edit = _url("participant_planned_service_edit", person, item=item.pk)
    page = client.get(edit)
    assert page.status_code == 200
    assert "Edit the planned service" in page.content.decode()
    bad = client.post(edit, {"service_type": "tutoring", "hours": "-2", "state": "done"})
    assert bad.status_code == 400
    assert "Edit the planned service" in bad.content.decode()
    response = client.post(edit, {"service_type": "tutoring", "hours": "12", "state": "cancelled"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.hours, item.state) == (Decimal(12), "cancelled")
    client.post(_url("participant_planned_service_delete", person, item=item.pk))
    assert not PlannedService.objects.exists()


def test_it_answers_404_for_a_planned_service_of_someone_else(world: World) -> None:
    person = participant_in(world.site)
    other = participant_in(world.site)
    item = IntegrationPlan.objects.create(participant=other).services.create(
        service_type="tutoring"
    )
    client = client_for(world, "caseworker")
    assert (
        client.get(_url("participant_planned_service_edit", person, item=item.pk)).status_code
        == 404
    )
    assert (
        client.post(_url("participant_planned_service_delete", person, item=item.pk)).status_code
        == 404
    )
    assert PlannedService.objects.filter(pk=item.pk).exists()


# --- Service records ----------------------------------------------------------------------------


def test_it_records_a_service_and_moves_its_planned_service_on(world: World) -> None:
    person = participant_in(world.site)
    plan = IntegrationPlan.objects.create(participant=person)
    course = plan.services.create(service_type="language_course", hours=80)
    client = client_for(world, "caseworker")
    url = _url("participant_service_record_add", person)
    assert (
        client.post(url, _record(planned=course.pk, provider=world.partner.pk)).status_code == 302
    )
    course.refresh_from_db()
    assert course.state == PlannedService.State.IN_PROGRESS
    record = ServiceRecord.objects.get()
    assert (record.provider, record.recorded_by) == (world.partner, world.users["caseworker"])
    client.post(url, _record(title="Italian B1", hours="40", planned=course.pk))
    course.refresh_from_db()
    assert course.state == PlannedService.State.DONE


def test_it_counts_hours_planned_and_received_per_service(world: World) -> None:
    person = participant_in(world.site)
    plan = IntegrationPlan.objects.create(participant=person)
    plan.services.create(service_type="language_course", hours=80)
    plan.services.create(service_type="tutoring", hours=10)
    plan.services.create(service_type="tutoring", hours=5, state="cancelled")
    for hours, outcome in (("30", "completed"), ("12.5", "ongoing"), ("9", "not_attended")):
        person.services.create(
            service_type="language_course",
            title="Italian",
            started_on=dt.date(2024, 3, 1),
            hours=Decimal(hours),
            outcome=outcome,
        )
    page = client_for(world, "caseworker").get(_url("participant_pathway", person))
    rows = {row.service_type: (row.planned, row.received) for row in page.context["hours"]}
    assert rows == {
        "language_course": (Decimal(80), Decimal("42.5")),
        "tutoring": (Decimal(10), Decimal(0)),
    }
    total = page.context["total"]
    assert (total.planned, total.received) == (Decimal(90), Decimal("42.5"))
    assert "42.5" in page.content.decode()


def test_it_keeps_service_notes_encrypted_and_from_evaluators(world: World) -> None:
    person = participant_in(world.site)
    client_for(world, "caseworker").post(
        _url("participant_service_record_add", person), _record(notes="Struggles with mornings")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM participants_servicerecord")
        assert "mornings" not in cursor.fetchone()[0]
    record = ServiceRecord.objects.get()
    assert "mornings" not in str(LogEntry.objects.get_for_object(record).get().changes)
    staff = client_for(world, "caseworker").get(_url("participant_pathway", person))
    assert "Struggles with mornings" in staff.content.decode()
    evaluator = client_for(world, "evaluator").get(_url("participant_pathway", person))
    content = evaluator.content.decode()
    assert "Italian A2" in content
    assert "mornings" not in content
    assert "Record a service" not in content


def test_it_refuses_a_wrong_record_and_keeps_what_was_typed(world: World) -> None:
    person = participant_in(world.site)
    outsider = IntegrationPlan.objects.create(participant=participant_in(world.site))
    other_plan_item = outsider.services.create(service_type="tutoring")
    response = client_for(world, "caseworker").post(
        _url("participant_service_record_add", person),
        _record(
            title="Typed title",
            started_on="2024-05-01",
            ended_on="2024-04-01",
            planned=other_plan_item.pk,
        ),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="Typed title"' in content
    assert "Select a valid choice" in content
    assert not ServiceRecord.objects.exists()
    response = client_for(world, "caseworker").post(
        _url("participant_service_record_add", person),
        _record(started_on="2024-05-01", ended_on="2024-04-01"),
    )
    assert response.status_code == 400
    assert "The end cannot be before the start." in response.content.decode()


def test_it_offers_only_the_programmes_organisations_as_providers(world: World) -> None:
    person = participant_in(world.site)
    outsider = world.other_programme.involvements.get().organisation
    response = client_for(world, "caseworker").post(
        _url("participant_service_record_add", person), _record(provider=outsider.pk)
    )
    assert response.status_code == 400
    assert not ServiceRecord.objects.exists()


def test_it_edits_and_deletes_a_service_record(world: World) -> None:
    person = participant_in(world.site)
    record = person.services.create(
        service_type="tutoring", title="Tutor", started_on=dt.date(2024, 1, 1)
    )
    client = client_for(world, "caseworker")
    edit = _url("participant_service_record_edit", person, item=record.pk)
    assert "Edit the service record" in client.get(edit).content.decode()
    assert client.post(edit, _record(title="Tutor, corrected")).status_code == 302
    record.refresh_from_db()
    assert record.title == "Tutor, corrected"
    assert client.post(edit, _record(hours="0")).status_code == 400
    client.post(_url("participant_service_record_delete", person, item=record.pk))
    assert not ServiceRecord.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_partner_user", 404), ("employer_contact", 404), ("evaluator", 403)],
)
def test_it_keeps_the_plan_and_services_to_those_who_may_change_them(
    world: World, persona: str, status: int
) -> None:
    person = participant_in(world.site)
    record = person.services.create(
        service_type="tutoring", title="Tutor", started_on=dt.date(2024, 1, 1)
    )
    client = client_for(world, persona)
    assert (
        client.post(_url("participant_service_record_add", person), _record()).status_code == status
    )
    assert (
        client.post(_url("participant_service_record_delete", person, item=record.pk)).status_code
        == status
    )
    assert (
        client.post(
            _url("participant_planned_service_add", person), {"service_type": "tutoring"}
        ).status_code
        == status
    )
    assert ServiceRecord.objects.count() == 1
    assert not PlannedService.objects.exists()


# --- Timeline -----------------------------------------------------------------------------------


def _full_pathway(world: World) -> Participant:
    person = participant_in(world.site)
    caseworker = world.users["caseworker"]
    moment = dt.datetime(2024, 1, 5, 10, tzinfo=dt.UTC)
    StatusChange.objects.create(
        participant=person,
        from_status=Status.APPLICANT,
        to_status=Status.APPLICANT,
        changed_at=moment,
        changed_by=caseworker,
    )
    StatusChange.objects.create(
        participant=person,
        from_status=Status.APPLICANT,
        to_status=Status.ELIGIBLE,
        reason="Checked the permit",
        changed_at=moment + dt.timedelta(days=10),
        changed_by=caseworker,
    )
    Consent.objects.create(
        participant=person,
        purpose="participation",
        given=True,
        wording_version="1",
        language="en",
        recorded_at=moment,
    )
    plan = IntegrationPlan.objects.create(
        participant=person, goals="Secret goals", agreed_on=dt.date(2024, 1, 20)
    )
    plan.services.create(service_type="tutoring", starts_on=dt.date(2024, 2, 1), hours=10)
    plan.services.create(service_type="counselling")  # no date: not on the timeline
    person.services.create(
        service_type="language_course",
        title="Italian A2",
        started_on=dt.date(2024, 2, 10),
        ended_on=dt.date(2024, 3, 10),
        hours=40,
        provider=world.partner,
    )
    skill = Concept.objects.create(
        uri="http://data.europa.eu/esco/skill/test-cook", kind="skill", version="1"
    )
    Label.objects.create(
        concept=skill, language="en", kind="p", text="cook pasta", folded="cook pasta"
    )
    person.validations.create(
        skill=skill,
        phase="assess",
        identified_on=dt.date(2024, 3, 1),
        documented_on=dt.date(2024, 3, 5),
        assessed_on=dt.date(2024, 3, 20),
        result="passed",
        assessor="Chef Test",
    )
    person.documents.create(
        kind="evidence",
        original_name="photo-of-samira.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        file="documents/test.png.enc",
        uploaded_at=moment + dt.timedelta(days=80),
        uploaded_by=caseworker,
    )
    return person


def _titles(response: Any) -> list[str]:
    return [event.title for event in response.context["page"]]


def test_it_shows_the_whole_pathway_in_date_order(world: World) -> None:
    person = _full_pathway(world)
    client = client_for(world, "caseworker")
    newest = client.get(_url("participant_timeline", person))
    assert _titles(newest) == [
        "Document added: Evidence for validation",
        "Skill assessed: cook pasta",
        "Evidence documented: cook pasta",
        "Skill identified: cook pasta",
        "Italian A2",
        "Planned: Tutoring",
        "Integration plan agreed",
        "Status: Eligible",
        "Registered as an applicant",
        "Consent given: Taking part in the programme",
    ]
    content = newest.content.decode()
    assert "Checked the permit" in content
    assert "photo-of-samira.png" in content
    assert "Persona caseworker" in content
    oldest = client.get(_url("participant_timeline", person), {"order": "oldest"})
    assert _titles(oldest)[0] == "Registered as an applicant"
    assert _titles(oldest)[-1] == "Document added: Evidence for validation"
    assert 'aria-current="true"' in oldest.content.decode()


def test_it_shows_evaluators_the_timeline_without_names_or_goals(world: World) -> None:
    person = _full_pathway(world)
    response = client_for(world, "evaluator").get(_url("participant_timeline", person))
    content = response.content.decode()
    assert "Italian A2" in content
    for hidden in ("photo-of-samira", "Secret goals", "Persona caseworker", person.family_name):
        assert hidden not in content


def test_it_builds_the_timeline_in_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    person = _full_pathway(world)
    for n in range(30):
        person.services.create(
            service_type="tutoring", title=f"Tutor {n}", started_on=dt.date(2024, 4, 1), hours=1
        )
    client = client_for(world, "caseworker")
    url = _url("participant_timeline", person)
    client.get(url)  # sessions and caches warm
    # Six to sign in and load the person (session, user, roles, MFA, scope, participant), then
    # nine for the seven kinds of event, however many there are.
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_it_pages_a_long_timeline(world: World) -> None:
    person = participant_in(world.site)
    for n in range(60):
        person.services.create(
            service_type="tutoring",
            title=f"Session {n:02d}",
            started_on=dt.date(2024, 1, 1) + dt.timedelta(days=n),
        )
    client = client_for(world, "caseworker")
    first = client.get(_url("participant_timeline", person))
    assert len(first.context["page"]) == 50
    assert _titles(first)[0] == "Session 59"
    second = client.get(_url("participant_timeline", person), {"page": 2, "order": "oldest"})
    assert _titles(second) == [f"Session {n:02d}" for n in range(50, 60)]
    assert "Page 2 of 2" in second.content.decode()


def test_it_hides_the_timeline_of_other_partners_participants(world: World) -> None:
    person = participant_in(world.site)
    for persona in ("other_partner_user", "employer_contact", "other_programme_user"):
        assert (
            client_for(world, persona).get(_url("participant_timeline", person)).status_code == 404
        )


# --- Demo ---------------------------------------------------------------------------------------


def test_it_gives_the_demo_plans_and_services_in_step_with_each_status(
    db: None, esco: Any, settings: Any, tmp_path: Any
) -> None:
    from mile.demo.loader import load_demo
    from mile.participants.models import Document, SkillValidation

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    people = Participant.objects.filter(programme__slug="mile")
    assert not IntegrationPlan.objects.filter(
        participant__status__in=[Status.APPLICANT, Status.DROPPED_OUT]
    ).exists()
    assert IntegrationPlan.objects.filter(participant__in=people).count() > people.count() / 2
    assert not ServiceRecord.objects.filter(participant__status=Status.APPLICANT).exists()
    for person in people.filter(status__in=[Status.ACTIVE, Status.PLACED, Status.EMPLOYED]):
        kinds = set(person.services.values_list("service_type", flat=True))
        assert {"skills_assessment", "soft_skills"} <= kinds
        placement = PlannedService.objects.get(
            plan__participant=person, service_type="work_placement"
        )
        expected = {Status.ACTIVE: "planned", Status.PLACED: "in_progress", Status.EMPLOYED: "done"}
        assert placement.state == expected[Status(person.status)]
    track = Track.objects.get(programme__slug="mile", name="Comprehensive")
    assert {"service": "work_placement", "hours": 240} in track.planned_services
    counts = (
        IntegrationPlan.objects.count(),
        PlannedService.objects.count(),
        ServiceRecord.objects.count(),
        SkillValidation.objects.count(),
        Document.objects.count(),
    )
    load_demo()
    assert (
        IntegrationPlan.objects.count(),
        PlannedService.objects.count(),
        ServiceRecord.objects.count(),
        SkillValidation.objects.count(),
        Document.objects.count(),
    ) == counts
