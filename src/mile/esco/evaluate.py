"""Score rankers on a labelled file (`text,labels`, labels joined by "|")."""

from __future__ import annotations

import csv
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from mile.esco.baselines import Ranker, Ranking
from mile.esco.cache import default_cache_dir
from mile.esco.index import LinkKind
from mile.esco.linker import Linker, LinkerConfig
from mile.esco.model import Taxonomy
from mile.esco.rerank import Reranker, RerankMode, reranker_for

METRICS: dict[LinkKind, tuple[str, ...]] = {
    LinkKind.SKILL: ("RP@5", "RP@10", "MRR"),
    LinkKind.OCCUPATION: ("MRR", "Acc@1", "Acc@5"),
}
# Deep enough for MRR to be exact where it matters; deeper ranks add < 0.01.
DEPTH = 100


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    metrics: dict[str, float]
    texts_per_second: float
    build_seconds: float
    peak_mib: float


def read_devset(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "labels"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected the columns text,labels")
        return [
            Example(row["text"], frozenset(u for u in row["labels"].split("|") if u))
            for row in reader
        ]


def metrics(
    *, rankings: Sequence[Sequence[str]], examples: Sequence[Example], kind: LinkKind
) -> dict[str, float]:
    totals = dict.fromkeys(METRICS[kind], 0.0)
    for ranked, example in zip(rankings, examples, strict=True):
        gold = example.labels
        first = next((i for i, uri in enumerate(ranked) if uri in gold), None)
        reciprocal = 0.0 if first is None else 1.0 / (first + 1)
        totals["MRR"] += reciprocal
        if kind is LinkKind.SKILL:
            for k in (5, 10):
                hits = sum(1 for uri in ranked[:k] if uri in gold)
                totals[f"RP@{k}"] += hits / min(k, len(gold)) if gold else 0.0
        else:
            totals["Acc@1"] += 1.0 if first == 0 else 0.0
            totals["Acc@5"] += 1.0 if first is not None and first < 5 else 0.0
    n = max(1, len(examples))
    return {name: value / n for name, value in totals.items()}


class LinkerRanker:
    """Our linker behind the same interface as the baselines."""

    name = "MILE linker"

    def __init__(
        self,
        *,
        lang: str,
        corpus_lang: str | None,
        config: LinkerConfig | None = None,
        rerank: RerankMode = "off",
    ) -> None:
        self.lang, self.corpus_lang = lang, corpus_lang
        self.linker = Linker(config=config, cache_dir=default_cache_dir())
        self.kind = LinkKind.SKILL
        self.rerank = rerank
        self.reranker: Reranker | None = None
        if rerank != "off":
            self.name = "MILE + MiniLM"

    def fit(self, taxonomy: Taxonomy, *, kind: LinkKind, langs: Sequence[str]) -> Self:
        self.kind = kind
        self.linker.fit(taxonomy)
        cross = self.corpus_lang is not None and self.corpus_lang != self.lang
        self.linker.prepare(kind=kind, langs=langs, cross_lingual=cross)
        self.reranker = reranker_for(self.rerank, self.linker, cache_dir=default_cache_dir())
        if self.reranker is not None:
            # Concept vectors are computed (or read from the cache) while fitting.
            self.reranker.link(["index"], kind=kind, lang=self.lang, top=1, spans=False)
        return self

    def rank(self, texts: Sequence[str], *, top: int) -> list[Ranking]:
        found = (self.reranker or self.linker).link(
            texts,
            kind=self.kind,
            lang=self.lang,
            corpus_lang=self.corpus_lang,
            top=top,
            spans=False,
        )
        return [[(m.uri, m.score) for m in matches] for matches in found]


def run(
    ranker: Ranker,
    *,
    taxonomy: Taxonomy,
    examples: Sequence[Example],
    kind: LinkKind,
    langs: Sequence[str],
) -> Score:
    """Fit and rank, timing the ranking alone and tracing memory while fitting."""
    texts = [e.text for e in examples]
    tracemalloc.start()
    started = time.perf_counter()
    ranker.fit(taxonomy, kind=kind, langs=langs)
    build = time.perf_counter() - started
    ranker.rank(texts[:200], top=DEPTH)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    started = time.perf_counter()
    rankings = ranker.rank(texts, top=DEPTH)
    elapsed = time.perf_counter() - started
    return Score(
        name=ranker.name,
        metrics=metrics(
            rankings=[[uri for uri, _ in r] for r in rankings], examples=examples, kind=kind
        ),
        texts_per_second=len(texts) / elapsed if elapsed > 0 else float("inf"),
        build_seconds=build,
        peak_mib=peak / 2**20,
    )


def format_scores(scores: Sequence[Score], *, kind: LinkKind) -> str:
    names = METRICS[kind]
    header = f"{'method':<14}" + "".join(f"{n:>9}" for n in names)
    header += f"{'texts/s':>10}{'build s':>9}{'peak MiB':>10}"
    lines = [header]
    for score in scores:
        line = f"{score.name:<14}" + "".join(f"{score.metrics[n]:>9.4f}" for n in names)
        line += f"{score.texts_per_second:>10.0f}{score.build_seconds:>9.2f}{score.peak_mib:>10.1f}"
        lines.append(line)
    return "\n".join(lines)
