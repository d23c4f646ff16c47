"""Finding ESCO concepts from what a person types: exact pieces first, then the fuzzy linker.

The linker (``mile.esco``) is fitted per process on the labels in the database, for one kind
and the reader's language plus English, and rebuilt when a newer import lands: several
servers each build their own from the same database, so none depends on another's memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from mile.esco.linker import Linker, UnknownLanguageError
from mile.esco.model import Concept as EngineConcept
from mile.esco.model import ConceptKind, Labels, Taxonomy
from mile.taxonomy.models import Concept, EscoImport, Kind, Label, fold

KINDS = {
    "skill": [Kind.SKILL],
    "occupation": [Kind.OCCUPATION, Kind.ISCO_GROUP],
}
# A few hundred MB each at most: keep the ones in use, not one per language ever asked for.
MAX_LINKERS = 4
_lock = threading.Lock()
_linkers: OrderedDict[tuple[int, str, str], Linker] = OrderedDict()


@dataclass(frozen=True)
class Suggestion:
    concept: Concept
    matched: str  # the label the text matched, in whatever language it is


def _taxonomy_from_db(kind: str, languages: list[str]) -> Taxonomy:
    concepts: dict[str, dict[str, dict[str, list[str]]]] = {}
    kinds = {
        c.pk: (c.uri, c.kind)
        for c in Concept.objects.current().filter(kind__in=KINDS[kind]).only("uri", "kind")
    }
    for concept_id, language, label_kind, text in (
        Label.objects.filter(concept_id__in=list(kinds), language__in=languages)
        .order_by("concept_id", "language", "kind", "pk")
        .values_list("concept_id", "language", "kind", "text")
        .iterator(chunk_size=20000)
    ):
        uri = kinds[concept_id][0]
        concepts.setdefault(uri, {}).setdefault(language, {"p": [], "a": [], "h": []})[
            label_kind
        ].append(text)
    engine = {}
    for uri, concept_kind in kinds.values():
        by_lang = concepts.get(uri, {})
        labels = {
            lang: Labels(
                preferred=parts["p"][0], alternative=tuple(parts["a"]), hidden=tuple(parts["h"])
            )
            for lang, parts in by_lang.items()
            if parts["p"]
        }
        if labels:
            engine[uri] = EngineConcept(uri=uri, kind=ConceptKind(concept_kind), labels=labels)
    return Taxonomy(version="db", concepts=dict(sorted(engine.items())))


def linker_for(kind: str, language: str) -> tuple[Linker, str]:
    """A fitted linker and the language to query it in (English when ``language`` has no labels)."""
    latest = EscoImport.objects.values_list("pk", flat=True).first() or 0
    key = (latest, kind, language)
    with _lock:
        linker = _linkers.get(key)
        if linker is None:
            for stale in [k for k in _linkers if k[0] != latest]:
                del _linkers[stale]
            linker = Linker().fit(_taxonomy_from_db(kind, sorted({language, "en"})))
            _linkers[key] = linker
            while len(_linkers) > MAX_LINKERS:
                _linkers.popitem(last=False)
        _linkers.move_to_end(key)
    link_kind = "skill" if kind == "skill" else "occupation"
    available = linker.languages(kind=link_kind)  # type: ignore[arg-type]
    return linker, language if language in available else "en"


def suggest(*, query: str, kind: str, language: str, limit: int = 10) -> list[Suggestion]:
    """Concepts of ``kind`` for a typed ``query``: label pieces first, then typo-tolerant matches."""
    folded = fold(query).strip()
    if len(folded) < 2 or kind not in KINDS:
        return []
    languages = sorted({language, "en"})
    found: dict[int, str] = {}
    candidates = Label.objects.filter(
        language__in=languages,
        folded__contains=folded,
        concept__kind__in=KINDS[kind],
        concept__obsolete=False,
    ).values_list("concept_id", "text", "language", "kind", "folded")[:300]

    def rank(row: tuple[int, str, str, str, str]) -> tuple[bool, bool, bool, int]:
        _, _, lang, label_kind, text = row
        return (not text.startswith(folded), lang != language, label_kind != "p", len(text))

    for concept_id, text, *_ in sorted(candidates, key=rank):
        found.setdefault(concept_id, text)
        if len(found) >= limit:
            break
    if len(found) < limit:
        linker, lang = linker_for(kind, language)
        try:
            matches = linker.link([query], kind=kind, lang=lang, top=limit)[0]  # type: ignore[arg-type]
        except UnknownLanguageError:
            matches = []
        ids = dict(
            Concept.objects.filter(uri__in=[m.uri for m in matches]).values_list("uri", "pk")
        )
        for match in matches:
            if match.uri in ids and len(found) < limit:
                found.setdefault(ids[match.uri], match.label)
    concepts = Concept.objects.with_labels(language).in_bulk(list(found))
    return [Suggestion(concepts[pk], matched) for pk, matched in found.items() if pk in concepts]
