"""Participants: the migrants a programme accompanies, their personal record and status.

Nationality and residence or protection status are sensitive: only roles with
``Cap.VIEW_SENSITIVE_DATA`` see them, each view is logged (``privacy.audit``). Case notes are
encrypted at rest. Evaluators see participants pseudonymised: a reference, never a name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from encrypted_fields.fields import EncryptedTextField

from mile.core import permissions
from mile.core.roles import PROGRAMME_WIDE_ROLES, Cap, Role


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_SAID = "not_said", _("Prefers not to say")


class ResidenceStatus(models.TextChoices):
    REFUGEE = "refugee", _("Refugee")
    SUBSIDIARY = "subsidiary_protection", _("Subsidiary protection")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    HUMANITARIAN = "humanitarian", _("Humanitarian protection")
    WORK_PERMIT = "work_permit", _("Work permit")
    FAMILY = "family", _("Family reunification permit")
    STUDY = "study", _("Study permit")
    LONG_TERM = "eu_long_term", _("EU long-term resident")
    OTHER_PERMIT = "other_permit", _("Other residence permit")


class WorkAuthorisation(models.TextChoices):
    YES = "yes", _("Allowed to work")
    RESTRICTED = "restricted", _("Allowed with restrictions")
    PENDING = "pending", _("Decision pending")
    NO = "no", _("Not allowed to work")


class Status(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ELIGIBLE = "eligible", _("Eligible")
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    PLACED = "placed", _("Placed")
    EMPLOYED = "employed", _("Employed")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")


# Where a participant may go next; the last three end the pathway.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.APPLICANT: (Status.ELIGIBLE, Status.DROPPED_OUT),
    Status.ELIGIBLE: (Status.ENROLLED, Status.DROPPED_OUT),
    Status.ENROLLED: (Status.ACTIVE, Status.DROPPED_OUT),
    Status.ACTIVE: (Status.PLACED, Status.EMPLOYED, Status.COMPLETED, Status.DROPPED_OUT),
    Status.PLACED: (Status.ACTIVE, Status.EMPLOYED, Status.COMPLETED, Status.DROPPED_OUT),
    Status.EMPLOYED: (),
    Status.COMPLETED: (),
    Status.DROPPED_OUT: (),
}
SENSITIVE_FIELDS = ("nationalities", "residence_status")


class Source(models.TextChoices):
    INTAKE = "intake", _("Registered by staff")
    ONLINE = "online", _("Applied online")


class DigitalLevel(models.TextChoices):
    """Proficiency levels of DigComp 2.2, grouped as the Europass profile shows them."""

    BASIC = "basic", _("Basic")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    HIGHLY_SPECIALISED = "highly_specialised", _("Highly specialised")


class DrivingLicence(models.TextChoices):
    AM = "AM", "AM"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    A = "A", "A"
    B = "B", "B"
    BE = "BE", "BE"
    C1 = "C1", "C1"
    C = "C", "C"
    CE = "CE", "CE"
    D1 = "D1", "D1"
    D = "D", "D"
    DE = "DE", "DE"


class Hours(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    EITHER = "either", _("Full or part time")


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def for_user(self, user: Any) -> ParticipantQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every participant.
        if permissions.is_platform_admin(user):
            return self.all()
        # Coordinators see their programmes' participants; evaluators too, pseudonymised.
        wide = Q(programme_id__in=_programme_wide(user))
        # Partner staff see the participants of their own site (or organisation without one).
        local = Q(pk__in=[])
        for programme_id, site_id, organisation_id in user.memberships.filter(
            is_active=True,
            role=Role.PARTNER_STAFF,
            programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_PERSONAL_DATA),
        ).values_list("programme_id", "site_id", "organisation_id"):
            if site_id:
                local |= Q(programme_id=programme_id, site_id=site_id)
            else:
                local |= Q(programme_id=programme_id, organisation_id=organisation_id)
        # Employer contacts and stakeholders see none here (candidates come with consent).
        return self.filter(wide | local)


def _programme_wide(user: Any) -> set[int]:
    ids: set[int] = set()
    for cap in (Cap.VIEW_PERSONAL_DATA, Cap.VIEW_PSEUDONYMISED_DATA):
        ids |= {
            pid
            for pid in permissions.programme_ids_with(user, cap)
            if permissions.roles_in(user, pid) & PROGRAMME_WIDE_ROLES
        }
    return ids


class Participant(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("programme"),
    )
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("site"),
    )
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("responsible partner"),
    )
    track = models.ForeignKey(
        "programmes.Track",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("track"),
    )
    given_names = models.CharField(_("given names"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices)
    nationalities = CountryField(_("nationalities"), multiple=True)
    country_of_birth = CountryField(_("country of birth"), blank=True)
    arrival_date = models.DateField(_("arrival in the country"), null=True, blank=True)
    residence_status = models.CharField(
        _("residence or protection status"), max_length=24, choices=ResidenceStatus.choices
    )
    work_authorisation = models.CharField(
        _("work authorisation"), max_length=12, choices=WorkAuthorisation.choices
    )
    work_authorisation_expires = models.DateField(
        _("work authorisation valid until"), null=True, blank=True
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages_spoken = models.JSONField(_("languages spoken"), default=list, blank=True)
    # The encrypted field stores an empty note as NULL.
    notes = EncryptedTextField(_("case notes"), blank=True, null=True)
    # Skills profile beyond languages and skills (their own models below).
    digital_level = models.CharField(
        _("digital skills"), max_length=20, choices=DigitalLevel.choices, blank=True
    )
    driving_licences = models.JSONField(_("driving licences"), default=list, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week available"), null=True, blank=True
    )
    preferred_hours = models.CharField(
        _("preferred working time"), max_length=10, choices=Hours.choices, blank=True
    )
    preferred_occupations = models.ManyToManyField(
        "taxonomy.Concept", blank=True, related_name="+", verbose_name=_("preferred occupations")
    )
    preferred_sectors = models.JSONField(_("preferred sectors"), default=list, blank=True)
    preferred_places = models.CharField(_("preferred places"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.INTAKE
    )
    # The person's own account, once they are invited to sign in and see their pathway.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant_record",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [
            models.Index(fields=["programme", "site", "status"], name="participant_scope"),
            # The staff list in name order, one page at a time, without sorting the programme:
            # coordinators read a programme, partner staff a site.
            models.Index(
                fields=["programme", "family_name", "given_names", "id"], name="participant_name"
            ),
            models.Index(
                fields=["site", "family_name", "given_names", "id"], name="participant_site_name"
            ),
            models.Index(fields=["programme", "-created_at"], name="participant_newest"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A pseudonym for reports and evaluators: no name in it."""
        return f"P-{self.pk:06d}" if self.pk else "P-new"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age(self, on: dt.date | None = None) -> int:
        today = on or timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if self.arrival_date and self.birth_date and self.arrival_date < self.birth_date:
            errors["arrival_date"] = _("The arrival cannot be before the date of birth.")
        if self.arrival_date and self.arrival_date > today:
            errors["arrival_date"] = _("The arrival date cannot be in the future.")
        if self.site_id and self.programme_id and self.site.programme_id != self.programme_id:
            errors["site"] = _("The site belongs to another programme.")
        if (
            self.track is not None
            and self.programme_id
            and self.track.programme_id != self.programme_id
        ):
            errors["track"] = _("The track belongs to another programme.")
        if self.work_authorisation == WorkAuthorisation.NO and self.work_authorisation_expires:
            errors["work_authorisation_expires"] = _("There is no authorisation to expire.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, ())


class StatusChange(models.Model):
    """Each step of a pathway, dated, with who made it and why."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.participant} {self.from_status} → {self.to_status}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


class Cefr(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class LanguageSkill(models.Model):
    """A language the person knows, self-assessed or tested on the five CEFR skills."""

    class Assessment(models.TextChoices):
        SELF = "self", _("self-assessed")
        TESTED = "tested", _("tested")
        MOTHER_TONGUE = "mother_tongue", _("mother tongue")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="language_skills"
    )
    language = models.CharField(
        _("language"), max_length=3, help_text=_("ISO 639-1 code, e.g. ar, uk.")
    )
    listening = models.CharField(_("listening"), max_length=2, choices=Cefr.choices, blank=True)
    reading = models.CharField(_("reading"), max_length=2, choices=Cefr.choices, blank=True)
    spoken_interaction = models.CharField(
        _("spoken interaction"), max_length=2, choices=Cefr.choices, blank=True
    )
    spoken_production = models.CharField(
        _("spoken production"), max_length=2, choices=Cefr.choices, blank=True
    )
    writing = models.CharField(_("writing"), max_length=2, choices=Cefr.choices, blank=True)
    assessment = models.CharField(_("assessment"), max_length=14, choices=Assessment.choices)

    class Meta:
        ordering = ["language"]
        # The list filter "speaks X at level Y" starts from the language.
        indexes = [models.Index(fields=["language", "participant"], name="language_speakers")]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "language"], name="one_entry_per_language"
            )
        ]

    def __str__(self) -> str:
        return self.language

    @property
    def name(self) -> str:
        """The language's name in the reader's language ("arabo" for an Italian reader)."""
        from mile.core.languages import language_name

        return language_name(self.language)

    def clean(self) -> None:
        from mile.core.languages import unknown_language_codes

        if unknown_language_codes([self.language]):
            raise ValidationError({"language": _("Unknown language code.")})
        levels = [
            self.listening,
            self.reading,
            self.spoken_interaction,
            self.spoken_production,
            self.writing,
        ]
        if self.assessment != self.Assessment.MOTHER_TONGUE and not any(levels):
            raise ValidationError(
                _("Give at least one CEFR level, or mark it as the mother tongue.")
            )

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


class ParticipantSkill(models.Model):
    """An ESCO skill of the person, with how we know it."""

    class Evidence(models.TextChoices):
        DECLARED = "declared", _("declared")
        OBSERVED = "observed", _("observed")
        ASSESSED = "assessed", _("assessed")
        VALIDATED = "validated", _("validated")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "taxonomy.Concept", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )

    class Origin(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        WORK_EXPERIENCE = "work_experience", _("suggested from work experience")
        CV = "cv", _("suggested from the CV")
        COURSE = "course", _("from a completed course")

    evidence = models.CharField(_("evidence"), max_length=10, choices=Evidence.choices)
    origin = models.CharField(
        _("origin"), max_length=16, choices=Origin.choices, default=Origin.MANUAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "skill"], name="one_entry_per_skill")
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.get_evidence_display()})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


# --- Applying: consent per purpose ------------------------------------------------------------


class Purpose(models.TextChoices):
    """The purposes of processing a person consents to, one by one (GDPR art. 6(1)(a), 7)."""

    PARTICIPATION = "participation", _("Taking part in the programme")
    EMPLOYERS = "employers", _("Sharing my profile with employers")
    NEWSLETTER = "newsletter", _("Receiving the newsletter")
    STORIES = "stories", _("Photos and stories about me")


class Consent(models.Model):
    """One answer to one purpose, with the wording it answered; a change adds a new row."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=14, choices=Purpose.choices)
    given = models.BooleanField(_("consent given"))
    wording_version = models.CharField(_("wording version"), max_length=20)
    language = models.CharField(_("language"), max_length=8)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # Empty when the person gave it themselves (online application or their own page).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["participant", "purpose", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.participant} {self.purpose}={self.given}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


# --- Skills profile: education, work experience, documents ----------------------------------


class IscedLevel(models.IntegerChoices):
    """ISCED 2011 levels of education."""

    EARLY = 0, _("Early childhood or no formal education")
    PRIMARY = 1, _("Primary education")
    LOWER_SECONDARY = 2, _("Lower secondary education")
    UPPER_SECONDARY = 3, _("Upper secondary education")
    POST_SECONDARY = 4, _("Post-secondary non-tertiary education")
    SHORT_TERTIARY = 5, _("Short-cycle tertiary education")
    BACHELOR = 6, _("Bachelor's or equivalent")
    MASTER = 7, _("Master's or equivalent")
    DOCTORAL = 8, _("Doctoral or equivalent")


class IscedField(models.TextChoices):
    """ISCED-F 2013 broad fields of education and training."""

    GENERIC = "00", _("Generic programmes and qualifications")
    EDUCATION = "01", _("Education")
    ARTS = "02", _("Arts and humanities")
    SOCIAL = "03", _("Social sciences, journalism and information")
    BUSINESS = "04", _("Business, administration and law")
    SCIENCES = "05", _("Natural sciences, mathematics and statistics")
    ICT = "06", _("Information and communication technologies")
    ENGINEERING = "07", _("Engineering, manufacturing and construction")
    AGRICULTURE = "08", _("Agriculture, forestry, fisheries and veterinary")
    HEALTH = "09", _("Health and welfare")
    SERVICES = "10", _("Services")


class Recognition(models.TextChoices):
    NOT_REQUESTED = "not_requested", _("Not requested")
    IN_PROGRESS = "in_progress", _("Recognition in progress")
    RECOGNISED = "recognised", _("Recognised")
    PARTIAL = "partial", _("Partly recognised")
    REFUSED = "refused", _("Not recognised")


class Education(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="education")
    level = models.PositiveSmallIntegerField(_("ISCED level"), choices=IscedLevel.choices)
    field = models.CharField(_("field"), max_length=2, choices=IscedField.choices, blank=True)
    title = models.CharField(_("qualification"), max_length=200, blank=True)
    institution = models.CharField(_("school or institution"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    recognition = models.CharField(
        _("recognition"),
        max_length=14,
        choices=Recognition.choices,
        default=Recognition.NOT_REQUESTED,
    )

    class Meta:
        ordering = ["-end_year", "-start_year", "-pk"]
        verbose_name = _("education")
        verbose_name_plural = _("education")

    def __str__(self) -> str:
        return self.title or self.get_level_display()

    def clean(self) -> None:
        this_year = timezone.localdate().year
        errors: dict[str, Any] = {}
        for name in ("start_year", "end_year"):
            year = getattr(self, name)
            if year is not None and not 1940 <= year <= this_year + 6:
                errors[name] = _("Give a year between 1940 and %(last)s.") % {"last": this_year + 6}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The end cannot be before the start.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


class WorkExperience(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="work_experience"
    )
    occupation = models.ForeignKey(
        "taxonomy.Concept",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation (ESCO)"),
    )
    job_title = models.CharField(_("job title"), max_length=200)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    tasks = models.TextField(_("tasks"), blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")

    def __str__(self) -> str:
        return self.job_title

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        if self.started_on and self.started_on > timezone.localdate():
            raise ValidationError({"started_on": _("The start cannot be in the future.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    EVIDENCE = "evidence", _("Evidence for validation")
    OTHER = "other", _("Other document")


class Document(models.Model):
    """An uploaded file, encrypted at rest under MEDIA_ROOT and served only through a view."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    validation = models.ForeignKey(
        "SkillValidation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # The encrypted bytes; the path holds no name of the person.
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", max_length=200)
    # The text read from the file, for suggesting skills; encrypted like the file.
    text = EncryptedTextField(blank=True, null=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.original_name

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


# --- Plan and services -------------------------------------------------------------------------


class ServiceType(models.TextChoices):
    SKILLS_ASSESSMENT = "skills_assessment", _("Skills assessment")
    TECHNICAL_TRAINING = "technical_training", _("Technical training")
    SOFT_SKILLS = "soft_skills", _("Soft-skills training")
    LANGUAGE_COURSE = "language_course", _("Language course")
    JOB_GUIDANCE = "job_guidance", _("Job guidance session")
    TUTORING = "tutoring", _("Tutoring")
    COUNSELLING = "counselling", _("Legal or administrative counselling")
    WORK_PLACEMENT = "work_placement", _("Work placement")
    POST_PLACEMENT = "post_placement", _("Post-placement support")
    VALIDATION = "validation", _("Validation of skills")


class IntegrationPlan(models.Model):
    """The individual integration plan: goals, and the planned services hang from it."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(_("goals"), blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("integration plan")
        verbose_name_plural = _("integration plans")

    def __str__(self) -> str:
        return f"{self.participant}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


class PlannedService(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(IntegrationPlan, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("to"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PLANNED
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("planned service")
        verbose_name_plural = _("planned services")

    def __str__(self) -> str:
        return self.description or self.get_service_type_display()

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.plan.participant.programme_id}


class ServiceRecord(models.Model):
    """One thing done for or with the participant."""

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        ONGOING = "ongoing", _("Ongoing")
        INTERRUPTED = "interrupted", _("Interrupted")
        NOT_ATTENDED = "not_attended", _("Did not attend")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="services")
    service_type = models.CharField(_("service"), max_length=20, choices=ServiceType.choices)
    title = models.CharField(_("title"), max_length=200)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    provider = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.COMPLETED
    )
    notes = EncryptedTextField(_("notes"), blank=True, null=True)
    planned = models.ForeignKey(
        PlannedService,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("planned service"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        indexes = [models.Index(fields=["participant", "-started_on"], name="service_timeline")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        if self.hours is not None and self.hours <= 0:
            raise ValidationError({"hours": _("Give a number of hours above zero.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}


# --- Validation of skills: identify, document, assess, certify --------------------------------


class ValidationPhase(models.TextChoices):
    IDENTIFY = "identify", _("Identification")
    DOCUMENT = "document", _("Documentation")
    ASSESS = "assess", _("Assessment")
    CERTIFY = "certify", _("Certification")


VALIDATION_PHASES = tuple(ValidationPhase)


class SkillValidation(models.Model):
    """One skill taken through the four phases of the EU validation of non-formal learning."""

    class Result(models.TextChoices):
        PASSED = "passed", _("Passed")
        NOT_PASSED = "not_passed", _("Not passed")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="validations"
    )
    skill = models.ForeignKey(
        "taxonomy.Concept", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=ValidationPhase.choices, default=ValidationPhase.IDENTIFY
    )
    identified_on = models.DateField(_("identified on"), default=timezone.localdate)
    documented_on = models.DateField(_("documented on"), null=True, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-identified_on", "-pk"]
        verbose_name = _("validation")
        verbose_name_plural = _("validations")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "skill"], name="one_validation_per_skill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.skill_id} {self.phase}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}
