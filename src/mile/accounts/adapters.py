from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import InvalidToken
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from encrypted_fields.fields import EncryptedTextField


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join MILE by invitation from a coordinator, never by signing themselves up.
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        language = getattr(user, "language", None) or translation.get_language()
        # Land in the language the person chose in their profile.
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return reverse("core:dashboard")


class MfaAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    """Keeps TOTP secrets and recovery seeds encrypted at rest, with the keys of case notes."""

    def encrypt(self, text: str) -> str:
        return str(_fernet().encrypt(text.encode()).decode())

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return str(_fernet().decrypt(encrypted_text.encode()).decode())
        except InvalidToken:
            # A secret enrolled before encryption was switched on is still plain text.
            return encrypted_text


def _fernet() -> Any:
    # The field's key derivation (SECRET_KEY and its fallbacks × MILE_ENCRYPTION_SALT), reused
    # rather than repeated, so rotating SECRET_KEY works the same for both.
    return EncryptedTextField().f
