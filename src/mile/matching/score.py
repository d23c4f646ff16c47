"""The fit of one person to one offer: a score in [0, 1] with its parts and their evidence.

This is the reference definition; `rank` computes the same numbers for many pairs at once and
is tested against it. Every part is monotone in what the person brings (a skill more or a
better language level never lowers it), so a person can always trust that learning helps.
Hard constraints do not lower the score, they exclude the pair (score 0, never ranked).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from mile.matching.model import (
    Offer,
    Person,
    SkillGraph,
    Weights,
    cefr_rank,
    holds_licence,
    isco4,
)

NO_WORK_AUTHORISATION = "no_work_authorisation"
DRIVING_LICENCE = "driving_licence"

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Credit:
    """How much a person has of one skill: 1 for the skill itself, else through `via`."""

    value: float
    via: str
    # "have", "broader" (the person's skill is broader), "narrower" or "related".
    kind: str


@dataclass(frozen=True, slots=True)
class PartialMatch:
    skill: str
    via: str
    kind: str
    credit: float


@dataclass(frozen=True, slots=True)
class LanguageCheck:
    language: str
    required: str
    has: str | None
    # CEFR levels missing; None when the person does not speak the language at all.
    short: int | None
    credit: float


@dataclass(frozen=True, slots=True)
class Fit:
    score: float
    excluded: tuple[str, ...]
    parts: Mapping[str, float]
    essential_matched: tuple[str, ...] = ()
    essential_partial: tuple[PartialMatch, ...] = ()
    essential_missing: tuple[str, ...] = ()
    optional_matched: tuple[str, ...] = ()
    optional_partial: tuple[PartialMatch, ...] = ()
    optional_missing: tuple[str, ...] = ()
    languages: tuple[LanguageCheck, ...] = ()
    distance_km: float | None = None
    same_site: bool = False
    remote: bool = False
    # "experience", "preference", "isco" or None, with the ISCO digits in common.
    occupation_match: str | None = None
    occupation_level: int = 0
    days_late: int = 0
    hours: tuple[int | None, int | None] = (None, None)
    missing_licence: str | None = field(default=None)


def skill_credits(skills: Iterable[str], graph: SkillGraph, weights: Weights) -> dict[str, Credit]:
    """Skill URI → the best credit the person's skills give it (only those above 0)."""
    out: dict[str, Credit] = {}

    def offer(target: str, value: float, via: str, kind: str) -> None:
        if value > 0 and (target not in out or value > out[target].value):
            out[target] = Credit(value, via, kind)

    # Sorted, and only a strictly better credit replaces one, so `via` is deterministic.
    ordered = sorted(skills)
    for s in ordered:
        out[s] = Credit(1.0, s, "have")
    for s in ordered:
        for t in sorted(graph.narrower.get(s, ())):
            offer(t, weights.broader_skill, s, "broader")
        for t in sorted(graph.broader.get(s, ())):
            offer(t, weights.broader_skill, s, "narrower")
        for t in sorted(graph.related.get(s, ())):
            offer(t, weights.related_skill, s, "related")
    return out


def credit_values(skills: Iterable[str], graph: SkillGraph, weights: Weights) -> dict[str, float]:
    """The values of `skill_credits` without their evidence: what ranking needs, faster."""
    out: dict[str, float] = {}
    pairs = (
        (graph.narrower, weights.broader_skill),
        (graph.broader, weights.broader_skill),
        (graph.related, weights.related_skill),
    )
    own = frozenset(skills)
    for s in own:
        for relation, value in pairs:
            for t in relation.get(s, ()):
                if out.get(t, 0.0) < value:
                    out[t] = value
    for s in own:
        out[s] = 1.0
    return out


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_credit(km: float, weights: Weights) -> float:
    if km <= weights.full_km:
        return 1.0
    return max(0.0, (weights.zero_km - km) / (weights.zero_km - weights.full_km))


def language_credit(required: str, has: str | None, weights: Weights) -> tuple[int | None, float]:
    """(levels short, credit) of one required language."""
    if has is None:
        return None, 0.0
    short = max(0, cefr_rank(required) - cefr_rank(has))
    credit = 1.0 if short == 0 else weights.language_one_short if short == 1 else 0.0
    return short, credit


def lateness_credit(days_late: int, weights: Weights) -> float:
    if days_late <= 0:
        return 1.0
    return weights.late_credit if days_late <= weights.late_days else 0.0


def hours_credit(person_hours: int | None, offer_hours: int | None) -> float:
    if person_hours is None or not offer_hours or offer_hours <= 0:
        return 1.0
    return min(1.0, max(0.0, person_hours / offer_hours))


def exclusions(person: Person, offer: Offer) -> tuple[str, ...]:
    """The hard constraints the pair breaks, as codes."""
    out: list[str] = []
    needed_until = offer.ends_on or offer.starts_on
    if not person.work_authorised or (
        person.work_authorised_until is not None
        and needed_until is not None
        and person.work_authorised_until < needed_until
    ):
        out.append(NO_WORK_AUTHORISATION)
    if offer.driving_licence and not holds_licence(person.driving_licences, offer.driving_licence):
        out.append(DRIVING_LICENCE)
    return tuple(out)


def _coverage(
    required: frozenset[str], credits: Mapping[str, Credit]
) -> tuple[float, tuple[str, ...], tuple[PartialMatch, ...], tuple[str, ...]]:
    matched: list[str] = []
    partial: list[PartialMatch] = []
    missing: list[str] = []
    total = 0.0
    for uri in sorted(required):
        c = credits.get(uri)
        if c is None:
            missing.append(uri)
        elif c.kind == "have":
            matched.append(uri)
        else:
            partial.append(PartialMatch(uri, c.via, c.kind, c.value))
        total += c.value if c else 0.0
    value = total / len(required) if required else 1.0
    return value, tuple(matched), tuple(partial), tuple(missing)


def occupation_fit(person: Person, offer: Offer, weights: Weights) -> tuple[float, str | None, int]:
    """(credit, how it matched, ISCO digits in common); an offer naming none fits anyone."""
    if offer.occupation is None and isco4(offer.isco) is None:
        return 1.0, None, 0
    if offer.occupation is not None:
        if offer.occupation in person.occupations:
            return 1.0, "experience", 0
        if offer.occupation in person.preferred_occupations:
            return 1.0, "preference", 0
    target = isco4(offer.isco)
    level = 0
    if target is not None:
        for code in person.isco_codes:
            mine = isco4(code)
            if mine is not None:
                level = max(level, _common_prefix(mine, target))
    if level == 0:
        return 0.0, None, 0
    return weights.isco_credit[level - 1], "isco", level


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def fit(person: Person, offer: Offer, graph: SkillGraph, weights: Weights | None = None) -> Fit:
    """Score `person` for `offer`: the weighted mean of the parts, 0 for an excluded pair."""
    w = weights or Weights()
    credits = skill_credits(person.skills, graph, w)
    essential, e_match, e_partial, e_missing = _coverage(offer.essential, credits)
    optional, o_match, o_partial, o_missing = _coverage(offer.optional, credits)
    occupation, occ_match, occ_level = occupation_fit(person, offer, w)

    checks: list[LanguageCheck] = []
    for code in sorted(offer.languages):
        required = offer.languages[code]
        has = person.languages.get(code)
        short, credit = language_credit(required, has, w)
        checks.append(LanguageCheck(code, required, has, short, credit))
    languages = sum(c.credit for c in checks) / len(checks) if checks else 1.0

    distance = None
    if None not in (person.lat, person.lon, offer.lat, offer.lon):
        distance = haversine_km(person.lat, person.lon, offer.lat, offer.lon)  # type: ignore[arg-type]
    same_site = person.site_id is not None and person.site_id == offer.site_id
    if offer.remote:
        place = 1.0
    elif distance is not None:
        place = distance_credit(distance, w)
    else:
        place = 1.0 if same_site else 0.0

    days_late = 0
    if person.available_from is not None and offer.starts_on is not None:
        days_late = max(0, (person.available_from - offer.starts_on).days)
    time = lateness_credit(days_late, w) * hours_credit(person.hours_per_week, offer.hours_per_week)

    parts = {
        "essential": essential,
        "optional": optional,
        "occupation": occupation,
        "languages": languages,
        "place": place,
        "time": time,
    }
    excluded = exclusions(person, offer)
    weight = w.parts()
    score = 0.0 if excluded else sum(weight[k] * v for k, v in parts.items()) / sum(weight.values())
    missing_licence = offer.driving_licence if DRIVING_LICENCE in excluded else None
    return Fit(
        score=min(1.0, max(0.0, score)),
        excluded=excluded,
        parts=MappingProxyType(parts),
        essential_matched=e_match,
        essential_partial=e_partial,
        essential_missing=e_missing,
        optional_matched=o_match,
        optional_partial=o_partial,
        optional_missing=o_missing,
        languages=tuple(checks),
        distance_km=distance,
        same_site=same_site,
        remote=offer.remote,
        occupation_match=occ_match,
        occupation_level=occ_level,
        days_late=days_late,
        hours=(person.hours_per_week, offer.hours_per_week),
        missing_licence=missing_licence,
    )
