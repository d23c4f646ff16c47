"""Forms for study visits: the visit, its programme of visits, who comes, the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.accounts.models import User
from mile.activities.models import StudyVisit, StudyVisitItem, VisitorKind
from mile.activities.services import sites_run_by
from mile.core import permissions
from mile.core.roles import Cap
from mile.programmes.models import Organisation, Programme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def managed_programmes(user: Any) -> QuerySet[Programme]:
    """The programmes in which ``user`` may create activities."""
    programmes = Programme.objects.for_user(user)
    if permissions.is_platform_admin(user):
        return programmes
    return programmes.filter(pk__in=permissions.programme_ids_with(user, Cap.MANAGE_ACTIVITIES))


def involved_organisations(user: Any, programmes: Any) -> QuerySet[Organisation]:
    """Organisations the user sees that take part in one of ``programmes``."""
    return (
        Organisation.objects.for_user(user)
        .filter(involvements__programme__in=programmes)
        .distinct()
        .order_by("name")
    )


def programme_users(programme: Programme) -> QuerySet[User]:
    """The people with an active account in the programme: who can be added as a user of MILE."""
    return (
        User.objects.filter(
            is_active=True, memberships__programme=programme, memberships__is_active=True
        )
        .distinct()
        .order_by("full_name", "email")
    )


class ActivityPlaceMixin:
    """Programme (on creation only) and site: where the user runs activities."""

    fields: dict[str, Any]
    instance: Any

    def _place(self, user: Any) -> QuerySet[Programme]:
        programmes: QuerySet[Programme]
        if self.instance.pk:
            # A visit or group stays in its programme: its people and records belong there.
            self.fields.pop("programme", None)
            programmes = Programme.objects.filter(pk=self.instance.programme_id)
        else:
            programmes = managed_programmes(user)
            self.fields["programme"].queryset = programmes
            self.fields["programme"].empty_label = None
        sites = sites_run_by(user).filter(programme__in=programmes).select_related("programme")
        self.fields["site"].queryset = sites
        return programmes

    def _programme_of(self, data: dict[str, Any]) -> Programme | None:
        return data.get("programme") or (self.instance.programme if self.instance.pk else None)


class VisitForm(ActivityPlaceMixin, forms.ModelForm[StudyVisit]):
    class Meta:
        model = StudyVisit
        fields = [
            "programme", "site", "title", "host_city", "host_country", "organiser",
            "starts_on", "ends_on", "description",
        ]  # fmt: skip
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"programme": _("Programme"), "site": _("Site")}
        help_texts = {"site": _("Leave empty for a study visit of the whole programme.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = self._place(user)
        self.fields["organiser"].queryset = involved_organisations(user, programmes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme = self._programme_of(data)
        site, organiser = data.get("site"), data.get("organiser")
        if programme and site and site.programme_id != programme.pk:
            self.add_error("site", _("The site belongs to another programme."))
        if (
            programme
            and organiser
            and not organiser.involvements.filter(programme=programme).exists()
        ):
            self.add_error("organiser", _("The organiser does not take part in this programme."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if (
            self.instance.pk
            and starts
            and ends
            and self.instance.items.exclude(day__range=(starts, ends)).exists()
        ):
            raise forms.ValidationError(
                _("Some visits of the programme fall outside these dates. Move them first.")
            )
        return data


class VisitItemForm(forms.ModelForm[StudyVisitItem]):
    class Meta:
        model = StudyVisitItem
        fields = ["day", "time", "host", "description"]
        widgets = {"day": DATE, "time": TIME, "description": forms.Textarea(attrs={"rows": 2})}


class AttendeeForm(forms.Form):
    """Who takes part: a user of MILE, or a person from outside with their organisation."""

    user = forms.ModelChoiceField(
        label=_("A user of MILE"), queryset=User.objects.none(), required=False
    )
    full_name = forms.CharField(
        label=_("Or someone from outside: full name"), max_length=150, required=False
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Or another organisation: its name"), max_length=200, required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args: Any, user: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        fields: dict[str, Any] = self.fields
        fields["user"].queryset = programme_users(programme)
        fields["organisation"].queryset = involved_organisations(user, [programme])
        fields["country"].choices = [("", "—"), *countries]
        fields["country"].help_text = _(
            "When empty, the country of the organisation chosen from the list."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["full_name"] = (data.get("full_name") or "").strip()
        data["organisation_name"] = (data.get("organisation_name") or "").strip()
        if data.get("user") and data["full_name"]:
            raise forms.ValidationError(
                _("Choose a user of MILE or give the name of someone from outside, not both.")
            )
        if data.get("organisation") and data["organisation_name"]:
            self.add_error(
                "organisation_name",
                _("Choose an organisation from the list or type the name of another, not both."),
            )
        if data.get("user") and data.get("email"):
            self.add_error("email", _("A user of MILE is reached at their account's address."))
        self._complete(data)
        return data

    def _complete(self, data: dict[str, Any]) -> None:
        """A user's organisation in the programme, and an organisation's country, by default."""
        user = data.get("user")
        if user and not data.get("organisation") and not data["organisation_name"]:
            membership = (
                user.memberships.filter(programme=self.programme, is_active=True)
                .select_related("organisation")
                .first()
            )
            data["organisation"] = membership.organisation if membership else None
        if not data.get("country") and data.get("organisation"):
            data["country"] = data["organisation"].country.code or ""
        # A name typed for an organisation on the list is that organisation.
        if data["organisation_name"]:
            known = self.fields["organisation"].queryset.filter(  # type: ignore[attr-defined]
                name__iexact=data["organisation_name"]
            )
            if len(found := list(known[:2])) == 1:
                data["organisation"], data["organisation_name"] = found[0], ""
                data["country"] = data.get("country") or found[0].country.code or ""

    def attendee_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "user": data.get("user"),
            "full_name": data["full_name"],
            "email": data.get("email") or "",
            "organisation": data.get("organisation"),
            "organisation_name": data["organisation_name"],
            "country": data.get("country") or "",
        }


class VisitorForm(AttendeeForm):
    kind = forms.ChoiceField(label=_("Taking part as"), choices=VisitorKind.choices)
    is_expert = forms.BooleanField(label=_("Expert"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("user") and not data["full_name"]:
            raise forms.ValidationError(
                _("Choose a user of MILE or give the name of someone from outside.")
            )
        if not data.get("user") and not (data.get("organisation") or data["organisation_name"]):
            self.add_error("organisation", _("Give the organisation the person comes from."))
        if not data.get("country"):
            self.add_error("country", _("Give the country the person comes from."))
        return data

    def visitor_fields(self) -> dict[str, Any]:
        return {
            **self.attendee_fields(),
            "kind": self.cleaned_data["kind"],
            "is_expert": self.cleaned_data["is_expert"],
        }


class VisitFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    host_country = forms.ChoiceField(label=_("Host country"), required=False)

    def __init__(self, *args: Any, visits: QuerySet[StudyVisit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        years = sorted({d.year for d in visits.dates("starts_on", "year")}, reverse=True)
        fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]
        codes = set(visits.order_by().values_list("host_country", flat=True).distinct())
        fields["host_country"].choices = [
            ("", _("All countries")),
            *((code, name) for code, name in countries if code in codes),
        ]
