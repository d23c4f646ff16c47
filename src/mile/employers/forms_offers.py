"""Forms for offers: their content, the skills proposed for them, their language levels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mile.core.languages import language_choices
from mile.employers.models import Offer, OfferKind, OfferLanguage, OfferStatus
from mile.employers.services import ProposedSkill
from mile.participants.models import Cefr
from mile.programmes.models import Site
from mile.taxonomy.forms import ConceptChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfferForm(forms.ModelForm[Offer]):
    occupation = ConceptChoiceField(
        kind="occupation",
        label=_("Occupation (ESCO)"),
        required=False,
        help_text=_("Its ESCO skills are proposed for the offer on the next page."),
    )

    class Meta:
        model = Offer
        fields = [
            "kind", "title", "occupation", "description", "site", "address", "latitude",
            "longitude", "remote_possible", "hours_per_week", "starts_on", "ends_on", "places",
            "paid", "contract_type", "driving_licence", "other_requirements", "tutor_name",
            "tutor_email", "tutor_phone",
        ]  # fmt: skip
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 5}),
            "other_requirements": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "description": _("Skills named here are proposed too."),
            "latitude": _("Optional, e.g. 47.2692; used to find people living nearby."),
        }

    def __init__(self, *args: Any, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(programme_id=programme_id)  # type: ignore[attr-defined]
        self.fields["kind"].choices = OfferKind.choices  # type: ignore[attr-defined]
        # What the model leaves optional for a draft, the form asks for: a place and a start.
        self.fields["starts_on"].required = True
        self.fields["places"].min_value = 1  # type: ignore[attr-defined]


class ProposedSkillsForm(forms.Form):
    """The skills proposed for an offer: tick those to keep, and which are essential."""

    def __init__(self, *args: Any, proposed: list[ProposedSkill], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = proposed
        choices = [(p.concept.uri, p.concept.label()) for p in proposed]
        self.fields["accept"] = forms.MultipleChoiceField(
            label=_("Skills to keep"),
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[p.concept.uri for p in proposed],
        )
        self.fields["essential"] = forms.MultipleChoiceField(
            label=_("Essential"),
            choices=choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[p.concept.uri for p in proposed if p.essential],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("accept"):
            raise forms.ValidationError(_("Tick at least one skill to keep."))
        return data

    def accepted(self) -> list[tuple[Any, bool, str]]:
        keep = set(self.cleaned_data["accept"])
        essential = set(self.cleaned_data["essential"])
        return [
            (p.concept, p.concept.uri in essential, p.origin)
            for p in self.proposed
            if p.concept.uri in keep
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One row per proposal with its two checkboxes, for a table."""
        accept = {w.data["value"]: w for w in self["accept"]}
        essential = {w.data["value"]: w for w in self["essential"]}
        return [
            {"proposal": p, "accept": accept[p.concept.uri], "essential": essential[p.concept.uri]}
            for p in self.proposed
        ]


class SkillAddForm(forms.Form):
    skill = ConceptChoiceField(kind="skill", label=_("Add a skill (ESCO)"))
    essential = forms.BooleanField(label=_("Essential"), required=False, initial=True)

    def __init__(self, *args: Any, offer: Offer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer = offer

    def clean_skill(self) -> Any:
        skill = self.cleaned_data["skill"]
        if self.offer.skills.filter(skill=skill).exists():
            raise forms.ValidationError(_("The offer already has this skill."))
        return skill


class OfferLanguageForm(forms.ModelForm[OfferLanguage]):
    language = forms.ChoiceField(label=_("Language"), choices=())

    class Meta:
        model = OfferLanguage
        fields = ["language", "min_level"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", "---------"), *language_choices()]  # type: ignore[attr-defined]
        self.fields["min_level"].choices = [("", "---------"), *Cefr.choices]  # type: ignore[attr-defined]


class BaseOfferLanguageFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            language = str(form.cleaned_data.get("language") or "")
            if language in seen:
                form.add_error("language", _("Each language once."))
            seen.add(language)


OfferLanguageFormSet = forms.inlineformset_factory(
    Offer,
    OfferLanguage,
    form=OfferLanguageForm,
    formset=BaseOfferLanguageFormSet,
    extra=2,
    can_delete=True,
    max_num=10,
    validate_max=True,
)


class OfferFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *OfferStatus.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *OfferKind.choices]
    )
    site = forms.ModelChoiceField(
        label=_("Site"), required=False, queryset=Site.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
