from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.programmes.models import Organisation, OrganisationType, Programme, Relation


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
