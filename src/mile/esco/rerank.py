"""Optional semantic re-ranking of the lexical linker's candidates (decision 0104).

The lexical linker (`mile.esco.linker`) finds the candidates; a sentence-embedding scorer
gives the similarity of the text with every concept of the kind; the two are fused:

    fused = (1 - weight) * lexical / best lexical score of the text + weight * similarity

over the lexical top `max(depth, top)` plus the scorer's own top `extra` concepts (those
the lexical linker missed count 0 on the lexical side). The result is ranked by the fused
score, ties broken by URI. Everything here but `EmbeddingScorer` is plain NumPy and can be
driven by any scorer (the tests use a fake one); `EmbeddingScorer` needs the optional
`embeddings` extra (all-MiniLM-L6-v2 run in NumPy by `mile.esco.embedding`), is English only,
and embeds each concept's preferred English label (better than label + description on every
English devset: docs/esco-engine.md).

`reranker_for(mode, …)` turns the `--rerank auto|on|off` of the `mile esco` commands into a
`Reranker` or None: `auto` uses the extra when it is installed and the lexical linker alone
otherwise; `on` fails (`EmbeddingUnavailable`) without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from mile.esco.index import ConceptSpace, FloatArray, LinkKind
from mile.esco.linker import Linker, Match
from mile.esco.model import Taxonomy

type RerankMode = Literal["auto", "on", "off"]
RERANK_MODES: tuple[RerankMode, ...] = ("auto", "on", "off")


@dataclass(frozen=True, slots=True)
class RerankConfig:
    # Lexical candidates re-scored (at least the number of results asked for).
    depth: int = 50
    # Share of the semantic similarity in the fused score.
    weight: float = 0.7
    # Concepts the scorer ranks best that join the candidates even if lexically unseen.
    extra: int = 20


class Scorer(Protocol):
    """Similarity of texts with every concept of a kind (higher is closer, about -1…1)."""

    # Query languages the scorer understands; texts in others are left to the lexical linker.
    languages: frozenset[str]

    def similarities(self, texts: Sequence[str], *, kind: LinkKind) -> FloatArray:
        """Shape (len(texts), number of concepts of `kind`), columns in `ConceptSpace` order."""
        ...


def fuse(
    lexical: Sequence[Match],
    similarity: FloatArray,
    positions: Mapping[str, int],
    *,
    config: RerankConfig,
    top: int,
    unseen: Sequence[Match] = (),
) -> list[Match]:
    """One text's matches re-ranked by the fused score (module docstring), best first.

    `lexical`: the linker's matches, best first; `similarity`: the text's similarity with each
    concept, indexed through `positions` (URI → column); `unseen`: matches to add for
    concepts the linker did not return (the scorer's own best), with any score. Returned
    matches carry the fused score (4 decimals), their label and span unchanged.
    """
    if top < 1:
        return []
    depth = max(config.depth, top)
    candidates = list(lexical[:depth])
    seen = {m.uri for m in candidates}
    candidates += [m for m in unseen if m.uri not in seen and m.uri in positions]
    if not candidates:
        return []
    n_lexical = min(depth, len(lexical))
    best = max((m.score for m in candidates[:n_lexical]), default=0.0)
    lexical_part = np.zeros(len(candidates), dtype=np.float64)
    if best > 0:
        lexical_part[:n_lexical] = [m.score / best for m in candidates[:n_lexical]]
    columns = np.asarray([positions[m.uri] for m in candidates], dtype=np.int64)
    semantic = similarity[columns].astype(np.float64)
    fused = (1.0 - config.weight) * lexical_part + config.weight * semantic
    order = sorted(range(len(candidates)), key=lambda i: (-fused[i], candidates[i].uri))
    return [
        Match(
            uri=candidates[i].uri,
            label=candidates[i].label,
            lang=candidates[i].lang,
            score=round(float(fused[i]), 4),
            span=candidates[i].span,
        )
        for i in order[:top]
    ]


def top_columns(similarity: FloatArray, count: int) -> npt.NDArray[np.int64]:
    """The `count` best columns of one row, best first (ties by column)."""
    count = min(count, len(similarity))
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    chosen = np.argpartition(-similarity, count - 1)[:count]
    order = np.lexsort((chosen, -similarity[chosen]))
    return chosen[order].astype(np.int64)


class Reranker:
    """A fitted `Linker` and a `Scorer`, linking as `Linker.link` does, re-ranked."""

    def __init__(
        self, linker: Linker, scorer: Scorer, *, config: RerankConfig | None = None
    ) -> None:
        self.linker = linker
        self.scorer = scorer
        self.config = config or RerankConfig()
        self._spaces: dict[LinkKind, tuple[tuple[str, ...], dict[str, int]]] = {}

    def applies(self, *, lang: str, corpus_lang: str | None = None) -> bool:
        """Whether texts in `lang` (against labels in `corpus_lang`) are re-ranked."""
        return lang in self.scorer.languages and corpus_lang in (None, lang)

    def _space(self, kind: LinkKind) -> tuple[tuple[str, ...], dict[str, int]]:
        if kind not in self._spaces:
            uris = ConceptSpace.of(self.linker.taxonomy, kind).uris
            self._spaces[kind] = (uris, {uri: i for i, uri in enumerate(uris)})
        return self._spaces[kind]

    def link(
        self,
        texts: Sequence[str],
        *,
        kind: LinkKind,
        lang: str,
        corpus_lang: str | None = None,
        top: int = 10,
        spans: bool = True,
    ) -> list[list[Match]]:
        """As `Linker.link`; texts the scorer cannot read get the lexical ranking."""
        if not self.applies(lang=lang, corpus_lang=corpus_lang) or top < 1:
            return self.linker.link(
                texts, kind=kind, lang=lang, corpus_lang=corpus_lang, top=top, spans=spans
            )
        depth = max(self.config.depth, top)
        lexical = self.linker.link(
            texts, kind=kind, lang=lang, corpus_lang=corpus_lang, top=depth, spans=spans
        )
        uris, positions = self._space(kind)
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        results: list[list[Match]] = [[] for _ in texts]
        batch = 256
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            similarities = self.scorer.similarities([texts[i] for i in chunk], kind=kind)
            for row, text_no in enumerate(chunk):
                unseen = [
                    self._named(uris[c], lang)
                    for c in top_columns(similarities[row], self.config.extra).tolist()
                ]
                results[text_no] = fuse(
                    lexical[text_no],
                    similarities[row],
                    positions,
                    config=self.config,
                    top=top,
                    unseen=unseen,
                )
        return results

    def _named(self, uri: str, lang: str) -> Match:
        """A concept found by the scorer alone, named by its preferred label."""
        concept = self.linker.taxonomy.concepts[uri]
        label_lang = lang if lang in concept.labels else "en"
        return Match(uri=uri, label=concept.label(label_lang), lang=label_lang, score=0.0)


class EmbeddingScorer:
    """Cosine of all-MiniLM-L6-v2 embeddings: the text against each concept's preferred label.

    Concept vectors are computed once per kind and kept in the index cache (keyed by the
    model's fingerprint and the embedded texts, so a new extract never reuses stale ones).
    """

    languages = frozenset({"en"})

    def __init__(self, taxonomy: Taxonomy, *, cache_dir: Path | None = None) -> None:
        from mile.esco.embedding import MiniLM

        self.model = MiniLM.load()
        self.taxonomy = taxonomy
        self.cache_dir = cache_dir
        self._vectors: dict[LinkKind, FloatArray] = {}

    def vectors(self, kind: LinkKind) -> FloatArray:
        """Unit vectors of the concepts of `kind`, rows in `ConceptSpace` order."""
        if kind not in self._vectors:
            from mile.esco.embedding import EmbeddingRanker

            ranker = EmbeddingRanker(self.model, cache_dir=self.cache_dir, descriptions=False)
            ranker.fit(self.taxonomy, kind=kind.value, lang="en")
            uris = ConceptSpace.of(self.taxonomy, kind).uris
            if tuple(ranker.uris) == uris:
                vectors = ranker.vectors
            else:  # pragma: no cover - both list the taxonomy's concepts in URI order
                row = {uri: i for i, uri in enumerate(ranker.uris)}
                vectors = ranker.vectors[[row[u] for u in uris]]
            self._vectors[kind] = np.ascontiguousarray(vectors, dtype=np.float32)
        return self._vectors[kind]

    def similarities(self, texts: Sequence[str], *, kind: LinkKind) -> FloatArray:
        vectors = self.vectors(kind)
        if not texts:
            return np.zeros((0, len(vectors)), dtype=np.float32)
        out: FloatArray = (self.model.encode(texts) @ vectors.T).astype(np.float32, copy=False)
        return out


def reranker_for(
    mode: RerankMode, linker: Linker, *, cache_dir: Path | None = None
) -> Reranker | None:
    """The re-ranker `--rerank mode` asks for, or None for the lexical linker alone.

    `auto`: with the `embeddings` extra if installed; `on`: `EmbeddingUnavailable` without it;
    `off`: None. The linker must be fitted.
    """
    if mode not in RERANK_MODES:
        raise ValueError(f"unknown re-rank mode {mode!r}; expected one of {RERANK_MODES}")
    if mode == "off":
        return None
    from mile.esco.embedding import available

    if mode == "auto" and not available():
        return None
    return Reranker(linker, EmbeddingScorer(linker.taxonomy, cache_dir=cache_dir))


__all__ = [
    "RERANK_MODES",
    "EmbeddingScorer",
    "RerankConfig",
    "RerankMode",
    "Reranker",
    "Scorer",
    "fuse",
    "reranker_for",
    "top_columns",
]
