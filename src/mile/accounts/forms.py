from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from mile.accounts.models import User
from mile.core import permissions
from mile.core.roles import Cap, Role
from mile.programmes.models import Organisation, Programme, Site


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), label=_("Programme"))
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation")
    )
    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=_("Site"), required=False)
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, label=_("Language of the e-mail"), initial="en"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.for_user(user)
        if not permissions.is_platform_admin(user):
            programmes = programmes.filter(
                pk__in=permissions.programme_ids_with(user, Cap.INVITE_USERS)
            )
        fields: dict[str, Any] = self.fields
        fields["programme"].queryset = programmes
        fields["organisation"].queryset = (
            Organisation.objects.for_user(user)
            .filter(involvements__programme__in=programmes)
            .distinct()
        )
        fields["site"].queryset = Site.objects.for_user(user).filter(programme__in=programmes)
        # Only administrators hand out the administrator role.
        if not (permissions.is_platform_admin(user) or Role.ADMIN in permissions.all_roles(user)):
            fields["role"].choices = [c for c in Role.choices if c[0] != Role.ADMIN]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, organisation = data.get("programme"), data.get("organisation")
        if (
            programme
            and organisation
            and not organisation.involvements.filter(programme=programme).exists()
        ):
            self.add_error("organisation", _("This organisation is not involved in the programme."))
        site = data.get("site")
        if programme and site and site.programme_id != programme.pk:
            self.add_error("site", _("The site belongs to another programme."))
        return data


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            try:
                password_validation.validate_password(
                    p1, User(email=self.email, full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("For example: reporting script.")
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
