"""Writes about activities: enrolment and waiting lists, attendance, completion, pathways.

A participant's enrolment is mirrored as a service record in their pathway (the course's
service type, hours attended, outcome) and a completed course adds the skills it teaches to
their profile, ready for validation (origin "from a completed course").
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import secrets
import zipfile
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, F, Model, Q, QuerySet
from django.db.models.functions import Lower, Trim
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
    Event,
    EventMaterial,
    EventRegistration,
    GroupMeeting,
    GroupMember,
    GroupOutput,
    MeetingAttendance,
    StudyVisit,
    StudyVisitor,
    WorkingGroup,
)
from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.participants.models import (
    Participant,
    ParticipantSkill,
    ServiceRecord,
    SkillValidation,
)
from mile.programmes.models import Site

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


def _withdrawn(course: Course, enrolment: Enrolment) -> Enrolment | None:
    withdrawn = course.enrolments.filter(status=EnrolmentStatus.WITHDRAWN)
    if enrolment.participant_id:
        found: Enrolment | None = withdrawn.filter(participant_id=enrolment.participant_id).first()
    elif enrolment.user_id:
        found = withdrawn.filter(user_id=enrolment.user_id).first()
    else:
        found = withdrawn.filter(email__iexact=enrolment.email).first() if enrolment.email else None
    return found


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
    # Someone who withdrew and comes back takes their old entry again (one per person).
    previous = _withdrawn(course, enrolment)
    if previous is not None:
        previous.created_at = timezone.now()
        enrolment = previous
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
    last = sessions[-1] if sessions else None
    # The course is over once its last session has ended and its roll-call is taken.
    over = last is not None and last.ends_at <= timezone.now() and last.attendance.exists()
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        record.outcome = ServiceRecord.Outcome.INTERRUPTED
    elif enrolment.completed_at:
        record.outcome = ServiceRecord.Outcome.COMPLETED
    elif over:
        # Below the completion rule when the course ended: stopped short, or never came.
        record.outcome = (
            ServiceRecord.Outcome.INTERRUPTED
            if record.hours
            else ServiceRecord.Outcome.NOT_ATTENDED
        )
    else:
        record.outcome = ServiceRecord.Outcome.ONGOING
    # The service ends with the course, not with a date still to come.
    record.ended_on = last.starts_at.date() if over and last is not None else None
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


# --- Courses and their sessions (views/courses.py) ---------------------------------------------


def _runs_where(by: Any, course: Course) -> bool:
    """Does ``by`` run activities where the course is held (its trainer role aside)?"""
    from mile.activities.models import runs_scope

    # Platform administrators run everything.
    if permissions.is_platform_admin(by):
        return True
    return Course.objects.filter(runs_scope(by), pk=course.pk).exists()


@transaction.atomic
def course_save(*, by: Any, course: Course, fields: dict[str, Any], skills: list[Any]) -> Course:
    """Create or correct a course and the ESCO skills it teaches.

    A new course, or one moved to another site, must be where ``by`` runs activities; its
    trainer may correct a course where it is. The programme of a course never changes: its
    enrolments belong to that programme.
    """
    from mile.taxonomy.models import Kind

    before = Course.objects.filter(pk=course.pk).values("programme_id", "site_id").first()
    if before is not None and not runs(by, Course.objects.get(pk=course.pk)):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(course, name, value)
    if before is not None and course.programme_id != before["programme_id"]:
        raise ValidationError({"programme": _("A course cannot move to another programme.")})
    if any(c.kind != Kind.SKILL or c.obsolete for c in skills):
        raise ValidationError({"skills": _("Choose current ESCO skills.")})
    if course.pk is None:
        course.created_by = by
    course.full_clean()
    course.save()
    moved = before is None or before["site_id"] != course.site_id
    # The check runs on the saved row: a refusal rolls the whole save back.
    if moved and not _runs_where(by, course):
        raise PermissionDenied
    course.skills.set(skills)
    return course


@transaction.atomic
def session_save(
    *, by: Any, course: Course, session: CourseSession | None, fields: dict[str, Any]
) -> CourseSession:
    """Add a session to a course, or correct one of its sessions."""
    if not runs(by, course):
        raise PermissionDenied
    if session is None:
        session = CourseSession(course=course)
    elif session.course_id != course.pk:
        raise PermissionDenied
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean(exclude=["course"])
    session.save()
    return session


@transaction.atomic
def session_delete(*, by: Any, session: CourseSession) -> None:
    """Remove a session; one whose attendance was taken stays, or completion would change."""
    if not runs(by, session.course):
        raise PermissionDenied
    if session.attendance.exists():
        raise ValidationError(_("Attendance was taken at this session: it cannot be deleted."))
    session.delete()


# --- Events ------------------------------------------------------------------------------------


@transaction.atomic
def event_save(*, by: Any, event: Event) -> Event:
    """Create or change an event; only where ``by`` runs activities (its site, or all of them).

    The row is written first so ``runs`` can ask the database; a refusal rolls it back.
    """
    event.full_clean()
    if event.pk and event.capacity is not None:
        taken = event.registrations.count()
        if taken > event.capacity:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s people are already registered: the places cannot be fewer."
                    )
                    % {"count": taken}
                }
            )
    if event.created_by_id is None and getattr(by, "is_authenticated", False):
        event.created_by = by
    event.save()
    if not runs(by, event):
        raise PermissionDenied
    return event


def event_is_past(event: Event) -> bool:
    """Registration closes when the event begins."""
    return event.starts_at <= timezone.now()


def _registration_duplicate(event: Event, registration: EventRegistration) -> bool:
    others = event.registrations.all()
    if registration.participant_id:
        return others.filter(participant_id=registration.participant_id).exists()
    if registration.user_id:
        return others.filter(user_id=registration.user_id).exists()
    return bool(registration.email) and others.filter(email__iexact=registration.email).exists()


@transaction.atomic
def event_register(
    *, by: Any, event: Event, fields: dict[str, Any], public: bool = False
) -> EventRegistration:
    """Register someone for an event; events have no waiting list, so a full one refuses.

    Staff register participants they follow, users of the programme and people from outside;
    a public registration (``public=True``) needs the person's consent, an event open to
    registration online and not yet begun. The event row is locked so two last registrations
    cannot both get the last place.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if public:
        if not event.public_registration:
            raise ValidationError(_("This event is not open to registration online."))
        if event_is_past(event):
            raise ValidationError(_("Registration for this event has closed."))
        if not fields.get("consent_given_at"):
            raise ValidationError(
                _("Please agree to how we use your data: without it we cannot register you.")
            )
    elif not runs(by, event):
        raise PermissionDenied
    registration = EventRegistration(
        event=event,
        registered_by=by if getattr(by, "is_authenticated", False) else None,
        source=EventRegistration.Source.PUBLIC if public else EventRegistration.Source.STAFF,
        **fields,
    )
    registration.email = registration.email.strip()
    if registration.participant is not None:
        if registration.participant.programme_id != event.programme_id:
            raise ValidationError(_("The person takes part in another programme."))
        if not Participant.objects.for_user(by).filter(pk=registration.participant.pk).exists():
            raise PermissionDenied
    if registration.user_id is not None and not (
        event.programme.memberships.filter(user_id=registration.user_id, is_active=True).exists()
    ):
        raise ValidationError(_("The user is not a member of the event's programme."))
    registration.full_clean(exclude=["event"], validate_constraints=False)
    if _registration_duplicate(event, registration):
        if public:
            raise ValidationError(_("This e-mail address is already registered for the event."))
        raise ValidationError(_("This person is already registered for the event."))
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError(_("The event is full: no places are left."))
    registration.save()
    return registration


def attendance_open(event: Event) -> bool:
    """Who came is recorded from the day of the event (twelve hours before it begins)."""
    return event.starts_at <= timezone.now() + dt.timedelta(hours=12)


@transaction.atomic
def event_attendance_record(*, by: Any, event: Event, attended: dict[int, bool | None]) -> int:
    """Who came: ``attended`` maps registration ids to yes, no or unknown. Returns the changes."""
    if not runs(by, event):
        raise PermissionDenied
    if not attendance_open(event):
        raise ValidationError(_("Attendance is recorded on the day of the event, not before."))
    registrations = {r.pk: r for r in event.registrations.filter(pk__in=attended)}
    if set(attended) - set(registrations):
        raise ValidationError(_("Only people registered for the event can be marked."))
    changed = 0
    for pk, value in attended.items():
        registration = registrations[pk]
        if registration.attended is not value:
            registration.attended = value
            registration.save(update_fields=["attended"])
            changed += 1
    return changed


# Materials: slides, handouts, photos. Not personal data, but served to members only.
MAX_MATERIAL_SIZE = 20 * 1024 * 1024
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
GIF = "image/gif"
WEBP = "image/webp"
MATERIAL_EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    PPTX: "pptx",
    "image/png": "png",
    "image/jpeg": "jpg",
    GIF: "gif",
    WEBP: "webp",
}
MATERIAL_TYPES = {extension: kind for kind, extension in MATERIAL_EXTENSIONS.items()}


def material_type(data: bytes) -> str | None:
    """What the bytes really are, of the kinds of material we take, whatever the file's name."""
    import io
    import zipfile

    from mile.participants.documents import detect_type

    found = detect_type(data)
    if found is not None:
        return found
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
            return PPTX
    return None


def _refuse_file(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


@transaction.atomic
def event_material_add(
    *, by: Any, event: Event, title: str, url: str = "", upload: Any = None
) -> EventMaterial:
    """Add a link or a file to an event; a file is checked by its content, never its name."""
    import secrets

    from django.core.files.base import ContentFile

    if not runs(by, event):
        raise PermissionDenied
    if bool(url) == bool(upload):
        raise ValidationError(_("Give either a link or a file."))
    material = EventMaterial(event=event, title=title.strip(), url=url)
    material.full_clean(exclude=["event", "file"])
    if upload is None:
        material.save()
        return material
    if upload.size is not None and upload.size > MAX_MATERIAL_SIZE:
        raise _refuse_file(_("The file is larger than 20 MB. Upload a smaller file."))
    upload.seek(0)
    data: bytes = upload.read(MAX_MATERIAL_SIZE + 1)
    if len(data) > MAX_MATERIAL_SIZE:
        raise _refuse_file(_("The file is larger than 20 MB. Upload a smaller file."))
    if not data:
        raise _refuse_file(_("The file is empty."))
    kind = material_type(data)
    if kind is None:
        raise _refuse_file(
            _(
                "This type of file is not accepted. Upload a PDF, PPTX, DOCX or ODT document "
                "or a PNG, JPEG, GIF or WebP image."
            )
        )
    # A random name: what the file is called says nothing, its extension is what it really is.
    name = f"{secrets.token_hex(16)}.{MATERIAL_EXTENSIONS[kind]}"
    material.file.save(name, ContentFile(data), save=False)
    try:
        material.save()
    except BaseException:
        material.file.delete(save=False)
        raise
    return material


def material_content_type(material: EventMaterial) -> str:
    """The type the stored file was found to be on upload (its extension says it)."""
    extension = (material.file.name or "").rsplit(".", 1)[-1].lower()
    return MATERIAL_TYPES.get(extension, "application/octet-stream")


@transaction.atomic
def event_material_delete(*, by: Any, material: EventMaterial) -> None:
    """Delete the material and, once that is committed, its file."""
    if not runs(by, material.event):
        raise PermissionDenied
    storage, name = material.file.storage, material.file.name
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Study visits and working groups -----------------------------------------------------------

# Outputs of working groups: reports, guidelines, tables. Checked by their bytes, never by name.
OUTPUT_MAX_SIZE = 20 * 1024 * 1024
# An office file is a ZIP: refuse one that would unpack to more than this (a "zip bomb").
OUTPUT_MAX_UNPACKED = 200 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The first bytes of programs: named report.pdf or not, they are refused with a plain reason.
_PROGRAMS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"#!")
OUTPUT_EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    XLSX: "xlsx",
}


def sites_run_by(user: Any) -> QuerySet[Site]:
    """The sites whose activities ``user`` runs: where they may place a visit or a group."""
    if permissions.is_platform_admin(user):
        return Site.objects.all()
    # Coordinators run the activities of every site of their programmes.
    scope = Q(programme_id__in=permissions.programme_wide_ids(user, Cap.MANAGE_ACTIVITIES))
    for programme_id, site_id, organisation_id in user.memberships.filter(
        is_active=True,
        role=Role.PARTNER_STAFF,
        programme_id__in=permissions.programme_ids_with(user, Cap.MANAGE_ACTIVITIES),
    ).values_list("programme_id", "site_id", "organisation_id"):
        # Partner staff their own site, or those their organisation leads (as runs_scope).
        if site_id:
            scope |= Q(programme_id=programme_id, pk=site_id)
        else:
            scope |= Q(programme_id=programme_id, lead_partner_id=organisation_id)
    return Site.objects.filter(scope)


def with_visitor_counts(visits: QuerySet[StudyVisit]) -> QuerySet[StudyVisit]:
    """Each visit with how many came: visitors, experts, organisations and countries.

    Counts, not names: every member of the programme reads them. Organisations are the known
    ones by id plus the names typed for others (ignoring case and spaces around them).
    """
    named = Q(visitors__organisation__isnull=True) & ~Q(visitors__organisation_name="")
    return visits.annotate(
        visitor_count=Count("visitors", distinct=True),
        expert_count=Count("visitors", filter=Q(visitors__is_expert=True), distinct=True),
        known_organisations=Count("visitors__organisation", distinct=True),
        named_organisations=Count(
            Lower(Trim("visitors__organisation_name")), filter=named, distinct=True
        ),
        country_count=Count("visitors__country", filter=~Q(visitors__country=""), distinct=True),
    ).annotate(organisation_count=F("known_organisations") + F("named_organisations"))


def _same_person(rows: QuerySet[Any], person: Any) -> bool:
    if person.user_id:
        return bool(rows.filter(user_id=person.user_id).exists())
    if person.email:
        return bool(rows.filter(email__iexact=person.email).exists())
    return bool(
        person.full_name
        and rows.filter(
            full_name__iexact=person.full_name.strip(),
            organisation_id=person.organisation_id,
            organisation_name__iexact=person.organisation_name.strip(),
        ).exists()
    )


@transaction.atomic
def visit_visitor_add(*, by: Any, visit: StudyVisit, fields: dict[str, Any]) -> StudyVisitor:
    """Add someone to a study visit: a user of MILE or a person from outside."""
    if not runs(by, visit):
        raise PermissionDenied
    visitor = StudyVisitor(
        visit=visit, registered_by=by, source=StudyVisitor.Source.STAFF, **fields
    )
    visitor.full_name = visitor.full_name.strip()
    visitor.organisation_name = visitor.organisation_name.strip()
    visitor.full_clean(exclude=["visit"])
    if _same_person(visit.visitors.all(), visitor):
        raise ValidationError(_("This person is already among the visitors."))
    visitor.save()
    return visitor


def is_current_member(member: GroupMember, day: dt.date | None = None) -> bool:
    """Was the member in the group on ``day`` (today when None)?"""
    day = day or timezone.localdate()
    return member.joined_on <= day and (member.left_on is None or member.left_on > day)


def members_on(group: WorkingGroup, day: dt.date | None = None) -> QuerySet[GroupMember]:
    """The group's members on ``day`` (today when None): joined by then, not yet left."""
    day = day or timezone.localdate()
    return group.members.filter(joined_on__lte=day).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=day)
    )


def _check_member(member: GroupMember) -> None:
    """A member is a person (a user or someone from outside) or an organisation, or both.

    ``Attendee.clean`` asks for a person; a group also counts organisations that take part
    as such (a municipality, an association), so the identity rule is checked here.
    """
    member.clean_fields(exclude=["group"])
    people = bool(member.participant_id) + bool(member.user_id) + bool(member.full_name)
    if people > 1:
        raise ValidationError(_("Choose a user of MILE or give the name of someone from outside."))
    if not people and not (member.organisation_id or member.organisation_name):
        raise ValidationError(_("Choose a person, an organisation, or both."))
    if member.left_on and member.joined_on and member.left_on < member.joined_on:
        raise ValidationError({"left_on": _("One cannot leave before joining.")})


@transaction.atomic
def group_member_add(*, by: Any, group: WorkingGroup, fields: dict[str, Any]) -> GroupMember:
    """Add a member to a working group: a person, an organisation, or a person for it."""
    if not runs(by, group):
        raise PermissionDenied
    member = GroupMember(group=group, registered_by=by, source=GroupMember.Source.STAFF, **fields)
    member.full_name = member.full_name.strip()
    member.organisation_name = member.organisation_name.strip()
    _check_member(member)
    present = members_on(group)
    if (member.user_id or member.email or member.full_name) and _same_person(present, member):
        raise ValidationError(_("This person is already a member of the group."))
    if not (member.user_id or member.full_name):
        # An organisation without a named person: once among the current members.
        same = present.filter(user__isnull=True, full_name="")
        known = member.organisation_id is not None and (
            same.filter(organisation=member.organisation).exists()
        )
        named = bool(member.organisation_name) and (
            same.filter(organisation_name__iexact=member.organisation_name).exists()
        )
        if known or named:
            raise ValidationError(_("This organisation is already a member of the group."))
    member.save()
    return member


@transaction.atomic
def group_member_dates(
    *, by: Any, member: GroupMember, joined_on: dt.date, left_on: dt.date | None
) -> GroupMember:
    """Change when a member joined or left the group."""
    if not runs(by, member.group):
        raise PermissionDenied
    member.joined_on = joined_on
    member.left_on = left_on
    _check_member(member)
    member.save(update_fields=["joined_on", "left_on"])
    return member


@transaction.atomic
def meeting_attendance_record(*, by: Any, meeting: GroupMeeting, present: set[int]) -> None:
    """Who came to a meeting: ``present`` are member ids; the other members were absent."""
    if not runs(by, meeting.group):
        raise PermissionDenied
    expected = list(meeting_members(meeting))
    if present - {m.pk for m in expected}:
        raise ValidationError(_("Only members of the group can be marked present."))
    for member in expected:
        MeetingAttendance.objects.update_or_create(
            meeting=meeting, member=member, defaults={"present": member.pk in present}
        )


def meeting_members(meeting: GroupMeeting) -> QuerySet[GroupMember]:
    """Members expected at a meeting: those in the group that day, and any already recorded."""
    day = timezone.localtime(meeting.starts_at).date()
    return (
        GroupMember.objects.filter(group_id=meeting.group_id)
        .filter(
            Q(joined_on__lte=day, left_on__isnull=True)
            | Q(joined_on__lte=day, left_on__gt=day)
            | Q(attendance__meeting=meeting)
        )
        .distinct()
        .select_related("user", "participant", "organisation")
        .order_by("full_name", "user__full_name", "pk")
    )


def output_type(data: bytes) -> str | None:
    """What an output's bytes really are: PDF, DOCX, ODT or XLSX; None for anything else."""
    from mile.participants.documents import DOCX, ODT, PDF, detect_type

    found = detect_type(data)
    if found in (PDF, DOCX, ODT):
        return found
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def _output_bytes(upload: UploadedFile[bytes]) -> tuple[bytes, str]:
    def refuse(message: str) -> ValidationError:
        return ValidationError({"file": [message]})

    if upload.size is not None and upload.size > OUTPUT_MAX_SIZE:
        raise refuse(_("The file is larger than 20 MB. Upload a smaller file."))
    upload.seek(0)
    data: bytes = upload.read(OUTPUT_MAX_SIZE + 1)
    if len(data) > OUTPUT_MAX_SIZE:
        raise refuse(_("The file is larger than 20 MB. Upload a smaller file."))
    if not data:
        raise refuse(_("The file is empty."))
    content_type = output_type(data)
    if content_type is None and data.startswith(_PROGRAMS):
        raise refuse(_("This file is a program, not a document. It was not stored."))
    if content_type is None:
        raise refuse(_("This type of file is not accepted. Upload a PDF, DOCX, ODT or XLSX file."))
    if content_type != "application/pdf":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > OUTPUT_MAX_UNPACKED:
                raise refuse(_("The document is too large once unpacked."))
    return data, content_type


@transaction.atomic
def group_output_add(
    *,
    by: Any,
    group: WorkingGroup,
    fields: dict[str, Any],
    upload: UploadedFile[bytes] | None = None,
) -> GroupOutput:
    """Record what a group produced: a link, a file (checked by its content), or both."""
    if not runs(by, group):
        raise PermissionDenied
    output = GroupOutput(group=group, **fields)
    if upload is None and not output.url:
        raise ValidationError(_("Give a link, upload a file, or both."))
    output.full_clean(exclude=["group", "file"])
    if upload is not None:
        data, content_type = _output_bytes(upload)
        # A random name: the file is reached through the checked view only.
        name = f"{secrets.token_hex(16)}.{OUTPUT_EXTENSIONS[content_type]}"
        output.file.save(name, ContentFile(data), save=False)
    try:
        output.save()
    except BaseException:
        if output.file:
            output.file.delete(save=False)
        raise
    return output


def _forget_files(files: list[Any]) -> None:
    """Delete stored files once the deletion of their records is committed."""
    for stored in files:
        if stored:
            transaction.on_commit(functools.partial(stored.storage.delete, stored.name))


@transaction.atomic
def group_output_delete(*, by: Any, output: GroupOutput) -> None:
    """Delete an output and, once that is committed, its file."""
    if not runs(by, output.group):
        raise PermissionDenied
    _forget_files([output.file])
    output.delete()


@transaction.atomic
def group_delete(*, by: Any, group: WorkingGroup) -> None:
    """Delete a group with its members, meetings and outputs (and the outputs' files)."""
    if not runs(by, group):
        raise PermissionDenied
    _forget_files([output.file for output in group.outputs.all()])
    group.delete()
