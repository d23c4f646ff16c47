"""`mile esco compare-embedding`: our linker beside the sentence-embedding approach.

The comparison issue 3 asks for: the approach of the PyPI package `esco-skill-extractor`
(all-MiniLM-L6-v2 over label + description, cosine ranking), re-implemented in NumPy by
`mile.esco.embedding`, scored on a devset with the metrics of `mile esco evaluate`, beside
our lexical linker alone and re-ranked by the same model (`mile.esco.rerank`). English
only: the model is English. Needs the optional `embeddings` extra.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mile.esco.embedding import (
    INSTALL_HINT,
    EmbeddingRanker,
    EmbeddingUnavailable,
    missing_packages,
)
from mile.esco.evaluate import METRICS, Example, metrics, read_devset
from mile.esco.extract import load_extract
from mile.esco.index import LinkKind
from mile.esco.linker import Linker
from mile.esco.loader import EscoDataError
from mile.esco.model import Taxonomy
from mile.esco.rerank import EmbeddingScorer, Reranker

# As `mile esco evaluate`: deep enough for MRR to be exact where it matters.
DEPTH = 100
WARM_UP = 200

type RankFn = Callable[[Sequence[str]], list[list[str]]]


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    metrics: dict[str, float]
    texts_per_second: float
    build_seconds: float


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mile esco compare-embedding",
        description=(
            "Score our linker and the all-MiniLM-L6-v2 embedding approach of "
            "esco-skill-extractor on a devset (columns text,labels)."
        ),
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--kind", choices=[k.value for k in LinkKind], required=True)
    parser.add_argument("--lang", default="en", help="only en: the model is English")
    parser.add_argument("--extract", type=Path, default=None, help="extract to use")
    parser.add_argument("--cache-dir", type=Path, default=None, help="concept embeddings cache")
    parser.add_argument("--limit", type=int, default=None, help="score the first N texts only")
    parser.add_argument("--top", type=int, default=DEPTH, help="ranking depth scored")
    parser.add_argument(
        "--labels-only",
        action="store_true",
        help="also score the embedding of preferred labels alone (no descriptions)",
    )
    return parser


def _measure(
    name: str, build: Callable[[], RankFn], examples: Sequence[Example], kind: LinkKind
) -> Result:
    """Build (timed), warm up on a few texts, then time ranking every text."""
    texts = [e.text for e in examples]
    started = time.perf_counter()
    rank = build()
    build_seconds = time.perf_counter() - started
    rank(texts[:WARM_UP])
    started = time.perf_counter()
    rankings = rank(texts)
    elapsed = time.perf_counter() - started
    return Result(
        name=name,
        metrics=metrics(rankings=rankings, examples=examples, kind=kind),
        texts_per_second=len(texts) / elapsed if elapsed > 0 else float("inf"),
        build_seconds=build_seconds,
    )


def _ours(
    taxonomy: Taxonomy,
    kind: LinkKind,
    lang: str,
    top: int,
    *,
    rerank: bool = False,
    cache_dir: Path | None = None,
) -> Callable[[], RankFn]:
    def build() -> RankFn:
        linker = Linker().fit(taxonomy)
        ranker: Linker | Reranker = linker
        if rerank:
            ranker = Reranker(linker, EmbeddingScorer(taxonomy, cache_dir=cache_dir))
        # Indexes are built on first use: count that in the build time, not the ranking.
        ranker.link(["index"], kind=kind, lang=lang, top=1)

        def rank(texts: Sequence[str]) -> list[list[str]]:
            # As `mile esco evaluate`: no spans (the words behind each match) in bulk.
            found = ranker.link(list(texts), kind=kind, lang=lang, top=top, spans=False)
            return [[m.uri for m in matches] for matches in found]

        return rank

    return build


def _embedding(
    taxonomy: Taxonomy,
    kind: LinkKind,
    lang: str,
    top: int,
    cache_dir: Path | None,
    *,
    descriptions: bool = True,
) -> Callable[[], RankFn]:
    def build() -> RankFn:
        ranker = EmbeddingRanker(cache_dir=cache_dir, descriptions=descriptions)
        ranker.fit(taxonomy, kind=kind.value, lang=lang)

        def rank(texts: Sequence[str]) -> list[list[str]]:
            return [[uri for uri, _ in r] for r in ranker.rank(texts, top=top)]

        return rank

    return build


def format_results(results: Sequence[Result], *, kind: LinkKind) -> str:
    names = METRICS[kind]
    header = f"{'method':<14}" + "".join(f"{n:>9}" for n in names)
    lines = [header + f"{'texts/s':>10}{'build s':>9}"]
    for r in results:
        line = f"{r.name:<14}" + "".join(f"{r.metrics[n]:>9.4f}" for n in names)
        lines.append(line + f"{r.texts_per_second:>10.1f}{r.build_seconds:>9.2f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    prog = "mile esco compare-embedding"
    if args.lang != "en":
        print(f"{prog}: all-MiniLM-L6-v2 is English; use --lang en", file=sys.stderr)
        return 2
    if missing := missing_packages():
        print(
            f"{prog}: needs the optional packages {', '.join(missing)}: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    kind = LinkKind(args.kind)
    try:
        examples = read_devset(args.file)
        taxonomy = load_extract(path=args.extract)
    except (OSError, ValueError, EscoDataError) as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    if args.limit is not None:
        examples = examples[: args.limit]
    try:
        results = [
            _measure("MILE linker", _ours(taxonomy, kind, args.lang, args.top), examples, kind),
            _measure(
                "MILE + MiniLM",
                _ours(taxonomy, kind, args.lang, args.top, rerank=True, cache_dir=args.cache_dir),
                examples,
                kind,
            ),
            _measure(
                EmbeddingRanker.name,
                _embedding(taxonomy, kind, args.lang, args.top, args.cache_dir),
                examples,
                kind,
            ),
        ]
        if args.labels_only:
            labels_only = _embedding(
                taxonomy, kind, args.lang, args.top, args.cache_dir, descriptions=False
            )
            results.append(_measure("MiniLM labels", labels_only, examples, kind))
    except EmbeddingUnavailable as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 2
    print(f"{args.file.name}: {len(examples)} texts, kind {kind.value}, lang {args.lang}")
    print(format_results(results, kind=kind))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
