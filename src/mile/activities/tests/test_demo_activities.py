"""The demo's activities: what a newcomer finds after ``make run`` (ESCO first, then the demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from mile.accounts.models import User
from mile.activities.models import (
    Attendance,
    Course,
    Enrolment,
    EnrolmentStatus,
    Event,
    GroupScope,
    StudyVisit,
    WorkingGroup,
)
from mile.activities.services import attendance_share
from mile.demo.loader import load_demo
from mile.participants.models import ParticipantSkill, ServiceRecord

pytestmark = pytest.mark.django_db

TRAINER = "trainer.patras@demo.mile.example"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> None:
    # The demo stores CVs and evidence photos.
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> dict[str, int]:
    counts = {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("activities").get_models()
    }
    counts["ServiceRecord"] = ServiceRecord.objects.count()
    counts["ParticipantSkill"] = ParticipantSkill.objects.count()
    return counts


def test_it_gives_the_demo_courses_with_attendance_and_completions_once(
    esco: Path, media: None
) -> None:
    load_demo()
    courses = Course.objects.filter(programme__slug="mile")
    assert 5 <= courses.count() <= 7
    for course in courses:
        assert course.sessions.exists(), course.title
        assert course.enrolments.exists(), course.title
    trainer = User.objects.get(email=TRAINER)
    greek = courses.get(title="Βασικά ελληνικά για την εργασία")
    assert (greek.site.city, greek.language, greek.level, greek.topics) == (
        "Patras",
        "el",
        "A2",
        ["language"],
    )
    assert greek.trainer == trainer
    # Five weekly sessions: the last one still to come, with no attendance taken yet.
    sessions = list(greek.sessions.all())
    assert len(sessions) == 5
    assert sessions[-1].starts_at > timezone.now() > sessions[-2].ends_at
    assert not Attendance.objects.filter(session=sessions[-1]).exists()
    # The trainer sees who attends her course, people from Athens too.
    seen = Enrolment.objects.for_user(trainer).filter(course=greek)
    assert {e.participant.site.city for e in seen} == {"Patras", "Athens"}
    # Some reached the share needed and completed (a certificate is possible), one did not.
    enrolled = greek.enrolments.filter(status=EnrolmentStatus.ENROLLED)
    assert enrolled.exclude(completed_at=None).exists()
    assert any(attendance_share(e) < 60 for e in enrolled.filter(completed_at=None))
    # Each participant's pathway shows the course, completed ones as completed.
    done = Enrolment.objects.filter(participant__isnull=False).exclude(completed_at=None)
    assert done.count() >= 4
    for enrolment in done:
        record = enrolment.service_record
        assert record is not None
        assert record.participant_id == enrolment.participant_id
        assert record.outcome == ServiceRecord.Outcome.COMPLETED
        assert record.title == enrolment.course.title
    # A completed course adds the ESCO skills it teaches to the profile.
    soft = courses.get(audience="migrants", topics=["soft"])
    assert soft.skills.filter(labels__folded="work in teams").exists()
    for enrolment in soft.enrolments.exclude(completed_at=None):
        assert ParticipantSkill.objects.filter(
            participant=enrolment.participant, skill__in=soft.skills.all(), origin="course"
        ).exists()
    # One course is full with a waiting list; one takes registrations online, with consent.
    assert Enrolment.objects.filter(status=EnrolmentStatus.WAITING).exists()
    online = courses.get(public_registration=True)
    assert online.sessions.earliest("starts_at").starts_at > timezone.now()
    public = online.enrolments.filter(source=Enrolment.Source.PUBLIC)
    assert public.count() >= 3
    assert not public.filter(consent_given_at=None).exists()
    counts = _counts()
    load_demo()
    assert _counts() == counts


def test_it_gives_the_demo_study_visits_working_groups_and_events(media: None) -> None:
    load_demo()
    # Without ESCO the courses are there, teaching no listed skill.
    assert Course.objects.exists()
    assert not Course.skills.through.objects.exists()
    visits = StudyVisit.objects.filter(programme__slug="mile")
    assert {v.host_city for v in visits} == {"Innsbruck", "Athens"}
    for visit in visits:
        assert 3 <= visit.items.count() <= 4
        assert visit.organiser.involvements.filter(relation="partner").exists()
        assert {v.kind for v in visit.visitors.all()} == {"partner", "associate", "stakeholder"}
        assert len({str(v.country) for v in visit.visitors.exclude(country="")}) >= 3
        assert visit.visitors.filter(is_expert=False).exists()
    groups = WorkingGroup.objects.filter(programme__slug="mile")
    local = groups.filter(scope=GroupScope.LOCAL)
    assert set(local.values_list("theme", flat=True)) == {"wg1", "wg2", "wg3"}
    assert local.values("site").distinct().count() == 2
    assert groups.filter(scope=GroupScope.EUROPEAN, theme="wg3").exists()
    for group in groups:
        assert group.members.count() >= 3, group.name
        assert 2 <= group.meetings.count() <= 3, group.name
        assert group.outputs.exclude(url="").exists(), group.name
        held = group.meetings.exclude(minutes="")
        assert held.exists(), group.name
        assert held.first().attendance.filter(present=True).exists()
    actions = [a for g in groups for m in g.meetings.all() for a in m.actions.all()]
    assert any(a.done_on for a in actions)
    assert any(a.done_on is None and a.due_on for a in actions)
    assert groups.filter(members__left_on__isnull=False).exists()
    events = Event.objects.filter(programme__slug="mile")
    assert 3 <= events.count() <= 4
    assert {"awareness", "dissemination"} == set(events.values_list("kind", flat=True))
    now = timezone.now()
    upcoming = events.get(starts_at__gt=now)
    assert upcoming.public_registration
    assert upcoming.registrations.exists()
    for event in events.filter(starts_at__lt=now):
        assert event.registrations.filter(attended=True).exists(), event.title
        assert event.materials.exclude(url="").exists(), event.title
    registrations = [r for e in events for r in e.registrations.all()]
    assert any(r.participant_id for r in registrations)
    assert any(r.user_id for r in registrations)
    assert any(r.full_name and r.consent_given_at for r in registrations)
