"""Forms for employers' needs: one assessment, and the filters of the summary across employers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mile.employers.models import Employer, NeedsAssessment, Obstacle, Support
from mile.programmes.models import Programme, Site
from mile.taxonomy.forms import ConceptMultipleChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NeedsForm(forms.ModelForm[NeedsAssessment]):
    occupations = ConceptMultipleChoiceField(
        kind="occupation",
        label=_("Occupations needed (ESCO)"),
        required=False,
        help_text=_("The jobs the company finds hard to fill."),
    )
    skills = ConceptMultipleChoiceField(
        kind="skill", label=_("Skills needed (ESCO)"), required=False
    )
    obstacles = forms.MultipleChoiceField(
        label=_("Obstacles to hiring third-country nationals"),
        choices=Obstacle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support = forms.MultipleChoiceField(
        label=_("Support the company would like"),
        choices=Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = NeedsAssessment
        fields = [
            "assessed_on", "occupations", "skills", "planned_hires", "obstacles",
            "obstacles_other", "support", "support_other",
        ]  # fmt: skip
        widgets = {
            "assessed_on": DATE,
            "obstacles_other": forms.Textarea(attrs={"rows": 2}),
            "support_other": forms.Textarea(attrs={"rows": 2}),
        }

    # The fields the service writes as they are (the concepts are set apart).
    SIMPLE_FIELDS = (
        "assessed_on", "planned_hires", "obstacles", "obstacles_other", "support", "support_other",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].required = True

    def _ordered(self, name: str, choices: type[Obstacle] | type[Support]) -> list[str]:
        # Stored in the list's order, whatever order the boxes were sent in.
        chosen = set(self.cleaned_data.get(name) or [])
        return [value for value in choices.values if value in chosen]

    def clean_obstacles(self) -> list[str]:
        return self._ordered("obstacles", Obstacle)

    def clean_support(self) -> list[str]:
        return self._ordered("support", Support)

    def simple_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.SIMPLE_FIELDS}


class NeedsSummaryFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All programmes"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )

    def __init__(self, *args: Any, employers: QuerySet[Employer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only programmes and sites that have employers the reader sees.
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            pk__in=employers.values("programme_id")
        ).order_by("name", "pk")
        self.fields["site"].queryset = (  # type: ignore[attr-defined]
            Site.objects.filter(pk__in=employers.values("site_id")).order_by(
                "programme__name", "city", "pk"
            )
        )
