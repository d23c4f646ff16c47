"""Writes about activities: enrolment and waiting lists, attendance, completion, pathways.

A participant's enrolment is mirrored as a service record in their pathway (the course's
service type, hours attended, outcome) and a completed course adds the skills it teaches to
their profile, ready for validation (origin "from a completed course").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from mile.activities.access import runs
from mile.activities.models import (
    Attendance,
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    EventRegistration,
    GroupMember,
    StudyVisitor,
)
from mile.participants.models import (
    Participant,
    ParticipantSkill,
    ServiceRecord,
    SkillValidation,
)

# --- Enrolment ---------------------------------------------------------------------------------


def _taken(course: Course) -> int:
    return course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()


def _duplicate(course: Course, enrolment: Enrolment) -> bool:
    others = course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
    if enrolment.participant_id:
        return others.filter(participant_id=enrolment.participant_id).exists()
    if enrolment.user_id:
        return others.filter(user_id=enrolment.user_id).exists()
    return bool(enrolment.email) and others.filter(email__iexact=enrolment.email).exists()


@transaction.atomic
def enrolment_add(
    *, by: Any, course: Course, fields: dict[str, Any], public: bool = False
) -> Enrolment:
    """Enrol someone; when the course is full they join the waiting list.

    Staff enrol participants they follow, users and people from outside; a public
    registration (``public=True``, ``by`` anonymous) needs the person's consent and an open,
    published course. The course row is locked so two last registrations cannot both get the
    last place.
    """
    course = Course.objects.select_for_update().get(pk=course.pk)
    if public:
        if not course.public_registration or course.status != CourseStatus.PUBLISHED:
            raise ValidationError(_("This course is not open to registration online."))
        closes = course.registration_closes_on
        if closes and timezone.localdate() > closes:
            raise ValidationError(_("Registration for this course has closed."))
    elif not runs(by, course):
        raise PermissionDenied
    enrolment = Enrolment(
        course=course,
        registered_by=by if getattr(by, "is_authenticated", False) else None,
        source=Enrolment.Source.PUBLIC if public else Enrolment.Source.STAFF,
        **fields,
    )
    participant = enrolment.participant
    if participant is not None:
        if participant.programme_id != course.programme_id:
            raise ValidationError(_("The person takes part in another programme."))
        if not Participant.objects.for_user(by).filter(pk=participant.pk).exists():
            raise PermissionDenied
        # Certificates come in the person's own language when they have an account.
        if "language" not in fields and participant.user is not None:
            enrolment.language = participant.user.language
    enrolment.full_clean(exclude=["course"])
    if _duplicate(course, enrolment):
        raise ValidationError(_("This person is already registered for the course."))
    full = _taken(course) >= course.capacity
    enrolment.status = EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED
    enrolment.save()
    if enrolment.status == EnrolmentStatus.ENROLLED:
        _pathway_sync(enrolment, by=by)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, by: Any, enrolment: Enrolment) -> Enrolment | None:
    """Withdraw someone; the first on the waiting list takes the place. Returns who moved up."""
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    if not runs(by, course):
        raise PermissionDenied
    was_enrolled = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    _pathway_sync(enrolment, by=by)
    if not was_enrolled or _taken(course) >= course.capacity:
        return None
    first = course.enrolments.filter(status=EnrolmentStatus.WAITING).order_by("created_at", "pk")
    moved: Enrolment | None = first.first()
    if moved is not None:
        moved.status = EnrolmentStatus.ENROLLED
        moved.save(update_fields=["status"])
        _pathway_sync(moved, by=by)
    return moved


# --- Attendance and completion -----------------------------------------------------------------


@transaction.atomic
def attendance_record(*, by: Any, session: CourseSession, present: set[int]) -> list[Enrolment]:
    """The roll-call of one session: ``present`` are enrolment ids; everyone else is absent.

    Returns the enrolments that reached completion with it.
    """
    course = session.course
    if not runs(by, course):
        raise PermissionDenied
    enrolled = list(course.enrolments.filter(status=EnrolmentStatus.ENROLLED))
    unknown = present - {e.pk for e in enrolled}
    if unknown:
        raise ValidationError(_("Only people enrolled in the course can be marked present."))
    if session.starts_at > timezone.now() + dt.timedelta(hours=12):
        raise ValidationError(_("Attendance is taken on the day of the session, not before."))
    now = timezone.now()
    for enrolment in enrolled:
        Attendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={"present": enrolment.pk in present, "recorded_by": by, "recorded_at": now},
        )
    completed = []
    for enrolment in enrolled:
        if enrolment.completed_at is None and completes(enrolment):
            enrolment.completed_at = now
            enrolment.save(update_fields=["completed_at"])
            _skills_to_profile(enrolment, by=by)
            completed.append(enrolment)
        _pathway_sync(enrolment, by=by)
    return completed


def attendance_share(enrolment: Enrolment) -> Decimal:
    """The share of the course's sessions the person attended, 0–100."""
    sessions = enrolment.course.sessions.count()
    if not sessions:
        return Decimal(0)
    attended = enrolment.attendance.filter(present=True).count()
    return (Decimal(attended * 100) / Decimal(sessions)).quantize(Decimal("0.1"))


def completes(enrolment: Enrolment) -> bool:
    """Has the person attended enough of the course (its completion rule) to complete it?"""
    return attendance_share(enrolment) >= enrolment.course.completion_attendance


def attended_hours(enrolment: Enrolment) -> Decimal:
    return sum(
        (
            a.session.hours
            for a in enrolment.attendance.filter(present=True).select_related("session")
        ),
        Decimal(0),
    )


def _pathway_sync(enrolment: Enrolment, *, by: Any) -> None:
    """Mirror a participant's enrolment as a service record in their pathway."""
    if enrolment.participant_id is None:
        return
    course = enrolment.course
    sessions = list(course.sessions.all())
    started = sessions[0].starts_at.date() if sessions else timezone.localdate()
    record = enrolment.service_record
    if record is None:
        if enrolment.status != EnrolmentStatus.ENROLLED:
            return
        record = ServiceRecord(
            participant_id=enrolment.participant_id,
            service_type=course.service_type,
            title=course.title[:200],
            started_on=started,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
    record.started_on = started
    record.hours = attended_hours(enrolment)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        record.outcome = ServiceRecord.Outcome.INTERRUPTED
    elif enrolment.completed_at:
        record.outcome = ServiceRecord.Outcome.COMPLETED
        record.ended_on = sessions[-1].starts_at.date() if sessions else None
    else:
        record.outcome = ServiceRecord.Outcome.ONGOING
    record.save()
    if enrolment.service_record_id != record.pk:
        enrolment.service_record = record
        enrolment.save(update_fields=["service_record"])


def _skills_to_profile(enrolment: Enrolment, *, by: Any) -> None:
    """A completed course adds the skills it teaches, observed, and starts their validation."""
    if enrolment.participant_id is None:
        return
    for skill in enrolment.course.skills.filter(obsolete=False):
        ParticipantSkill.objects.get_or_create(
            participant_id=enrolment.participant_id,
            skill=skill,
            defaults={
                "evidence": ParticipantSkill.Evidence.OBSERVED,
                "origin": ParticipantSkill.Origin.COURSE,
                "recorded_by": by if getattr(by, "is_authenticated", False) else None,
            },
        )
        SkillValidation.objects.get_or_create(participant_id=enrolment.participant_id, skill=skill)


# --- Merging two records of one person ---------------------------------------------------------

_ACTIVITY_FIELD: dict[type[Model], str] = {
    Enrolment: "course_id",
    EventRegistration: "event_id",
    StudyVisitor: "visit_id",
    GroupMember: "group_id",
}


def attendees_merge(model: type[Model]) -> Any:
    """How ``participant_merge`` moves a person's entries of one kind (apps.py registers it)."""
    activity = _ACTIVITY_FIELD[model]

    def merge(survivor: Participant, duplicate: Participant) -> None:
        manager: Any = model._default_manager
        kept = {getattr(row, activity): row for row in manager.filter(participant=survivor)}
        for theirs in manager.filter(participant=duplicate):
            mine = kept.get(getattr(theirs, activity))
            if mine is None:
                theirs.participant = survivor
                theirs.save(update_fields=["participant"])
                continue
            # The same course twice: attendance the survivor lacks moves over.
            if isinstance(theirs, Enrolment):
                have = set(mine.attendance.values_list("session_id", flat=True))
                theirs.attendance.exclude(session_id__in=have).update(enrolment=mine)
            theirs.delete()

    return merge
