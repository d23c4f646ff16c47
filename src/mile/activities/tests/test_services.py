"""Enrolment, the waiting list, attendance and completion, and what the pathway shows of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mile.activities import services
from mile.activities.models import Attendance, Enrolment, EnrolmentStatus
from mile.activities.tests.factories import course_in, sessions_of
from mile.conftest import World
from mile.esco.tests.esco_files import SKILL
from mile.participants.models import (
    ParticipantSkill,
    ServiceRecord,
    ServiceType,
    SkillValidation,
    ValidationPhase,
)
from mile.participants.tests.factories import participant_in
from mile.taxonomy.models import Concept

pytestmark = pytest.mark.django_db


def _past(days: int) -> dt.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days)


def test_it_puts_people_on_the_waiting_list_when_full_and_moves_the_first_up(
    world: World,
) -> None:
    course = course_in(world.site, capacity=1)
    coordinator = world.users["coordinator"]
    first = services.enrolment_add(by=coordinator, course=course, fields={"full_name": "Ada One"})
    second = services.enrolment_add(by=coordinator, course=course, fields={"full_name": "Bo Two"})
    third = services.enrolment_add(by=coordinator, course=course, fields={"full_name": "Cy Three"})
    assert [first.status, second.status, third.status] == [
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.WAITING,
    ]
    moved = services.enrolment_withdraw(by=coordinator, enrolment=first)
    assert moved == second
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EnrolmentStatus.ENROLLED
    assert third.status == EnrolmentStatus.WAITING


def test_it_refuses_a_second_registration_of_the_same_person(world: World) -> None:
    course = course_in(world.site, public_registration=True)
    fields = {"full_name": "Dana Example", "email": "dana@example.org"}
    consent = {"consent_given_at": timezone.now()}
    services.enrolment_add(by=None, course=course, fields={**fields, **consent}, public=True)
    with pytest.raises(ValidationError, match="already registered"):
        services.enrolment_add(
            by=None,
            course=course,
            fields={"full_name": "D. Example", "email": "DANA@example.org", **consent},
            public=True,
        )
    assert course.enrolments.count() == 1


def test_it_refuses_a_public_registration_without_consent(world: World) -> None:
    course = course_in(world.site, public_registration=True)
    with pytest.raises(ValidationError):
        services.enrolment_add(
            by=None, course=course, fields={"full_name": "No Consent"}, public=True
        )
    assert not Enrolment.objects.exists()


def test_it_refuses_public_registration_for_a_course_not_open_to_it(world: World) -> None:
    course = course_in(world.site)
    with pytest.raises(ValidationError):
        services.enrolment_add(
            by=None,
            course=course,
            fields={"full_name": "Eve", "consent_given_at": timezone.now()},
            public=True,
        )


def test_it_lets_only_those_who_run_a_course_enrol(world: World) -> None:
    innsbruck = course_in(world.other_site)
    with pytest.raises(PermissionDenied):
        services.enrolment_add(
            by=world.users["caseworker"], course=innsbruck, fields={"full_name": "Fay"}
        )
    # Partner staff run the programme's courses that belong to no site.
    everywhere = course_in(None, programme=world.programme)
    services.enrolment_add(
        by=world.users["caseworker"], course=everywhere, fields={"full_name": "Fay"}
    )


def test_it_records_a_participant_s_course_in_the_pathway_and_completes_it_at_80_percent(
    world: World, esco: Path
) -> None:
    person = participant_in(world.site)
    course = course_in(world.site, topics=["language"], completion_attendance=80)
    course.skills.add(Concept.objects.get(uri=SKILL + "cook"))
    sessions = sessions_of(course, 5, first=_past(30))
    trainer = world.users["caseworker"]
    enrolment = services.enrolment_add(by=trainer, course=course, fields={"participant": person})
    record = ServiceRecord.objects.get(participant=person)
    assert record.service_type == ServiceType.LANGUAGE_COURSE
    assert record.outcome == ServiceRecord.Outcome.ONGOING

    for session in sessions[:3]:
        services.attendance_record(by=trainer, session=session, present={enrolment.pk})
    services.attendance_record(by=trainer, session=sessions[3], present=set())
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None  # 3 of 5 = 60 %
    completed = services.attendance_record(by=trainer, session=sessions[4], present={enrolment.pk})
    assert completed == [enrolment]  # 4 of 5 = 80 %

    record.refresh_from_db()
    assert record.outcome == ServiceRecord.Outcome.COMPLETED
    assert record.hours == 12  # four sessions of three hours
    skill = ParticipantSkill.objects.get(participant=person)
    assert skill.origin == ParticipantSkill.Origin.COURSE
    assert SkillValidation.objects.get(participant=person).phase == ValidationPhase.IDENTIFY


def test_it_refuses_to_mark_someone_not_enrolled(world: World) -> None:
    course = course_in(world.site)
    (session,) = sessions_of(course, 1, first=_past(1))
    outsider = Enrolment.objects.create(course=course_in(world.site), full_name="Elsewhere")
    with pytest.raises(ValidationError):
        services.attendance_record(
            by=world.users["coordinator"], session=session, present={outsider.pk}
        )
    assert not Attendance.objects.exists()


def test_it_refuses_a_roll_call_long_before_the_session(world: World) -> None:
    course = course_in(world.site)
    (session,) = sessions_of(course, 1, first=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.attendance_record(by=world.users["coordinator"], session=session, present=set())


def test_it_lets_the_trainer_take_attendance_of_a_course_elsewhere(world: World) -> None:
    trainer = world.users["caseworker"]  # Milan partner staff, training in Innsbruck
    course = course_in(world.other_site, trainer=trainer)
    (session,) = sessions_of(course, 1, first=_past(1))
    enrolment = Enrolment.objects.create(course=course, full_name="Gil")
    services.attendance_record(by=trainer, session=session, present={enrolment.pk})
    assert Attendance.objects.get().present


def test_it_marks_the_pathway_interrupted_when_a_participant_withdraws(world: World) -> None:
    person = participant_in(world.site)
    course = course_in(world.site)
    coordinator = world.users["coordinator"]
    enrolment = services.enrolment_add(
        by=coordinator, course=course, fields={"participant": person}
    )
    services.enrolment_withdraw(by=coordinator, enrolment=enrolment)
    assert ServiceRecord.objects.get(participant=person).outcome == (
        ServiceRecord.Outcome.INTERRUPTED
    )


def test_it_moves_enrolments_when_two_records_of_one_person_merge(world: World) -> None:
    from mile.participants.duplicates import participant_merge

    survivor, duplicate = participant_in(world.site), participant_in(world.site)
    both = course_in(world.site)
    only_duplicate = course_in(world.site)
    (session,) = sessions_of(both, 1, first=_past(1))
    mine = Enrolment.objects.create(course=both, participant=survivor)
    theirs = Enrolment.objects.create(course=both, participant=duplicate)
    Attendance.objects.create(session=session, enrolment=theirs, present=True)
    moved = Enrolment.objects.create(course=only_duplicate, participant=duplicate)

    participant_merge(by=world.users["coordinator"], survivor=survivor, duplicate=duplicate)

    assert Enrolment.objects.filter(course=both).get() == mine
    assert mine.attendance.get().present
    moved.refresh_from_db()
    assert moved.participant == survivor


def test_it_takes_back_someone_who_withdrew(world: World) -> None:
    person = participant_in(world.site)
    course = course_in(world.site)
    coordinator = world.users["coordinator"]
    first = services.enrolment_add(by=coordinator, course=course, fields={"participant": person})
    services.enrolment_withdraw(by=coordinator, enrolment=first)
    again = services.enrolment_add(by=coordinator, course=course, fields={"participant": person})
    assert again.pk == first.pk
    assert again.status == EnrolmentStatus.ENROLLED
    assert ServiceRecord.objects.get(participant=person).outcome == ServiceRecord.Outcome.ONGOING


def test_it_closes_the_pathway_record_of_those_below_the_rule_when_the_course_ends(
    world: World,
) -> None:
    course = course_in(world.site, completion_attendance=80)
    sessions = sessions_of(course, 2, first=_past(14))
    coordinator = world.users["coordinator"]
    some, none = participant_in(world.site), participant_in(world.site)
    came = services.enrolment_add(by=coordinator, course=course, fields={"participant": some})
    services.enrolment_add(by=coordinator, course=course, fields={"participant": none})
    services.attendance_record(by=coordinator, session=sessions[0], present={came.pk})
    assert ServiceRecord.objects.get(participant=some).outcome == ServiceRecord.Outcome.ONGOING
    services.attendance_record(by=coordinator, session=sessions[1], present=set())
    record = ServiceRecord.objects.get(participant=some)
    assert record.outcome == ServiceRecord.Outcome.INTERRUPTED  # 1 of 2 = 50 %
    assert record.ended_on == sessions[1].starts_at.date()
    assert ServiceRecord.objects.get(participant=none).outcome == (
        ServiceRecord.Outcome.NOT_ATTENDED
    )
