from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.participants.models import (
    Cefr,
    DocumentKind,
    DrivingLicence,
    Education,
    Hours,
    IntegrationPlan,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    PlannedService,
    ResidenceStatus,
    ServiceRecord,
    SkillValidation,
    Status,
    ValidationPhase,
    WorkExperience,
)
from mile.participants.pathway import providers, responsible_staff
from mile.programmes.models import NaceSection, Organisation, Programme, Site, Track
from mile.taxonomy.forms import ConceptChoiceField
from mile.taxonomy.models import Concept

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def intake_querysets(user: Any) -> dict[str, QuerySet[Any]]:
    """What a person registering someone may choose: the same for the form and the API."""
    programmes = Programme.objects.for_user(user)
    if not permissions.is_platform_admin(user):
        programmes = programmes.filter(
            pk__in=permissions.programme_ids_with(user, Cap.MANAGE_PARTICIPANTS)
        )
    sites = Site.objects.filter(programme__in=programmes)
    organisations = Organisation.objects.filter(
        involvements__programme__in=programmes,
        involvements__relation__in=["lead", "partner"],
    ).distinct()
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
            sites = sites.filter(pk__in=site_ids)
        organisations = organisations.filter(pk__in=staff.values_list("organisation_id", flat=True))
    return {
        "programme": programmes,
        "site": sites,
        "organisation": organisations,
        "track": Track.objects.filter(programme__in=programmes),
    }


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
        fields: dict[str, Any] = self.fields
        choices = intake_querysets(user)
        for name, queryset in choices.items():
            fields[name].queryset = queryset
        programmes = choices["programme"]
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


def _language_choices() -> list[tuple[str, str]]:
    return _languages_in(get_language() or "en")


@functools.cache
def _languages_in(reader: str) -> list[tuple[str, str]]:
    """Every ISO 639-1 language, named and sorted in the reader's language."""
    import pycountry

    from mile.core.languages import language_name

    codes = {code for lang in pycountry.languages if (code := getattr(lang, "alpha_2", None))}
    named = ((code, language_name(code, in_language=reader)) for code in codes)
    return sorted(named, key=lambda choice: choice[1].casefold())


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
    track = forms.ModelChoiceField(
        label=_("Track"), queryset=Track.objects.none(), required=False, empty_label=_("All tracks")
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    min_level = forms.ChoiceField(
        label=_("Level at least"),
        required=False,
        choices=[("", _("Any level")), *Cefr.choices],
        help_text=_("In at least one of the five skills. A mother tongue counts as any level."),
    )
    skill = ConceptChoiceField(kind="skill", label=_("Skill (ESCO)"), required=False)
    occupation = ConceptChoiceField(
        kind="occupation",
        label=_("Occupation (ESCO)"),
        required=False,
        help_text=_("In work experience or preferred."),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("name", _("Name")), ("status", _("Status")), ("newest", _("Newest first"))],
    )

    def __init__(self, *args: Any, user: Any, sensitive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["site"].queryset = Site.objects.for_user(user)
        fields["track"].queryset = Track.objects.for_user(user)
        fields["nationality"].choices = [("", _("All")), *countries]
        fields["language"].choices = [("", _("All languages")), *_language_choices()]
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


# --- Skills profile: education, work experience, preferences, documents ----------------------


class EducationForm(forms.ModelForm[Education]):
    class Meta:
        model = Education
        fields = [
            "level", "field", "title", "institution", "country",
            "start_year", "end_year", "recognition",
        ]  # fmt: skip


class WorkExperienceForm(forms.ModelForm[WorkExperience]):
    occupation = ConceptChoiceField(kind="occupation", label=_("Occupation (ESCO)"), required=False)

    class Meta:
        model = WorkExperience
        fields = [
            "job_title", "occupation", "employer", "country", "started_on", "ended_on", "tasks",
        ]  # fmt: skip
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "tasks": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "tasks": _("What the person did, in their words. We suggest ESCO skills from it."),
        }


class _ConceptCheckboxes(forms.ModelMultipleChoiceField[Concept]):
    def label_from_instance(self, obj: Concept) -> str:
        return obj.label()


class _AvailabilityForm(forms.ModelForm[Participant]):
    """Digital skills, driving licences and when and how much the person can work."""

    driving_licences = forms.MultipleChoiceField(
        label=_("Driving licences"),
        choices=DrivingLicence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_hours = forms.ChoiceField(
        label=_("Preferred working time"),
        choices=[("", _("No preference")), *Hours.choices],
        required=False,
    )

    class Meta:
        model = Participant
        fields = [
            "digital_level", "driving_licences", "available_from", "hours_per_week",
            "preferred_hours", "preferred_places",
        ]  # fmt: skip
        widgets = {"available_from": DATE}
        help_texts = {"preferred_places": _("Towns or areas, separated by commas.")}

    def clean_hours_per_week(self) -> int | None:
        hours: int | None = self.cleaned_data.get("hours_per_week")
        if hours is not None and not 1 <= hours <= 60:
            raise forms.ValidationError(_("Give a number of hours between 1 and 60."))
        return hours


class OwnProfileForm(_AvailabilityForm):
    """What a participant keeps up to date themselves: how to reach them and when they can work."""

    class Meta(_AvailabilityForm.Meta):
        fields = ["phone", *_AvailabilityForm.Meta.fields]


class PreferencesForm(_AvailabilityForm):
    """Staff's form: availability, and what work the person looks for."""

    # The occupations chosen so far, as ticked boxes (untick to remove) …
    preferred_occupations = _ConceptCheckboxes(
        label=_("Preferred occupations"),
        queryset=Concept.objects.none(),
        to_field_name="uri",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick an occupation to remove it."),
    )
    # … and one more from the ESCO type-ahead.
    add_occupation = ConceptChoiceField(
        kind="occupation", label=_("Add a preferred occupation"), required=False
    )
    preferred_sectors = forms.MultipleChoiceField(
        label=_("Preferred sectors"),
        choices=NaceSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(_AvailabilityForm.Meta):
        fields = [
            "digital_level", "driving_licences", "available_from", "hours_per_week",
            "preferred_hours", "preferred_occupations", "preferred_sectors", "preferred_places",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["preferred_occupations"].queryset = (
            self.instance.preferred_occupations.with_labels()
            if self.instance.pk
            else Concept.objects.none()
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = list(cleaned.get("preferred_occupations") or [])
        added = cleaned.get("add_occupation")
        if added is not None and added not in chosen:
            chosen.append(added)
        cleaned["preferred_occupations"] = chosen
        return cleaned


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[
            (DocumentKind.CV, DocumentKind.CV.label),
            (DocumentKind.OTHER, DocumentKind.OTHER.label),
        ],
        initial=DocumentKind.CV,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX or ODT, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=200)


class SkillChoiceForm(forms.Form):
    """The suggested ESCO skills a case worker ticks to add to the profile."""

    skills = forms.MultipleChoiceField(
        label=_("Suggested skills"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["skills"].choices = choices

    def clean_skills(self) -> list[str]:
        skills: list[str] = self.cleaned_data["skills"]
        if not skills:
            raise forms.ValidationError(_("Tick at least one skill, or go back to the profile."))
        return skills


class DocumentLanguageForm(forms.Form):
    """The language of a profile or certificate PDF: any of the interface languages."""

    lang = forms.ChoiceField(label=_("Language of the document"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        super().__init__(*args, **kwargs)
        # Each language named in itself: the person may not read the page's language.
        self.fields["lang"].choices = list(settings.LANGUAGES)  # type: ignore[attr-defined]


# --- Plan, services and validation ------------------------------------------------------------


def _positive_hours(value: Any) -> Any:
    if value is not None and value <= 0:
        raise forms.ValidationError(_("Give a number of hours above zero."))
    return value


class PlanForm(forms.ModelForm[IntegrationPlan]):
    class Meta:
        model = IntegrationPlan
        fields = ["goals", "agreed_on"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 3}), "agreed_on": DATE}
        help_texts = {
            "goals": _("What the person wants to reach, in their own words."),
            "agreed_on": _("The day you agreed the plan with the person."),
        }


class PlannedServiceForm(forms.ModelForm[PlannedService]):
    class Meta:
        model = PlannedService
        fields = [
            "service_type", "description", "responsible",
            "starts_on", "ends_on", "hours", "state",
        ]  # fmt: skip
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["responsible"]
        # Someone of the programme who works with participants.
        field.queryset = responsible_staff(participant.programme_id)

    def clean_hours(self) -> Any:
        return _positive_hours(self.cleaned_data["hours"])


class _PlannedChoice(forms.ModelChoiceField[PlannedService]):
    def label_from_instance(self, obj: PlannedService) -> str:
        label = obj.get_service_type_display()
        return f"{label} – {obj.description}" if obj.description else label


class ServiceRecordForm(forms.ModelForm[ServiceRecord]):
    planned = _PlannedChoice(
        queryset=PlannedService.objects.none(),
        required=False,
        label=_("For the planned service"),
        help_text=_("It then shows as in progress, or done when its hours are reached."),
    )

    class Meta:
        model = ServiceRecord
        fields = [
            "service_type", "title", "started_on", "ended_on", "hours",
            "provider", "outcome", "planned", "notes",
        ]  # fmt: skip
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("For example: Italian course A2, forklift training."),
            "notes": _("Seen by case workers and coordinators only; stored encrypted."),
        }

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["provider"].queryset = providers(participant.programme_id)
        planned = PlannedService.objects.filter(plan__participant=participant)
        current = self.instance.planned_id if self.instance.pk else None
        # A cancelled service takes no new records; the one a record already has stays listed.
        fields["planned"].queryset = (
            planned.exclude(state=PlannedService.State.CANCELLED)
            | planned.filter(pk__in=[current] if current else [])
        ).order_by("starts_on", "pk")

    def clean_hours(self) -> Any:
        return _positive_hours(self.cleaned_data["hours"])


class _ConceptLabelChoice(forms.ModelChoiceField[Concept]):
    def label_from_instance(self, obj: Concept) -> str:
        return obj.label()


class ValidationStartForm(forms.Form):
    profile_skill = _ConceptLabelChoice(
        queryset=Concept.objects.none(),
        required=False,
        label=_("A skill of the profile"),
        empty_label=_("Choose a skill"),
    )
    skill = ConceptChoiceField(kind="skill", required=False, label=_("Or another ESCO skill"))
    identified_on = forms.DateField(label=_("Identified on"), required=False, widget=DATE)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the skill was found, for example in an interview or at work."),
    )

    def __init__(self, *args: Any, participant: Participant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["profile_skill"]
        field.queryset = (
            Concept.objects.with_labels()
            .filter(pk__in=participant.skills.values("skill_id"))
            .exclude(pk__in=participant.validations.values("skill_id"))
            .order_by("uri")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [s for s in (data.get("profile_skill"), data.get("skill")) if s is not None]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose a skill of the profile, or search ESCO."))
        if len(chosen) == 2 and chosen[0] != chosen[1]:
            raise forms.ValidationError(_("Choose one skill only."))
        data["chosen"] = chosen[0] if chosen else None
        return data


# What each phase asks for, besides its date.
_PHASE_FIELDS = {
    ValidationPhase.DOCUMENT: ("file", "description"),
    ValidationPhase.ASSESS: ("result", "assessor"),
    ValidationPhase.CERTIFY: (),
}
_PHASE_DATE_LABELS = {
    ValidationPhase.DOCUMENT: _("Documented on"),
    ValidationPhase.ASSESS: _("Assessed on"),
    ValidationPhase.CERTIFY: _("Certified on"),
}


class ValidationAdvanceForm(forms.Form):
    """The next phase of one validation: its date and what the phase asks for."""

    phase = forms.ChoiceField(choices=ValidationPhase.choices, widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=DATE)
    result = forms.ChoiceField(
        label=_("Result"),
        choices=SkillValidation.Result.choices,
        widget=forms.RadioSelect,
    )
    assessor = forms.CharField(
        label=_("Assessor"),
        max_length=200,
        help_text=_("The person or body who assessed the skill."),
    )
    file = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("PDF, DOCX, ODT, PNG or JPEG, up to 10 MB: a certificate, a photo of work."),
    )
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)

    def __init__(self, *args: Any, phase: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].initial = phase
        self.fields["on"].label = _PHASE_DATE_LABELS[ValidationPhase(phase)]
        for name in ("result", "assessor", "file", "description"):
            if name not in _PHASE_FIELDS[ValidationPhase(phase)]:
                del self.fields[name]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence"),
        help_text=_("PDF, DOCX, ODT, PNG or JPEG, up to 10 MB: a certificate, a photo of work."),
    )
    description = forms.CharField(label=_("What it shows"), max_length=200, required=False)
