"""Plain, immutable data for the ESCO taxonomy.

Everything here is a frozen dataclass, a tuple or a mapping of plain values, so the Django
importer can walk it without knowing how it was read (official CSVs or the bundled extract).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class ConceptKind(StrEnum):
    SKILL = "skill"
    SKILL_GROUP = "skill_group"
    OCCUPATION = "occupation"
    ISCO_GROUP = "isco_group"


class RelationType(StrEnum):
    ESSENTIAL = "essential"
    OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class Labels:
    """The labels of one concept in one language."""

    preferred: str
    alternative: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return (self.preferred, *self.alternative, *self.hidden)


@dataclass(frozen=True, slots=True)
class Concept:
    uri: str
    kind: ConceptKind
    # Keyed by ISO 639-1 language code.
    labels: Mapping[str, Labels]
    descriptions: Mapping[str, str] = field(default_factory=dict)
    # ISCO code for ISCO groups and occupations ("2654.1"), the hierarchy code for skill groups.
    code: str = ""
    # "skill/competence", "knowledge" (skills only; empty when unknown).
    skill_type: str = ""
    # "transversal", "cross-sector", "sector-specific", "occupation-specific".
    reuse_level: str = ""
    status: str = ""
    broader: tuple[str, ...] = ()

    def label(self, lang: str, *, fallback: str = "en") -> str:
        """The preferred label in `lang`, else in `fallback`, else in any language."""
        for code in (lang, fallback):
            if code in self.labels:
                return self.labels[code].preferred
        for code in sorted(self.labels):
            return self.labels[code].preferred
        return self.uri


@dataclass(frozen=True, slots=True)
class OccupationSkill:
    occupation_uri: str
    skill_uri: str
    relation: RelationType


@dataclass(frozen=True, slots=True)
class SkillRelation:
    skill_uri: str
    related_uri: str
    relation: RelationType


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """One coherent ESCO release, possibly in several languages.

    `concepts` is ordered by URI so every consumer (the extract writer, the importer, the
    linker's index) sees the same order on every run.
    """

    version: str
    concepts: Mapping[str, Concept]
    occupation_skills: tuple[OccupationSkill, ...] = ()
    skill_relations: tuple[SkillRelation, ...] = ()
    # Collection name ("transversal", "language", "digital", "green", …) → member URIs.
    collections: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # What the loader dropped without failing (e.g. relations to withdrawn concepts).
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A read-only view so a shared Taxonomy cannot be changed under its indexes.
        if not isinstance(self.concepts, MappingProxyType):
            object.__setattr__(self, "concepts", MappingProxyType(dict(self.concepts)))

    def of_kind(self, *kinds: ConceptKind) -> Iterator[Concept]:
        wanted = set(kinds)
        return (c for c in self.concepts.values() if c.kind in wanted)

    def languages(self, *kinds: ConceptKind) -> frozenset[str]:
        """Languages with at least one label for a concept of one of `kinds` (all if none)."""
        wanted = set(kinds) or set(ConceptKind)
        langs: set[str] = set()
        for concept in self.concepts.values():
            if concept.kind in wanted:
                langs.update(concept.labels)
        return frozenset(langs)

    def narrower(self, uri: str) -> tuple[str, ...]:
        return tuple(c.uri for c in self.concepts.values() if uri in c.broader)

    def skills_of(self, occupation_uri: str) -> tuple[OccupationSkill, ...]:
        return tuple(r for r in self.occupation_skills if r.occupation_uri == occupation_uri)
