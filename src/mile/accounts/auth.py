from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The address axes locks: allauth signs in by e-mail, posted as ``login``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("login") or request.POST.get("login", "")
    return str(value).strip().lower()
