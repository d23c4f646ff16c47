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
            models.Index(fields=["family_name", "given_names"], name="participant_name"),
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
    evidence = models.CharField(_("evidence"), max_length=10, choices=Evidence.choices)
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
