"""The engine's reason codes as sentences in the reader's language.

``mile.matching.explain`` gives each pair a list of ``Reason(code, params)``; this module
renders them with gettext, naming ESCO skills by their label in the reader's language
(English when ESCO has none) and languages by their name. Every sentence is one translatable
string with named placeholders, so translators see the whole sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mile.core.languages import language_name
from mile.taxonomy.models import Label

type ReasonLike = Sequence[Any]


def concept_labels(uris: Iterable[str], language: str | None = None) -> dict[str, str]:
    """URI → preferred label in ``language`` (else English), in one query."""
    wanted = set(uris)
    if not wanted:
        return {}
    lang = language or get_language() or "en"
    found: dict[str, dict[str, str]] = {}
    for uri, label_language, text in Label.objects.filter(
        concept__uri__in=wanted, kind=Label.Kind.PREFERRED, language__in={lang, "en"}
    ).values_list("concept__uri", "language", "text"):
        found.setdefault(uri, {})[label_language] = text
    return {uri: by.get(lang) or by.get("en") or uri for uri, by in found.items()}


def uris_of(reasons: Iterable[ReasonLike]) -> set[str]:
    """Every concept URI the reasons name, to label them all at once."""
    out: set[str] = set()
    for code, params in reasons:
        if code in ("essential", "optional"):
            out.update(params.get("missing", ()))
            out.update(params.get("partial", ()))
    return out


def _names(uris: Iterable[str], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(u, u) for u in uris)


def reason_text(reason: ReasonLike, labels: Mapping[str, str]) -> str:
    """One reason as a sentence in the active language."""
    code, p = reason[0], reason[1]
    if code == "excluded":
        if p.get("why") == "driving_licence":
            return _("Excluded: driving licence %(licence)s required.") % {
                "licence": p.get("licence", "")
            }
        if p.get("why") == "no_work_authorisation":
            return _("Excluded: not allowed to work for the whole placement.")
        return _("Excluded.")
    if code == "essential":
        text = ngettext(
            "%(have)s of %(of)s essential skill.",
            "%(have)s of %(of)s essential skills.",
            p["of"],
        ) % {"have": p["have"], "of": p["of"]}
        if p.get("partial"):
            text += " " + _("Partly: %(skills)s.") % {"skills": _names(p["partial"], labels)}
        if p.get("missing"):
            text += " " + _("Missing: %(skills)s.") % {"skills": _names(p["missing"], labels)}
        return text
    if code == "language":
        values = {"language": language_name(p["language"]), "required": p["required"]}
        if p.get("has") is None:
            return _("%(language)s %(required)s required, not spoken.") % values
        short = p.get("short") or 0
        values["has"] = p["has"]
        if not short:
            return _("%(language)s %(required)s required, has %(has)s.") % values
        values["short"] = short
        return (
            ngettext(
                "%(language)s %(required)s required, has %(has)s (%(short)s level short).",
                "%(language)s %(required)s required, has %(has)s (%(short)s levels short).",
                short,
            )
            % values
        )
    if code == "remote":
        return _("Can be done remotely.")
    if code == "distance":
        return _("%(km)s km away.") % {"km": p["km"]}
    if code == "same_site":
        return _("At the person's site.")
    if code == "other_site":
        return _("At another site.")
    if code == "late_start":
        return ngettext(
            "Available %(days)s day after the start.",
            "Available %(days)s days after the start.",
            p["days"],
        ) % {"days": p["days"]}
    if code == "hours":
        return _("Can work %(has)s of the %(required)s hours a week.") % {
            "has": p["has"],
            "required": p["required"],
        }
    if code == "occupation":
        match = p.get("match")
        if match == "experience":
            return _("Has worked in this occupation.")
        if match == "preference":
            return _("Would like to work in this occupation.")
        if match == "isco":
            return _("Has worked in a related occupation.")
        return _("No experience in this occupation.")
    if code == "optional":
        return ngettext(
            "%(have)s of %(of)s optional skill.",
            "%(have)s of %(of)s optional skills.",
            p["of"],
        ) % {"have": p["have"], "of": p["of"]}
    return ""


def explanation(
    reasons: Iterable[ReasonLike], labels: Mapping[str, str] | None = None
) -> list[str]:
    """All reasons as sentences, in the engine's order; labels looked up when not given."""
    items = list(reasons)
    names = labels if labels is not None else concept_labels(uris_of(items))
    return [s for s in (reason_text(r, names) for r in items) if s]
