"""Organisations and the programmes they run together: sites, partners, tracks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from mile.core import permissions
from mile.core.roles import Cap

if TYPE_CHECKING:
    from mile.accounts.models import User


class OrganisationType(models.TextChoices):
    PARTNER = "partner", _("Programme partner")
    EMPLOYER = "employer", _("Employer")
    EMPLOYERS_ASSOCIATION = "employers_association", _("Employers' association")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    NGO = "ngo", _("NGO")
    MIGRANT_ASSOCIATION = "migrant_association", _("Migrant association")
    TRADE_UNION = "trade_union", _("Trade union")
    UNIVERSITY = "university", _("University or research centre")
    VET_PROVIDER = "vet_provider", _("VET provider")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency")
    INTERNATIONAL = "international", _("International organisation")


class NaceSection(models.TextChoices):
    """NACE Rev. 2 sections, the level at which programmes count employers."""

    A = "A", _("A – Agriculture, forestry and fishing")
    B = "B", _("B – Mining and quarrying")
    C = "C", _("C – Manufacturing")
    D = "D", _("D – Electricity, gas, steam and air conditioning supply")
    E = "E", _("E – Water supply, sewerage, waste management and remediation")
    F = "F", _("F – Construction")
    G = "G", _("G – Wholesale and retail trade; repair of motor vehicles")
    H = "H", _("H – Transportation and storage")
    I = "I", _("I – Accommodation and food service activities")  # noqa: E741
    J = "J", _("J – Information and communication")
    K = "K", _("K – Financial and insurance activities")
    L = "L", _("L – Real estate activities")
    M = "M", _("M – Professional, scientific and technical activities")
    N = "N", _("N – Administrative and support service activities")
    O = "O", _("O – Public administration and defence; compulsory social security")  # noqa: E741
    P = "P", _("P – Education")
    Q = "Q", _("Q – Human health and social work activities")
    R = "R", _("R – Arts, entertainment and recreation")
    S = "S", _("S – Other service activities")
    T = "T", _("T – Activities of households as employers")
    U = "U", _("U – Activities of extraterritorial organisations and bodies")


class SizeBand(models.TextChoices):
    """The EU enterprise size classes (Recommendation 2003/361/EC) by headcount."""

    MICRO = "micro", _("Micro (fewer than 10 people)")
    SMALL = "small", _("Small (10–49 people)")
    MEDIUM = "medium", _("Medium (50–249 people)")
    LARGE = "large", _("Large (250 people or more)")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: User | Any) -> OrganisationQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every organisation.
        if permissions.is_platform_admin(user):
            return self.all()
        # Everyone sees the organisations they belong to.
        own = Q(memberships__user=user, memberships__is_active=True)
        # Roles with a programme-wide view see every organisation involved in it.
        involved = Q(
            involvements__programme_id__in=permissions.programme_ids_with(
                user, Cap.VIEW_ORGANISATIONS
            )
        )
        return self.filter(own | involved).distinct()


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    nace_section = models.CharField(
        _("sector (NACE)"), max_length=1, choices=NaceSection.choices, blank=True
    )
    size_band = models.CharField(_("size"), max_length=8, choices=SizeBand.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        is_employer = self.type == OrganisationType.EMPLOYER
        if not is_employer and (self.nace_section or self.size_band):
            raise ValidationError(
                _("Sector and size are recorded for employers only."), code="not_employer"
            )


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def for_user(self, user: User | Any) -> ProgrammeQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see every programme of the installation.
        if permissions.is_platform_admin(user):
            return self.all()
        # Others see the programmes they are an active member of.
        return self.filter(pk__in=permissions.programme_ids_with(user, Cap.VIEW_PROGRAMME))


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    grant_reference = models.CharField(_("grant reference"), max_length=80, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    countries = CountryField(_("countries"), multiple=True, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("ISO 639-1 codes, e.g. en, it.")
    )
    # {"min_age": 18, "third_country_only": true, "statuses": [residence statuses that qualify,
    # empty for all]}; see mile.participants.eligibility.
    eligibility = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The programme cannot end before it starts.")})
        from mile.core.languages import unknown_language_codes

        rules = self.eligibility or {}
        unknown_rules = set(rules) - {"min_age", "third_country_only", "statuses"}
        if unknown_rules or not isinstance(rules.get("min_age", 18), int):
            raise ValidationError(
                {
                    "eligibility": _(
                        "Eligibility rules take min_age, third_country_only and statuses."
                    )
                }
            )
        unknown = unknown_language_codes(self.languages or [])
        if unknown:
            raise ValidationError(
                {
                    "languages": _("Unknown language codes: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.pk}

    @property
    def lead_partner(self) -> Organisation | None:
        involvement = self.involvements.filter(relation=Relation.LEAD).first()
        return involvement.organisation if involvement else None


class ScopedByProgramme(models.QuerySet[Any]):
    """Objects that belong to one programme and are seen by all its members."""

    def for_user(self, user: User | Any) -> ScopedByProgramme:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see everything.
        if permissions.is_platform_admin(user):
            return self.all()
        # Members see the structure of the programmes they belong to.
        return self.filter(
            programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_PROGRAMME)
        )


class Track(models.Model):
    """A package of services a participant receives (MILE: comprehensive and light)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    target_participants = models.PositiveIntegerField(
        _("target number of participants"), null=True, blank=True
    )
    # What a participant of the track receives: [{"service": ServiceType, "hours": n}, …].
    planned_services = models.JSONField(_("planned services"), default=list, blank=True)

    objects = ScopedByProgramme.as_manager()

    class Meta:
        ordering = ["programme", "name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="track_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class Relation(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")
    ASSOCIATE = "associate", _("Associate partner")
    EMPLOYER = "employer", _("Employer")
    STAKEHOLDER = "stakeholder", _("Stakeholder")


class InvolvementQuerySet(models.QuerySet["Involvement"]):
    def for_user(self, user: User | Any) -> InvolvementQuerySet:
        if not user.is_authenticated:
            return self.none()
        # Platform administrators see everything.
        if permissions.is_platform_admin(user):
            return self.all()
        # Roles that see the programme's organisations see how each is involved.
        wide = Q(programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_ORGANISATIONS))
        # Everyone sees how their own organisation is involved.
        own = Q(organisation__memberships__user=user, organisation__memberships__is_active=True)
        return self.filter(wide | own).distinct()

    def partners(self) -> InvolvementQuerySet:
        return self.filter(relation__in=[Relation.LEAD, Relation.PARTNER])


class Involvement(models.Model):
    """How an organisation takes part in a programme: partner, employer, stakeholder …"""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="involvements")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvements"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    since = models.DateField(_("since"), null=True, blank=True)

    objects = InvolvementQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "relation", "organisation__name"]
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "organisation"], name="involvement_unique"
            ),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(relation="lead"), name="one_lead_partner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.get_relation_display()}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}


class Site(models.Model):
    """A city where a partner runs the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sites")
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))
    lead_partner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_sites",
        verbose_name=_("lead partner"),
    )

    objects = ScopedByProgramme.as_manager()

    class Meta:
        ordering = ["programme", "city"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(fields=["programme", "city"], name="site_unique_city")
        ]

    def __str__(self) -> str:
        return self.city

    def clean(self) -> None:
        if (
            self.programme_id
            and self.lead_partner_id
            and not Involvement.objects.filter(
                programme_id=self.programme_id,
                organisation_id=self.lead_partner_id,
                relation__in=[Relation.LEAD, Relation.PARTNER],
            ).exists()
        ):
            raise ValidationError(
                {
                    "lead_partner": _(
                        "The lead partner of a site must be a partner of the programme."
                    )
                }
            )

    def get_additional_data(self) -> dict[str, Any]:
        return {"programme": self.programme_id}
