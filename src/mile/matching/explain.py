"""Why a pair scores what it does, as codes with numbers and URIs, never as sentences.

The app renders each `Reason` in the reader's language from its code; `explain_text` is the
one English rendering, for the command line and the benchmark. Reasons come in the order a
coordinator reads them: what rules the pair out, then skills, languages, place, time,
occupation and the nice-to-have skills.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import pycountry

from mile.matching.model import Offer
from mile.matching.score import Fit


class Reason(NamedTuple):
    code: str
    params: dict[str, Any]


def explain(fit: Fit, offer: Offer) -> list[Reason]:
    out = [Reason("excluded", _exclusion(why, fit)) for why in fit.excluded]
    if offer.essential:
        out.append(
            Reason(
                "essential",
                {
                    "have": len(fit.essential_matched),
                    "of": len(offer.essential),
                    "missing": list(fit.essential_missing),
                    "partial": [p.skill for p in fit.essential_partial],
                },
            )
        )
    for check in fit.languages:
        out.append(
            Reason(
                "language",
                {
                    "language": check.language,
                    "required": check.required,
                    "has": check.has,
                    "short": check.short,
                },
            )
        )
    if fit.remote:
        out.append(Reason("remote", {}))
    elif fit.distance_km is not None:
        out.append(Reason("distance", {"km": round(fit.distance_km)}))
    elif fit.same_site:
        out.append(Reason("same_site", {}))
    else:
        out.append(Reason("other_site", {}))
    if fit.days_late > 0:
        out.append(Reason("late_start", {"days": fit.days_late}))
    has_hours, needs_hours = fit.hours
    if has_hours is not None and needs_hours and has_hours < needs_hours:
        out.append(Reason("hours", {"has": has_hours, "required": needs_hours}))
    if offer.occupation is not None or offer.isco:
        if fit.occupation_match == "isco":
            out.append(Reason("occupation", {"match": "isco", "level": fit.occupation_level}))
        elif fit.occupation_match is not None:
            out.append(Reason("occupation", {"match": fit.occupation_match}))
        else:
            out.append(Reason("occupation", {"match": "none"}))
    if offer.optional:
        out.append(
            Reason(
                "optional",
                {
                    "have": len(fit.optional_matched),
                    "of": len(offer.optional),
                    "missing": list(fit.optional_missing),
                },
            )
        )
    return out


def _exclusion(why: str, fit: Fit) -> dict[str, Any]:
    if fit.missing_licence and why == "driving_licence":
        return {"why": why, "licence": fit.missing_licence}
    return {"why": why}


_SHORT = {1: "one level short", 2: "two levels short", 3: "three levels short"}


def _language_name(code: str, labels: Mapping[str, str]) -> str:
    if code in labels:
        return labels[code]
    found = pycountry.languages.get(alpha_2=code)
    return str(found.name) if found is not None else code


def explain_text(reasons: list[Reason], labels: Mapping[str, str]) -> str:
    """English sentences for `reasons`; `labels` names URIs (and may rename languages)."""

    def name(uri: str) -> str:
        return labels.get(uri, uri)

    sentences = [_sentence(r, name, labels) for r in reasons]
    return " ".join(s for s in sentences if s)


def _sentence(reason: Reason, name: Callable[[str], str], labels: Mapping[str, str]) -> str:
    code, p = reason
    match code:
        case "excluded" if p["why"] == "driving_licence":
            return f"Excluded: driving licence {p.get('licence', '')} required."
        case "excluded" if p["why"] == "no_work_authorisation":
            return "Excluded: no work authorisation for the whole placement."
        case "excluded":
            return f"Excluded: {p['why']}."
        case "essential":
            text = f"{p['have']} of {p['of']} essential skills"
            if p["partial"]:
                text += "; partly: " + ", ".join(name(u) for u in p["partial"])
            if p["missing"]:
                text += "; missing: " + ", ".join(name(u) for u in p["missing"])
            return text + "."
        case "language":
            lang = _language_name(p["language"], labels)
            if p["has"] is None:
                return f"{lang} {p['required']} required, not spoken."
            short = p["short"]
            tail = f" ({_SHORT.get(short, f'{short} levels short')})" if short else ""
            return f"{lang} {p['required']} required, has {p['has']}{tail}."
        case "remote":
            return "Remote."
        case "distance":
            return f"{p['km']} km away."
        case "same_site":
            return "Same site."
        case "other_site":
            return "Another site."
        case "late_start":
            return f"Available {p['days']} days after the start."
        case "hours":
            return f"Can work {p['has']} of {p['required']} hours a week."
        case "occupation":
            return {
                "experience": "Has worked in this occupation.",
                "preference": "Would like this occupation.",
                "isco": f"Related occupation ({p.get('level')} ISCO digits in common).",
            }.get(p["match"], "No experience in this occupation.")
        case "optional":
            return f"{p['have']} of {p['of']} optional skills."
    return ""
