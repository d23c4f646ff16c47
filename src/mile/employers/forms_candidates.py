"""Forms for proposing candidates, filtering them, and the employer's answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mile.employers.models import Decision, Offer
from mile.participants.models import Participant


class CandidateSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name or reference"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ProposalForm(forms.Form):
    participant = forms.ModelChoiceField(
        label=_("Candidate"),
        queryset=Participant.objects.none(),
        error_messages={
            "required": _("Choose the person to propose."),
            "invalid_choice": _("Choose one of the people listed."),
        },
    )
    note = forms.CharField(
        label=_("Why this candidate"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The employer reads this note. Write about skills and motivation, never the "
            "person's name or anything else that tells who they are."
        ),
    )

    def __init__(self, *args: Any, participants: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["participant"]
        field.queryset = participants


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Decision.ACCEPTED, _("Accept: we would like to meet the candidate")),
            (Decision.DECLINED, _("Decline")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Accept or decline the candidate.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you decline. The programme's staff read it, not the candidate."),
    )


class CandidateFilterForm(forms.Form):
    offer = forms.ModelChoiceField(
        label=_("Offer"), queryset=Offer.objects.none(), required=False, empty_label=_("All offers")
    )
    decision = forms.ChoiceField(
        label=_("Employer's answer"),
        required=False,
        choices=[("", _("All answers")), *Decision.choices],
    )

    def __init__(self, *args: Any, offers: QuerySet[Offer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["offer"]
        field.queryset = offers
        field.label_from_instance = _offer_label

    def filter(self, proposals: QuerySet[Any]) -> QuerySet[Any]:
        if not self.is_valid():
            return proposals
        if offer := self.cleaned_data.get("offer"):
            proposals = proposals.filter(offer=offer)
        if decision := self.cleaned_data.get("decision"):
            proposals = proposals.filter(decision=decision)
        return proposals


def _offer_label(offer: Offer) -> str:
    return f"{offer.title} · {offer.employer.organisation.name}"
