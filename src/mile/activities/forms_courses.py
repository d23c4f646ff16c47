"""Forms of courses: the list's filters, a course, a session, enrolling someone, registering."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from mile.accounts.models import Membership, User
from mile.activities.models import (
    Audience,
    Course,
    CourseSession,
    CourseStatus,
    Topic,
)
from mile.activities.services import sites_run_by
from mile.core import permissions
from mile.core.languages import language_choices
from mile.core.roles import Cap
from mile.participants.models import Participant
from mile.programmes.models import Programme, Site
from mile.taxonomy.forms import ConceptMultipleChoiceField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# What someone registering online agrees to: what is kept, why, who sees it, how to undo it.
CONSENT_TEXT = _(
    "I agree that the organiser keeps my name, e-mail address, organisation and country, and "
    "my attendance at this course, to run the course, to issue my certificate and for the "
    "programme's reporting. Only the staff who run the course and the platform's "
    "administrators see them. I can ask the organiser at any time to see or delete them."
)


def _country_choices() -> list[tuple[str, Any]]:
    # A callable: the names come in the reader's language when the form is shown.
    return [("", _("Choose a country")), *countries]


def _language_choices() -> list[tuple[str, str]]:
    return language_choices()


# --- Places the user runs activities in --------------------------------------------------------


def programmes_run_by(user: Any) -> QuerySet[Programme]:
    """Programmes in which ``user`` may create courses."""
    if permissions.is_platform_admin(user):
        return Programme.objects.all()
    return Programme.objects.filter(
        pk__in=permissions.programme_ids_with(user, Cap.MANAGE_ACTIVITIES)
    )


def members_seen_by(user: Any, programme_ids: Any) -> QuerySet[User]:
    """Active members of the programmes, among the people ``user`` may see."""
    memberships = Membership.objects.for_user(user).filter(
        is_active=True, programme_id__in=programme_ids
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by(
        "full_name", "email"
    )


class _SiteField(forms.ModelChoiceField[Site]):
    def label_from_instance(self, obj: Site) -> str:
        return f"{obj.city} ({obj.programme.name})"


class _UserField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.email} ({obj.email})"


# --- The list ----------------------------------------------------------------------------------


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("All"),
    )
    site = _SiteField(
        label=_("Site"), required=False, queryset=Site.objects.none(), empty_label=_("All")
    )
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All")), *Audience.choices]
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All")), *Topic.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *CourseStatus.choices]
    )
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("All")),
            ("upcoming", _("Upcoming or running")),
            ("past", _("Finished")),
        ],
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            programme__in=programmes
        ).select_related("programme")


# --- A course ----------------------------------------------------------------------------------


class CourseForm(forms.ModelForm[Course]):
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = ConceptMultipleChoiceField(
        kind="skill",
        label=_("Skills taught (ESCO)"),
        required=False,
        help_text=_("Participants who complete the course get these skills in their profile."),
    )
    language = forms.ChoiceField(label=_("Language of teaching"), choices=_language_choices)

    class Meta:
        model = Course
        fields = [
            "programme", "site", "title", "description", "audience", "topics", "skills",
            "language", "level", "online", "place", "trainer", "trainer_name", "capacity",
            "public_registration", "registration_closes_on", "completion_attendance", "status",
        ]  # fmt: skip
        field_classes = {"site": _SiteField, "trainer": _UserField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "registration_closes_on": DATE,
        }
        help_texts = {
            "site": _(
                "Leave empty for a course of the whole programme (online, or for every site)."
            ),
            "trainer_name": _("When the trainer is not a member of the programme."),
            "capacity": _("When the course is full, people join a waiting list."),
            "public_registration": _(
                "Anyone with the link can register on a public page, without an account."
            ),
            "completion_attendance": _(
                "The share of the sessions someone must attend to complete the course."
            ),
            "status": _("Only those who run the course see a draft."),
        }

    # The fields the service writes as they are (the skills are set apart).
    SIMPLE_FIELDS = (
        "programme", "site", "title", "description", "audience", "topics", "language", "level",
        "online", "place", "trainer", "trainer_name", "capacity", "public_registration",
        "registration_closes_on", "completion_attendance", "status",
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course = self.instance
        programmes = programmes_run_by(user)
        sites = sites_run_by(user)
        if course.pk:
            # A course stays in its programme; its own site and trainer stay choosable.
            programmes = Programme.objects.filter(pk=course.programme_id)
            self.fields["programme"].disabled = True
            sites = sites.filter(programme_id=course.programme_id) | Site.objects.filter(
                pk=course.site_id or 0
            )
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["programme"].empty_label = None  # type: ignore[attr-defined]
        self.fields["site"].queryset = (  # type: ignore[attr-defined]
            sites.select_related("programme").distinct().order_by("programme__name", "city")
        )
        self.fields["site"].empty_label = _("Whole programme")  # type: ignore[attr-defined]
        trainers = members_seen_by(user, programmes.values("pk"))
        if course.trainer_id:
            trainers = trainers | User.objects.filter(pk=course.trainer_id)
        self.fields["trainer"].queryset = trainers.distinct()  # type: ignore[attr-defined]
        self.fields["trainer"].empty_label = _("Nobody of the programme")  # type: ignore[attr-defined]
        self.fields["topics"].initial = course.topics if course.pk else []
        if not course.pk:
            self.fields["language"].initial = get_language() or "en"

    def clean_topics(self) -> list[str]:
        # Stored in the list's order, whatever order the boxes were sent in.
        chosen = set(self.cleaned_data.get("topics") or [])
        return [value for value in Topic.values if value in chosen]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, trainer = data.get("programme"), data.get("trainer")
        if trainer is not None and data.get("trainer_name", "").strip():
            self.add_error(
                "trainer_name",
                _("Choose a member of the programme or write a name, not both."),
            )
        if (
            trainer is not None
            and programme is not None
            and trainer.pk != self.instance.trainer_id
            and not trainer.memberships.filter(is_active=True, programme=programme).exists()
        ):
            self.add_error("trainer", _("The trainer must be a member of the course's programme."))
        return data

    def simple_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.SIMPLE_FIELDS}


# --- A session ---------------------------------------------------------------------------------


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TIME)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TIME)
    title = forms.CharField(label=_("Topic of the session"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=250, required=False)

    def __init__(self, *args: Any, session: CourseSession | None, **kwargs: Any) -> None:
        if session is not None:
            starts, ends = (
                timezone.localtime(session.starts_at),
                timezone.localtime(session.ends_at),
            )
            kwargs.setdefault(
                "initial",
                {
                    "day": starts.date(),
                    "starts_at": starts.time(),
                    "ends_at": ends.time(),
                    "title": session.title,
                    "place": session.place,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["place"].help_text = _("Leave empty when it is the course's place.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("day"), data.get("starts_at"), data.get("ends_at")
        if day and starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data

    def session_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {
            "starts_at": dt.datetime.combine(data["day"], data["starts_at"], tzinfo=zone),
            "ends_at": dt.datetime.combine(data["day"], data["ends_at"], tzinfo=zone),
            "title": data["title"],
            "place": data["place"],
        }


# --- Enrolling someone (staff) -----------------------------------------------------------------


class _ParticipantField(forms.ModelChoiceField[Participant]):
    def label_from_instance(self, obj: Participant) -> str:
        return f"{obj.full_name} ({obj.reference}, {obj.site.city})"


class EnrolParticipantForm(forms.Form):
    """A participant the user follows; only those matching the search are listed."""

    participant = _ParticipantField(
        label=_("Participant"), queryset=Participant.objects.none(), empty_label=_("Choose")
    )

    def __init__(
        self, *args: Any, participants: QuerySet[Participant], shown: list[Participant], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        field: Any = self.fields["participant"]
        field.queryset = participants
        # Thousands may be in scope: the list shows the search's matches, the field takes any.
        field.widget.choices = [
            ("", _("Choose")),
            *((p.pk, field.label_from_instance(p)) for p in shown),
        ]

    def enrolment_fields(self) -> dict[str, Any]:
        return {"participant": self.cleaned_data["participant"]}


class EnrolMemberForm(forms.Form):
    user = _UserField(label=_("Member of the programme"), queryset=User.objects.none())

    def __init__(self, *args: Any, users: QuerySet[User], programme: Programme, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.programme = programme
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].empty_label = _("Choose")  # type: ignore[attr-defined]

    def enrolment_fields(self) -> dict[str, Any]:
        user = self.cleaned_data["user"]
        membership = (
            user.memberships.filter(is_active=True, programme=self.programme)
            .select_related("organisation")
            .first()
        )
        return {
            "user": user,
            "email": user.email,
            "organisation": membership.organisation if membership else None,
        }


class _PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    language = forms.ChoiceField(label=_("Language of the certificate"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language() or "en"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"].strip(),
            "email": data["email"],
            "organisation_name": data["organisation_name"].strip(),
            "country": data["country"],
            "language": data["language"],
        }


class EnrolOutsideForm(_PersonForm):
    """Someone from outside, registered by staff with the person's agreement."""

    agreed = forms.BooleanField(
        label=_(
            "The person agreed that we keep these details for the course, its certificate and "
            "the programme's reporting."
        ),
        error_messages={
            "required": _("Ask the person first: we keep their details only if they agree.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False

    def enrolment_fields(self) -> dict[str, Any]:
        return {**self.person_fields(), "consent_given_at": timezone.now()}


# --- Registering online (public) ---------------------------------------------------------------


class RegistrationForm(_PersonForm):
    """The public registration; ``website`` is a trap for robots, hidden from people."""

    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={
            "required": _("Please tick the box to agree: we cannot register you without it.")
        },
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def visible_fields(self) -> list[forms.BoundField]:
        return [f for f in super().visible_fields() if f.name != "website"]

    def enrolment_fields(self) -> dict[str, Any]:
        return {**self.person_fields(), "consent_given_at": timezone.now()}
