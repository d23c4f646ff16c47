"""ISO 639 language codes and their names in the reader's language."""

from __future__ import annotations

import gettext as pygettext
from collections.abc import Iterable
from functools import cache

import pycountry
from django.utils.translation import get_language


@cache
def _known_codes() -> frozenset[str]:
    return frozenset(
        code for lang in pycountry.languages if (code := getattr(lang, "alpha_2", None))
    )


@cache
def _catalogue(language: str) -> pygettext.NullTranslations:
    # pycountry ships the iso639-3 names translated into every language we serve.
    return pygettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def unknown_language_codes(codes: Iterable[str]) -> list[str]:
    return sorted({c for c in codes if c not in _known_codes()})


def language_name(code: str, *, in_language: str | None = None) -> str:
    """The name of an ISO 639-1 language in ``in_language`` (default: the active one)."""
    lang = pycountry.languages.get(alpha_2=code)
    if lang is None:
        return code
    name = str(_catalogue(in_language or get_language() or "en").gettext(lang.name))
    return name[:1].upper() + name[1:]


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every ISO 639-1 language as (code, name in the reader's language), sorted by name."""
    lang = language or get_language() or "en"
    return sorted(
        ((code, language_name(code, in_language=lang)) for code in _known_codes()),
        key=lambda item: item[1].casefold(),
    )
