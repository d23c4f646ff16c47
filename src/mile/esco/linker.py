"""Free text → ranked ESCO concepts, in any language with labels, on CPU and offline.

Each label is matched three ways, and the scores are summed with fixed weights:
character n-gram TF-IDF cosine (spelling variants, compounds, typos), stemmed word
unigram + bigram cosine (the same words in another order or inflection), and word coverage,
the share of a label's IDF mass found in the text (a short label inside a long sentence).
A concept scores its best label; a long text is cut into overlapping windows and a concept
scores its best window. See docs/esco-engine.md for the figures behind the weights.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

try:  # SciPy's sparse product kernel, used by `_product` (private: optional).
    from scipy.sparse._sparsetools import (  # type: ignore[import-untyped]
        csr_matmat as _csr_matmat,
    )
except ImportError:  # pragma: no cover - a SciPy without it
    _csr_matmat = None

from mile.esco.cache import (
    Arrays,
    cache_key,
    pack_csr,
    pack_strings,
    read_entry,
    unpack_csr,
    unpack_strings,
    write_entry,
)
from mile.esco.index import (
    ALTERNATIVE,
    HIDDEN,
    PREFERRED,
    VARIANT,
    CharSpace,
    ConceptSpace,
    Csr,
    FloatArray,
    LabelTable,
    LinkKind,
    TermSpace,
    fold_all,
    l2_normalise,
)
from mile.esco.model import Taxonomy
from mile.esco.text import Analyzer, windows

_WORD = re.compile(r"\w+[+#]*")


class UnknownLanguageError(ValueError):
    def __init__(self, lang: str, available: Iterable[str], *, what: str) -> None:
        self.lang = lang
        self.available = tuple(sorted(available))
        super().__init__(
            f"no {what} in language {lang!r}; available: {', '.join(self.available) or 'none'}"
        )


@dataclass(frozen=True, slots=True)
class LinkerConfig:
    char_sizes: tuple[int, ...] = (3, 4, 5)
    char_weight: float = 0.5
    word_weight: float = 0.3
    cover_weight: float = 0.2
    # Words per window for long texts, and how many consecutive windows share.
    window: int = 24
    overlap: int = 8
    label_weights: dict[int, float] = field(
        default_factory=lambda: {PREFERRED: 1.0, ALTERNATIVE: 0.98, HIDDEN: 0.9, VARIANT: 0.99}
    )
    batch: int = 256
    # Character n-grams in more than this share of a language's labels are not indexed.
    char_max_df: float = 0.01
    char_min_df_cut: int = 50
    # Words in more than this share of a language's labels are not indexed either.
    word_max_df: float = 0.02
    # Length of the word beginnings matched as extra terms (0: none).
    prefix: int = 0
    # Character n-grams within words only (as scikit-learn's "char_wb") or across them.
    char_per_word: bool = False
    # Weight of a concept's popularity (how many occupations need a skill) in its score.
    prior_weight: float = 0.0
    # Weight of a second character channel as the char TF-IDF baseline has it: n-grams within
    # words, lower-cased but not accent-folded (0: none), and its pruning share.
    wb_weight: float = 1.0
    wb_max_df: float = 1.0
    wb_sizes: tuple[int, ...] = (3, 4)
    # The kinds that get this channel: it touches most labels, which titles can afford and
    # the ~100,000 skill labels scored per job-ad window cannot (≥ 200 sentences/s).
    wb_kinds: tuple[str, ...] = ("occupation",)
    # How the char-within-words channel joins: "sum" adds it to the label score; "rrf" ranks
    # concepts by it and by the label score separately and fuses the two rankings
    # (reciprocal-rank fusion, 1 / (rrf_k + rank), the channel weighted by `wb_weight`).
    fusion: str = "rrf"
    rrf_k: float = 10.0
    # Only the first `rrf_depth` concepts of each ranking take part in the fusion.
    rrf_depth: int = 100
    # Occupations: a concept gains this share of the scores of the `sibling_top` best concepts
    # in its ISCO group (the first `sibling_digits` digits of its code), so a generic
    # occupation rises when specific ones beside it match (0: off).
    sibling_weight: float = 0.2
    sibling_top: int = 5
    sibling_digits: int = 4
    # Labels in a language other than the query's (English beside Polish) count this much.
    foreign_weight: float = 0.9


@dataclass(frozen=True, slots=True)
class Match:
    uri: str
    # The label that matched, in `lang`.
    label: str
    lang: str
    score: float
    # The words of the text that matched the label ("" when only characters did).
    span: str = ""


@dataclass(frozen=True, slots=True)
class _LangIndex:
    table: LabelTable
    analyzer: Analyzer
    label_weight: FloatArray
    chars: CharSpace
    terms: TermSpace
    wb: CharSpace | None
    # Char, word-cosine and coverage features stacked, so one sparse product scores all three.
    stacked_t: Csr
    # The char-within-words channel on its own, when it is fused by rank.
    wb_t: Csr | None

    @classmethod
    def build(cls, table: LabelTable, config: LinkerConfig, *, wb: bool = True) -> _LangIndex:
        analyzer = Analyzer(table.lang)
        chars, char_matrix = CharSpace.fit(
            fold_all(table.texts), sizes=config.char_sizes, per_word=config.char_per_word
        )
        stemmed = [analyzer.terms(t) for t in table.texts]
        terms, counts = TermSpace.fit(stemmed, bigrams=True, prefix=config.prefix)
        weighted = sp.csr_matrix(counts.multiply(terms.idf[np.newaxis, :]))
        cosine = l2_normalise(weighted)
        squared = sp.csr_matrix(weighted.multiply(weighted))
        mass = np.asarray(squared.sum(axis=1)).ravel()
        mass[mass == 0] = 1.0
        cover = sp.csr_matrix(sp.diags((1.0 / mass).astype(np.float32)) @ squared)
        # Character n-grams shared by many labels (" ma", "er ") add little to a cosine but
        # make every label a candidate; dropping them from the index keeps the product sparse.
        chars_t = sp.csr_matrix(char_matrix.T)
        df = np.diff(chars_t.indptr)
        limit = max(config.char_min_df_cut, config.char_max_df * len(table.texts))
        keep = (df <= limit).astype(np.float32)
        chars_t = sp.csr_matrix(sp.diags(keep) @ chars_t)
        chars_t.eliminate_zeros()
        # The same for words ("and", "of"): their share of a cosine or a coverage is small.
        term_df = np.diff(counts.tocsc().indptr)
        keep_terms = sp.diags((term_df <= config.word_max_df * len(table.texts)).astype(np.float32))
        cosine_t = sp.csr_matrix(keep_terms @ cosine.T)
        cover_t = sp.csr_matrix(keep_terms @ cover.T)
        cosine_t.eliminate_zeros()
        cover_t.eliminate_zeros()
        blocks = [
            chars_t * config.char_weight,
            cosine_t * config.word_weight,
            cover_t * config.cover_weight,
        ]
        wb_space: CharSpace | None = None
        if config.wb_weight and wb:
            wb_space, wb_matrix = CharSpace.fit(
                [t.lower() for t in table.texts], sizes=config.wb_sizes, per_word=True
            )
            wb_t = _prune(sp.csr_matrix(wb_matrix.T), config.wb_max_df, config, len(table.texts))
            if config.fusion == "sum":
                blocks.append(wb_t * config.wb_weight)
                wb_t = None
        else:
            wb_t = None
        stacked_t = sp.csr_matrix(sp.vstack(blocks))
        return cls(
            table=table,
            analyzer=analyzer,
            label_weight=_label_weights(table, config),
            chars=chars,
            terms=terms,
            wb=wb_space,
            stacked_t=stacked_t,
            wb_t=wb_t,
        )

    def to_arrays(self) -> Arrays:
        """Everything but the label table (rebuilt from the taxonomy), for `cache.py`."""
        arrays: Arrays = {
            "chars.sizes": np.asarray(self.chars.sizes, dtype=np.int64),
            "chars.vocab": self.chars.vocab,
            "chars.idf": self.chars.idf,
            "chars.per_word": np.asarray(self.chars.per_word),
            "terms.vocab": pack_strings(tuple(self.terms.vocab)),
            "terms.idf": self.terms.idf,
            "terms.options": np.asarray([self.terms.bigrams, self.terms.prefix], dtype=np.int64),
            **pack_csr("stacked_t", self.stacked_t),
        }
        if self.wb is not None:
            arrays |= {"wb.vocab": self.wb.vocab, "wb.idf": self.wb.idf}
        if self.wb_t is not None:
            arrays |= pack_csr("wb_t", self.wb_t)
        return arrays

    @classmethod
    def from_arrays(cls, table: LabelTable, config: LinkerConfig, arrays: Arrays) -> _LangIndex:
        sizes = tuple(int(n) for n in arrays["chars.sizes"])
        bigrams, prefix = (int(n) for n in arrays["terms.options"])
        vocab = unpack_strings(arrays["terms.vocab"])
        wb = (
            CharSpace(config.wb_sizes, arrays["wb.vocab"], arrays["wb.idf"], True)
            if "wb.vocab" in arrays
            else None
        )
        return cls(
            table=table,
            analyzer=Analyzer(table.lang),
            label_weight=_label_weights(table, config),
            chars=CharSpace(
                sizes, arrays["chars.vocab"], arrays["chars.idf"], bool(arrays["chars.per_word"])
            ),
            terms=TermSpace(
                {term: i for i, term in enumerate(vocab)},
                arrays["terms.idf"],
                bool(bigrams),
                prefix,
            ),
            wb=wb,
            stacked_t=unpack_csr("stacked_t", arrays),
            wb_t=unpack_csr("wb_t", arrays) if "wb_t.data" in arrays else None,
        )

    def label_scores(self, texts: Sequence[str]) -> tuple[Csr, Csr | None]:
        """(fused label scores, char-within-words scores when fused by rank) per text."""
        q_chars = self.chars.transform(fold_all(texts))
        stemmed = [self.analyzer.terms(t) for t in texts]
        q_terms = self.terms.counts(stemmed)
        q_cosine = l2_normalise(sp.csr_matrix(q_terms.multiply(self.terms.idf[np.newaxis, :])))
        parts = [q_chars, q_cosine, q_terms]
        q_wb = self.wb.transform([t.lower() for t in texts]) if self.wb is not None else None
        if q_wb is not None and self.wb_t is None:
            parts.append(q_wb)
        query = sp.csr_matrix(sp.hstack(parts))
        scores = sp.csr_matrix(query @ self.stacked_t)
        scores.sort_indices()
        if q_wb is None or self.wb_t is None:
            return scores, None
        return scores, _product(q_wb, self.wb_t)


def _product(a: Csr, b: Csr) -> Csr:
    """`a @ b` for CSR matrices whose product is nearly dense, without SciPy's counting pass.

    SciPy first walks the whole product once to size its output exactly; a bound from the
    row lengths of `b` (never above the row width) is as good here and saves that pass. The
    kernel is SciPy's own, so the result is the same to the bit; without it, `a @ b`.
    """
    n_rows, n_cols = a.shape[0], b.shape[1]
    if _csr_matmat is None or a.nnz == 0 or a.shape[1] != b.shape[0]:
        return sp.csr_matrix(a @ b)
    # Products per row (a trailing 0 so that empty last rows have somewhere to point).
    work = np.append(np.diff(b.indptr)[a.indices], 0).astype(np.int64)
    per_row = np.add.reduceat(work, a.indptr[:-1])
    per_row[np.diff(a.indptr) == 0] = 0
    bound = int(np.minimum(per_row, n_cols).sum())
    index_dtype = np.int32 if max(bound, a.nnz, b.nnz, n_cols) < 2**31 - 1 else np.int64
    arrays = [np.asarray(m, dtype=index_dtype) for m in (a.indptr, a.indices, b.indptr, b.indices)]
    data_dtype = np.result_type(a.dtype, b.dtype)
    indptr = np.empty(n_rows + 1, dtype=index_dtype)
    indices = np.empty(bound, dtype=index_dtype)
    data = np.empty(bound, dtype=data_dtype)
    _csr_matmat(
        n_rows,
        n_cols,
        arrays[0],
        arrays[1],
        np.asarray(a.data, dtype=data_dtype),
        arrays[2],
        arrays[3],
        np.asarray(b.data, dtype=data_dtype),
        indptr,
        indices,
        data,
    )
    nnz = int(indptr[-1])
    return sp.csr_matrix((data[:nnz], indices[:nnz], indptr), shape=(n_rows, n_cols))


def _label_weights(table: LabelTable, config: LinkerConfig) -> FloatArray:
    return np.asarray(
        [config.label_weights.get(int(t), 1.0) for t in table.label_type], dtype=np.float32
    )


def _prune(matrix_t: Csr, share: float, config: LinkerConfig, n_labels: int) -> Csr:
    """Drop the rows (features) of a feature × label matrix found in more than `share`."""
    if share >= 1.0:
        return matrix_t
    df = np.diff(matrix_t.indptr)
    limit = max(config.char_min_df_cut, share * n_labels)
    pruned = sp.csr_matrix(sp.diags((df <= limit).astype(np.float32)) @ matrix_t)
    pruned.eliminate_zeros()
    return pruned


# Ranking against another language's labels: word matches are rare and stems misleading, so
# characters within words (no pruning) and word beginnings carry the score.
CROSS_LINGUAL = LinkerConfig(
    wb_weight=0.0,
    sibling_weight=0.0,
    char_per_word=True,
    char_max_df=1.0,
    word_max_df=1.0,
    char_weight=0.98,
    word_weight=0.02,
    cover_weight=0.0,
    prefix=4,
)


class Linker:
    """Estimator-style: `fit(taxonomy)` once, then `link(texts, …)` as often as needed.

    Per-language indexes are built on first use (or ahead with `prepare`), so a process that
    links only Italian titles never pays for the other 21 languages.
    """

    def __init__(
        self,
        *,
        config: LinkerConfig | None = None,
        cross_lingual: LinkerConfig | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.config = config or LinkerConfig()
        self.cross_lingual = cross_lingual or CROSS_LINGUAL
        # Built indexes are kept there between processes (`cache.default_cache_dir()`).
        self.cache_dir = cache_dir
        self._taxonomy: Taxonomy | None = None
        self._spaces: dict[LinkKind, ConceptSpace] = {}
        self._indexes: dict[tuple[LinkKind, str, bool], _LangIndex] = {}
        self._languages: dict[LinkKind | None, frozenset[str]] = {}
        self._priors: dict[LinkKind, FloatArray] = {}
        self._groups: dict[tuple[LinkKind, int], _Groups] = {}

    def fit(self, taxonomy: Taxonomy) -> Self:
        self._taxonomy = taxonomy
        self._spaces = {kind: ConceptSpace.of(taxonomy, kind) for kind in LinkKind}
        self._indexes = {}
        self._priors = {kind: self._prior(taxonomy, self._spaces[kind]) for kind in LinkKind}
        self._groups = {}
        self._languages = {None: taxonomy.languages()}
        for kind in LinkKind:
            langs: set[str] = set()
            for uri in self._spaces[kind].uris:
                langs.update(taxonomy.concepts[uri].labels)
            self._languages[kind] = frozenset(langs)
        return self

    @staticmethod
    def _prior(taxonomy: Taxonomy, space: ConceptSpace) -> FloatArray:
        """log(1 + number of occupations linked), scaled to [0, 1]."""
        position = {uri: i for i, uri in enumerate(space.uris)}
        counts = np.zeros(len(space.uris), dtype=np.float32)
        for relation in taxonomy.occupation_skills:
            for uri in (relation.skill_uri, relation.occupation_uri):
                if (i := position.get(uri)) is not None:
                    counts[i] += 1
        prior = np.log1p(counts)
        top = float(prior.max()) if len(prior) else 0.0
        return (prior / top if top > 0 else prior).astype(np.float32)

    def _group_of(self, kind: LinkKind, digits: int) -> _Groups:
        """Each concept's ISCO group (code prefix) as a number, -1 where it has no code."""
        key = (kind, digits)
        if key not in self._groups:
            numbers: dict[str, int] = {}
            groups = [
                numbers.setdefault(code[:digits], len(numbers)) if code else -1
                for code in (self.taxonomy.concepts[u].code for u in self._spaces[kind].uris)
            ]
            self._groups[key] = _Groups.of_groups(np.asarray(groups, dtype=np.int64), len(numbers))
        return self._groups[key]

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            raise RuntimeError("call fit(taxonomy) first")
        return self._taxonomy

    def languages(self, *, kind: LinkKind | None = None) -> frozenset[str]:
        self.taxonomy  # noqa: B018 - raises when not fitted
        return self._languages[kind]

    def corpus_languages(
        self, *, kind: LinkKind, lang: str, corpus_lang: str | None = None
    ) -> tuple[str, ...]:
        """The label languages a query ranks against, failing on unknown languages."""
        if lang not in self.languages():
            raise UnknownLanguageError(lang, self.languages(), what="labels")
        available = self.languages(kind=kind)
        if corpus_lang is not None:
            if corpus_lang not in available:
                raise UnknownLanguageError(corpus_lang, available, what=f"{kind} labels")
            return (corpus_lang,)
        # English labels also catch the English words of titles in other languages.
        chosen = tuple(code for code in dict.fromkeys((lang, "en")) if code in available)
        if not chosen:
            raise UnknownLanguageError(lang, available, what=f"{kind} labels")
        return chosen

    def prepare(self, *, kind: LinkKind, langs: Sequence[str], cross_lingual: bool = False) -> None:
        for lang in langs:
            self._index(kind, lang, cross_lingual)

    def _index(self, kind: LinkKind, lang: str, cross_lingual: bool) -> _LangIndex:
        key = (kind, lang, cross_lingual)
        if key not in self._indexes:
            table = LabelTable.of(self.taxonomy, self._spaces[kind], lang)
            config = self.cross_lingual if cross_lingual else self.config
            wb = kind in config.wb_kinds
            name = self._cache_name(table, config, kind=kind, wb=wb)
            arrays = read_entry(self.cache_dir, name)
            index: _LangIndex | None = None
            if arrays is not None:
                with contextlib.suppress(KeyError, ValueError, TypeError):
                    index = _LangIndex.from_arrays(table, config, arrays)
            if index is None:
                index = _LangIndex.build(table, config, wb=wb)
                write_entry(self.cache_dir, name, index.to_arrays())
            self._indexes[key] = index
        return self._indexes[key]

    def _cache_name(
        self, table: LabelTable, config: LinkerConfig, *, kind: LinkKind, wb: bool
    ) -> str:
        if self.cache_dir is None:
            return ""
        key = cache_key(
            repr(config),
            f"{kind}:{table.lang}:{wb}",
            "\x1f".join(table.texts),
            table.concept.tobytes(),
            table.label_type.tobytes(),
        )
        return f"{kind}-{table.lang}-{key[:24]}"

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
        """Rank concepts of `kind` for each text; an empty text gets an empty list.

        `spans=False` skips finding the words behind each match, for bulk ranking.
        """
        langs = self.corpus_languages(kind=kind, lang=lang, corpus_lang=corpus_lang)
        cross = corpus_lang is not None and corpus_lang != lang
        config = self.cross_lingual if cross else self.config
        indexes = [self._index(kind, code, cross) for code in langs]
        results: list[list[Match]] = []
        batch = max(1, config.batch)
        for start in range(0, len(texts), batch):
            results.extend(
                self._link_batch(
                    texts[start : start + batch], kind, lang, indexes, config, top, spans
                )
            )
        return results

    def _link_batch(
        self,
        texts: Sequence[str],
        kind: LinkKind,
        lang: str,
        indexes: Sequence[_LangIndex],
        config: LinkerConfig,
        top: int,
        spans: bool,
    ) -> list[list[Match]]:
        window_texts: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for piece in _windows(text, config):
                window_texts.append(piece)
                owner.append(i)
        n_concepts = len(self._spaces[kind].uris)
        best = np.zeros((len(window_texts), n_concepts), dtype=np.float32)
        # Which (language, label) gave each best score: language index * 2^24 + label index.
        which = np.full((len(window_texts), n_concepts), -1, dtype=np.int32)
        rank_fused = any(index.wb_t is not None for index in indexes)
        best_wb = np.zeros_like(best) if rank_fused else None
        if window_texts:
            for lang_no, index in enumerate(indexes):
                if len(index.table.texts) == 0:
                    continue
                scores, wb_scores = index.label_scores(window_texts)
                weight = config.foreign_weight if index.table.lang != lang else 1.0
                _max_into(index, scores, lang_no, best, which, weight)
                if best_wb is not None and wb_scores is not None:
                    _dense_max_into(index, wb_scores, best_wb, weight)
        groups = (
            self._group_of(kind, config.sibling_digits)
            if config.sibling_weight and kind is LinkKind.OCCUPATION
            else None
        )
        if config.prior_weight and window_texts:
            best *= 1 + config.prior_weight * self._priors[kind][np.newaxis, :]
        results: list[list[Match]] = [[] for _ in texts]
        if not window_texts:
            return results
        # Texts with at least one window, each with its best window per concept; windows of
        # one text are consecutive rows.
        owners = np.asarray(owner, dtype=np.int64)
        firsts = np.flatnonzero(np.diff(owners, prepend=-1))
        linked = owners[firsts]
        counts = np.diff(np.append(firsts, len(owners)))
        if (counts == 1).all():
            text_best, text_which = best, which
            text_window = np.broadcast_to(firsts[:, np.newaxis], best.shape)
            text_wb = best_wb
        else:
            text_best, text_which = best[firsts], which[firsts]
            text_window = np.repeat(firsts[:, np.newaxis], n_concepts, axis=1)
            text_wb = best_wb[firsts] if best_wb is not None else None
            columns = np.arange(n_concepts)
            for t in np.flatnonzero(counts > 1).tolist():
                rows = np.arange(firsts[t], firsts[t] + counts[t])
                pick = np.argmax(best[rows], axis=0)
                text_window[t] = rows[pick]
                text_best[t] = best[rows[pick], columns]
                text_which[t] = which[rows[pick], columns]
                if text_wb is not None and best_wb is not None:
                    text_wb[t] = best_wb[rows].max(axis=0)
        if groups is not None:
            named = np.zeros(n_concepts, dtype=bool)
            for index in indexes:
                named[index.table.concept] = True
            # Only concepts with a label here can be raised (and named).
            text_best = np.where(named, _sibling_boost(text_best, groups, config), text_best)
        if text_wb is not None:
            # Concepts only the second channel found are named by their first label.
            text_best = _rank_fusion(text_best, text_wb, config)
        chosen = _top_sorted(text_best, top)
        spanner = _Spanner(indexes, window_texts) if spans else None
        for t, text_no in enumerate(linked.tolist()):
            results[text_no] = self._matches(
                kind, indexes, text_best[t], text_which[t], text_window[t], chosen[t], spanner
            )
        return results

    def _matches(
        self,
        kind: LinkKind,
        indexes: Sequence[_LangIndex],
        row_best: FloatArray,
        row_which: npt.NDArray[np.int32],
        row_window: npt.NDArray[np.int64],
        chosen: npt.NDArray[np.int64],
        spanner: _Spanner | None,
    ) -> list[Match]:
        uris = self._spaces[kind].uris
        matches = []
        for concept, score in zip(chosen.tolist(), row_best[chosen].tolist(), strict=True):
            if score == 0:
                break
            code = int(row_which[concept])
            if code < 0:
                # Raised by its group alone: name it by its first label.
                code = _first_label(indexes, concept)
            lang_no = code >> 24
            index = indexes[lang_no]
            label_no = code & (2**24 - 1)
            matches.append(
                Match(
                    uri=uris[concept],
                    label=index.table.texts[label_no],
                    lang=index.table.lang,
                    score=round(score, 4),
                    span=spanner.span(int(row_window[concept]), lang_no, label_no)
                    if spanner is not None
                    else "",
                )
            )
        return matches


@dataclass(frozen=True, slots=True)
class _Groups:
    """Concepts by ISCO group: `of[concept]` (-1: none), and each group's members."""

    of: npt.NDArray[np.int64]
    # Members of group g: members[starts[g] : starts[g + 1]].
    members: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]

    @classmethod
    def of_groups(cls, groups: npt.NDArray[np.int64], n_groups: int) -> _Groups:
        order = np.argsort(groups, kind="stable")
        order = order[groups[order] >= 0]
        sizes = np.bincount(groups[order], minlength=n_groups)
        starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        return cls(groups, order.astype(np.int64), starts)


class _Spanner:
    """`_span` for the matches of one batch, splitting each window and label only once."""

    def __init__(self, indexes: Sequence[_LangIndex], window_texts: Sequence[str]) -> None:
        self.indexes = indexes
        self.window_texts = window_texts
        self._windows: dict[tuple[int, int], tuple[list[re.Match[str]], list[str]]] = {}
        self._labels: dict[tuple[int, int], frozenset[str]] = {}

    def span(self, window: int, lang_no: int, label_no: int) -> str:
        """The shortest stretch of the window holding all words it shares with the label."""
        analyzer = self.indexes[lang_no].analyzer
        label_key = (lang_no, label_no)
        label_stems = self._labels.get(label_key)
        if label_stems is None:
            label = self.indexes[lang_no].table.texts[label_no]
            label_stems = self._labels[label_key] = frozenset(analyzer.terms(label))
        window_key = (window, lang_no)
        split = self._windows.get(window_key)
        if split is None:
            words = list(_WORD.finditer(self.window_texts[window]))
            stems = analyzer.stems([w.group().casefold() for w in words]) if words else []
            split = self._windows[window_key] = (words, stems)
        words, stems = split
        if not words or not label_stems:
            return ""
        hits = [i for i, s in enumerate(stems) if s in label_stems]
        if not hits:
            return ""
        text = self.window_texts[window]
        return text[words[hits[0]].start() : words[hits[-1]].end()]


def _top_sorted(scores: FloatArray, depth: int) -> npt.NDArray[np.int64]:
    """Per row, the `depth` best columns by score then column (zeros last, to be dropped).

    The same columns as one `np.argpartition` per row over the columns with a score.
    """
    n_rows, n_cols = scores.shape
    depth = min(depth, n_cols)
    if depth <= 0 or n_rows == 0:
        return np.zeros((n_rows, 0), dtype=np.int64)
    if depth < n_cols:
        chosen = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
    else:
        chosen = np.broadcast_to(np.arange(n_cols, dtype=np.int64), (n_rows, n_cols))
    values = np.take_along_axis(scores, chosen, axis=1)
    # Ties break on column (URI) order so results never depend on the partition's internals.
    order = np.lexsort((chosen, -values), axis=1)
    return np.take_along_axis(chosen, order, axis=1).astype(np.int64)


def _first_label(indexes: Sequence[_LangIndex], concept: int) -> int:
    """`which` code of a concept's first (preferred) label in the first index that has one."""
    for lang_no, index in enumerate(indexes):
        at = int(np.searchsorted(index.table.concept, concept))
        if at < len(index.table.concept) and index.table.concept[at] == concept:
            return lang_no * 2**24 + at
    raise LookupError(concept)


def _max_into(
    index: _LangIndex,
    scores: Csr,
    lang_no: int,
    best: npt.NDArray[np.float32],
    which: npt.NDArray[np.int32] | None,
    weight: float = 1.0,
) -> None:
    """Raise `best[window, concept]` to the concept's best label score in `scores`."""
    if scores.nnz == 0:
        return
    # Labels are grouped by concept, so (row, concept) runs are contiguous in CSR order.
    rows = np.repeat(np.arange(scores.shape[0], dtype=np.int64), np.diff(scores.indptr))
    concepts = index.table.concept[scores.indices].astype(np.int64)
    values = scores.data * index.label_weight[scores.indices]
    if weight != 1.0:
        values = values * np.float32(weight)
    keys = rows * best.shape[1] + concepts
    starts = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1])
    run_max = np.maximum.reduceat(values, starts)
    r, c = rows[starts], concepts[starts]
    better = run_max > best[r, c]
    if which is not None:
        run_of = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(values))))
        positions = np.where(values >= run_max[run_of], np.arange(len(values)), len(values))
        arg = np.minimum.reduceat(positions, starts)
        which[r[better], c[better]] = lang_no * 2**24 + scores.indices[arg[better]]
    best[r[better], c[better]] = run_max[better]


def _dense_max_into(
    index: _LangIndex, scores: Csr, best: npt.NDArray[np.float32], weight: float
) -> None:
    """`_max_into` without the label behind each maximum, through dense blocks of rows.

    A within-word character channel touches most labels, so dense rows are cheaper here
    than sorting the sparse product.
    """
    present, starts = index.table.group_starts()
    label_weight = index.label_weight * np.float32(weight)
    n_rows, n_labels = scores.shape
    step = max(1, 2**22 // max(1, n_labels))
    indptr, indices, data = scores.indptr, scores.indices, scores.data
    for start in range(0, n_rows, step):
        end = min(start + step, n_rows)
        a, b = int(indptr[start]), int(indptr[end])
        # A view of the rows, not a copy as slicing the matrix makes.
        rows = sp.csr_matrix(
            (data[a:b], indices[a:b], indptr[start : end + 1] - a), shape=(end - start, n_labels)
        )
        dense = rows.toarray()
        dense *= label_weight
        per = np.maximum.reduceat(dense, starts, axis=1)
        block = best[start : start + step]
        block[:, present] = np.maximum(block[:, present], per)


def _sibling_boost(scores: FloatArray, groups: _Groups, config: LinkerConfig) -> FloatArray:
    """Add to each concept a share of the best scores of the other concepts in its group.

    Row by row (one text per row) over the `sibling_top` best concepts of the row.
    """
    n_rows, n_cols = scores.shape
    depth = min(config.sibling_top, n_cols)
    if depth <= 0 or n_rows == 0:
        return scores
    if depth < n_cols:
        top = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
    else:
        top = np.broadcast_to(np.arange(n_cols, dtype=np.int64), (n_rows, n_cols))
    top_scores = np.take_along_axis(scores, top, axis=1)
    top_groups = groups.of[top]
    keep = (top_scores != 0) & (top_groups >= 0)
    if not keep.any():
        return scores
    rows = np.broadcast_to(np.arange(n_rows)[:, np.newaxis], top.shape)[keep]
    top_concepts, top_groups, top_scores = top[keep], top_groups[keep], top_scores[keep]
    # Score mass of each (row, group) among the row's best concepts.
    n_groups = len(groups.starts) - 1
    pairs, pair_of = np.unique(rows * n_groups + top_groups, return_inverse=True)
    mass = np.bincount(pair_of, weights=top_scores.astype(np.float64), minlength=len(pairs))
    pair_rows, pair_groups = pairs // n_groups, pairs % n_groups
    sizes = groups.starts[pair_groups + 1] - groups.starts[pair_groups]
    total = int(sizes.sum())
    # Every member of each (row, group): its row, concept id and the group's mass.
    offsets = np.repeat(groups.starts[pair_groups] - (np.cumsum(sizes) - sizes), sizes)
    members = groups.members[offsets + np.arange(total)]
    member_rows = np.repeat(pair_rows, sizes)
    gain = np.repeat(mass, sizes).astype(np.float32)
    is_top = np.zeros(scores.shape, dtype=bool)
    is_top[rows, top_concepts] = True
    in_top = is_top[member_rows, members]
    gain[in_top] -= scores[member_rows[in_top], members[in_top]]
    boosted = scores.copy()
    boosted[member_rows, members] += np.float32(config.sibling_weight) * gain
    # The best concept keeps its place: the boost reorders the ones after it.
    raised = np.unique(rows)
    first = np.argmax(scores[raised], axis=1)
    best = scores[raised, first]
    ceiling = (best * (1 - 1e-3)).astype(np.float32)
    boosted[raised] = np.minimum(boosted[raised], ceiling[:, np.newaxis])
    boosted[raised, first] = best
    return boosted


def _ranks(scores: FloatArray, depth: int) -> FloatArray:
    """1-based rank of each concept among the `depth` best with a score, else infinity."""
    ranks = np.full(scores.shape, np.inf, dtype=np.float32)
    chosen = _top_sorted(scores, depth)
    if chosen.size:
        values = np.take_along_axis(scores, chosen, axis=1)
        rank = np.broadcast_to(np.arange(1, chosen.shape[1] + 1, dtype=np.float32), chosen.shape)
        rows = np.broadcast_to(np.arange(len(scores))[:, np.newaxis], chosen.shape)
        scored = values != 0
        ranks[rows[scored], chosen[scored]] = rank[scored]
    return ranks


def _rank_fusion(main: FloatArray, wb: FloatArray, config: LinkerConfig) -> FloatArray:
    """Reciprocal-rank fusion of the two channels, scaled so that first in both gives 1.

    A small share of the main score breaks ties among concepts with equal fused ranks.
    One text per row.
    """
    k = config.rrf_k
    fused = 1.0 / (k + _ranks(main, config.rrf_depth)) + config.wb_weight / (
        k + _ranks(wb, config.rrf_depth)
    )
    fused *= (k + 1) / (1 + config.wb_weight)
    fused += 1e-4 * main
    return fused.astype(np.float32)


def _windows(text: str, config: LinkerConfig) -> list[str]:
    words = list(_WORD.finditer(text))
    if not words:
        return []
    spans = windows(words, size=config.window, overlap=config.overlap)
    return [text[words[a].start() : words[b - 1].end()] for a, b in spans]
