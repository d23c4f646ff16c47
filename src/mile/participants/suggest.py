"""ESCO skills suggested from what a person wrote: the tasks of a job, the text of a CV.

The engine's linker (``taxonomy.search.linker_for``: fitted per process on the database's
labels, in the reader's language with English beside it) ranks skills for each line or
sentence; a skill keeps its best score over the pieces. Suggestions are only proposals: a case
worker ticks the ones that hold, and only those enter the profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mile.esco.linker import UnknownLanguageError
from mile.participants.models import Document, Participant, WorkExperience
from mile.taxonomy.models import Concept, Kind, OccupationSkill, Relation
from mile.taxonomy.search import linker_for

# On the bundled extract, lines of real CVs match the right skills at 0.4–0.6 and unrelated
# ones ("every day" → "study of every-day-activity") below 0.3.
MIN_SCORE = 0.35
# A line names one or two skills; the rest of its ranking is the same skill in other sectors.
PER_PIECE = 2
# Pieces of text sent to the linker: a long CV is cut, not sent whole.
MAX_PIECES = 400
MIN_PIECE_CHARS = 4
# Essential skills of an occupation offered beside those from the text (ESCO lists up to 40).
OCCUPATION_SKILLS = 10
MIN_WORDS = 2
_WORDS = re.compile(r"\w+")
_PIECES = re.compile(r"(?:\r?\n)+|(?<=[.!?;:])\s+|\s+[•·▪–-]\s+|\t+")


@dataclass(frozen=True)
class SkillSuggestion:
    concept: Concept
    # Why it is suggested: the words of the text it matched, or the occupation it belongs to.
    because: str
    from_occupation: bool = False


def text_pieces(text: str) -> list[str]:
    """Lines and sentences of ``text``, long enough to mean something.

    A single word is left out: in a CV it is mostly a heading ("Languages", "Experience"),
    and a short text matches a label's word too well ("Languages" → "teach languages").
    """
    pieces = (piece.strip(" \t•·▪*-–—") for piece in _PIECES.split(text or ""))
    return [p for p in pieces if len(p) >= MIN_PIECE_CHARS and len(_WORDS.findall(p)) >= MIN_WORDS][
        :MAX_PIECES
    ]


def skills_in_text(text: str, *, language: str, limit: int = 20) -> dict[str, tuple[float, str]]:
    """ESCO skill URIs found in ``text``, best first, with their score and the words matched."""
    pieces = text_pieces(text)
    if not pieces or not Concept.objects.current().filter(kind=Kind.SKILL).exists():
        return {}
    linker, lang = linker_for("skill", language)
    try:
        results = linker.link(pieces, kind="skill", lang=lang, top=PER_PIECE)  # type: ignore[arg-type]
    except UnknownLanguageError:
        return {}
    best: dict[str, tuple[float, str]] = {}
    for piece, matches in zip(pieces, results, strict=True):
        for match in matches:
            if match.score < MIN_SCORE:
                continue
            if match.uri not in best or match.score > best[match.uri][0]:
                best[match.uri] = (match.score, match.span or piece)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
    return dict(ranked)


def _labelled(
    participant: Participant, found: dict[str, tuple[str, bool]], language: str
) -> list[SkillSuggestion]:
    """Concepts for the URIs found, in the reader's language, less those already in the profile."""
    have = set(participant.skills.values_list("skill__uri", flat=True))
    concepts = {
        c.uri: c
        for c in Concept.objects.current()
        .with_labels(language)
        .filter(uri__in=[uri for uri in found if uri not in have])
    }
    return [
        SkillSuggestion(concepts[uri], because, from_occupation)
        for uri, (because, from_occupation) in found.items()
        if uri in concepts
    ]


def suggest_for_experience(
    experience: WorkExperience, *, language: str, limit: int = 20
) -> list[SkillSuggestion]:
    """Skills from the tasks as written, then the essential skills of the ESCO occupation."""
    found: dict[str, tuple[str, bool]] = {
        uri: (because, False)
        for uri, (_score, because) in skills_in_text(
            experience.tasks, language=language, limit=limit
        ).items()
    }
    if experience.occupation_id:
        occupation = Concept.objects.with_labels(language).get(pk=experience.occupation_id)
        essential = (
            OccupationSkill.objects.filter(
                occupation_id=experience.occupation_id,
                relation=Relation.ESSENTIAL,
                skill__obsolete=False,
            )
            .order_by("skill__uri")
            .values_list("skill__uri", flat=True)
        )
        for uri in essential[:OCCUPATION_SKILLS]:
            found.setdefault(uri, (occupation.label(language), True))
    return _labelled(experience.participant, found, language)


def suggest_for_document(
    document: Document, *, language: str, limit: int = 30
) -> list[SkillSuggestion]:
    """Skills from the text read out of an uploaded CV or document."""
    found = {
        uri: (because, False)
        for uri, (_score, because) in skills_in_text(
            document.text or "", language=language, limit=limit
        ).items()
    }
    return _labelled(document.participant, found, language)
