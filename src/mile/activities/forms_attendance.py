"""Forms of the roll-call and of the satisfaction survey after a course."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mile.activities.models import Enrolment, SurveyResponse

# 1 (poor) to 5 (excellent): the answers to each question of the survey.
SCALE = [(n, str(n)) for n in range(1, 6)]


class RollCallForm(forms.Form):
    """Who is present at one session: the ticked enrolments; everyone else is absent."""

    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Only people enrolled in the course can be marked present.")
        },
    )

    def __init__(self, *args: Any, enrolled: Sequence[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["present"]
        field.choices = [(e.pk, e.display_name) for e in enrolled]


def _question(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCALE, coerce=int, widget=forms.RadioSelect)


class SurveyForm(forms.ModelForm[SurveyResponse]):
    overall = _question(_("How satisfied are you with the course overall?"))
    usefulness = _question(_("How useful is it for your work or your job search?"))
    trainer = _question(_("How satisfied are you with the trainer?"))
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was good, what could be better? Please do not write names."),
    )

    class Meta:
        model = SurveyResponse
        fields = ["overall", "usefulness", "trainer", "comments"]
