from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import ServiceType
from mile.programmes.models import Organisation, OrganisationType, Programme, Relation
from mile.programmes.services import MAX_TRACK_HOURS


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "type", "country", "city", "website", "nace_section", "size_band"]
        help_texts = {
            "nace_section": _("Employers only."),
            "size_band": _("Employers only."),
        }


class NewOrganisationForm(OrganisationForm):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"))
    relation = forms.ChoiceField(
        choices=Relation.choices, label=_("Involvement in the programme"), initial=Relation.EMPLOYER
    )

    class Meta(OrganisationForm.Meta):
        fields = [*OrganisationForm.Meta.fields]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Programme.objects.for_user(user)
        if not permissions.is_platform_admin(user):
            allowed = allowed.filter(
                pk__in=permissions.programme_ids_with(user, Cap.MANAGE_ORGANISATIONS)
            )
        field: Any = self.fields["programme"]
        field.queryset = allowed
        if allowed.count() == 1:
            self.fields["programme"].initial = allowed.first()


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *OrganisationType.choices]
    )


class TrackServiceForm(forms.Form):
    """One line of a track's planned services; a line without a service is left out."""

    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", "—"), *ServiceType.choices]
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        required=False,
        min_value=Decimal("0.1"),
        max_value=MAX_TRACK_HOURS,
        decimal_places=1,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hours") is not None and not data.get("service"):
            self.add_error("service", _("Choose the service these hours are for."))
        return data


class BaseTrackServiceFormSet(forms.BaseFormSet[TrackServiceForm]):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            service = getattr(form, "cleaned_data", {}).get("service")
            if service in seen:
                form.add_error(
                    "service", _("This service is already listed. Add the hours together.")
                )
            if service:
                seen.add(service)

    def planned_services(self) -> list[dict[str, Any]]:
        """The lines as stored on the track: [{"service": …, "hours": …}]."""
        return [
            {"service": f.cleaned_data["service"], "hours": f.cleaned_data.get("hours")}
            for f in self.forms
            if f.cleaned_data.get("service")
        ]


TrackServiceFormSet = cast(
    type[BaseTrackServiceFormSet],
    forms.formset_factory(
        TrackServiceForm,
        formset=BaseTrackServiceFormSet,
        extra=3,
        max_num=len(ServiceType),
        absolute_max=30,
    ),
)
