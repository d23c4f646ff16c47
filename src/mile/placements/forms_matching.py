"""Forms of matching: a run over a site's or one offer's places, the rankings' filters, and the
small forms behind the buttons that propose a person or add a gap to the plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mile.employers.models import Offer
from mile.placements.models import Group, Method
from mile.programmes.models import Programme, Site

PERCENT = {"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}


class PercentField(forms.IntegerField):
    """A whole percentage, 0 to 100: fits and shares are typed as people say them."""

    def __init__(self, *, out_of_range: Any, **kwargs: Any) -> None:
        self.out_of_range = out_of_range
        kwargs.setdefault("required", False)
        super().__init__(
            widget=forms.NumberInput(attrs=PERCENT),
            error_messages={"invalid": _("Give a whole number between 0 and 100.")},
            **kwargs,
        )

    def validate(self, value: Any) -> None:
        super().validate(value)
        # Not min_value/max_value: their messages are %-formatted, and ours end in "%".
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(self.out_of_range, code="out_of_range")


FIT_RANGE = _("Give a fit between 0 and 100 %.")
SHARE_RANGE = _("Give each share between 0 and 100 %.")


class _SiteField(forms.ModelChoiceField[Site]):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.city} ({obj.programme.name})"


class _OfferField(forms.ModelChoiceField[Offer]):
    def label_from_instance(self, obj: Offer) -> str:
        return f"{obj.title} · {obj.employer.organisation.name} ({obj.site.city})"


class RunForm(forms.Form):
    """A matching run: where, how, from what fit, and the fairness floors."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        error_messages={"required": _("Choose the programme.")},
    )
    site = _SiteField(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("All sites"),
    )
    offer = _OfferField(
        label=_("Or one open offer"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=_("All open offers"),
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=Method.choices,
        initial=Method.OPTIMAL,
        help_text=_(
            "Best total fit: the fits of all pairs add up to the most. Best pair first: the "
            "best remaining pair each time. Stable: no person and offer would both rather have "
            "each other. The figures of the best pair first are always shown beside."
        ),
    )
    min_score = PercentField(
        label=_("Lowest fit proposed, in %"),
        out_of_range=FIT_RANGE,
        required=True,
        initial=30,
        help_text=_("Pairs that fit less than this are not suggested."),
    )
    floor_refugees = PercentField(
        label=_("Least share of the placements for people under international protection, in %"),
        out_of_range=SHARE_RANGE,
        help_text=_("For the best total fit only. Leave empty for no floor."),
    )
    floor_women = PercentField(
        label=_("Least share of the placements for women, in %"),
        out_of_range=SHARE_RANGE,
        help_text=_("For the best total fit only. Leave empty for no floor."),
    )

    def __init__(
        self,
        *args: Any,
        programmes: QuerySet[Programme],
        sites: QuerySet[Site],
        offers: QuerySet[Offer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["programme"].queryset = programmes
        fields["site"].queryset = sites
        fields["offer"].queryset = offers
        # One programme: nothing to choose.
        if len(programmes) == 1:
            fields["programme"].initial = programmes[0].pk
            fields["programme"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("site") is not None and data.get("offer") is not None:
            self.add_error("offer", _("Choose a site or one offer, not both."))
        return data

    def floors(self) -> dict[str, float]:
        """Group → least share (0–1), for the groups given a share above 0."""
        given = {
            Group.REFUGEES.value: self.cleaned_data.get("floor_refugees"),
            Group.WOMEN.value: self.cleaned_data.get("floor_women"),
        }
        return {group: share / 100 for group, share in given.items() if share}


class MatchFilterForm(forms.Form):
    """The filters of a live ranking: lowest fit and, for candidates, the person's site."""

    min_score = PercentField(label=_("Lowest fit, in %"), out_of_range=FIT_RANGE)
    site = _SiteField(
        label=_("Site of the person"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("All sites"),
    )

    def __init__(self, *args: Any, sites: QuerySet[Site] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sites is None:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = sites  # type: ignore[attr-defined]


class CandidateChoiceForm(forms.Form):
    """The person a ranking's button proposes for the offer."""

    participant = forms.IntegerField(min_value=1)


class OfferChoiceForm(forms.Form):
    """The offer a ranking's button proposes the person for."""

    offer = forms.IntegerField(min_value=1)


class GapForm(forms.Form):
    """What a gap's button adds to the plan: a course that teaches the skill, or the skill."""

    course = forms.IntegerField(required=False, min_value=1)
    skill = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("course") is None) == (data.get("skill") is None):
            raise forms.ValidationError(_("Choose a course or a skill to add to the plan."))
        return data
