"""Employers of a programme: their profile, needs, the log of our contacts, and their offers.

An ``Employer`` is an organisation's part in one programme (the organisation itself, with its
NACE sector and size band, is shared across programmes in ``programmes.Organisation``). Staff
of the programme see the employers of their site; an employer contact sees only their own
company, its offers and the candidates proposed to it, pseudonymous until the candidate agrees
to share more (decision 0015).
"""

from __future__ import annotations

import datetime as dt
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
from mile.participants.models import Cefr, DrivingLicence

MAX_HOURS_PER_WEEK = 60


def _employer_scope(user: Any, prefix: str = "") -> Q:
    """The employers ``user`` may read, as a condition on ``<prefix>`` (an Employer path)."""
    # Coordinators and evaluators read every employer of their programmes.
    scope = Q(
        **{f"{prefix}programme_id__in": permissions.programme_wide_ids(user, Cap.VIEW_EMPLOYERS)}
    )
    for programme_id, site_id, organisation_id, role in user.memberships.filter(
        is_active=True, role__in=[Role.PARTNER_STAFF, Role.EMPLOYER_CONTACT]
    ).values_list("programme_id", "site_id", "organisation_id", "role"):
        if role == Role.EMPLOYER_CONTACT:
            # An employer contact reads their own company, nothing else.
            if permissions.can(user, Cap.MANAGE_OWN_EMPLOYER, programme_id):
                scope |= Q(
                    **{
                        f"{prefix}programme_id": programme_id,
                        f"{prefix}organisation_id": organisation_id,
                    }
                )
        elif not permissions.can(user, Cap.VIEW_EMPLOYERS, programme_id):
            continue
        # Partner staff read the employers of their site …
        elif site_id:
            scope |= Q(**{f"{prefix}programme_id": programme_id, f"{prefix}site_id": site_id})
        # … or, without a site, of the sites their organisation leads.
        else:
            scope |= Q(
                **{
                    f"{prefix}programme_id": programme_id,
                    f"{prefix}site__lead_partner_id": organisation_id,
                }
            )
    return scope


class EmployerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ENGAGED = "engaged", _("Engaged")
    HOSTING = "hosting", _("Hosting placements")
    INACTIVE = "inactive", _("Inactive")


class EmployerQuerySet(models.QuerySet["Employer"]):
    def for_user(self, user: Any) -> EmployerQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every employer.
        if permissions.is_platform_admin(user):
            return self.all()
        return self.filter(_employer_scope(user))


class Employer(models.Model):
    """An organisation taking part in a programme as an employer."""

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="employer_profiles",
        verbose_name=_("organisation"),
    )
    # The programme site whose staff look after the company.
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("site"),
    )
    status = models.CharField(
        _("status in the programme"),
        max_length=10,
        choices=EmployerStatus.choices,
        default=EmployerStatus.PROSPECT,
    )
    diversity_charter = models.BooleanField(_("has signed a diversity charter"), default=False)
    hosts_placements = models.BooleanField(_("willing to host work placements"), default=False)
    mentors = models.BooleanField(_("willing to mentor"), default=False)
    description = models.TextField(_("about the company"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "pk"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="employer_once_per_programme"
            )
        ]
        indexes = [models.Index(fields=["programme", "site", "status"], name="employer_scope")]

    def __str__(self) -> str:
        return self.organisation.name

    def clean(self) -> None:
        from mile.programmes.models import OrganisationType

        errors: dict[str, Any] = {}
        if self.site_id and self.programme_id and self.site.programme_id != self.programme_id:
            errors["site"] = _("The site belongs to another programme.")
        if self.organisation_id and self.organisation.type != OrganisationType.EMPLOYER:
            errors["organisation"] = _("Only an organisation of the type employer can be added.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


def _coordinates_clean(obj: Any, errors: dict[str, Any]) -> None:
    if (obj.latitude is None) != (obj.longitude is None):
        errors["longitude" if obj.longitude is None else "latitude"] = _(
            "Give both latitude and longitude, or neither."
        )


class Located(models.Model):
    """Optional coordinates of a place, for distances in matching (both or neither)."""

    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True


class Workplace(Located):
    """A site or address of the company (head office, a hotel, a warehouse …)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="workplaces")
    name = models.CharField(_("name"), max_length=120)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))

    class Meta(Located.Meta):
        ordering = ["name", "pk"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        _coordinates_clean(self, errors)
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.employer.programme_id}


# --- Needs assessment --------------------------------------------------------------------------


class Obstacle(models.TextChoices):
    """Obstacles to hiring third-country nationals, as the MILE employer research asked them."""

    LANGUAGE = "language", _("Language")
    RECOGNITION = "recognition", _("Recognition of qualifications")
    PROCEDURES = "procedures", _("Legal and administrative procedures")
    WORK_PERMITS = "work_permits", _("Work permits")
    CULTURAL = "cultural", _("Cultural differences")
    PREJUDICE = "prejudice", _("Prejudice among staff or customers")
    INFORMATION = "information", _("Lack of information")
    SKILLS = "skills", _("Skills that do not match our needs")
    UNCERTAIN_STAY = "uncertain_stay", _("Uncertainty about how long the person may stay")


class Support(models.TextChoices):
    """Support employers want in order to hire and keep third-country nationals."""

    LEGAL = "legal", _("Legal advice")
    INTERCULTURAL = "intercultural", _("Intercultural training")
    ADMINISTRATIVE = "administrative", _("Help with administrative procedures")
    LANGUAGE_TRAINING = "language_training", _("Language training for the people hired")
    MENTORING = "mentoring", _("Mentoring")
    DIVERSITY = "diversity", _("Diversity management")
    RECRUITMENT = "recruitment", _("Help finding candidates")


def _choices_clean(values: Any, choices: type[models.TextChoices]) -> bool:
    return isinstance(values, list) and set(values) <= set(choices.values)


class NeedsAssessment(models.Model):
    """What the company needs and what holds it back, as asked on one date; the newest counts."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="needs_assessments"
    )
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    occupations = models.ManyToManyField(
        "taxonomy.Concept", blank=True, related_name="+", verbose_name=_("occupations needed")
    )
    skills = models.ManyToManyField(
        "taxonomy.Concept", blank=True, related_name="+", verbose_name=_("skills needed")
    )
    planned_hires = models.PositiveSmallIntegerField(
        _("people the company plans to hire in the next 12 months"), null=True, blank=True
    )
    obstacles = models.JSONField(_("obstacles to hiring"), default=list, blank=True)
    obstacles_other = models.TextField(_("other obstacles"), blank=True)
    support = models.JSONField(_("support wanted"), default=list, blank=True)
    support_other = models.TextField(_("other support wanted"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self) -> str:
        return f"{self.employer} {self.assessed_on}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.assessed_on and self.assessed_on > timezone.localdate():
            errors["assessed_on"] = _("The date cannot be in the future.")
        if not _choices_clean(self.obstacles, Obstacle):
            errors["obstacles"] = _("Choose obstacles from the list.")
        if not _choices_clean(self.support, Support):
            errors["support"] = _("Choose support from the list.")
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.employer.programme_id}


# --- Engagement log ----------------------------------------------------------------------------


class EngagementKind(models.TextChoices):
    CONTACT = "contact", _("Contact (call or e-mail)")
    MEETING = "meeting", _("Meeting")
    EVENT = "event", _("Event attended")
    TRAINING = "training", _("Training attended")
    TRAINING_DESIGN = "training_design", _("Helped design a training")
    PROGRAMME_DESIGN = "programme_design", _("Helped design the programme")


class Engagement(models.Model):
    """One contact with the company: what happened, when, and what came of it."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(_("kind"), max_length=16, choices=EngagementKind.choices)
    occurred_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("Log a contact once it has taken place.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.employer.programme_id}


# --- Offers ------------------------------------------------------------------------------------


class OfferKind(models.TextChoices):
    PLACEMENT = "placement", _("Work placement")
    JOB = "job", _("Job")


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


# Where an offer may go next; a closed offer is kept as it was (duplicate it to reuse it).
OFFER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OfferStatus.DRAFT: (OfferStatus.OPEN, OfferStatus.CLOSED),
    OfferStatus.OPEN: (OfferStatus.FILLED, OfferStatus.CLOSED),
    OfferStatus.FILLED: (OfferStatus.OPEN, OfferStatus.CLOSED),
    OfferStatus.CLOSED: (),
}


class ContractType(models.TextChoices):
    PLACEMENT_AGREEMENT = "placement_agreement", _("Placement agreement (traineeship)")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    FIXED_TERM = "fixed_term", _("Fixed-term contract")
    PERMANENT = "permanent", _("Permanent contract")
    SEASONAL = "seasonal", _("Seasonal contract")
    OTHER = "other", _("Other")


class OfferQuerySet(models.QuerySet["Offer"]):
    def for_user(self, user: Any) -> OfferQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every offer.
        if permissions.is_platform_admin(user):
            return self.all()
        # Offers are read where their employer is.
        return self.filter(_employer_scope(user, prefix="employer__"))


class Offer(Located):
    """A work placement or a job a company offers to the programme's participants."""

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="offers", verbose_name=_("employer")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=OfferKind.choices, default=OfferKind.PLACEMENT
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        "taxonomy.Concept",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("occupation (ESCO)"),
    )
    description = models.TextField(_("description of the tasks"), blank=True)
    site = models.ForeignKey(
        "programmes.Site",
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("programme site"),
    )
    address = models.CharField(_("address of the workplace"), max_length=250, blank=True)
    remote_possible = models.BooleanField(_("remote work possible"), default=False)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HOURS_PER_WEEK)],
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    places = models.PositiveSmallIntegerField(
        _("number of places"), default=1, validators=[MinValueValidator(1)]
    )
    paid = models.BooleanField(_("paid"), default=False)
    contract_type = models.CharField(
        _("contract type"), max_length=20, choices=ContractType.choices, blank=True
    )
    driving_licence = models.CharField(
        _("driving licence required"), max_length=2, choices=DrivingLicence.choices, blank=True
    )
    other_requirements = models.TextField(_("other requirements"), blank=True)
    tutor_name = models.CharField(_("tutor at the company"), max_length=150, blank=True)
    tutor_email = models.EmailField(_("tutor's e-mail address"), blank=True)
    tutor_phone = models.CharField(_("tutor's phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=OfferStatus.choices, default=OfferStatus.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    duplicated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta(Located.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="offer_at_least_one_place"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="offer_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["site", "status"], name="offer_site_status")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from mile.taxonomy.models import Kind

        errors: dict[str, Any] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end cannot be before the start.")
        if (
            self.employer_id
            and self.site_id
            and self.site.programme_id != self.employer.programme_id
        ):
            errors["site"] = _("The site belongs to another programme.")
        if self.occupation is not None and self.occupation.kind != Kind.OCCUPATION:
            errors["occupation"] = _("Choose an ESCO occupation.")
        _coordinates_clean(self, errors)
        if errors:
            raise ValidationError(errors)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.employer.programme_id}

    @property
    def programme_id(self) -> int:
        return self.employer.programme_id

    def can_move_to(self, status: str) -> bool:
        return status in OFFER_TRANSITIONS.get(self.status, ())

    def move_to(self, status: str) -> None:
        """Publish, fill, reopen or close the offer; publishing needs what matching needs."""
        if not self.can_move_to(status):
            raise ValidationError(
                _("An offer cannot go from %(from)s to %(to)s.")
                % {
                    "from": self.get_status_display(),
                    "to": OfferStatus(status).label,
                }
            )
        if status == OfferStatus.OPEN:
            self.check_publishable()
        now = timezone.now()
        self.status = status
        self.status_changed_at = now
        if status == OfferStatus.OPEN and self.published_at is None:
            self.published_at = now
        self.save(update_fields=["status", "status_changed_at", "published_at", "updated_at"])

    def check_publishable(self) -> None:
        """What candidates and matching need before the offer is shown: a start and a skill."""
        errors: list[ValidationError] = []
        if not self.skills.filter(essential=True).exists():
            errors.append(
                ValidationError(
                    _("Add at least one essential skill before publishing."), code="no_skills"
                )
            )
        if self.starts_on is None:
            errors.append(
                ValidationError(_("Give a start date before publishing."), code="no_start")
            )
        elif self.starts_on < timezone.localdate() - dt.timedelta(days=365):
            errors.append(
                ValidationError(_("The start date is more than a year ago."), code="old_start")
            )
        if errors:
            raise ValidationError(errors)


class OfferSkill(models.Model):
    class Origin(models.TextChoices):
        OCCUPATION = "occupation", _("from the occupation")
        DESCRIPTION = "description", _("found in the description")
        MANUAL = "manual", _("added by hand")
        IMPORT = "import", _("imported")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "taxonomy.Concept", on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    essential = models.BooleanField(_("essential"), default=True)
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.MANUAL
    )

    class Meta:
        ordering = ["-essential", "pk"]
        verbose_name = _("skill of an offer")
        verbose_name_plural = _("skills of offers")
        constraints = [models.UniqueConstraint(fields=["offer", "skill"], name="offer_skill_once")]

    def __str__(self) -> str:
        return str(self.skill)

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.offer.employer.programme_id}


class OfferLanguage(models.Model):
    """A language the offer requires, at a minimum CEFR level."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(
        _("language"), max_length=3, help_text=_("ISO 639-1 code, e.g. de, it.")
    )
    min_level = models.CharField(_("minimum level"), max_length=2, choices=Cefr.choices)

    class Meta:
        ordering = ["language"]
        verbose_name = _("language requirement")
        verbose_name_plural = _("language requirements")
        constraints = [
            models.UniqueConstraint(fields=["offer", "language"], name="offer_language_once")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.min_level}"

    @property
    def name(self) -> str:
        from mile.core.languages import language_name

        return language_name(self.language)

    def clean(self) -> None:
        from mile.core.languages import unknown_language_codes

        if unknown_language_codes([self.language]):
            raise ValidationError({"language": _("Unknown language code.")})

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.offer.employer.programme_id}


# --- Candidates proposed to an employer -------------------------------------------------------


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def for_user(self, user: Any) -> ProposalQuerySet:
        from mile.participants.models import Participant

        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every proposal.
        if permissions.is_platform_admin(user):
            return self.all()
        # Staff see the proposals of the participants they follow.
        staff = Q(participant__in=Participant.objects.for_user(user))
        # Employer contacts see the candidates proposed to their own company, until the
        # candidate declines: a declined offer stops sharing their profile with it.
        contacts = Q(pk__in=[])
        for programme_id, organisation_id in user.memberships.filter(
            is_active=True, role=Role.EMPLOYER_CONTACT
        ).values_list("programme_id", "organisation_id"):
            if permissions.can(user, Cap.MANAGE_OWN_EMPLOYER, programme_id):
                contacts |= Q(
                    offer__employer__programme_id=programme_id,
                    offer__employer__organisation_id=organisation_id,
                )
        # A participant sees the proposals made for them, to agree to share their name.
        own = Q(participant__user=user)
        contacts &= ~Q(participant_answer=Decision.DECLINED)
        return self.filter(staff | contacts | own)


class Proposal(models.Model):
    """A participant proposed as a candidate for an offer, and the employer's answer."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="proposals")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="proposals"
    )
    note = models.TextField(_("why this candidate"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    # The candidate agreed to show their name and contacts to this employer; until then the
    # employer sees the skills profile under the proposal's own pseudonym.
    identity_shared_at = models.DateTimeField(_("name shared with the employer"), null=True)
    decision = models.CharField(
        _("employer's answer"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person's own answer, given on their page or recorded by the staff who follow them.
    participant_answer = models.CharField(
        _("candidate's answer"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )
    participant_reason = models.TextField(_("candidate's reason"), blank=True)
    participant_answered_at = models.DateTimeField(null=True, blank=True)
    participant_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The fit when the person was proposed, and why (matching's reason codes, rendered in
    # the reader's language); empty for a proposal made by hand.
    score = models.FloatField(_("fit"), null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # The candidacy as a step of the person's pathway.
    service_record = models.OneToOneField(
        "participants.ServiceRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("candidate proposal")
        verbose_name_plural = _("candidate proposals")
        constraints = [
            models.UniqueConstraint(fields=["offer", "participant"], name="proposal_once")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The candidate's pseudonym for this proposal only: nothing links it to other records."""
        return f"C-{self.pk:05d}" if self.pk else "C-new"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.participant.programme_id}

    def decide(self, *, by: Any, decision: str, reason: str) -> None:
        """The employer's answer; a decline needs a reason, and an answer is given once."""
        if self.decision != Decision.PENDING:
            raise ValidationError(_("This candidate has already been answered."))
        if decision not in (Decision.ACCEPTED, Decision.DECLINED):
            raise ValidationError({"decision": _("Accept or decline the candidate.")})
        if decision == Decision.DECLINED and not reason.strip():
            raise ValidationError({"reason": _("Say why you decline the candidate.")})
        self.decision = decision
        self.reason = reason.strip()
        self.decided_at = timezone.now()
        self.decided_by = by
        self.save(update_fields=["decision", "reason", "decided_at", "decided_by"])

    def answer(self, *, by: Any, decision: str, reason: str) -> None:
        """The candidate's answer; a decline needs a reason, and an answer is given once."""
        if self.participant_answer != Decision.PENDING:
            raise ValidationError(_("The candidate has already answered."))
        if decision not in (Decision.ACCEPTED, Decision.DECLINED):
            raise ValidationError({"decision": _("Accept or decline the offer.")})
        if decision == Decision.DECLINED and not reason.strip():
            raise ValidationError({"reason": _("Say why the offer is declined.")})
        self.participant_answer = decision
        self.participant_reason = reason.strip()
        self.participant_answered_at = timezone.now()
        self.participant_answered_by = by
        self.save(
            update_fields=[
                "participant_answer",
                "participant_reason",
                "participant_answered_at",
                "participant_answered_by",
            ]
        )

    @property
    def accepted_by_both(self) -> bool:
        return self.decision == self.participant_answer == Decision.ACCEPTED

    @property
    def declined(self) -> bool:
        """Declined by either side: the pair is never proposed again."""
        return Decision.DECLINED in (self.decision, self.participant_answer)
