"""Forms of the placement pages: the candidate's answer, starting and ending a placement,
recording a follow-up, and the filters of the lists and of the outcome rates.

Field names follow the models' (``ended_on``, ``end_reason``, ``left_reason`` …) so that a
service's refusal lands on the field it is about (``mile.core.forms.form_errors``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mile.accounts.models import User
from mile.employers.models import Decision, Employer
from mile.placements.models import FollowUp, LeftReason, Outcome, Placement, PlacementStatus
from mile.programmes.models import Programme, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _label(model: Any, name: str) -> Any:
    """The model field's name, capitalised as a label: one translation for both."""
    return capfirst(model._meta.get_field(name).verbose_name)


class ProposalAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Decision.ACCEPTED, _("Accept: I would like to work there")),
            (Decision.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Accept or decline the offer.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline."),
    )
    share_identity = forms.BooleanField(
        label=_("Also show my name and contact details to this employer"),
        required=False,
    )

    def __init__(self, *args: Any, own: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not own:
            # Staff record the answer the person gave them, in the person's words.
            decision: Any = self.fields["decision"]
            decision.label = _("The candidate's answer")
            decision.choices = [
                (Decision.ACCEPTED, _("Accepted: the person would like to work there")),
                (Decision.DECLINED, _("Declined")),
            ]
            self.fields["share_identity"].label = _(
                "The person also agreed to show their name and contact details to this employer"
            )


class PlacementStartForm(forms.ModelForm[Placement]):
    class Meta:
        model = Placement
        fields = [
            "starts_on",
            "ends_on",
            "hours_per_week",
            "company_tutor",
            "company_tutor_email",
            "company_tutor_phone",
            "programme_tutor",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, tutors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["programme_tutor"]
        field.queryset = tutors
        field.label_from_instance = lambda user: user.full_name or user.email


class PlacementEndForm(forms.Form):
    ended_on = forms.DateField(label=_label(Placement, "ended_on"), widget=DATE)
    end_reason = forms.ChoiceField(
        label=_label(Placement, "end_reason"),
        choices=[("", "—"), *LeftReason.choices],
        error_messages={"required": _("Say why the placement ended.")},
    )
    end_note = forms.CharField(
        label=_label(Placement, "end_note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the reason is “Other”."),
    )


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_label(FollowUp, "done_on"), widget=DATE)
    outcome = forms.ChoiceField(
        label=_label(FollowUp, "outcome"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome of the check-in.")},
    )
    left_reason = forms.ChoiceField(
        label=_label(FollowUp, "left_reason"),
        required=False,
        choices=[("", "—"), *LeftReason.choices],
        help_text=_("Needed when the person left."),
    )
    with_employer = forms.BooleanField(label=_label(FollowUp, "with_employer"), required=False)
    with_participant = forms.BooleanField(
        label=_label(FollowUp, "with_participant"), required=False
    )
    notes = forms.CharField(
        label=_label(FollowUp, "notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PlacementFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name or offer"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *PlacementStatus.choices],
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )
    employer = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Employer.objects.none(),
        required=False,
        empty_label=_("All companies"),
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], employers: QuerySet[Employer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["site"].queryset = sites
        fields["employer"].queryset = employers
        fields["employer"].label_from_instance = lambda e: e.organisation.name

    def filter(self, placements: QuerySet[Placement]) -> QuerySet[Placement]:
        if not self.is_valid():
            return placements
        data = self.cleaned_data
        if status := data.get("status"):
            placements = placements.filter(status=status)
        if site := data.get("site"):
            placements = placements.filter(offer__site=site)
        if employer := data.get("employer"):
            placements = placements.filter(offer__employer=employer)
        if q := (data.get("q") or "").strip():
            placements = placements.filter(
                Q(participant__given_names__icontains=q)
                | Q(participant__family_name__icontains=q)
                | Q(offer__title__icontains=q)
            )
        return placements


class OutcomesForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=None
    )
    by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        # The groupings of ``outcomes.BY``.
        choices=[
            ("site", _("Site")),
            ("employer", _("Company")),
            ("occupation", _("Occupation")),
        ],
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["programme"]
        field.queryset = programmes
