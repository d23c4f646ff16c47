"""Matching runs and their suggestions, placements, and the follow-ups after them.

A ``MatchRun`` keeps what the engine (``mile.matching``) proposed for a site's or one offer's
open places, each pair a ``Suggestion`` with its score and reason codes, so a coordinator can
review it and propose people from it. A proposal accepted by both the candidate and the
employer (``employers.Proposal``) becomes a ``Placement``; starting it schedules its
``FollowUp`` check-ins at 1, 3, 6 and 12 months. Decision 0019 records the choices.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap

FOLLOW_UP_MONTHS = (1, 3, 6, 12)
DUE_AHEAD = dt.timedelta(weeks=6)


class Method(models.TextChoices):
    OPTIMAL = "optimal", _("Best total fit")
    GREEDY = "greedy", _("Best pair first")
    STABLE = "stable", _("Stable (both sides' preferences)")


class Group(models.TextChoices):
    """The groups a fairness floor can reserve a share of the places for."""

    REFUGEES = "refugees", _("People under international protection")
    WOMEN = "women", _("Women")


class MatchRunQuerySet(models.QuerySet["MatchRun"]):
    def for_user(self, user: Any) -> MatchRunQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every run.
        if permissions.is_platform_admin(user):
            return self.all()
        # Runs are read by those who may propose candidates in the programme; the people
        # shown inside are filtered again by ``Participant.objects.for_user``.
        return self.filter(
            programme_id__in=permissions.programme_ids_with(user, Cap.MANAGE_EMPLOYERS)
        )


class MatchRun(models.Model):
    """One run of the engine over a site's (or one offer's) open places."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="match_runs"
    )
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_runs",
        verbose_name=_("site"),
    )
    offer = models.ForeignKey(
        "employers.Offer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="match_runs",
        verbose_name=_("offer"),
    )
    method = models.CharField(
        _("method"), max_length=8, choices=Method.choices, default=Method.OPTIMAL
    )
    min_score = models.FloatField(
        _("lowest fit proposed"),
        default=0.3,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    # Group → the least share of the placements it gets (0–1), for the optimal method.
    floors = models.JSONField(_("fairness floors"), default=dict, blank=True)
    people = models.PositiveIntegerField(_("people considered"), default=0)
    offers = models.PositiveIntegerField(_("offers considered"), default=0)
    places = models.PositiveIntegerField(_("open places"), default=0)
    placed = models.PositiveIntegerField(_("people placed"), default=0)
    total_fit = models.FloatField(_("total fit"), default=0.0)
    greedy_placed = models.PositiveIntegerField(default=0)
    greedy_fit = models.FloatField(default=0.0)
    # Why the floors could not be met ("floor_unreachable", "floors_conflict"), if so.
    infeasible = models.CharField(max_length=20, blank=True)
    seconds = models.FloatField(default=0.0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)

    objects = MatchRunQuerySet.as_manager()

    class Meta:
        ordering = ["-run_at", "-pk"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}

    @property
    def gain(self) -> float | None:
        """How much more total fit than greedy, as a share; None without a greedy fit."""
        if self.greedy_fit <= 0:
            return None
        return (self.total_fit - self.greedy_fit) / self.greedy_fit


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def for_user(self, user: Any) -> SuggestionQuerySet:
        from mile.participants.models import Participant

        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every suggestion.
        if permissions.is_platform_admin(user):
            return self.all()
        # Of the runs the user reads, the people the user follows.
        return self.filter(
            run__in=MatchRun.objects.for_user(user),
            participant__in=Participant.objects.for_user(user),
        )


class Suggestion(models.Model):
    """A pair the engine proposes: its fit, the parts of it and the reasons, as codes."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="suggestions")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="match_suggestions"
    )
    offer = models.ForeignKey(
        "employers.Offer", on_delete=models.CASCADE, related_name="match_suggestions"
    )
    score = models.FloatField(_("fit"))
    parts = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    proposal = models.ForeignKey(
        "employers.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [
            models.UniqueConstraint(fields=["run", "participant"], name="one_suggestion_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.participant_id} → {self.offer_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.run.programme_id}


# --- Placements --------------------------------------------------------------------------------


class PlacementStatus(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


class LeftReason(models.TextChoices):
    """Why a person is no longer with the company, at the end or at a follow-up."""

    ENDED = "ended", _("The placement or contract ended")
    OTHER_JOB = "other_job", _("Found another job")
    RESIGNED = "resigned", _("Left on their own")
    DISMISSED = "dismissed", _("Dismissed by the employer")
    STUDIES = "studies", _("Went back to education or training")
    HEALTH_FAMILY = "health_family", _("Health or family reasons")
    MOVED = "moved", _("Moved away")
    PERMIT = "permit", _("Residence or work permit ended")
    OTHER = "other", _("Other")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def for_user(self, user: Any) -> PlacementQuerySet:
        from mile.employers.models import Proposal

        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every placement.
        if permissions.is_platform_admin(user):
            return self.all()
        # As the proposal it came from: staff who follow the person, the company's contacts,
        # and the person themself.
        return self.filter(proposal__in=Proposal.objects.for_user(user))


class Placement(models.Model):
    """A person working at a company through the programme, from an accepted proposal."""

    proposal = models.OneToOneField(
        "employers.Proposal", on_delete=models.PROTECT, related_name="placement"
    )
    # Copied from the proposal so lists and rates filter without two joins.
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="placements"
    )
    offer = models.ForeignKey(
        "employers.Offer", on_delete=models.PROTECT, related_name="placements"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    company_tutor = models.CharField(_("tutor at the company"), max_length=150)
    company_tutor_email = models.EmailField(_("tutor's e-mail address"), blank=True)
    company_tutor_phone = models.CharField(_("tutor's phone"), max_length=40, blank=True)
    programme_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tutored_placements",
        verbose_name=_("tutor in the programme"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlacementStatus.choices, default=PlacementStatus.ONGOING
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=14, choices=LeftReason.choices, blank=True
    )
    end_note = models.TextField(_("about the end"), blank=True)
    service_record = models.OneToOneField(
        "participants.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placement",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.proposal.reference} · {self.offer.title}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})

    def end(self, *, on: dt.date, reason: str, note: str = "") -> None:
        """Close the placement: as planned (reason "ended") or early, with a reason."""
        if self.status != PlacementStatus.ONGOING:
            raise ValidationError(_("This placement has already ended."))
        if on < self.starts_on:
            raise ValidationError({"ended_on": _("The end cannot be before the start.")})
        if on > timezone.localdate():
            raise ValidationError({"ended_on": _("A placement cannot end in the future.")})
        if reason not in LeftReason.values:
            raise ValidationError({"end_reason": _("Say why the placement ended.")})
        if reason == LeftReason.OTHER and not note.strip():
            raise ValidationError({"end_note": _("Say in a few words why it ended.")})
        self.ended_on = on
        self.end_reason = reason
        self.end_note = note.strip()
        self.status = (
            PlacementStatus.COMPLETED if reason == LeftReason.ENDED else PlacementStatus.ENDED_EARLY
        )
        self.save(update_fields=["ended_on", "end_reason", "end_note", "status"])


class Outcome(models.TextChoices):
    STILL_PLACED = "still_placed", _("Still placed")
    HIRED = "hired", _("Hired")
    LEFT = "left", _("Left")


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def for_user(self, user: Any) -> FollowUpQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every follow-up.
        if permissions.is_platform_admin(user):
            return self.all()
        # As the placement.
        return self.filter(placement__in=Placement.objects.for_user(user))

    def due(self, on: dt.date | None = None) -> FollowUpQuerySet:
        """Not yet done, and overdue or due within ``DUE_AHEAD``.

        Six weeks ahead: a joint check-in needs a date that suits the employer, the person and
        the tutor, so the first one is on the list from the day the placement starts.
        """
        day = on or timezone.localdate()
        return self.filter(done_on__isnull=True, due_on__lte=day + DUE_AHEAD)


class FollowUp(models.Model):
    """A joint check-in with the employer and the person, some months after the start."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    left_reason = models.CharField(
        _("why they left"), max_length=14, choices=LeftReason.choices, blank=True
    )
    with_employer = models.BooleanField(_("the employer took part"), default=True)
    with_participant = models.BooleanField(_("the participant took part"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_record = models.OneToOneField(
        "participants.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["placement", "months"], name="one_follow_up_per_month"),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | ~Q(outcome=""),
                name="done_follow_up_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["done_on", "due_on"], name="follow_ups_due")]

    def __str__(self) -> str:
        return f"{self.placement_id}: +{self.months}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.placement.participant.programme_id}

    @staticmethod
    def due_date(start: dt.date, months: int) -> dt.date:
        """The same day ``months`` later; the month's last day when it is shorter (31 Jan → 28 Feb)."""
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        return start.replace(
            year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
        )

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()

    def record(
        self,
        *,
        by: Any,
        done_on: dt.date,
        outcome: str,
        left_reason: str = "",
        notes: str = "",
        with_employer: bool = True,
        with_participant: bool = True,
    ) -> None:
        if done_on > timezone.localdate():
            raise ValidationError({"done_on": _("A check-in cannot be recorded in the future.")})
        if done_on < self.placement.starts_on:
            raise ValidationError({"done_on": _("The check-in cannot be before the start.")})
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome of the check-in.")})
        if outcome == Outcome.LEFT and not left_reason:
            raise ValidationError({"left_reason": _("Say why the person left.")})
        if outcome != Outcome.LEFT:
            left_reason = ""
        self.done_on = done_on
        self.outcome = outcome
        self.left_reason = left_reason
        self.notes = notes.strip()
        self.with_employer = with_employer
        self.with_participant = with_participant
        self.recorded_by = by
        self.save()
