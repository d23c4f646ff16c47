"""The two reference rankers `mile esco evaluate` prints beside ours.

Both are deliberately textbook, so beating them means something: scikit-learn's character
n-gram TF-IDF over every label (a concept scores its best label), and Okapi BM25 over one
document per concept made of all its labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from mile.esco.index import ConceptSpace, LabelTable, LinkKind
from mile.esco.model import Taxonomy

_WORD = re.compile(r"\w+")
Ranking = list[tuple[str, float]]


class Ranker(Protocol):
    name: str

    def fit(self, taxonomy: Taxonomy, *, kind: LinkKind, langs: Sequence[str]) -> Self: ...

    def rank(self, texts: Sequence[str], *, top: int) -> list[Ranking]: ...


def _top(scores: npt.NDArray[np.floating[Any]], uris: Sequence[str], top: int) -> Ranking:
    k = min(top, int(np.count_nonzero(scores)))
    if k <= 0:
        return []
    chosen = np.argpartition(-scores, k - 1)[:k]
    chosen = chosen[np.lexsort((chosen, -scores[chosen]))]
    return [(uris[i], float(scores[i])) for i in chosen]


class CharTfidfBaseline:
    name = "char TF-IDF"

    def __init__(self) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True
        )
        self._uris: tuple[str, ...] = ()

    def fit(self, taxonomy: Taxonomy, *, kind: LinkKind, langs: Sequence[str]) -> Self:
        space = ConceptSpace.of(taxonomy, kind)
        texts: list[str] = []
        concepts: list[int] = []
        for lang in langs:
            table = LabelTable.of(taxonomy, space, lang)
            texts += table.texts
            concepts += table.concept.tolist()
        order = np.argsort(np.asarray(concepts), kind="stable")
        self._concept = np.asarray(concepts)[order]
        self._matrix = sp.csr_matrix(self._vectorizer.fit_transform([texts[i] for i in order]).T)
        change = np.flatnonzero(np.diff(self._concept)) + 1
        self._starts = np.concatenate([[0], change])
        self._present = self._concept[self._starts]
        self._uris = space.uris
        return self

    def rank(self, texts: Sequence[str], *, top: int) -> list[Ranking]:
        out: list[Ranking] = []
        for start in range(0, len(texts), 256):
            chunk = texts[start : start + 256]
            dense = (self._vectorizer.transform(chunk) @ self._matrix).toarray()
            grouped = np.maximum.reduceat(dense, self._starts, axis=1)
            for row in grouped:
                scores = np.zeros(len(self._uris), dtype=np.float64)
                scores[self._present] = row
                out.append(_top(scores, self._uris, top))
        return out


class Bm25Baseline:
    name = "BM25"

    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._uris: tuple[str, ...] = ()

    def fit(self, taxonomy: Taxonomy, *, kind: LinkKind, langs: Sequence[str]) -> Self:
        space = ConceptSpace.of(taxonomy, kind)
        docs: list[list[str]] = [[] for _ in space.uris]
        for lang in langs:
            table = LabelTable.of(taxonomy, space, lang)
            for text, concept in zip(table.texts, table.concept.tolist(), strict=True):
                docs[concept] += _WORD.findall(text.lower())
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for row, doc in enumerate(docs):
            for word in doc:
                rows.append(row)
                cols.append(vocab.setdefault(word, len(vocab)))
        tf = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(vocab)))
        tf.sum_duplicates()
        lengths = np.asarray(tf.sum(axis=1)).ravel()
        avg = lengths.mean() if len(lengths) else 1.0
        df = np.bincount(tf.indices, minlength=len(vocab))
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        norm = self.k1 * (1 - self.b + self.b * lengths / max(avg, 1e-9))
        row_of = np.repeat(np.arange(len(docs)), np.diff(tf.indptr))
        tf.data = tf.data * (self.k1 + 1) / (tf.data + norm[row_of]) * idf[tf.indices]
        self._weights = sp.csr_matrix(tf.T)
        self._vocab = vocab
        self._uris = space.uris
        return self

    def rank(self, texts: Sequence[str], *, top: int) -> list[Ranking]:
        out: list[Ranking] = []
        for text in texts:
            cols = [self._vocab[w] for w in set(_WORD.findall(text.lower())) if w in self._vocab]
            if not cols:
                out.append([])
                continue
            scores = np.asarray(self._weights[cols].sum(axis=0)).ravel()
            out.append(_top(scores, self._uris, top))
        return out
