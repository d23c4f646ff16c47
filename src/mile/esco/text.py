"""Text normalisation, tokens, stems and hashed character n-grams, in bulk.

Character n-grams are hashed with NumPy over the whole batch at once (a polynomial hash of
code points); this is what keeps the index build and the per-query cost low enough for
thousands of texts per second without a compiled extension of our own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import Stemmer  # type: ignore[import-not-found]

_TOKEN = re.compile(r"\w+[+#]*")
_COMBINING = re.compile(r"[\u0300-\u036f]")

# Snowball has no stemmer for these; a close relative does a fair job on job titles.
_STEMMER_FALLBACK = {"hr": "serbian", "sk": "czech", "no": "norwegian", "nb": "norwegian"}
# Without any stemmer, cutting long words to a prefix merges most inflected forms.
_PREFIX_LENGTH = 6

_P = np.uint64(1_000_003)


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for character n-grams and matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", _COMBINING.sub("", decomposed))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


@cache
def _stemmer(lang: str) -> Any:
    name = _STEMMER_FALLBACK.get(lang, lang)
    try:
        return Stemmer.Stemmer(name)
    except KeyError:
        return None


def has_stemmer(lang: str) -> bool:
    return _stemmer(lang) is not None


class Analyzer:
    """Stems words of one language, with a cache because labels repeat words a lot."""

    __slots__ = ("_cache", "_stemmer", "lang")

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._stemmer = _stemmer(lang)
        self._cache: dict[str, str] = {}

    def stems(self, words: Sequence[str]) -> list[str]:
        cache = self._cache
        missing = [w for w in words if w not in cache]
        if missing:
            missing = list(dict.fromkeys(missing))
            if self._stemmer is not None:
                stemmed = self._stemmer.stemWords(missing)
            else:
                stemmed = [w[:_PREFIX_LENGTH] for w in missing]
            for word, stem in zip(missing, stemmed, strict=True):
                cache[word] = fold(stem)
        return [cache[w] for w in words]

    def terms(self, text: str) -> list[str]:
        return self.stems(tokens(text))


def char_ngram_hashes(
    texts: Sequence[str], sizes: Sequence[int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]:
    """(row, hash) of every character n-gram of every text, texts padded with a space.

    `texts` must already be folded. N-grams never cross from one text into the next.
    """
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.uint32)
    padded = [f" {t} " for t in texts]
    lengths = np.fromiter((len(t) + 1 for t in padded), np.int64, len(padded))
    joined = "\x00".join(padded) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    # The separator belongs to no text, so no n-gram spans two texts.
    row_of[np.cumsum(lengths) - 1] = -1
    rows: list[npt.NDArray[np.int64]] = []
    hashes: list[npt.NDArray[np.uint32]] = []
    total = len(codes)
    for n in sizes:
        if total < n:
            continue
        count = total - n + 1
        h = np.full(count, np.uint64(n), dtype=np.uint64)
        for k in range(n):
            h = h * _P + codes[k : k + count]
        start, end = row_of[:count], row_of[n - 1 : n - 1 + count]
        ok = (start == end) & (start >= 0)
        rows.append(start[ok])
        h = h[ok]
        # 32 bits sort twice as fast; collisions among ~10^6 distinct n-grams stay rare.
        hashes.append(((h >> np.uint64(32)) ^ h).astype(np.uint32))
    return np.concatenate(rows), np.concatenate(hashes)


def windows(words: Sequence[object], *, size: int, overlap: int) -> list[tuple[int, int]]:
    """[start, end) word ranges covering all of `words`, each at most `size` long."""
    if len(words) <= size:
        return [(0, len(words))]
    step = max(1, size - overlap)
    spans = []
    start = 0
    while True:
        end = min(start + size, len(words))
        spans.append((start, end))
        if end == len(words):
            return spans
        start += step
