"""Plain, immutable inputs of the matching engine: people, offers, the skill graph, weights.

The Django apps translate their rows into these, so the engine can be scored, ranked and
benchmarked without a database. Identifiers are ESCO URIs for skills and occupations, ISO
639-1 codes for languages, CEFR levels as "A1".."C2", and 4-digit ISCO-08 codes as strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

type Id = int | str

CEFR_LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")
_CEFR_RANK = {level: rank for rank, level in enumerate(CEFR_LEVELS)}

# Which lower categories a driving licence also allows (EU directive 2006/126/EC): C and D
# are only issued on top of B, an E category on top of its base. Others cover only themselves.
LICENCE_COVERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "A": frozenset({"A2", "A1", "AM"}),
        "A2": frozenset({"A1", "AM"}),
        "A1": frozenset({"AM"}),
        "B": frozenset({"AM"}),
        "BE": frozenset({"B", "AM"}),
        "C1": frozenset({"B", "AM"}),
        "C": frozenset({"C1", "B", "AM"}),
        "C1E": frozenset({"C1", "BE", "B", "AM"}),
        "CE": frozenset({"C", "C1", "C1E", "BE", "B", "AM"}),
        "D1": frozenset({"B", "AM"}),
        "D": frozenset({"D1", "B", "AM"}),
        "D1E": frozenset({"D1", "BE", "B", "AM"}),
        "DE": frozenset({"D", "D1", "D1E", "BE", "B", "AM"}),
    }
)


def cefr_rank(level: str) -> int:
    """0 for A1 up to 5 for C2; a ValueError for anything else."""
    try:
        return _CEFR_RANK[level.strip().upper()]
    except KeyError:
        raise ValueError(f"not a CEFR level: {level!r}") from None


def holds_licence(held: Iterable[str], needed: str) -> bool:
    """Whether the licences held allow driving what `needed` names."""
    return any(h == needed or needed in LICENCE_COVERS.get(h, ()) for h in held)


def isco4(code: str | None) -> str | None:
    """The 4-digit ISCO unit group of a code ("2654" of "2654.1"); None if there is none."""
    if not code:
        return None
    head = code.strip()[:4]
    return head if len(head) == 4 and head.isdigit() else None


def _freeze(pairs: Mapping[str, set[str]]) -> Mapping[str, frozenset[str]]:
    return MappingProxyType({k: frozenset(v) for k, v in pairs.items()})


@dataclass(frozen=True, slots=True)
class SkillGraph:
    """The ESCO relations that give partial credit for a skill a person lacks.

    `broader` and `narrower` are the hierarchy one step up and down; `related` holds the
    skill–skill relations, made symmetric (knowing either side helps with the other).
    """

    broader: Mapping[str, frozenset[str]] = field(default_factory=dict)
    narrower: Mapping[str, frozenset[str]] = field(default_factory=dict)
    related: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_lists(
        cls,
        broader: Iterable[tuple[str, str]] = (),
        related: Iterable[tuple[str, str]] = (),
    ) -> SkillGraph:
        """From (skill, its broader skill) and (skill, related skill) pairs."""
        up: dict[str, set[str]] = {}
        down: dict[str, set[str]] = {}
        rel: dict[str, set[str]] = {}
        for skill, parent in broader:
            if skill != parent:
                up.setdefault(skill, set()).add(parent)
                down.setdefault(parent, set()).add(skill)
        for a, b in related:
            if a != b:
                rel.setdefault(a, set()).add(b)
                rel.setdefault(b, set()).add(a)
        return cls(_freeze(up), _freeze(down), _freeze(rel))


@dataclass(frozen=True, slots=True)
class Person:
    """What the engine knows of a participant; `groups` label them for fairness floors."""

    id: Id
    skills: frozenset[str] = frozenset()
    # ISO 639-1 code → the person's best CEFR level in it.
    languages: Mapping[str, str] = field(default_factory=dict)
    # ESCO occupations from work experience, and those the person would like.
    occupations: frozenset[str] = frozenset()
    preferred_occupations: frozenset[str] = frozenset()
    # 4-digit ISCO codes of both kinds of occupation.
    isco_codes: frozenset[str] = frozenset()
    site_id: Id | None = None
    lat: float | None = None
    lon: float | None = None
    available_from: date | None = None
    hours_per_week: int | None = None
    work_authorised: bool = True
    # None: no known end (citizens, permanent residents).
    work_authorised_until: date | None = None
    driving_licences: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Offer:
    """A placement offer; `places` is how many people it can take."""

    id: Id
    essential: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    occupation: str | None = None
    isco: str | None = None
    # ISO 639-1 code → the minimum CEFR level.
    languages: Mapping[str, str] = field(default_factory=dict)
    site_id: Id | None = None
    lat: float | None = None
    lon: float | None = None
    remote: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    hours_per_week: int | None = None
    places: int = 1
    driving_licence: str | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """How the parts of a fit add up, and how much partial matches count.

    Part weights (normalised by their total, so only their ratios matter):
    essential 0.45, optional 0.10, occupation 0.15, languages 0.15, place 0.10, time 0.05.
    Essential skills carry most because an employer rejects on them first; time carries
    least because a start date can usually be moved.

    Partial credit: a person's skill one step up or down the ESCO hierarchy from a required
    skill counts `broader_skill` (0.5), a related skill `related_skill` (0.5). A language one
    CEFR level short counts `language_one_short` (0.5), two or more 0. Distance counts fully
    up to `full_km` (5 km), then falls linearly to 0 at `zero_km` (50 km). An occupation in
    the same ISCO group counts by the digits in common, `isco_credit[d - 1]` for d digits
    (0.2, 0.4, 0.6, 0.8). A start up to `late_days` (30) after the offer's counts
    `late_credit` (0.5), later 0; fewer hours than the offer needs count their share.
    """

    essential: float = 0.45
    optional: float = 0.10
    occupation: float = 0.15
    languages: float = 0.15
    place: float = 0.10
    time: float = 0.05
    broader_skill: float = 0.5
    related_skill: float = 0.5
    language_one_short: float = 0.5
    full_km: float = 5.0
    zero_km: float = 50.0
    isco_credit: tuple[float, float, float, float] = (0.2, 0.4, 0.6, 0.8)
    late_days: int = 30
    late_credit: float = 0.5

    def __post_init__(self) -> None:
        parts = self.parts()
        if any(w < 0 for w in parts.values()) or sum(parts.values()) <= 0:
            raise ValueError("part weights must be non-negative with a positive total")
        if self.zero_km <= self.full_km:
            raise ValueError("zero_km must be beyond full_km")

    def parts(self) -> dict[str, float]:
        """Part name → weight, in the order parts are reported."""
        return {
            "essential": self.essential,
            "optional": self.optional,
            "occupation": self.occupation,
            "languages": self.languages,
            "place": self.place,
            "time": self.time,
        }
