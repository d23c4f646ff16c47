"""Activities around the pathways: courses, study visits, working groups and events.

Every member of a programme sees its activities (titles, dates, places: no personal data).
Who takes part — enrolments, attendance, registrations, members — is personal data: it is seen
by those who run the activity (coordinators; partner staff for their site's activities and
those of the whole programme; a course's trainer) and by each attendee for their own entry
(decision 0017).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.participants.models import ServiceType


def _user_fk(**kwargs: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **kwargs,
    )


# --- Scopes ------------------------------------------------------------------------------------


class ProgrammeActivityQuerySet(models.QuerySet[Any]):
    """Activities of a programme: every member reads them (no personal data in them)."""

    def for_user(self, user: Any) -> ProgrammeActivityQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every activity.
        if permissions.is_platform_admin(user):
            return self.all()
        # Members read the activities of their programmes.
        return self.filter(
            programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_ACTIVITIES)
        )


def runs_scope(user: Any, prefix: str = "") -> Q:
    """The activities ``user`` runs, as a condition on ``<prefix>`` (a programme activity)."""
    # Coordinators run every activity of their programmes.
    scope = Q(
        **{f"{prefix}programme_id__in": permissions.programme_wide_ids(user, Cap.MANAGE_ACTIVITIES)}
    )
    for programme_id, site_id, organisation_id in user.memberships.filter(
        is_active=True,
        role=Role.PARTNER_STAFF,
        programme_id__in=permissions.programme_ids_with(user, Cap.MANAGE_ACTIVITIES),
    ).values_list("programme_id", "site_id", "organisation_id"):
        # Partner staff run the activities of the whole programme (no site) …
        scope |= Q(**{f"{prefix}programme_id": programme_id, f"{prefix}site__isnull": True})
        # … and those of their site, or without a site of the sites their organisation leads.
        if site_id:
            scope |= Q(**{f"{prefix}programme_id": programme_id, f"{prefix}site_id": site_id})
        else:
            scope |= Q(
                **{
                    f"{prefix}programme_id": programme_id,
                    f"{prefix}site__lead_partner_id": organisation_id,
                }
            )
    return scope


class AttendeeQuerySet(models.QuerySet[Any]):
    """Who takes part in an activity: personal data, seen by those who run it and by the person."""

    activity: str = ""  # the path from the attendee row to its activity, e.g. "course__"

    def for_user(self, user: Any) -> AttendeeQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see everyone.
        if permissions.is_platform_admin(user):
            return self.all()
        scope = runs_scope(user, self.activity)
        # A course's trainer sees its attendees.
        if self.activity == "course__":
            scope |= Q(course__trainer=user)
        # Each person sees their own entry.
        scope |= Q(user=user) | Q(participant__user=user)
        return self.filter(scope)


class EnrolmentQuerySet(AttendeeQuerySet):
    activity = "course__"


class VisitorQuerySet(AttendeeQuerySet):
    activity = "visit__"


class MemberQuerySet(AttendeeQuerySet):
    activity = "group__"


class RegistrationQuerySet(AttendeeQuerySet):
    activity = "event__"


class Attendee(models.Model):
    """Who takes part: a participant, a user of MILE, or someone from outside, with consent."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Registered by staff")
        PUBLIC = "public", _("Registered online")

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    # Certificates and messages come in this language.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    source = models.CharField(
        _("source"), max_length=6, choices=Source.choices, default=Source.STAFF
    )
    # Someone registering online agrees that we keep their name and e-mail for the activity.
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    registered_by = _user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.participant_id:
            return self.participant.full_name  # type: ignore[union-attr]
        if self.user_id:
            return str(self.user)
        if self.full_name:
            return self.full_name
        return str(self.organisation or self.organisation_name)

    # Working groups count organisations as members even without a named person.
    organisation_may_stand_alone = False

    def clean(self) -> None:
        identities = [bool(self.participant_id), bool(self.user_id), bool(self.full_name.strip())]
        organisation_only = self.organisation_may_stand_alone and (
            self.organisation_id or self.organisation_name.strip()
        )
        if sum(identities) > 1 or (not any(identities) and not organisation_only):
            raise ValidationError(
                _("Choose a participant, a user, or give the name of someone from outside.")
            )
        if self.source == self.Source.PUBLIC and self.consent_given_at is None:
            raise ValidationError(_("Registering online needs the person's consent."))


# --- Courses -----------------------------------------------------------------------------------


class Audience(models.TextChoices):
    MIGRANTS = "migrants", _("Migrants")
    EMPLOYERS = "employers", _("Employers")
    STAKEHOLDERS = "stakeholders", _("Stakeholders")
    CITIZENS = "citizens", _("Citizens")


class Topic(models.TextChoices):
    # For migrants
    TECHNICAL = "technical", _("Technical skills")
    SOFT = "soft", _("Soft skills")
    LANGUAGE = "language", _("Host-country language")
    LEGAL = "legal", _("Legal framework")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment and financial support")
    # For employers
    LEGISLATION = "legislation", _("Legislation on hiring third-country nationals")
    PROCEDURES = "procedures", _("Administrative procedures of hiring third-country nationals")
    DIVERSITY = "diversity", _("Diversity management")
    # For stakeholders
    CAPACITY = "capacity", _("Capacity building")
    OTHER = "other", _("Other")


# The service a participant's attendance is recorded as in their pathway, by the first topic.
TOPIC_SERVICE: dict[str, str] = {
    Topic.TECHNICAL: ServiceType.TECHNICAL_TRAINING,
    Topic.SOFT: ServiceType.SOFT_SKILLS,
    Topic.LANGUAGE: ServiceType.LANGUAGE_COURSE,
    Topic.LEGAL: ServiceType.COUNSELLING,
    Topic.SELF_EMPLOYMENT: ServiceType.JOB_GUIDANCE,
}


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", _("Introductory")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Course(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("programme"),
    )
    # Empty for a course of the whole programme (online, or for every site).
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("site"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    skills = models.ManyToManyField(
        "taxonomy.Concept", blank=True, related_name="+", verbose_name=_("skills taught (ESCO)")
    )
    language = models.CharField(_("language of teaching"), max_length=3, default="en")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    online = models.BooleanField(_("online"), default=False)
    place = models.CharField(_("place"), max_length=250, blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses_given",
        verbose_name=_("trainer"),
    )
    trainer_name = models.CharField(_("trainer from outside"), max_length=150, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=15, validators=[MinValueValidator(1)]
    )
    public_registration = models.BooleanField(_("open to registration online"), default=False)
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    # Completed with at least this share of the sessions attended.
    completion_attendance = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = _user_fk()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity"),
            models.CheckConstraint(
                condition=Q(completion_attendance__gte=1, completion_attendance__lte=100),
                name="course_completion_share",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from mile.core.languages import unknown_language_codes

        errors: dict[str, Any] = {}
        if (
            self.site is not None
            and self.programme_id
            and self.site.programme_id != self.programme_id
        ):
            errors["site"] = _("The site belongs to another programme.")
        if unknown_language_codes([self.language]):
            errors["language"] = _("Unknown language code.")
        if not isinstance(self.topics, list) or not set(self.topics) <= set(Topic.values):
            errors["topics"] = _("Choose topics from the list.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}

    @property
    def service_type(self) -> str:
        """What a participant's enrolment is recorded as in their pathway."""
        for topic in self.topics or []:
            if topic in TOPIC_SERVICE:
                return TOPIC_SERVICE[topic]
        return ServiceType.TECHNICAL_TRAINING


class CourseSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("topic of the session"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=250, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.course.programme_id}

    @property
    def hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.1"))


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(Attendee):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The participant's pathway shows the course as this service record.
    service_record = models.ForeignKey(
        "participants.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "participant"],
                condition=Q(participant__isnull=False),
                name="enrolment_participant_once",
            ),
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(user__isnull=False),
                name="enrolment_user_once",
            ),
            models.UniqueConstraint(
                fields=["course", "email"], condition=~Q(email=""), name="enrolment_email_once"
            ),
        ]

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.course.programme_id}

    @property
    def certificate_number(self) -> str:
        return f"MILE-C{self.course_id:05d}-{self.pk:06d}"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))
    recorded_by = _user_fk()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.session}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.session.course.programme_id}


class SurveyResponse(models.Model):
    """The satisfaction survey after a course, one answer per attendee."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="survey")
    overall = models.PositiveSmallIntegerField(
        _("overall satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness for your work or job search"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    trainer = models.PositiveSmallIntegerField(
        _("the trainer"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.overall}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.enrolment.course.programme_id}


# --- Study visits ------------------------------------------------------------------------------


class StudyVisit(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="study_visits"
    )
    site = models.ForeignKey(
        "programmes.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    host_city = models.CharField(_("host city"), max_length=120)
    host_country = CountryField(_("host country"))
    organiser = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="study_visits_organised",
        verbose_name=_("organiser"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    created_by = _user_fk()

    objects = ProgrammeActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("study visit")
        verbose_name_plural = _("study visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="visit_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class StudyVisitItem(models.Model):
    """One visit of the programme: a place or organisation seen on a day."""

    visit = models.ForeignKey(StudyVisit, on_delete=models.CASCADE, related_name="items")
    day = models.DateField(_("day"))
    time = models.TimeField(_("time"), null=True, blank=True)
    host = models.CharField(_("organisation or place visited"), max_length=200)
    description = models.TextField(_("what is seen"), blank=True)

    class Meta:
        ordering = ["day", "time", "pk"]
        verbose_name = _("visit in the programme")
        verbose_name_plural = _("programme of visits")

    def __str__(self) -> str:
        return self.host

    def clean(self) -> None:
        visit = self.visit if self.visit_id else None
        if visit and self.day and not (visit.starts_on <= self.day <= visit.ends_on):
            raise ValidationError({"day": _("The day must fall within the study visit.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.visit.programme_id}


class VisitorKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    ASSOCIATE = "associate", _("Associate partner")
    STAKEHOLDER = "stakeholder", _("External stakeholder")


class StudyVisitor(Attendee):
    visit = models.ForeignKey(StudyVisit, on_delete=models.CASCADE, related_name="visitors")
    kind = models.CharField(_("taking part as"), max_length=12, choices=VisitorKind.choices)
    is_expert = models.BooleanField(_("expert"), default=True)

    objects = VisitorQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("study visitor")
        verbose_name_plural = _("study visitors")

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.visit.programme_id}


# --- Working groups ----------------------------------------------------------------------------


class GroupScope(models.TextChoices):
    LOCAL = "local", _("Local")
    EUROPEAN = "european", _("European")


class GroupTheme(models.TextChoices):
    WG1 = "wg1", _("WG1 Approaches and tools for training and labour integration")
    WG2 = "wg2", _("WG2 Social and personal support")
    WG3 = "wg3", _("WG3 Employers' needs and long-term involvement")
    OTHER = "other", _("Other theme")


class WorkingGroup(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="working_groups"
    )
    scope = models.CharField(_("scope"), max_length=8, choices=GroupScope.choices)
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("site"),
    )
    theme = models.CharField(_("theme"), max_length=6, choices=GroupTheme.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_by = _user_fk()

    objects = ProgrammeActivityQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "theme", "name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scope == GroupScope.LOCAL and not self.site_id:
            raise ValidationError({"site": _("A local working group belongs to a site.")})
        if self.scope == GroupScope.EUROPEAN and self.site_id:
            raise ValidationError({"site": _("A European working group has no site.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class GroupMember(Attendee):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    organisation_may_stand_alone = True

    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.group.programme_id}

    def clean(self) -> None:
        super().clean()
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("One cannot leave before joining.")})


class GroupMeeting(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=250, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.group} {self.starts_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.group.programme_id}


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.meeting}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.meeting.group.programme_id}


class ActionItem(models.Model):
    meeting = models.ForeignKey(GroupMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        GroupMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["done_on", "due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.text

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.meeting.group.programme_id}


class GroupOutput(models.Model):
    """A document the group produced: a report, guidelines, a toolkit …"""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("date"), default=timezone.localdate)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="activities/outputs/", blank=True)

    class Meta:
        ordering = ["-published_on", "pk"]
        verbose_name = _("output")
        verbose_name_plural = _("outputs")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.group.programme_id}


# --- Events ------------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness raising")
    DISSEMINATION = "dissemination", _("Dissemination")


class Event(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="events"
    )
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("site"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=14, choices=EventKind.choices)
    audiences = models.JSONField(_("audiences"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=250, blank=True)
    online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    public_registration = models.BooleanField(_("open to registration online"), default=False)
    created_by = _user_fk()

    objects = ProgrammeActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if not isinstance(self.audiences, list) or not set(self.audiences) <= set(Audience.values):
            errors["audiences"] = _("Choose audiences from the list.")
        if (
            self.site is not None
            and self.programme_id
            and self.site.programme_id != self.programme_id
        ):
            errors["site"] = _("The site belongs to another programme.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class EventRegistration(Attendee):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    audience = models.CharField(_("comes as"), max_length=12, choices=Audience.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"],
                condition=Q(participant__isnull=False),
                name="registration_participant_once",
            ),
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="registration_user_once",
            ),
            models.UniqueConstraint(
                fields=["event", "email"], condition=~Q(email=""), name="registration_email_once"
            ),
        ]

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.event.programme_id}


class EventMaterial(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="activities/materials/", blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.event.programme_id}
