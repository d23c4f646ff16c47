"""Ranking both ways, vectorised: the best offers for a person, the best people for an offer.

`score.fit` defines a score pair by pair; here the same numbers come out for a whole block of
people × offers at once, so a page can rank 10,000 offers on every view and a cohort of
100,000 people can be scored against 10,000 offers in chunks without ever holding an 8 GB
matrix. Skills are columns of sparse matrices: each person is a row of skill credits (1 for a
skill they have, the partial credit of `score.skill_credits` for its ESCO neighbours), each
offer a row of 0/1 requirements, so coverage is one sparse product. Occupations and ISCO
prefixes are one-hot sparse products too; languages, place, time and the hard constraints
are NumPy broadcasts. Excluded pairs come out as NaN and never reach a result.

Ties are broken by id, so the same data always gives the same order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]

from mile.matching.model import (
    Id,
    Offer,
    Person,
    SkillGraph,
    Weights,
    cefr_rank,
    holds_licence,
    isco4,
)
from mile.matching.score import EARTH_RADIUS_KM, credit_values

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
# SciPy ships no type information; sparse matrices are typed by this alias only.
type Csr = Any

# Dates as day ordinals; a missing date is a sentinel that never constrains.
_FAR = 10**8
# Cells of one scored block; a block of people × offers is cut to stay near this size.
_BLOCK_CELLS = 4_000_000
# Up to this many people × skills cells, credits are made dense for the coverage product.
_DENSE_CREDITS = 16_000_000


def _id_key(value: Id) -> tuple[bool, int | str]:
    return (isinstance(value, str), value)


class _Vocab:
    """Column numbers shared by the people and offers of one index."""

    def __init__(self) -> None:
        self.skills: dict[str, int] = {}
        self.occupations: dict[str, int] = {}
        self.isco: list[dict[str, int]] = [{}, {}, {}, {}]
        self.languages: dict[str, int] = {}
        self.licences: dict[str, int] = {}
        self.sites: dict[Id, int] = {}

    def add_offer(self, o: Offer) -> None:
        for uri in (*o.essential, *o.optional):
            self.skills.setdefault(uri, len(self.skills))
        if o.occupation is not None:
            self.occupations.setdefault(o.occupation, len(self.occupations))
        self._add_isco(o.isco)
        for code in o.languages:
            self.languages.setdefault(code, len(self.languages))
        if o.driving_licence:
            self.licences.setdefault(o.driving_licence, len(self.licences))
        if o.site_id is not None:
            self.sites.setdefault(o.site_id, len(self.sites))

    def add_person(self, p: Person, credits: dict[str, float]) -> None:
        for uri in credits:
            self.skills.setdefault(uri, len(self.skills))
        for uri in (*p.occupations, *p.preferred_occupations):
            self.occupations.setdefault(uri, len(self.occupations))
        for code in p.isco_codes:
            self._add_isco(code)
        for code in p.languages:
            self.languages.setdefault(code, len(self.languages))
        for lic in p.driving_licences:
            self.licences.setdefault(lic, len(self.licences))
        if p.site_id is not None:
            self.sites.setdefault(p.site_id, len(self.sites))

    def _add_isco(self, code: str | None) -> None:
        four = isco4(code)
        if four is not None:
            for level in range(4):
                table = self.isco[level]
                table.setdefault(four[: level + 1], len(table))


# Up to this many offer skills, a closed index works credits out from the skills' side.
_FEW_SKILLS = 64


def _credits_within(
    skills: frozenset[str], givers: dict[str, dict[str, float]]
) -> dict[str, float]:
    """`credit_values` restricted to the skills of `givers` (see `Index(closed=True)`)."""
    out: dict[str, float] = {}
    for target, gives in givers.items():
        if target in skills:
            out[target] = 1.0
            continue
        best = max((gives.get(s, 0.0) for s in skills), default=0.0)
        if best > 0:
            out[target] = best
    return out


def _one_hot(rows: list[list[int]], width: int) -> Csr:
    """A 0/1 CSR matrix with the given columns set in each row."""
    indptr = np.zeros(len(rows) + 1, np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((c for r in rows for c in r), np.int32, int(indptr[-1]))
    data = np.ones(len(indices), np.float32)
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))


@dataclass(frozen=True, slots=True)
class _Offers:
    n: int
    # Essential requirements of each offer, then optional ones: 2 × offers rows × skills.
    required: Csr
    n_essential: FloatArray
    n_optional: FloatArray
    occupation_t: Csr  # occupations × offers
    isco_t: tuple[Csr, ...]  # per ISCO level, prefixes × offers
    has_target: BoolArray  # names an occupation or an ISCO group
    lang_required: npt.NDArray[np.int8]  # offers × languages, -1 not required
    n_languages: FloatArray  # required languages, known to the index or not
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    site: IntArray
    remote: BoolArray
    start: IntArray
    hours: FloatArray
    needed_until: IntArray
    licence: IntArray  # column of the licence table, -1 none

    @classmethod
    def encode(cls, offers: Sequence[Offer], v: _Vocab) -> _Offers:
        n = len(offers)
        ess = [[v.skills[u] for u in o.essential if u in v.skills] for o in offers]
        opt = [[v.skills[u] for u in o.optional if u in v.skills] for o in offers]
        occ = [
            [v.occupations[o.occupation]]
            if o.occupation is not None and o.occupation in v.occupations
            else []
            for o in offers
        ]
        isco_t = []
        for level in range(4):
            table = v.isco[level]
            cols = []
            for o in offers:
                four = isco4(o.isco)
                key = four[: level + 1] if four else None
                cols.append([table[key]] if key in table else [])
            isco_t.append(_one_hot(cols, len(table)).T.tocsr())
        lang = np.full((n, len(v.languages)), -1, np.int8)
        for i, o in enumerate(offers):
            for code, cefr in o.languages.items():
                if code in v.languages:
                    lang[i, v.languages[code]] = cefr_rank(cefr)
        unknown_licence = len(v.licences)
        return cls(
            n=n,
            required=_one_hot(ess + opt, len(v.skills)),
            n_essential=np.array([len(o.essential) for o in offers], np.float32),
            n_optional=np.array([len(o.optional) for o in offers], np.float32),
            occupation_t=_one_hot(occ, len(v.occupations)).T.tocsr(),
            isco_t=tuple(isco_t),
            has_target=np.array(
                [o.occupation is not None or isco4(o.isco) is not None for o in offers], bool
            ),
            lang_required=lang,
            n_languages=np.array([len(o.languages) for o in offers], np.float32),
            lat=np.array([np.nan if o.lat is None else o.lat for o in offers], np.float64),
            lon=np.array([np.nan if o.lon is None else o.lon for o in offers], np.float64),
            site=np.array([v.sites.get(o.site_id, -1) for o in offers], np.int32),  # type: ignore[arg-type]
            remote=np.array([o.remote for o in offers], bool),
            start=np.array(
                [_FAR if o.starts_on is None else o.starts_on.toordinal() for o in offers],
                np.int32,
            ),
            hours=np.array(
                [o.hours_per_week if o.hours_per_week else np.nan for o in offers], np.float32
            ),
            needed_until=np.array(
                [
                    -_FAR if (d := o.ends_on or o.starts_on) is None else d.toordinal()
                    for o in offers
                ],
                np.int32,
            ),
            licence=np.array(
                [
                    -1
                    if not o.driving_licence
                    else v.licences.get(o.driving_licence, unknown_licence)
                    for o in offers
                ],
                np.int32,
            ),
        )


@dataclass(frozen=True, slots=True)
class _People:
    n: int
    credits: Csr  # people × skills
    occupations: Csr  # people × occupations, experience and preferences
    isco: tuple[Csr, ...]  # per ISCO level, people × prefixes
    lang: npt.NDArray[np.int8]  # people × languages, -1 not spoken
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    site: IntArray
    available: IntArray
    hours: FloatArray
    authorised: BoolArray
    authorised_until: IntArray
    # people × licences of the table, plus a last column for licences no one holds.
    licences: BoolArray

    @classmethod
    def encode(
        cls, persons: Sequence[Person], credits: Sequence[dict[str, float]], v: _Vocab
    ) -> _People:
        n = len(persons)
        skills = v.skills
        at = np.array([skills.get(u, -1) for c in credits for u in c], np.int32)
        value = np.array([x for c in credits for x in c.values()], np.float32)
        owner = np.repeat(np.arange(n), [len(c) for c in credits])
        # Credits for skills no indexed offer or person names can never count.
        seen = at >= 0
        credit_matrix = sp.csr_matrix(
            (value[seen], (owner[seen], at[seen])), shape=(n, len(skills)), dtype=np.float32
        )
        occ = [
            sorted(
                {
                    v.occupations[u]
                    for u in (*p.occupations, *p.preferred_occupations)
                    if u in v.occupations
                }
            )
            for p in persons
        ]
        isco = []
        for level in range(4):
            table = v.isco[level]
            cols = []
            for p in persons:
                keys = {four[: level + 1] for c in p.isco_codes if (four := isco4(c))}
                cols.append(sorted(table[k] for k in keys if k in table))
            isco.append(_one_hot(cols, len(table)))
        lang = np.full((n, len(v.languages)), -1, np.int8)
        for i, p in enumerate(persons):
            for code, cefr in p.languages.items():
                if code in v.languages:
                    lang[i, v.languages[code]] = cefr_rank(cefr)
        licence_names = list(v.licences)
        licences = np.zeros((n, len(licence_names) + 1), bool)
        for i, p in enumerate(persons):
            for j, name in enumerate(licence_names):
                licences[i, j] = holds_licence(p.driving_licences, name)
        return cls(
            n=n,
            credits=credit_matrix,
            occupations=_one_hot(occ, len(v.occupations)),
            isco=tuple(isco),
            lang=lang,
            lat=np.array([np.nan if p.lat is None else p.lat for p in persons], np.float64),
            lon=np.array([np.nan if p.lon is None else p.lon for p in persons], np.float64),
            site=np.array(
                [-1 if p.site_id is None else v.sites.get(p.site_id, -1) for p in persons],
                np.int32,
            ),
            available=np.array(
                [
                    -_FAR if p.available_from is None else p.available_from.toordinal()
                    for p in persons
                ],
                np.int32,
            ),
            hours=np.array(
                [np.nan if p.hours_per_week is None else max(0, p.hours_per_week) for p in persons],
                np.float32,
            ),
            authorised=np.array([p.work_authorised for p in persons], bool),
            authorised_until=np.array(
                [
                    _FAR if p.work_authorised_until is None else p.work_authorised_until.toordinal()
                    for p in persons
                ],
                np.int32,
            ),
            licences=licences,
        )

    def take(self, rows: IntArray) -> _People:
        """The people at positions `rows`, in that order."""
        return _People(
            n=len(rows),
            credits=self.credits[rows],
            occupations=self.occupations[rows],
            isco=tuple(m[rows] for m in self.isco),
            lang=self.lang[rows],
            lat=self.lat[rows],
            lon=self.lon[rows],
            site=self.site[rows],
            available=self.available[rows],
            hours=self.hours[rows],
            authorised=self.authorised[rows],
            authorised_until=self.authorised_until[rows],
            licences=self.licences[rows],
        )


def _coverages(p: _People, o: _Offers) -> tuple[FloatArray, FloatArray]:
    """Essential and optional coverage, from one product of credits and requirements."""
    if p.n <= o.n and p.n * p.credits.shape[1] <= _DENSE_CREDITS:
        # Few people against many offers: sparse requirements × dense credits is fastest.
        have = np.asarray(o.required @ p.credits.toarray().T, np.float32).T
    else:
        have = np.asarray((p.credits @ o.required.T).toarray(), np.float32)
    shares = []
    for part, n_required in ((have[:, : o.n], o.n_essential), (have[:, o.n :], o.n_optional)):
        shares.append(np.where(n_required > 0, part / np.maximum(n_required, 1), np.float32(1)))
    return shares[0], shares[1]


def _occupation(p: _People, o: _Offers, w: Weights) -> FloatArray:
    exact = (p.occupations @ o.occupation_t).toarray() > 0
    level = np.zeros((p.n, o.n), np.int8)
    for mine, theirs in zip(p.isco, o.isco_t, strict=True):
        level += (mine @ theirs).toarray() > 0
    credit = np.array([0.0, *w.isco_credit], np.float32)[level]
    out = np.where(exact, np.float32(1), credit)
    out[:, ~o.has_target] = 1
    return out


def _languages(p: _People, o: _Offers, w: Weights) -> FloatArray:
    # Credit by levels short: 0, 1, 2 or more (not speaking it counts as far too short).
    table = np.array([1.0, w.language_one_short, 0.0], np.float32)
    total = np.zeros((p.n, o.n), np.float32)
    for lang in range(o.lang_required.shape[1]):
        cols = np.flatnonzero(o.lang_required[:, lang] >= 0)
        if cols.size == 0:
            continue
        has = np.where(p.lang[:, lang] < 0, -10, p.lang[:, lang]).astype(np.int8)[:, None]
        short = np.clip(o.lang_required[cols, lang][None, :] - has, 0, 2)
        total[:, cols] += table[short]
    return np.where(o.n_languages > 0, total / np.maximum(o.n_languages, 1), np.float32(1))


def _distance_km(
    lat_p: npt.NDArray[np.float64],
    lon_p: npt.NDArray[np.float64],
    lat_o: npt.NDArray[np.float64],
    lon_o: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle km, people × offers, the haversine of `score.haversine_km`.

    sin((b - a) / 2) is expanded into per-side sines and cosines, so the block costs outer
    products instead of trigonometry on every cell.
    """
    half_p, half_o = np.radians(lat_p) / 2, np.radians(lat_o) / 2
    dlat = np.multiply.outer(np.cos(half_p), np.sin(half_o))
    dlat -= np.multiply.outer(np.sin(half_p), np.cos(half_o))
    half_p, half_o = np.radians(lon_p) / 2, np.radians(lon_o) / 2
    dlon = np.multiply.outer(np.cos(half_p), np.sin(half_o))
    dlon -= np.multiply.outer(np.sin(half_p), np.cos(half_o))
    a = np.square(dlat, out=dlat)
    a += np.multiply.outer(np.cos(np.radians(lat_p)), np.cos(np.radians(lat_o))) * np.square(dlon)
    np.sqrt(a, out=a)
    np.minimum(a, 1.0, out=a)
    result: npt.NDArray[np.float64] = np.arcsin(a, out=a)
    result *= 2 * EARTH_RADIUS_KM
    return result


def _place(p: _People, o: _Offers, w: Weights) -> FloatArray:
    same = (p.site[:, None] == o.site[None, :]) & (p.site[:, None] >= 0)
    out: FloatArray = same.astype(np.float32)
    rows = np.flatnonzero(~np.isnan(p.lat) & ~np.isnan(p.lon))
    cols = np.flatnonzero(~np.isnan(o.lat) & ~np.isnan(o.lon))
    if rows.size and cols.size:
        # Where both coordinates are known the distance decides, not the site.
        km = _distance_km(p.lat[rows], p.lon[rows], o.lat[cols], o.lon[cols])
        decay = np.clip((w.zero_km - km) / (w.zero_km - w.full_km), 0.0, 1.0)
        out[np.ix_(rows, cols)] = decay.astype(np.float32)
    out[:, o.remote] = 1
    return out


def _time(p: _People, o: _Offers, w: Weights) -> FloatArray:
    late = p.available[:, None] - o.start[None, :]
    table = np.array([1.0, w.late_credit, 0.0], np.float32)
    out: FloatArray = table[(late > 0).view(np.int8) + (late > w.late_days).view(np.int8)]
    p_hours, o_hours = ~np.isnan(p.hours), ~np.isnan(o.hours)
    if p_hours.any() and o_hours.any():
        ratio = np.minimum(1.0, p.hours[:, None] / o.hours[None, :])
        out *= np.where(np.isnan(ratio), np.float32(1), ratio)
    return out


def _excluded(p: _People, o: _Offers) -> BoolArray:
    out = ~p.authorised[:, None] | (p.authorised_until[:, None] < o.needed_until[None, :])
    cols = np.flatnonzero(o.licence >= 0)
    if cols.size:
        out[:, cols] |= ~p.licences[:, o.licence[cols]]
    return out


def _score_block(p: _People, o: _Offers, w: Weights) -> FloatArray:
    """Scores of every person × offer of the two blocks; NaN for an excluded pair."""
    weights = w.parts()
    total = sum(weights.values())
    parts: dict[str, Callable[[], FloatArray]] = {
        "essential": lambda: coverage[0],
        "optional": lambda: coverage[1],
        "occupation": lambda: _occupation(p, o, w),
        "languages": lambda: _languages(p, o, w),
        "place": lambda: _place(p, o, w),
        "time": lambda: _time(p, o, w),
    }
    coverage = _coverages(p, o)
    score = np.zeros((p.n, o.n), np.float32)
    for name, part in parts.items():
        if weights[name] > 0:
            score += np.float32(weights[name] / total) * part()
    np.clip(score, 0, 1, out=score)
    score[_excluded(p, o)] = np.nan
    return score


@dataclass(frozen=True, slots=True)
class OfferFilter:
    """Which offers `top_offers` may return; each field left at its default lets all pass."""

    site_ids: frozenset[Id] | None = None
    remote: bool | None = None
    # Offers farther than this (when both coordinates are known) are left out; remote pass.
    max_km: float | None = None
    # ISCO code prefix of the offer ("72" for metal and machinery trades).
    isco_prefix: str | None = None
    min_score: float = 0.0
    # Declined pairs, which are never proposed again.
    exclude_ids: frozenset[Id] = frozenset()


@dataclass(frozen=True, slots=True)
class PersonFilter:
    site_ids: frozenset[Id] | None = None
    # At least one of these fairness groups.
    groups: frozenset[str] | None = None
    min_score: float = 0.0
    exclude_ids: frozenset[Id] = frozenset()


class Index:
    """Offers and people encoded once, to rank either side against the other on demand.

    `top_offers` scores any person (indexed or not) against the indexed offers,
    `top_candidates` any offer against the indexed people; `score_chunks`, `scores_matrix`
    and `top_k` score all indexed people × all indexed offers. Positions in results refer
    to `self.persons` and `self.offers`, in the order they were given.
    """

    def __init__(
        self,
        offers: Sequence[Offer] = (),
        persons: Sequence[Person] = (),
        *,
        graph: SkillGraph | None = None,
        weights: Weights | None = None,
        closed: bool = False,
    ) -> None:
        """`closed`: the indexed people are only ever scored against offers whose skills are
        all among the indexed offers' (the indexed offers themselves, say). Their partial
        credits are then worked out for those skills only, from the skills' side of the
        graph: several times faster for many people and few offers (one offer's best
        candidates), and the same scores. Scoring them against an offer with other skills
        would miss credit for those skills."""
        self.graph = graph or SkillGraph()
        self.weights = weights or Weights()
        self.offers = tuple(offers)
        self.persons = tuple(persons)
        self._vocab = _Vocab()
        for o in self.offers:
            self._vocab.add_offer(o)
        if closed and len(self._vocab.skills) <= _FEW_SKILLS:
            givers = self._givers(self._vocab.skills)
            credits = [_credits_within(p.skills, givers) for p in self.persons]
        elif closed:
            # Many skills: each person's own neighbourhood is the smaller side to walk.
            wanted = self._vocab.skills
            credits = [
                {t: v for t, v in self._credits(p).items() if t in wanted} for p in self.persons
            ]
        else:
            credits = [self._credits(p) for p in self.persons]
        for p, c in zip(self.persons, credits, strict=True):
            self._vocab.add_person(p, c)
        self._offers = _Offers.encode(self.offers, self._vocab)
        self._people = _People.encode(self.persons, credits, self._vocab)
        self._offer_tie = _tie_rank([o.id for o in self.offers])
        self._person_tie = _tie_rank([p.id for p in self.persons])

    def _credits(self, person: Person) -> dict[str, float]:
        return credit_values(person.skills, self.graph, self.weights)

    def _givers(self, targets: Iterable[str]) -> dict[str, dict[str, float]]:
        """For each skill, the skills that give credit for it and how much (the inverse of
        `credit_values`: a narrower or broader skill counts `broader_skill`, a related one
        `related_skill`)."""
        g, w = self.graph, self.weights
        out: dict[str, dict[str, float]] = {}
        for t in targets:
            gives: dict[str, float] = {}
            for relation, value in (
                (g.broader, w.broader_skill),
                (g.narrower, w.broader_skill),
                (g.related, w.related_skill),
            ):
                for s in relation.get(t, ()):
                    if gives.get(s, 0.0) < value:
                        gives[s] = value
            out[t] = gives
        return out

    def _encode_person(self, person: Person) -> _People:
        return _People.encode([person], [self._credits(person)], self._vocab)

    def offer_scores(self, person: Person) -> FloatArray:
        """The person's score for every offer of the index, in index order; NaN if excluded."""
        row: FloatArray = _score_block(self._encode_person(person), self._offers, self.weights)[0]
        return row

    def candidate_scores(self, offer: Offer) -> FloatArray:
        """Every indexed person's score for `offer`, in index order; NaN if excluded."""
        one = _Offers.encode([offer], self._vocab)
        column: FloatArray = _score_block(self._people, one, self.weights)[:, 0]
        return column

    def top_offers(
        self, person: Person, k: int = 10, filters: OfferFilter | None = None
    ) -> list[tuple[Id, float]]:
        """The k best offers for `person`, best first, ties by offer id."""
        scores = self.offer_scores(person)
        keep = ~np.isnan(scores)
        f = filters
        if f is not None:
            keep &= scores >= f.min_score
            if f.exclude_ids:
                keep &= np.array([o.id not in f.exclude_ids for o in self.offers], bool)
            if f.site_ids is not None:
                keep &= np.array([o.site_id in f.site_ids for o in self.offers], bool)
            if f.remote is not None:
                keep &= self._offers.remote == f.remote
            if f.isco_prefix:
                prefix = f.isco_prefix
                keep &= np.array([(o.isco or "").startswith(prefix) for o in self.offers], bool)
            if f.max_km is not None and person.lat is not None and person.lon is not None:
                o = self._offers
                km = _distance_km(np.array([person.lat]), np.array([person.lon]), o.lat, o.lon)[0]
                keep &= self._offers.remote | np.isnan(km) | (km <= f.max_km)
        return _top(scores, keep, self._offer_tie, k, [o.id for o in self.offers])

    def top_candidates(
        self, offer: Offer, k: int = 10, filters: PersonFilter | None = None
    ) -> list[tuple[Id, float]]:
        """The k best indexed people for `offer`, best first, ties by person id."""
        scores = self.candidate_scores(offer)
        keep = ~np.isnan(scores)
        f = filters
        if f is not None:
            keep &= scores >= f.min_score
            if f.exclude_ids:
                keep &= np.array([p.id not in f.exclude_ids for p in self.persons], bool)
            if f.site_ids is not None:
                keep &= np.array([p.site_id in f.site_ids for p in self.persons], bool)
            if f.groups is not None:
                groups = f.groups
                keep &= np.array([bool(p.groups & groups) for p in self.persons], bool)
        return _top(scores, keep, self._person_tie, k, [p.id for p in self.persons])

    def score_chunks(self, rows: int | None = None) -> Iterator[tuple[int, FloatArray]]:
        """(first row, scores of people[first:first + rows] × all offers), chunk by chunk.

        Each chunk is float32 with NaN for excluded pairs; by default a chunk holds about
        four million cells (16 MB), so any number of people fits in memory.
        """
        step = rows or max(1, _BLOCK_CELLS // max(1, self._offers.n))
        for start in range(0, self._people.n, step):
            block = self._people.take(
                np.arange(start, min(start + step, self._people.n), dtype=np.int32)
            )
            yield start, _score_block(block, self._offers, self.weights)

    def scores_matrix(self) -> FloatArray:
        """All people × all offers at once (float32, NaN excluded): for cohorts that fit."""
        out = np.empty((self._people.n, self._offers.n), np.float32)
        for start, block in self.score_chunks():
            out[start : start + block.shape[0]] = block
        return out

    def top_k_per_person(self, k: int, *, workers: int = 1) -> tuple[IntArray, FloatArray]:
        """For each person, the positions and scores of their k best offers.

        Best first, ties by offer id; a row with fewer than k allowed offers ends in -1 / NaN.
        Memory stays at a few chunks plus the n_people × k result.
        """
        return self.top_k(k, 0, workers=workers)[0]

    def top_k_per_offer(self, k: int, *, workers: int = 1) -> tuple[IntArray, FloatArray]:
        """For each offer, the positions and scores of its k best people (ties by person id)."""
        return self.top_k(0, k, workers=workers)[1]

    def top_k(
        self, k_offers: int, k_people: int, *, workers: int = 1
    ) -> tuple[tuple[IntArray, FloatArray], tuple[IntArray, FloatArray]]:
        """Both ways in one pass over the chunks: (per person, per offer) positions and scores.

        `workers` threads score chunks side by side (NumPy and SciPy release the GIL); the
        result does not depend on their number.
        """
        n_p, n_o = self._people.n, self._offers.n
        per_person = _empty_top(n_p, k_offers)
        per_offer = _empty_top(n_o, k_people)
        kp, ko = min(k_offers, n_o), min(k_people, n_p)
        if n_p == 0 or n_o == 0 or (kp == 0 and ko == 0):
            return per_person, per_offer
        offers_by_id = np.argsort(self._offer_tie, kind="stable").astype(np.int32)
        # People in id order, so a tie between chunks goes to the earlier chunk.
        people_by_id = np.argsort(self._person_tie, kind="stable").astype(np.int32)
        step = max(1, _BLOCK_CELLS // n_o)
        spans = [people_by_id[i : i + step] for i in range(0, n_p, step)]
        best = np.full((n_o, ko), -np.inf, np.float32)
        best_rows = np.full((n_o, ko), -1, np.int32)

        def score(rows: IntArray) -> tuple[IntArray, FloatArray]:
            block = _score_block(self._people.take(rows), self._offers, self.weights)
            block = np.nan_to_num(block[:, offers_by_id], nan=-np.inf)
            if kp:
                cols = _top_k_rows(block, kp)
                chosen = np.take_along_axis(block, cols, axis=1)
                valid = np.isfinite(chosen)
                per_person[0][rows, :kp] = np.where(valid, offers_by_id[cols], -1)
                per_person[1][rows, :kp] = np.where(valid, chosen, np.nan)
            return rows, block

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            pending: deque[Future[tuple[IntArray, FloatArray]]] = deque()
            for span in spans:
                pending.append(pool.submit(score, span))
                # Bound the chunks held at once: scoring runs ahead of the merge by `workers`.
                while len(pending) > max(1, workers):
                    best, best_rows = self._merge(pending.popleft().result(), best, best_rows, ko)
            while pending:
                best, best_rows = self._merge(pending.popleft().result(), best, best_rows, ko)
        if ko:
            valid = np.isfinite(best)
            per_offer[0][offers_by_id, :ko] = np.where(valid, best_rows, -1)
            per_offer[1][offers_by_id, :ko] = np.where(valid, best, np.nan)
        return per_person, per_offer

    @staticmethod
    def _merge(
        scored: tuple[IntArray, FloatArray], best: FloatArray, best_rows: IntArray, k: int
    ) -> tuple[FloatArray, IntArray]:
        """The running k best people per offer, updated with one chunk."""
        if k == 0:
            return best, best_rows
        rows, block = scored
        values = np.hstack([best, block.T])
        owners = np.hstack([best_rows, np.broadcast_to(rows, (block.shape[1], rows.size))])
        cols = _top_k_rows(values, k)
        return np.take_along_axis(values, cols, axis=1), np.take_along_axis(owners, cols, axis=1)


def _empty_top(n: int, k: int) -> tuple[IntArray, FloatArray]:
    return np.full((n, k), -1, np.int32), np.full((n, k), np.nan, np.float32)


def _tie_rank(ids: list[Id]) -> IntArray:
    order = sorted(range(len(ids)), key=lambda i: _id_key(ids[i]))
    rank = np.empty(len(ids), np.int32)
    rank[order] = np.arange(len(ids), dtype=np.int32)
    return rank


def _top(
    scores: FloatArray, keep: BoolArray, tie: IntArray, k: int, ids: list[Id]
) -> list[tuple[Id, float]]:
    candidates = np.flatnonzero(keep)
    if k <= 0 or candidates.size == 0:
        return []
    if candidates.size > k:
        # Only scores at or above the k-th best can be in the result (ties included).
        kth = np.partition(scores[candidates], candidates.size - k)[candidates.size - k]
        candidates = candidates[scores[candidates] >= kth]
    order = np.lexsort((tie[candidates], -scores[candidates]))[:k]
    return [(ids[i], float(scores[i])) for i in candidates[order]]


def _top_k_rows(block: FloatArray, k: int) -> IntArray:
    """Column positions of the k largest of each row, best first, ties to the lower column."""
    n = block.shape[1]
    if k >= n:
        cols = np.broadcast_to(np.arange(n, dtype=np.int32), block.shape)
    else:
        cols = np.argpartition(block, n - k, axis=1)[:, n - k :].astype(np.int32)
        kth = np.take_along_axis(block, cols, axis=1).min(axis=1, keepdims=True)
        # Where the k-th value also occurs outside the partition, pick the lowest columns.
        tied = np.flatnonzero((block >= kth).sum(axis=1) > k)
        if tied.size:
            sub, limit = block[tied], kth[tied]
            above, equal = sub > limit, sub == limit
            need = k - above.sum(axis=1, keepdims=True)
            chosen = above | (equal & (np.cumsum(equal, axis=1) <= need))
            cols[tied] = np.nonzero(chosen)[1].reshape(tied.size, k)
    values = np.take_along_axis(block, cols, axis=1)
    order = np.lexsort((cols, -values), axis=1)
    result: IntArray = np.take_along_axis(cols, order, axis=1)
    return result


def scores_matrix(
    persons: Sequence[Person],
    offers: Sequence[Offer],
    graph: SkillGraph | None = None,
    weights: Weights | None = None,
) -> FloatArray:
    """people × offers scores (float32, NaN for excluded pairs), computed chunk by chunk.

    For 100,000 × 10,000 use `Index(...).top_k_per_person(k)` or `Index(...).score_chunks()`
    instead: the full matrix alone takes 4 GB.
    """
    return Index(offers, persons, graph=graph, weights=weights).scores_matrix()
