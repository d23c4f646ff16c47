from __future__ import annotations

from datetime import date

from auditlog.models import LogEntry
from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Person"), required=False, max_length=100)
    record = forms.CharField(label=_("Record"), required=False, max_length=100)
    action = forms.TypedChoiceField(
        label=_("Action"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("All actions")),
            (LogEntry.Action.CREATE, _("created")),
            (LogEntry.Action.UPDATE, _("changed")),
            (LogEntry.Action.DELETE, _("deleted")),
            (LogEntry.Action.ACCESS, _("viewed")),
        ],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
