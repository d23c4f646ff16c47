"""`mile esco …`: build the extract, link texts, evaluate and benchmark the linker."""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from mile.esco.baselines import Bm25Baseline, CharTfidfBaseline, Ranker
from mile.esco.cache import default_cache_dir
from mile.esco.embedding import EmbeddingUnavailable
from mile.esco.evaluate import LinkerRanker, format_scores, read_devset, run
from mile.esco.extract import build_extract, bundled_extract_path, load_extract
from mile.esco.index import LinkKind
from mile.esco.linker import Linker, UnknownLanguageError
from mile.esco.loader import EscoDataError
from mile.esco.model import ConceptKind, Taxonomy
from mile.esco.rerank import RERANK_MODES, Reranker, RerankMode, reranker_for


class InputError(ValueError):
    pass


def repository_root() -> Path:
    """The checkout holding this package (src/mile/esco/cli.py), else the working folder."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mile esco", description="ESCO taxonomy and linker.")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build-extract", help="build the bundled extract from ESCO downloads")
    build.add_argument("--source", type=Path, default=None, help="folder of ESCO downloads")
    build.add_argument("--output", type=Path, default=None, help="where to write the extract")

    link = sub.add_parser("link", help="link texts (one per line) to ESCO concepts")
    _kind_lang(link)
    link.add_argument("--top", type=int, default=10)
    link.add_argument("--input", type=Path, default=None, help="file to read (default stdin)")
    _rerank(link)

    evaluate = sub.add_parser("evaluate", help="score a devset against the baselines")
    evaluate.add_argument("file", type=Path)
    _kind_lang(evaluate)
    evaluate.add_argument("--no-baselines", action="store_true")
    _rerank(evaluate)

    bench = sub.add_parser("bench", help="print speed and memory figures")
    bench.add_argument("--extract", type=Path, default=None)
    _rerank(bench)
    return parser


def _kind_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=[k.value for k in LinkKind], required=True)
    parser.add_argument("--lang", required=True)
    parser.add_argument("--corpus-lang", default=None)
    parser.add_argument("--extract", type=Path, default=None, help="extract to use")


def _rerank(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rerank",
        choices=RERANK_MODES,
        default="auto",
        help=(
            "re-rank English texts with all-MiniLM-L6-v2 (the optional `embeddings` extra): "
            "auto = when installed (default), on = fail without it, off = lexical only"
        ),
    )


def main(argv: list[str]) -> int:
    # The comparison with a sentence-embedding ranker has its own parser and optional extra.
    if argv[:1] == ["compare-embedding"]:
        from mile.esco.compare import main as compare_main

        return compare_main(argv[1:])
    args = _parser().parse_args(argv)
    try:
        if args.command == "build-extract":
            return _build(args)
        if args.command == "link":
            return _link(args, sys.stdin.buffer, sys.stdout)
        if args.command == "evaluate":
            return _evaluate(args)
        return _bench(args)
    except (EscoDataError, UnknownLanguageError, InputError, EmbeddingUnavailable) as error:
        print(f"mile esco {args.command}: {error}", file=sys.stderr)
        return 2


def _build(args: argparse.Namespace) -> int:
    source = args.source or repository_root().parent / "shared" / "esco"
    output = args.output or bundled_extract_path()
    started = time.perf_counter()
    info = build_extract(source=source, output=output)
    print(
        f"wrote {info.path} ({info.size_bytes / 2**20:.2f} MiB, sha256 {info.sha256[:16]}…): "
        f"{info.concepts} concepts, labels in {len(info.languages)} languages "
        f"({', '.join(info.languages)}) in {time.perf_counter() - started:.1f} s"
    )
    return 0


def read_lines(stream: BinaryIO) -> list[str]:
    """Every line decoded as UTF-8, or `InputError` naming the first line that is not."""
    lines: list[str] = []
    for number, raw in enumerate(stream.read().splitlines(), start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise InputError(f"line {number} is not valid UTF-8 ({error.reason})") from error
    return lines


def _link(args: argparse.Namespace, stdin: BinaryIO, stdout: TextIO) -> int:
    if args.top < 1:
        raise InputError("--top must be at least 1")
    taxonomy = load_extract(path=args.extract)
    linker = Linker(cache_dir=default_cache_dir()).fit(taxonomy)
    kind = LinkKind(args.kind)
    # Fail on a bad language before reading a possibly long input.
    linker.corpus_languages(kind=kind, lang=args.lang, corpus_lang=args.corpus_lang)
    if args.input is not None:
        with args.input.open("rb") as handle:
            lines = read_lines(handle)
    else:
        lines = read_lines(stdin)
    reranker = _reranker(args, linker)
    results = (reranker or linker).link(
        lines, kind=kind, lang=args.lang, corpus_lang=args.corpus_lang, top=args.top
    )
    for text, matches in zip(lines, results, strict=True):
        concepts = [{"uri": m.uri, "label": m.label, "score": m.score} for m in matches]
        stdout.write(json.dumps({"text": text, "concepts": concepts}, ensure_ascii=False) + "\n")
    return 0


def _reranker(args: argparse.Namespace, linker: Linker) -> Reranker | None:
    """The re-ranker `--rerank` asks for, when it applies to `--lang`/`--corpus-lang`."""
    reranker = reranker_for(args.rerank, linker, cache_dir=default_cache_dir())
    if reranker is None:
        return None
    if not reranker.applies(lang=args.lang, corpus_lang=args.corpus_lang):
        if args.rerank == "on":
            raise InputError(
                f"--rerank on: the re-ranker reads {', '.join(sorted(reranker.scorer.languages))} "
                f"texts ranked against labels in the same language, not --lang {args.lang}"
                + (f" --corpus-lang {args.corpus_lang}" if args.corpus_lang else "")
            )
        return None
    return reranker


def _peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
    except OSError:
        return _peak_rss_mib()
    return pages * resource.getpagesize() / 2**20


def _evaluate(args: argparse.Namespace) -> int:
    examples = read_devset(args.file)
    kind = LinkKind(args.kind)
    taxonomy = load_extract(path=args.extract)
    ours = LinkerRanker(lang=args.lang, corpus_lang=args.corpus_lang)
    linker = Linker().fit(taxonomy)
    langs = linker.corpus_languages(kind=kind, lang=args.lang, corpus_lang=args.corpus_lang)
    rankers: list[Ranker] = [ours]
    if _reranker(args, linker) is not None:
        rankers.append(LinkerRanker(lang=args.lang, corpus_lang=args.corpus_lang, rerank="on"))
    if not args.no_baselines:
        rankers += [CharTfidfBaseline(), Bm25Baseline()]
    scores = [run(r, taxonomy=taxonomy, examples=examples, kind=kind, langs=langs) for r in rankers]
    print(
        f"{args.file.name}: {len(examples)} texts, kind {kind}, query language {args.lang}, "
        f"labels in {', '.join(langs)}"
    )
    print(format_scores(scores, kind=kind))
    print(f"process peak RSS {_peak_rss_mib():.0f} MiB")
    return 0


def _samples(taxonomy: Taxonomy, *, count: int) -> tuple[list[str], list[str]]:
    """Title-like and sentence-like texts drawn from the taxonomy itself, reproducibly."""
    rng = random.Random(20260101)  # noqa: S311 - sampling, not security
    titles = [
        label
        for c in taxonomy.of_kind(ConceptKind.OCCUPATION)
        if "en" in c.labels
        for label in c.labels["en"].alternative
    ]
    sentences = [
        c.descriptions["en"].split("\n")[0]
        for c in taxonomy.of_kind(ConceptKind.SKILL)
        if "en" in c.descriptions
    ]
    return rng.sample(titles, count), rng.sample(sentences, count)


def _bench(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    taxonomy = load_extract(path=args.extract)
    load = time.perf_counter() - started
    print(
        f"extract load: {load:.2f} s ({len(taxonomy.concepts)} concepts), RSS {_current_rss_mib():.0f} MiB"
    )
    cache_dir = default_cache_dir()
    started = time.perf_counter()
    Linker().fit(taxonomy).prepare(kind=LinkKind.OCCUPATION, langs=["en"])
    Linker().fit(taxonomy).prepare(kind=LinkKind.SKILL, langs=["en"])
    print(f"index build, English occupations + skills: {time.perf_counter() - started:.2f} s")
    if cache_dir is not None:
        # Fill the cache first if it is cold, then time what a restarted process does.
        Linker(cache_dir=cache_dir).fit(taxonomy).prepare(kind=LinkKind.SKILL, langs=["en"])
        Linker(cache_dir=cache_dir).fit(taxonomy).prepare(kind=LinkKind.OCCUPATION, langs=["en"])
    linker = Linker(cache_dir=cache_dir).fit(taxonomy)
    started = time.perf_counter()
    linker.prepare(kind=LinkKind.OCCUPATION, langs=["en"])
    linker.prepare(kind=LinkKind.SKILL, langs=["en"])
    first = time.perf_counter() - started
    print(
        f"index load from the cache ({cache_dir or 'none: MILE_ESCO_CACHE is empty'}): {first:.2f} s"
    )
    print(f"ready to link English titles and sentences: {load + first:.2f} s after start")
    titles, sentences = _samples(taxonomy, count=1000)
    for name, texts, kind in (
        ("vacancy titles", titles, LinkKind.OCCUPATION),
        ("job-ad sentences", sentences, LinkKind.SKILL),
    ):
        linker.link(texts[:20], kind=kind, lang="en")
        singles = []
        for text in texts[:200]:
            t0 = time.perf_counter()
            linker.link([text], kind=kind, lang="en")
            singles.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        linker.link(texts, kind=kind, lang="en")
        batch = time.perf_counter() - t0
        print(
            f"{name}: one text median {statistics.median(singles) * 1000:.1f} ms, "
            f"p95 {sorted(singles)[int(len(singles) * 0.95)] * 1000:.1f} ms; "
            f"batch of 1,000 {batch:.2f} s = {1000 / batch:.0f} texts/s"
        )
    others = sorted(linker.languages(kind=LinkKind.OCCUPATION) - {"en"})
    started = time.perf_counter()
    linker.prepare(kind=LinkKind.OCCUPATION, langs=others)
    print(
        f"index build, occupations in {len(others)} more languages: "
        f"{time.perf_counter() - started:.2f} s"
    )
    print(
        f"resident memory with all languages loaded: {_current_rss_mib():.0f} MiB "
        f"(peak {_peak_rss_mib():.0f} MiB)"
    )
    if args.rerank != "off":
        _bench_rerank(args.rerank, linker, titles, sentences, cache_dir)
    return 0


def _bench_rerank(
    mode: RerankMode,
    linker: Linker,
    titles: list[str],
    sentences: list[str],
    cache_dir: Path | None,
) -> None:
    """Speed of the optional re-ranker (English), after the lexical figures above."""
    started = time.perf_counter()
    reranker = reranker_for(mode, linker, cache_dir=cache_dir)
    if reranker is None:
        print("re-ranker: not installed (the `embeddings` extra), lexical figures only")
        return
    for kind in LinkKind:
        reranker.link(["index"], kind=kind, lang="en", top=1)
    print(f"re-ranker (all-MiniLM-L6-v2) ready: {time.perf_counter() - started:.2f} s")
    for name, texts, kind in (
        ("vacancy titles", titles[:300], LinkKind.OCCUPATION),
        ("job-ad sentences", sentences[:300], LinkKind.SKILL),
    ):
        t0 = time.perf_counter()
        reranker.link(texts, kind=kind, lang="en")
        batch = time.perf_counter() - t0
        print(f"re-ranked {name}: batch of {len(texts)} = {len(texts) / batch:.0f} texts/s")
    print(f"resident memory with the re-ranker: {_current_rss_mib():.0f} MiB")


def run_main(argv: Sequence[str] | None = None) -> int:
    return main(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    sys.exit(run_main())
