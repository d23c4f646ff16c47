"""Label tables and the sparse per-language indexes the linker and baselines rank over."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from mile.esco.model import ConceptKind, Taxonomy
from mile.esco.text import Analyzer, char_ngram_hashes, fold

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
# SciPy ships no type information; sparse matrices are typed by this alias only.
type Csr = Any


class LinkKind(StrEnum):
    SKILL = "skill"
    # Occupations and ISCO groups together, as MELO and the app's forms rank them.
    OCCUPATION = "occupation"


KINDS_OF: dict[LinkKind, tuple[ConceptKind, ...]] = {
    LinkKind.SKILL: (ConceptKind.SKILL,),
    LinkKind.OCCUPATION: (ConceptKind.OCCUPATION, ConceptKind.ISCO_GROUP),
}

PREFERRED, ALTERNATIVE, HIDDEN, VARIANT = 0, 1, 2, 3
_GENDER_SPLIT = re.compile(r"\s*/\s*")
_WORDS = re.compile(r"\w+[+#]*")


@dataclass(frozen=True, slots=True)
class ConceptSpace:
    """The concepts one kind ranks over, in URI order; positions are concept ids."""

    kind: LinkKind
    uris: tuple[str, ...]

    @classmethod
    def of(cls, taxonomy: Taxonomy, kind: LinkKind) -> ConceptSpace:
        return cls(kind, tuple(c.uri for c in taxonomy.of_kind(*KINDS_OF[kind])))


@dataclass(frozen=True, slots=True)
class LabelTable:
    """Every label of one language for the concepts of a `ConceptSpace`, grouped by concept."""

    lang: str
    texts: tuple[str, ...]
    concept: IntArray  # concept id of each label, non-decreasing
    label_type: npt.NDArray[np.int8]

    @classmethod
    def of(cls, taxonomy: Taxonomy, space: ConceptSpace, lang: str) -> LabelTable:
        texts: list[str] = []
        concept: list[int] = []
        types: list[int] = []
        for i, uri in enumerate(space.uris):
            labels = taxonomy.concepts[uri].labels.get(lang)
            if labels is None:
                continue
            seen: set[str] = set()
            for kind, group in (
                (PREFERRED, (labels.preferred,)),
                (ALTERNATIVE, labels.alternative),
                (HIDDEN, labels.hidden),
            ):
                for text in group:
                    variants = [(text, kind)]
                    # "direttore tecnico/direttrice tecnica": each form is a label of its own.
                    if "/" in text:
                        parts = [p for p in _GENDER_SPLIT.split(text) if len(p) > 2]
                        if len(parts) > 1:
                            variants += [(p, VARIANT if kind == PREFERRED else kind) for p in parts]
                    for variant, variant_kind in variants:
                        key = variant.casefold()
                        if key not in seen:
                            seen.add(key)
                            texts.append(variant)
                            concept.append(i)
                            types.append(variant_kind)
        return cls(
            lang,
            tuple(texts),
            np.asarray(concept, dtype=np.int32),
            np.asarray(types, dtype=np.int8),
        )

    def group_starts(self) -> tuple[IntArray, IntArray]:
        """(concept ids present, index of each one's first label) for `np.maximum.reduceat`."""
        if len(self.concept) == 0:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        change = np.flatnonzero(np.diff(self.concept)) + 1
        starts = np.concatenate([[0], change]).astype(np.int32)
        return self.concept[starts], starts


def l2_normalise(matrix: Csr) -> Csr:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ matrix)


@dataclass(frozen=True, slots=True)
class CharSpace:
    """Hashed character n-grams with IDF fitted on a label table."""

    sizes: tuple[int, ...]
    vocab: npt.NDArray[np.uint32]
    idf: FloatArray
    per_word: bool

    @staticmethod
    def hashes(
        folded: Sequence[str], sizes: tuple[int, ...], per_word: bool
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
        if not per_word:
            return char_ngram_hashes(folded, sizes)
        # N-grams within words only: across words they are noise when languages differ.
        words: list[str] = []
        owner: list[int] = []
        for row, text in enumerate(folded):
            found = _WORDS.findall(text)
            words += found
            owner += [row] * len(found)
        rows, hashes = char_ngram_hashes(words, sizes)
        return np.asarray(owner, dtype=np.int64)[rows], hashes

    @classmethod
    def fit(
        cls, folded: Sequence[str], *, sizes: tuple[int, ...], per_word: bool = False
    ) -> tuple[CharSpace, Csr]:
        rows, hashes = cls.hashes(folded, sizes, per_word)
        vocab = np.unique(hashes)
        cols = np.searchsorted(vocab, hashes)
        counts = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(folded), len(vocab))
        )
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(vocab)).astype(np.float32)
        idf = (np.log((1 + len(folded)) / (1 + df)) + 1).astype(np.float32)
        space = cls(sizes, vocab, idf, per_word)
        return space, space._weigh(counts)

    def transform(self, folded: Sequence[str]) -> Csr:
        rows, hashes = self.hashes(folded, self.sizes, self.per_word)
        cols = np.searchsorted(self.vocab, hashes)
        cols[cols >= len(self.vocab)] = 0
        known = self.vocab[cols] == hashes if len(self.vocab) else np.zeros(len(cols), bool)
        counts = sp.csr_matrix(
            (np.ones(int(known.sum()), np.float32), (rows[known], cols[known])),
            shape=(len(folded), len(self.vocab)),
        )
        counts.sum_duplicates()
        return self._weigh(counts)

    def _weigh(self, counts: Csr) -> Csr:
        counts.data = (1 + np.log(counts.data)) * self.idf[counts.indices]
        return l2_normalise(counts)


@dataclass(frozen=True, slots=True)
class TermSpace:
    """Stemmed word unigrams (and optionally bigrams) with IDF fitted on a label table."""

    vocab: dict[str, int]
    idf: FloatArray
    bigrams: bool
    prefix: int

    @staticmethod
    def features(stems: Sequence[str], *, bigrams: bool, prefix: int) -> list[str]:
        found = list(stems)
        if bigrams:
            found += [f"{a} {b}" for a, b in itertools.pairwise(stems)]
        if prefix:
            # Word beginnings are shared by cognates across languages (operator, operatore).
            found += [f"^{s[:prefix]}" for s in stems if len(s) > prefix]
        return found

    @classmethod
    def fit(
        cls, stemmed: Sequence[Sequence[str]], *, bigrams: bool, prefix: int = 0
    ) -> tuple[TermSpace, Csr]:
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, stems in enumerate(stemmed):
            for term in cls.features(stems, bigrams=bigrams, prefix=prefix):
                col = vocab.setdefault(term, len(vocab))
                rows.append(row)
                cols.append(col)
        counts = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(stemmed), len(vocab))
        )
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(vocab)).astype(np.float32)
        idf = np.log((1 + len(stemmed)) / (1 + df)).astype(np.float32) + np.float32(1)
        counts.data = np.ones_like(counts.data)
        return cls(vocab, idf, bigrams, prefix), counts

    def counts(self, stemmed: Sequence[Sequence[str]]) -> Csr:
        rows: list[int] = []
        cols: list[int] = []
        vocab = self.vocab
        for row, stems in enumerate(stemmed):
            for term in self.features(stems, bigrams=self.bigrams, prefix=self.prefix):
                col = vocab.get(term)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
        counts = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)), shape=(len(stemmed), len(vocab))
        )
        counts.sum_duplicates()
        counts.data = np.ones_like(counts.data)
        return counts


def stem_all(analyzer: Analyzer, texts: Sequence[str]) -> list[list[str]]:
    return [analyzer.terms(t) for t in texts]


def fold_all(texts: Sequence[str]) -> list[str]:
    return [fold(t) for t in texts]
