from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.participants.models import (
    DrivingLicence,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    ResidenceStatus,
    Status,
)
from mile.programmes.models import Programme, Site, Track
from mile.taxonomy.forms import ConceptChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParticipantForm(forms.ModelForm[Participant]):
    class Meta:
        model = Participant
        fields = [
            "programme", "site", "organisation", "track",
            "given_names", "family_name", "birth_date", "gender",
            "nationalities", "country_of_birth", "arrival_date", "residence_status",
            "work_authorisation", "work_authorisation_expires",
            "email", "phone", "notes",
        ]  # fmt: skip
        widgets = {
            "birth_date": DATE,
            "arrival_date": DATE,
            "work_authorisation_expires": DATE,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "notes": _("Seen by case workers and coordinators only; stored encrypted."),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.for_user(user)
        if not permissions.is_platform_admin(user):
            programmes = programmes.filter(
                pk__in=permissions.programme_ids_with(user, Cap.MANAGE_PARTICIPANTS)
            )
        fields: dict[str, Any] = self.fields
        fields["programme"].queryset = programmes
        fields["site"].queryset = Site.objects.filter(programme__in=programmes)
        fields["track"].queryset = Track.objects.filter(programme__in=programmes)
        fields["organisation"].queryset = (
            fields["organisation"]
            .queryset.filter(
                involvements__programme__in=programmes,
                involvements__relation__in=["lead", "partner"],
            )
            .distinct()
        )
        # Partner staff register people for their own organisation and site only: a record
        # they could not see afterwards would be lost to them.
        wide = permissions.is_platform_admin(user) or any(
            permissions.roles_in(user, pid) & {Role.ADMIN, Role.COORDINATOR}
            for pid in programmes.values_list("pk", flat=True)
        )
        if not wide:
            staff = user.memberships.filter(
                is_active=True, role=Role.PARTNER_STAFF, programme__in=programmes
            )
            site_ids = [s for s in staff.values_list("site_id", flat=True) if s]
            if site_ids:
                fields["site"].queryset = fields["site"].queryset.filter(pk__in=site_ids)
            fields["organisation"].queryset = fields["organisation"].queryset.filter(
                pk__in=staff.values_list("organisation_id", flat=True)
            )
        own = user.memberships.filter(is_active=True, programme__in=programmes).first()
        if own is not None and not self.instance.pk:
            fields["programme"].initial = own.programme_id
            fields["organisation"].initial = own.organisation_id
            fields["site"].initial = own.site_id


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)
    residence_status = forms.ChoiceField(
        label=_("Residence or protection status"),
        required=False,
        choices=[("", _("All")), *ResidenceStatus.choices],
    )

    def __init__(self, *args: Any, user: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["site"].queryset = Site.objects.for_user(user)
        fields["nationality"].choices = [("", _("All")), *countries]
        # Filtering by a sensitive field reveals it: only for those who may see it.
        if not sensitive:
            del self.fields["nationality"]
            del self.fields["residence_status"]


class LanguageSkillForm(forms.ModelForm[LanguageSkill]):
    class Meta:
        model = LanguageSkill
        fields = [
            "language", "assessment", "listening", "reading",
            "spoken_interaction", "spoken_production", "writing",
        ]  # fmt: skip

    def clean_language(self) -> str:
        language = str(self.cleaned_data["language"]).strip().lower()
        # The participant is not a form field, so the unique constraint is checked here.
        if self.instance.participant.language_skills.filter(language=language).exists():
            raise forms.ValidationError(_("This language is already in the profile."))
        return language


class ParticipantSkillForm(forms.ModelForm[ParticipantSkill]):
    skill = ConceptChoiceField(kind="skill", label=_("Skill (ESCO)"))

    class Meta:
        model = ParticipantSkill
        fields = ["skill", "evidence"]

    def clean_skill(self) -> object:
        skill = self.cleaned_data["skill"]
        if self.instance.participant.skills.filter(skill=skill).exists():
            raise forms.ValidationError(_("This skill is already in the profile."))
        return skill


class OwnProfileForm(forms.ModelForm[Participant]):
    """What a participant keeps up to date themselves: how to reach them and when they can work."""

    driving_licences = forms.MultipleChoiceField(
        label=_("Driving licences"),
        choices=DrivingLicence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Participant
        fields = [
            "phone", "available_from", "hours_per_week", "preferred_hours",
            "preferred_places", "digital_level", "driving_licences",
        ]  # fmt: skip
        widgets = {"available_from": DATE}
