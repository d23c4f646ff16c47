"""Forms for working groups: the group, its members, meetings, attendance, actions, outputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mile.activities.forms_visits import DATE, ActivityPlaceMixin, AttendeeForm
from mile.activities.models import (
    ActionItem,
    GroupMeeting,
    GroupMember,
    GroupScope,
    GroupTheme,
    WorkingGroup,
)
from mile.programmes.models import Site

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def member_label(member: GroupMember) -> str:
    """A member as a list shows them: the person, their organisation, or both."""
    organisation = member.organisation.name if member.organisation else member.organisation_name
    name = member.display_name
    if name and organisation:
        return f"{name} ({organisation})"
    return name or organisation


class GroupForm(ActivityPlaceMixin, forms.ModelForm[WorkingGroup]):
    class Meta:
        model = WorkingGroup
        fields = ["programme", "scope", "site", "theme", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"programme": _("Programme")}
        help_texts = {"site": _("A local group belongs to a site; a European group has none.")}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._place(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, site = self._programme_of(data), data.get("site")
        if programme and site and site.programme_id != programme.pk:
            self.add_error("site", _("The site belongs to another programme."))
        return data


class MemberForm(AttendeeForm):
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)
    left_on = forms.DateField(label=_("Left on"), widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].label = _("A user of MILE")
        self.fields["organisation"].help_text = _(
            "An organisation can be a member without naming a person."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        person = data.get("user") or data["full_name"]
        if not person and not (data.get("organisation") or data["organisation_name"]):
            raise forms.ValidationError(_("Choose a person, an organisation, or both."))
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("One cannot leave before joining."))
        return data

    def member_fields(self) -> dict[str, Any]:
        return {
            **self.attendee_fields(),
            "joined_on": self.cleaned_data["joined_on"],
            "left_on": self.cleaned_data.get("left_on"),
        }


class MemberDatesForm(forms.Form):
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)
    left_on = forms.DateField(
        label=_("Left on"),
        widget=DATE,
        required=False,
        help_text=_("Empty while the member is still in the group."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("One cannot leave before joining."))
        return data


class MeetingForm(forms.ModelForm[GroupMeeting]):
    class Meta:
        model = GroupMeeting
        fields = ["starts_at", "ends_at", "place", "agenda"]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }


class MeetingRecordForm(forms.ModelForm[GroupMeeting]):
    """The whole meeting, once it took place: its agenda, minutes and decisions too."""

    class Meta:
        model = GroupMeeting
        fields = ["starts_at", "ends_at", "place", "agenda", "minutes", "decisions"]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: list[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.pk, member_label(m)) for m in members]  # type: ignore[attr-defined]


class MemberChoiceField(forms.ModelChoiceField[GroupMember]):
    def label_from_instance(self, obj: GroupMember) -> str:
        return member_label(obj)


class ActionForm(forms.ModelForm[ActionItem]):
    owner = MemberChoiceField(label=_("Owner"), queryset=GroupMember.objects.none(), required=False)

    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args: Any, members: QuerySet[GroupMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members.select_related(  # type: ignore[attr-defined]
            "user", "participant", "organisation"
        )


class OutputForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    published_on = forms.DateField(label=_("Date"), widget=DATE)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, DOCX, ODT or XLSX, up to 20 MB."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and not data.get("file") and not self.errors:
            raise forms.ValidationError(_("Give a link, upload a file, or both."))
        return data


class GroupFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Scope"), required=False, choices=[("", _("All")), *GroupScope.choices]
    )
    theme = forms.ChoiceField(
        label=_("Theme"), required=False, choices=[("", _("All themes")), *GroupTheme.choices]
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_user(user)  # type: ignore[attr-defined]
