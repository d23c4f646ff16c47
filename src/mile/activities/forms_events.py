"""Forms for events: the event itself, the list's filters, materials, registrations, calendar."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.accounts.models import Membership, User
from mile.activities.models import Audience, Event, EventKind, EventRegistration
from mile.activities.services import sites_run_by
from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import Participant
from mile.programmes.models import Programme, Site

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def programmes_run_by(user: Any) -> QuerySet[Programme]:
    """The programmes in which ``user`` runs activities."""
    if permissions.is_platform_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(
        pk__in=permissions.programme_ids_with(user, Cap.MANAGE_ACTIVITIES)
    )


class EventForm(forms.ModelForm[Event]):
    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Empty means no limit: an event of zero places would take no one.
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Leave empty for no limit. Events have no waiting list."),
    )

    class Meta:
        model = Event
        fields = [
            "programme", "site", "title", "kind", "audiences", "description", "starts_at",
            "ends_at", "place", "online", "capacity", "public_registration",
        ]  # fmt: skip
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "site": _("Leave empty for an event of the whole programme."),
            "public_registration": _(
                "Anyone with the link can register, without an account; registration closes "
                "when the event begins."
            ),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["kind"].choices = EventKind.choices
        fields["site"].queryset = sites_run_by(user).select_related("programme")
        fields["site"].empty_label = _("Whole programme")
        if self.instance.pk:
            # Its registrations and materials belong to the programme: it stays there.
            del self.fields["programme"]
            fields["site"].queryset = fields["site"].queryset.filter(
                programme_id=self.instance.programme_id
            )
        else:
            fields["programme"].queryset = programmes_run_by(user)
            fields["programme"].empty_label = None
            fields["programme"].label = _("Programme")


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All dates"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *EventKind.choices]
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", _("All audiences")), *Audience.choices],
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_user(user)  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, PPTX, DOCX or ODT, or an image (PNG, JPEG, GIF, WebP), up to 20 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.pptx,.docx,.odt,.png,.jpg,.jpeg,.gif,.webp"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("url")) == bool(data.get("file")) and not self.errors:
            raise forms.ValidationError(_("Give either a link or a file."))
        return data


class RegistrationForm(forms.Form):
    """Staff register a participant they follow, a user of the programme, or someone else."""

    participant = forms.ModelChoiceField(
        label=_("Participant"), queryset=Participant.objects.none(), required=False
    )
    user = forms.ModelChoiceField(
        label=_("User of MILE"), queryset=User.objects.none(), required=False
    )
    full_name = forms.CharField(
        label=_("Or the name of someone from outside"), max_length=150, required=False
    )
    email = forms.EmailField(label=_("E-mail address"), required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    audience = forms.ChoiceField(label=_("Comes as"), choices=Audience.choices)

    def __init__(self, *args: Any, user: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["participant"].queryset = Participant.objects.for_user(user).filter(
            programme_id=event.programme_id
        )
        fields["participant"].label_from_instance = lambda p: f"{p.full_name} ({p.reference})"
        members = Membership.objects.for_user(user).filter(
            programme_id=event.programme_id, is_active=True
        )
        fields["user"].queryset = User.objects.filter(
            pk__in=members.values("user_id"), is_active=True
        )
        fields["country"].choices = [("", _("Choose a country")), *countries]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [
            bool(data.get("participant")),
            bool(data.get("user")),
            bool(data.get("full_name")),
        ]
        if sum(chosen) != 1 and not self.errors:
            raise forms.ValidationError(
                _("Choose a participant, a user, or give the name of someone from outside.")
            )
        return data

    def registration_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {"audience": data["audience"]}
        if data.get("participant"):
            fields["participant"] = data["participant"]
        elif data.get("user"):
            fields["user"] = data["user"]
        else:
            fields |= {
                name: data[name] for name in ("full_name", "email", "organisation_name", "country")
            }
        return fields


class PublicRegistrationForm(forms.Form):
    """Anyone registering online; ``website`` is a trap for robots, hidden from people."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    audience = forms.ChoiceField(label=_("You come as"), choices=Audience.choices)
    consent = forms.BooleanField(
        label=_("I agree that my registration is kept and used as described above."),
        error_messages={
            "required": _(
                "Please agree to how we use your data: without it we cannot register you."
            )
        },
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["country"].choices = [("", _("Choose a country")), *countries]
        fields["full_name"].widget.attrs["autocomplete"] = "name"
        fields["email"].widget.attrs["autocomplete"] = "email"
        fields["organisation_name"].widget.attrs["autocomplete"] = "organization"

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def visible_fields(self) -> list[forms.BoundField]:
        return [f for f in super().visible_fields() if f.name != "website"]

    def registration_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("full_name", "email", "organisation_name", "country", "audience")
        }


ATTENDED_CHOICES = [("", _("Not known")), ("yes", _("Came")), ("no", _("Did not come"))]


def attended_value(registration: EventRegistration) -> str:
    if registration.attended is None:
        return ""
    return "yes" if registration.attended else "no"


class CalendarFilterForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All my programmes"),
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["month"].widget = forms.TextInput(
            attrs={"type": "month", "placeholder": "2026-11", "pattern": r"\d{4}-\d{2}"}
        )
        fields["programme"].queryset = Programme.objects.for_user(user)
        fields["site"].queryset = Site.objects.for_user(user).select_related("programme")

    def clean_month(self) -> dt.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not (2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
            raise forms.ValidationError(_("Give a month as year and month, e.g. 2026-11."))
        return dt.date(int(match[1]), int(match[2]), 1)
