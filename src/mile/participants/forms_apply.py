"""Forms of the public application (one per step), and the consent parts of staff forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pycountry
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.core.languages import language_name
from mile.participants.consent import WORDINGS
from mile.participants.models import Gender, Purpose, ResidenceStatus, WorkAuthorisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# Plain descriptions of the CEFR levels, for people judging their own level.
LEVELS = [
    ("A1", _("A1 – I know some words and simple sentences.")),
    ("A2", _("A2 – I can talk about simple everyday things.")),
    ("B1", _("B1 – I can manage in most everyday situations.")),
    ("B2", _("B2 – I can talk with native speakers without much effort.")),
    ("C1", _("C1 – I speak fluently, also about difficult topics.")),
    ("C2", _("C2 – I understand almost everything and speak very precisely.")),
]
OTHER_LANGUAGES = 3


def _country_choices() -> list[tuple[str, Any]]:
    # A callable: the names come in the reader's language when the form is shown.
    return [("", _("Choose a country")), *countries]


def _language_choices() -> list[tuple[str, Any]]:
    names = [
        (code, language_name(code))
        for lang in pycountry.languages
        if (code := getattr(lang, "alpha_2", None))
    ]
    return [("", _("Choose a language")), *sorted(names, key=lambda c: c[1].casefold())]


class ApplyStepForm(forms.Form):
    """A step of the application; ``website`` is a trap for robots, hidden from people."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def visible_fields(self) -> list[forms.BoundField]:
        return [f for f in super().visible_fields() if f.name != "website"]


class AboutForm(ApplyStepForm):
    given_names = forms.CharField(label=_("Given names"), max_length=120)
    family_name = forms.CharField(label=_("Family name"), max_length=120)
    birth_date = forms.DateField(label=_("Date of birth"), widget=DATE)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["given_names"].widget.attrs["autocomplete"] = "given-name"
        self.fields["family_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["email"].help_text = _(
            "Give an e-mail address or a phone number, so that we can reach you."
        )

    def clean_birth_date(self) -> dt.date:
        born: dt.date = self.cleaned_data["birth_date"]
        if born > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if born.year < 1900:
            raise forms.ValidationError(_("Check the year of birth."))
        return born

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error(
                "email", _("Give an e-mail address or a phone number, so that we can reach you.")
            )
        return data


class SituationForm(ApplyStepForm):
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=_country_choices,
        help_text=_(
            "The programme is for people from outside the European Union. "
            "Only the staff of the programme see your answer."
        ),
    )
    second_nationality = forms.ChoiceField(
        label=_("Second nationality"), choices=_country_choices, required=False
    )
    country_of_birth = forms.ChoiceField(
        label=_("Country of birth"), choices=_country_choices, required=False
    )
    arrival_date = forms.DateField(
        label=_("When did you arrive in this country?"), widget=DATE, required=False
    )
    residence_status = forms.ChoiceField(
        label=_("Residence or protection status"),
        choices=[("", _("Choose your status")), *ResidenceStatus.choices],
        help_text=_(
            "We ask because some services depend on it. This answer is protected: "
            "only the staff who need it can see it, and each time they look it is recorded."
        ),
    )
    work_authorisation = forms.ChoiceField(
        label=_("Are you allowed to work here?"),
        choices=WorkAuthorisation.choices,
        widget=forms.RadioSelect,
        help_text=_("We ask so that we offer you only jobs and placements you may take."),
    )
    work_authorisation_expires = forms.DateField(
        label=_("Until when are you allowed to work?"), widget=DATE, required=False
    )

    def __init__(self, *args: Any, birth_date: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date

    def clean_arrival_date(self) -> dt.date | None:
        arrived: dt.date | None = self.cleaned_data.get("arrival_date")
        if arrived and arrived > timezone.localdate():
            raise forms.ValidationError(_("The arrival date cannot be in the future."))
        if arrived and self.birth_date and arrived < self.birth_date:
            raise forms.ValidationError(_("The arrival cannot be before the date of birth."))
        return arrived

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("work_authorisation") == WorkAuthorisation.NO and data.get(
            "work_authorisation_expires"
        ):
            self.add_error("work_authorisation_expires", _("There is no authorisation to expire."))
        if data.get("second_nationality") and data.get("second_nationality") == data.get(
            "nationality"
        ):
            data["second_nationality"] = ""
        return data

    def participant_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "nationalities": [c for c in (data["nationality"], data["second_nationality"]) if c],
            "country_of_birth": data["country_of_birth"],
            "arrival_date": data["arrival_date"],
            "residence_status": data["residence_status"],
            "work_authorisation": data["work_authorisation"],
            "work_authorisation_expires": data["work_authorisation_expires"],
        }


class LanguagesForm(ApplyStepForm):
    mother_tongue = forms.ChoiceField(
        label=_("Your mother tongue"),
        choices=_language_choices,
        help_text=_("The language you learned first, at home."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, OTHER_LANGUAGES + 1):
            self.fields[f"language_{n}"] = forms.ChoiceField(
                label=_("Another language you speak"), choices=_language_choices, required=False
            )
            self.fields[f"level_{n}"] = forms.ChoiceField(
                label=_("How well do you speak it?"),
                choices=[("", _("Choose your level")), *LEVELS],
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen = {data.get("mother_tongue")}
        for n in range(1, OTHER_LANGUAGES + 1):
            language, level = data.get(f"language_{n}"), data.get(f"level_{n}")
            if language and not level:
                self.add_error(f"level_{n}", _("Choose how well you speak this language."))
            elif level and not language:
                self.add_error(f"language_{n}", _("Choose the language."))
            elif language and language in seen:
                self.add_error(f"language_{n}", _("You have already chosen this language."))
            seen.add(language)
        return data

    def pairs(self) -> list[tuple[Any, Any]]:
        """The other languages as (language field, level field), for the template."""
        return [(self[f"language_{n}"], self[f"level_{n}"]) for n in range(1, OTHER_LANGUAGES + 1)]

    def language_skills(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        skills = [{"language": data["mother_tongue"], "level": ""}]
        for n in range(1, OTHER_LANGUAGES + 1):
            if data.get(f"language_{n}"):
                skills.append({"language": data[f"language_{n}"], "level": data[f"level_{n}"]})
        return skills


class ConsentForm(ApplyStepForm):
    """One yes or no per purpose; saying yes to taking part is needed to apply."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for wording in WORDINGS:
            self.fields[wording.purpose] = forms.ChoiceField(
                label=wording.question_text,
                help_text=wording.what_happens_text,
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose yes or no.")},
            )

    def clean_participation(self) -> str:
        answer = str(self.cleaned_data["participation"])
        if answer != "yes":
            raise forms.ValidationError(_("You can only apply if you say yes to taking part."))
        return answer

    def consents(self) -> dict[str, bool]:
        return {w.purpose: self.cleaned_data[w.purpose] == "yes" for w in WORDINGS}


class IntakeConsentForm(forms.Form):
    """Staff intake: what the person agreed to, and that a look-alike record is someone else."""

    prefix = "intake"

    def __init__(self, *args: Any, duplicates: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for wording in WORDINGS:
            self.fields[wording.purpose] = forms.BooleanField(
                label=wording.label,
                help_text=wording.what_happens_text,
                required=False,
            )
        if duplicates:
            self.fields["different_person"] = forms.BooleanField(
                label=_("I have checked: this is a different person."),
                required=True,
                error_messages={
                    "required": _("Check the possible duplicates above before you register.")
                },
            )

    def consents(self) -> dict[str, bool]:
        return {w.purpose: bool(self.cleaned_data.get(w.purpose)) for w in WORDINGS}


class ConsentChangeForm(forms.Form):
    """Staff record a new answer for one purpose; the old rows stay."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    given = forms.ChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Consent given")), ("no", _("Consent refused or withdrawn"))],
        widget=forms.RadioSelect,
    )
