"""Forms of the employers' pages: the list's filters, the profile, workplaces, engagements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.employers.models import Employer, EmployerStatus, Engagement, Workplace
from mile.programmes.models import NaceSection, Organisation, OrganisationType, Programme, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# What a new organisation is typed with, and what staff may change of a known one.
ORGANISATION_FIELDS = ("name", "country", "city", "website", "nace_section", "size_band")
# An employer contact keeps their company's profile but not its name or country.
CONTACT_ORGANISATION_FIELDS = ("website", "city", "nace_section", "size_band")
COMMITMENT_FIELDS = ("diversity_charter", "hosts_placements", "mentors", "description")


def _from_model(model: type[Model], name: str, **kwargs: Any) -> Any:
    """The model field's own form field: its label, choices and validators, once."""
    field = model._meta.get_field(name).formfield(**kwargs)  # type: ignore[union-attr]
    assert field is not None
    return field


def programmes_with(user: Any, cap: Cap) -> QuerySet[Programme]:
    programmes = Programme.objects.for_user(user)
    if permissions.is_platform_admin(user):
        return programmes
    return programmes.filter(pk__in=permissions.programme_ids_with(user, cap))


def sites_with(user: Any, cap: Cap) -> QuerySet[Site]:
    """The sites whose employers ``user`` reads or keeps with ``cap``, as the employer scope."""
    # Platform administrators follow every site.
    if permissions.is_platform_admin(user):
        return Site.objects.all()
    # Coordinators (and, reading, evaluators) follow every site of their programmes.
    scope = Q(programme_id__in=permissions.programme_wide_ids(user, cap))
    for programme_id, site_id, organisation_id in user.memberships.filter(
        is_active=True, role=Role.PARTNER_STAFF
    ).values_list("programme_id", "site_id", "organisation_id"):
        if not permissions.can(user, cap, programme_id):
            continue
        # Partner staff follow their own site …
        if site_id:
            scope |= Q(programme_id=programme_id, pk=site_id)
        # … or, without one, the sites their organisation leads.
        else:
            scope |= Q(programme_id=programme_id, lead_partner_id=organisation_id)
    return Site.objects.filter(scope)


class EmployerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *EmployerStatus.choices],
    )
    sector = forms.ChoiceField(
        label=_("Sector (NACE)"),
        required=False,
        choices=[("", _("All sectors")), *NaceSection.choices],
    )
    hosts = forms.ChoiceField(
        label=_("Hosts placements"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["programme"].queryset = programmes_with(user, Cap.VIEW_EMPLOYERS)
        fields["site"].queryset = sites_with(user, Cap.VIEW_EMPLOYERS).order_by("city", "pk")


class _GroupedForm(forms.Form):
    """Fields shown in two groups: the company, and its part in the programme."""

    COMPANY = ("organisation", *ORGANISATION_FIELDS)

    def company_fields(self) -> list[BoundField]:
        return [self[name] for name in self.COMPANY if name in self.fields]

    def programme_fields(self) -> list[BoundField]:
        return [self[name] for name in self.fields if name not in self.COMPANY]


class EmployerCreateForm(_GroupedForm):
    """A company joins a programme: a known organisation, or a new one typed here."""

    organisation = forms.ModelChoiceField(
        label=_("A known organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None: a new organisation"),
        help_text=_("Organisations of the type employer that you can see."),
    )
    name = _from_model(
        Organisation, "name", required=False, label=_("Name of the new organisation")
    )
    country = _from_model(Organisation, "country", required=False)
    city = _from_model(Organisation, "city")
    website = _from_model(Organisation, "website")
    nace_section = _from_model(Organisation, "nace_section")
    size_band = _from_model(Organisation, "size_band")
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    site = forms.ModelChoiceField(
        label=_("Site that follows the company"), queryset=Site.objects.none()
    )
    status = _from_model(Employer, "status")
    diversity_charter = _from_model(Employer, "diversity_charter")
    hosts_placements = _from_model(Employer, "hosts_placements")
    mentors = _from_model(Employer, "mentors")
    description = _from_model(Employer, "description", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        programmes = programmes_with(user, Cap.MANAGE_EMPLOYERS)
        sites = sites_with(user, Cap.MANAGE_EMPLOYERS).filter(programme__in=programmes)
        fields["programme"].queryset = programmes
        fields["site"].queryset = sites.select_related("programme").order_by("programme", "city")
        fields["organisation"].queryset = Organisation.objects.for_user(user).filter(
            type=OrganisationType.EMPLOYER
        )
        if len(programme_ids := list(programmes.values_list("pk", flat=True))) == 1:
            fields["programme"].initial = programme_ids[0]
        else:
            # Two programmes may both have a site in the same city.
            fields["site"].label_from_instance = lambda site: f"{site.city} · {site.programme}"
        if len(site_ids := list(sites.values_list("pk", flat=True))) == 1:
            fields["site"].initial = site_ids[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation, name = data.get("organisation"), data.get("name", "").strip()
        if organisation and name:
            self.add_error(
                "name",
                _("Choose a known organisation or type the name of a new one, not both."),
            )
        elif not organisation and not name and "name" not in self.errors:
            self.add_error("name", _("Choose a known organisation or type the name of a new one."))
        elif name and not data.get("country"):
            self.add_error("country", _("Give the country of the new organisation."))
        elif (
            name
            and Organisation.objects.filter(name__iexact=name, country=data["country"]).exists()
        ):
            self.add_error(
                "name",
                _("An organisation of this name already exists in this country: choose it."),
            )
        programme, site = data.get("programme"), data.get("site")
        if programme and site and site.programme_id != programme.pk:
            self.add_error("site", _("The site belongs to another programme."))
        if (
            programme
            and organisation
            and Employer.objects.filter(programme=programme, organisation=organisation).exists()
        ):
            self.add_error(
                "organisation",
                _("%(name)s is already an employer of this programme.")
                % {"name": organisation.name},
            )
        return data

    def organisation_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}

    def employer_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("status", *COMMITMENT_FIELDS)}


class EmployerEditForm(_GroupedForm):
    """The profile: staff change everything, the company's contacts what the company decides."""

    name = _from_model(Organisation, "name")
    country = _from_model(Organisation, "country")
    city = _from_model(Organisation, "city")
    website = _from_model(Organisation, "website")
    nace_section = _from_model(Organisation, "nace_section")
    size_band = _from_model(Organisation, "size_band")
    site = forms.ModelChoiceField(
        label=_("Site that follows the company"), queryset=Site.objects.none()
    )
    status = _from_model(Employer, "status")
    diversity_charter = _from_model(Employer, "diversity_charter")
    hosts_placements = _from_model(Employer, "hosts_placements")
    mentors = _from_model(Employer, "mentors")
    description = _from_model(Employer, "description", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self, *args: Any, user: Any, employer: Employer, staff: bool, **kwargs: Any
    ) -> None:
        organisation = employer.organisation
        initial = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
        initial |= {name: getattr(employer, name) for name in ("status", *COMMITMENT_FIELDS)}
        initial["site"] = employer.site_id
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.staff = staff
        if staff:
            fields: dict[str, Any] = self.fields
            # Staff move a company only to a site they follow, or keep it where it is.
            fields["site"].queryset = Site.objects.filter(
                Q(pk__in=sites_with(user, Cap.MANAGE_EMPLOYERS)) | Q(pk=employer.site_id),
                programme_id=employer.programme_id,
            ).order_by("city")
        else:
            # The programme decides where a company stands in it and which site follows it.
            for name in ("name", "country", "site", "status"):
                del self.fields[name]

    def organisation_fields(self) -> dict[str, Any]:
        names = ORGANISATION_FIELDS if self.staff else CONTACT_ORGANISATION_FIELDS
        return {name: self.cleaned_data[name] for name in names}

    def employer_fields(self) -> dict[str, Any]:
        names = ("site", "status", *COMMITMENT_FIELDS) if self.staff else COMMITMENT_FIELDS
        return {name: self.cleaned_data[name] for name in names}


class WorkplaceForm(forms.ModelForm[Workplace]):
    class Meta:
        model = Workplace
        fields = ["name", "street", "postcode", "city", "country", "latitude", "longitude"]
        help_texts = {
            "latitude": _("Decimal degrees, e.g. 47.2692. Give both or neither."),
            "longitude": _("Decimal degrees, e.g. 11.4041. Give both or neither."),
        }


class EngagementForm(forms.ModelForm[Engagement]):
    class Meta:
        model = Engagement
        fields = ["kind", "occurred_on", "subject", "outcome"]
        widgets = {"occurred_on": DATE, "outcome": forms.Textarea(attrs={"rows": 4})}
