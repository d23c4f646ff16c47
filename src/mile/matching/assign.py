"""Assignment of a whole cohort: who goes to which offer, for all open places at once.

Input is plain data, independent of how the fit is computed:

- `scores`: fit of person i (row) to offer j (column) in [0, 1]; NaN marks an excluded pair
  (a hard constraint failed), which is never assigned. Either a dense NumPy array, or a
  SciPy sparse matrix whose *stored* entries are the candidate pairs (anything not stored is
  excluded; a stored 0 is a candidate with fit 0).
- `places`: the number of open places of each offer (≥ 0).
- `min_score`: pairs with a fit below it are never assigned (the default 0.0 allows every
  pair that is not excluded).

Every function returns pairs (person, offer) with at most one offer per person and at most
`places[j]` people per offer; people may stay unassigned.

- `assign_optimal` maximises the total fit exactly. Moderate instances (people × places up to
  `DENSE_CELLS` cells) go to `scipy.optimize.linear_sum_assignment` on the slot-expanded
  matrix (each offer repeated once per place); larger or sparse ones to
  `scipy.sparse.csgraph.min_weight_full_bipartite_matching` (LAPJVsp) on the sparse
  slot-expanded graph of the candidate pairs, which is exact too. Only when that graph would
  exceed `SPARSE_EDGES` edges (or `top_k` is asked for) each person keeps only the `top_k`
  offers of highest fit: pruning is *approximate* (a person may lose the place that the
  global optimum would give them on their 51st offer); the solver name then says `-topK`.
- `assign_greedy` is the baseline a coordinator would do by hand: the best remaining pair
  first.
- `assign_with_floors` adds fairness floors (a minimum share of the placements for a group)
  through an integer program (`scipy.optimize.milp`, HiGHS), for up to `MILP_MAX_PAIRS`
  candidate pairs. Floors are never met "as well as possible": when they cannot be met the
  result is an `Infeasible` naming the group(s) and the largest share they could get.
- `stable_matching` is many-to-one deferred acceptance (people propose) on ranked
  preference lists; `preferences_from_scores` derives the lists from the fit (and from a
  person's stated order of offers), `assign_stable` does both.

Determinism: the solvers have no randomness, so the same input gives the same output. To
also make the choice among equally good assignments explicit, the exact solvers maximise the
fit plus a tie-break bonus per placed pair of between `TIE_EPS` / 2 and `TIE_EPS`, larger for
lower (person, offer) indexes: among assignments of equal fit the one placing the most
people wins, then the one using the lowest indexes. The bonus changes the total by at most
n × `TIE_EPS` (1e-5 for 10,000 people) and is below float resolution between far-apart
indexes of big instances; reported totals are plain sums of the fit.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from scipy.optimize import (  # type: ignore[import-untyped]
    Bounds,
    LinearConstraint,
    linear_sum_assignment,
    milp,
)
from scipy.sparse.csgraph import (  # type: ignore[import-untyped]
    min_weight_full_bipartite_matching,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
# SciPy ships no type information; sparse matrices are typed by this alias only.
type Sparse = Any
type Scores = FloatArray | Sparse
type Pair = tuple[int, int]
type Method = Literal["auto", "dense", "sparse"]

# Largest people × places for the dense solver (32 MB of float64, a second or two).
DENSE_CELLS = 4_000_000
# Largest slot-expanded sparse graph solved without pruning (about 400 MB while solving).
SPARSE_EDGES = 20_000_000
# Offers kept per person when the sparse graph has to be pruned.
DEFAULT_TOP_K = 50
# Largest number of candidate pairs the floors' integer program takes: about 4 s for 9,000
# pairs of a synthetic cohort, 13 s for 13,500; the time grows steeply with size.
MILP_MAX_PAIRS = 10_000
TIE_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who goes where: `pairs` (person, offer) sorted by person, one pair per placed person."""

    pairs: tuple[Pair, ...]
    total_fit: float
    count: int
    # Places taken per offer, in offer order.
    filled: tuple[int, ...]
    # "dense-lsa", "sparse-lapjvsp", "sparse-lapjvsp-top50", "greedy", "milp", "stable".
    solver: str

    def offer_of(self) -> dict[int, int]:
        """Person → offer for the placed people."""
        return dict(self.pairs)


@dataclass(frozen=True, slots=True)
class FloorShortfall:
    group: str
    floor: float
    # Largest share of the placements the group could get on its own (other floors ignored).
    achievable: float


@dataclass(frozen=True, slots=True)
class Infeasible:
    """The floors cannot be met; nothing is assigned.

    `code` is "floor_unreachable" when the groups in `shortfalls` cannot reach their floor
    even alone, "floors_conflict" when each can alone but not all together (then every
    floored group is listed). Shares are of `placements`, the number of people the
    assignment without floors places (floors move places between people, they never leave
    a place empty: otherwise any floor could be met by placing almost nobody).
    """

    code: Literal["floor_unreachable", "floors_conflict"]
    shortfalls: tuple[FloorShortfall, ...]
    placements: int

    @property
    def group(self) -> str:
        return self.shortfalls[0].group


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The allowed pairs, sorted by (person, offer), with their fit."""

    n_people: int
    n_offers: int
    people: IntArray
    offers: IntArray
    fit: FloatArray
    places: IntArray

    @property
    def gain(self) -> FloatArray:
        """Fit plus the tie-break bonus (module docstring), what the exact solvers maximise."""
        cells = max(self.n_people * self.n_offers, 1)
        order = (self.people * self.n_offers + self.offers) / cells
        return self.fit + TIE_EPS * (1.0 - 0.5 * order)

    def effective_places(self) -> IntArray:
        """Places capped by the number of candidates of each offer (more can never fill)."""
        demand = np.bincount(self.offers, minlength=self.n_offers)
        return np.minimum(self.places, demand)

    def subset(self, keep: BoolArray) -> _Candidates:
        return _Candidates(
            self.n_people,
            self.n_offers,
            self.people[keep],
            self.offers[keep],
            self.fit[keep],
            self.places,
        )


def _candidates(scores: Scores, places: npt.ArrayLike, min_score: float) -> _Candidates:
    if sp.issparse(scores):
        # Through CSR so duplicate entries are summed, as SciPy's arithmetic would.
        coo = sp.coo_matrix(sp.csr_matrix(scores))
        n, m = coo.shape
        people = coo.row.astype(np.int64)
        offers = coo.col.astype(np.int64)
        fit = coo.data.astype(np.float64)
    else:
        dense = np.asarray(scores, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError("scores must be a 2-D array (people × offers)")
        n, m = dense.shape
        people, offers = np.nonzero(~np.isnan(dense))
        people = people.astype(np.int64)
        offers = offers.astype(np.int64)
        fit = dense[people, offers]
    places_arr = np.asarray(places)
    if places_arr.shape != (m,):
        raise ValueError(f"places must have one entry per offer ({m}), got {places_arr.shape}")
    if places_arr.size and (
        not np.issubdtype(places_arr.dtype, np.integer) or places_arr.min() < 0
    ):
        raise ValueError("places must be non-negative integers")
    valid = ~np.isnan(fit)
    if np.any((fit[valid] < 0.0) | (fit[valid] > 1.0)):
        raise ValueError("scores must lie in [0, 1] (NaN for excluded pairs)")
    keep = valid & (fit >= min_score)
    order = np.lexsort((offers[keep], people[keep]))
    return _Candidates(
        int(n),
        int(m),
        people[keep][order],
        offers[keep][order],
        fit[keep][order],
        places_arr.astype(np.int64),
    )


def _result(c: _Candidates, people: IntArray, offers: IntArray, solver: str) -> Assignment:
    order = np.argsort(people, kind="stable")
    people, offers = people[order], offers[order]
    # Candidates are sorted by (person, offer), so their keys are sorted too.
    keys = c.people * c.n_offers + c.offers
    fit = c.fit[np.searchsorted(keys, people * c.n_offers + offers)]
    pairs = tuple(zip(people.tolist(), offers.tolist(), strict=True))
    # Summed in person order so the total does not depend on the solver's output order.
    total = float(fit.sum())
    filled = np.bincount(offers, minlength=c.n_offers)
    return Assignment(pairs, total, len(pairs), tuple(int(f) for f in filled), solver)


def _slots(places: IntArray) -> tuple[IntArray, IntArray]:
    """First slot of each offer and the offer of each slot (offers repeated per place)."""
    starts = np.concatenate(([0], np.cumsum(places)[:-1])).astype(np.int64)
    owner = np.repeat(np.arange(places.size, dtype=np.int64), places)
    return starts, owner


def _solve_dense(c: _Candidates) -> Assignment:
    eff = c.effective_places()
    _, owner = _slots(eff)
    if c.people.size == 0 or owner.size == 0:
        return _result(c, c.people[:0], c.offers[:0], "dense-lsa")
    # Forbidden pairs gain 0, allowed ones > 0 (the tie-break bonus): a maximum matching of
    # the smaller side then never needs a forbidden pair, which are dropped afterwards.
    gain = np.zeros((c.n_people, c.n_offers))
    gain[c.people, c.offers] = c.gain
    allowed = np.zeros((c.n_people, c.n_offers), dtype=bool)
    allowed[c.people, c.offers] = True
    rows, slots = linear_sum_assignment(gain[:, owner], maximize=True)
    offers = owner[slots]
    keep = allowed[rows, offers]
    return _result(c, rows[keep].astype(np.int64), offers[keep], "dense-lsa")


def _expanded_edges(c: _Candidates) -> int:
    return int(c.effective_places()[c.offers].sum())


def _prune(c: _Candidates, top_k: int) -> _Candidates:
    """Each person's `top_k` candidate offers of highest fit (ties: lower offer index)."""
    order = np.lexsort((c.offers, -c.fit, c.people))
    people = c.people[order]
    first = np.searchsorted(people, people, side="left")
    rank = np.arange(people.size) - first
    keep = np.zeros(people.size, dtype=bool)
    keep[order] = rank < top_k
    return c.subset(keep)


def _solve_sparse(c: _Candidates, solver: str) -> Assignment:
    eff = c.effective_places()
    starts, owner = _slots(eff)
    n_slots = int(eff.sum())
    n = c.n_people
    if c.people.size == 0 or n_slots == 0:
        return _result(c, c.people[:0], c.offers[:0], solver)
    # One edge per candidate pair and slot of its offer, plus a private "unassigned" slot per
    # person so that a full matching of the people always exists. Costs are 2 − gain (in
    # (0.99, 2), never 0, which the sparse solver would read as no edge) and 2 to stay out:
    # every person is matched once, so the least cost is the largest total gain.
    reps = eff[c.offers]
    edge_people = np.repeat(c.people, reps)
    first_edge = np.cumsum(reps) - reps
    within = np.arange(edge_people.size) - np.repeat(first_edge, reps)
    edge_slots = np.repeat(starts[c.offers], reps) + within
    edge_cost = 2.0 - np.repeat(c.gain, reps)
    rows = np.concatenate((edge_people, np.arange(n)))
    cols = np.concatenate((edge_slots, n_slots + np.arange(n)))
    cost = np.concatenate((edge_cost, np.full(n, 2.0)))
    graph = sp.csr_matrix((cost, (rows, cols)), shape=(n, n_slots + n))
    people, slots = min_weight_full_bipartite_matching(graph)
    real = slots < n_slots
    people, slots = people[real].astype(np.int64), slots[real]
    return _result(c, people, owner[slots], solver)


def assign_optimal(
    scores: Scores,
    places: npt.ArrayLike,
    *,
    min_score: float = 0.0,
    method: Method = "auto",
    top_k: int | None = None,
) -> Assignment:
    """The assignment of largest total fit (exact unless pruned; module docstring).

    `method`: "dense" (linear_sum_assignment), "sparse" (LAPJVsp) or "auto" (dense up to
    `DENSE_CELLS` people × places and without `top_k`, sparse beyond). `top_k`: keep only
    each person's best `top_k` offers (approximate); applied with `DEFAULT_TOP_K` anyway when
    the sparse graph would exceed `SPARSE_EDGES` edges.
    """
    c = _candidates(scores, places, min_score)
    dense_cells = c.n_people * int(c.effective_places().sum())
    if method == "dense" or (method == "auto" and top_k is None and dense_cells <= DENSE_CELLS):
        if top_k is not None:
            c = _prune(c, top_k)
        return _solve_dense(c)
    if top_k is None and _expanded_edges(c) > SPARSE_EDGES:
        top_k = DEFAULT_TOP_K
    if top_k is not None:
        c = _prune(c, top_k)
        return _solve_sparse(c, f"sparse-lapjvsp-top{top_k}")
    return _solve_sparse(c, "sparse-lapjvsp")


def assign_greedy(scores: Scores, places: npt.ArrayLike, *, min_score: float = 0.0) -> Assignment:
    """Best remaining pair first (ties by person, then offer), the baseline to beat."""
    c = _candidates(scores, places, min_score)
    order = np.lexsort((c.offers, c.people, -c.fit))
    free = c.places.copy()
    placed = np.zeros(c.n_people, dtype=bool)
    people: list[int] = []
    offers: list[int] = []
    for i, j in zip(c.people[order].tolist(), c.offers[order].tolist(), strict=True):
        if placed[i] or free[j] == 0:
            continue
        placed[i] = True
        free[j] -= 1
        people.append(i)
        offers.append(j)
    return _result(c, np.array(people, dtype=np.int64), np.array(offers, dtype=np.int64), "greedy")


def _matching_constraints(c: _Candidates) -> list[LinearConstraint]:
    """At most one offer per person and `places[j]` people per offer, over the pair variables."""
    k = c.people.size
    var = np.arange(k)
    per_person = sp.csr_matrix((np.ones(k), (c.people, var)), shape=(c.n_people, k))
    per_offer = sp.csr_matrix((np.ones(k), (c.offers, var)), shape=(c.n_offers, k))
    return [
        LinearConstraint(per_person, -np.inf, 1.0),
        LinearConstraint(per_offer, -np.inf, c.places.astype(np.float64)),
    ]


def _milp(objective: FloatArray, constraints: list[LinearConstraint]) -> BoolArray | None:
    """Maximise `objective` over binary pair variables; None when infeasible."""
    k = objective.size
    # A zero gap: HiGHS's default (1e-4) would stop short of the optimum.
    res = milp(
        -objective,
        integrality=np.ones(k),
        bounds=Bounds(0.0, 1.0),
        constraints=constraints,
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 2:
        return None
    if res.status != 0 or res.x is None:
        raise RuntimeError(f"milp failed: {res.message}")
    chosen: BoolArray = np.asarray(res.x) > 0.5
    return chosen


def assign_with_floors(
    scores: Scores,
    places: npt.ArrayLike,
    groups: Mapping[str, npt.ArrayLike],
    floors: Mapping[str, float],
    *,
    min_score: float = 0.0,
) -> Assignment | Infeasible:
    """The assignment of largest total fit in which each group `g` of `floors` gets at least
    `floors[g]` of the placements, and at least as many people are placed as without floors.

    `groups`: group name → boolean mask over people; `floors`: group name → share in [0, 1].
    Returns `Infeasible` (nothing assigned) when the floors cannot be met. Exact, via an
    integer program over the candidate pairs; raises ValueError above `MILP_MAX_PAIRS` pairs.
    """
    c = _candidates(scores, places, min_score)
    if c.people.size > MILP_MAX_PAIRS:
        raise ValueError(
            f"{c.people.size} candidate pairs exceed the floors' limit of {MILP_MAX_PAIRS};"
            " raise min_score or split the cohort"
        )
    masks: dict[str, BoolArray] = {}
    for name in sorted(floors):
        if name not in groups:
            raise ValueError(f"floor for unknown group {name!r}")
        if not 0.0 <= floors[name] <= 1.0:
            raise ValueError(f"floor of {name!r} must lie in [0, 1]")
        mask = np.asarray(groups[name], dtype=bool)
        if mask.shape != (c.n_people,):
            raise ValueError(f"group {name!r} must have one entry per person ({c.n_people})")
        masks[name] = mask
    baseline = assign_optimal(scores, places, min_score=min_score)
    needed = baseline.count
    if needed == 0 or not masks:
        return Assignment(
            baseline.pairs, baseline.total_fit, baseline.count, baseline.filled, "milp"
        )

    shortfalls = tuple(
        FloorShortfall(name, floors[name], _largest_share(c, mask, needed))
        for name, mask in masks.items()
    )
    unreachable = tuple(s for s in shortfalls if s.achievable < s.floor)
    if unreachable:
        return Infeasible("floor_unreachable", unreachable, needed)

    ones = np.ones((1, c.people.size))
    base = [*_matching_constraints(c), LinearConstraint(ones, needed, np.inf)]
    # Σ_{pairs of g} x − floor · Σ x ≥ 0: the share of the placements, linear.
    floor_rows = [
        LinearConstraint((mask[c.people] - floors[name])[None, :], 0.0, np.inf)
        for name, mask in masks.items()
    ]
    chosen = _milp(c.gain, base + floor_rows)
    if chosen is None:
        return Infeasible("floors_conflict", shortfalls, needed)
    return _result(c, c.people[chosen], c.offers[chosen], "milp")


def _largest_share(c: _Candidates, mask: BoolArray, needed: int) -> float:
    """The largest share of `needed` placements a group can get (other floors ignored).

    The sets of people that some assignment places form a matroid (a transversal matroid),
    so every set of group members that can be placed together extends to `needed`
    placements with them: the share is the most group members placeable at once (a
    maximum-cardinality matching of the group alone), capped at `needed`, over `needed`.
    """
    keep = mask[c.people]
    unit = sp.csr_matrix(
        (np.ones(int(keep.sum())), (c.people[keep], c.offers[keep])),
        shape=(c.n_people, c.n_offers),
    )
    most = assign_optimal(unit, c.places).count
    return min(most, needed) / needed


# Stable matching ---------------------------------------------------------------------------


def preferences_from_scores(
    scores: Scores,
    *,
    min_score: float = 0.0,
    stated: Mapping[int, Sequence[int]] | None = None,
) -> tuple[list[list[int]], list[list[int]]]:
    """Ranked lists (best first) of each person's offers and each offer's people.

    Only allowed pairs (not excluded, fit ≥ `min_score`) are listed. A person's `stated` order
    comes first (its excluded offers dropped), then their other allowed offers by fit; the
    rest is ranked by fit, ties by index.
    """
    c = _candidates(scores, np.zeros(_shape(scores)[1], dtype=np.int64), min_score)
    person_prefs: list[list[int]] = [[] for _ in range(c.n_people)]
    for i, j in zip(*_ranked(c.people, c.offers, c.fit), strict=True):
        person_prefs[i].append(j)
    offer_prefs: list[list[int]] = [[] for _ in range(c.n_offers)]
    for j, i in zip(*_ranked(c.offers, c.people, c.fit), strict=True):
        offer_prefs[j].append(i)
    for i, order in (stated or {}).items():
        allowed = set(person_prefs[i])
        first = list(dict.fromkeys(j for j in order if j in allowed))
        person_prefs[i] = first + [j for j in person_prefs[i] if j not in set(first)]
    return person_prefs, offer_prefs


def _shape(scores: Scores) -> tuple[int, int]:
    shape = scores.shape if sp.issparse(scores) else np.shape(scores)
    return int(shape[0]), int(shape[1])


def _ranked(owner: IntArray, other: IntArray, fit: FloatArray) -> tuple[list[int], list[int]]:
    order = np.lexsort((other, -fit, owner))
    return owner[order].tolist(), other[order].tolist()


def stable_matching(
    person_prefs: Sequence[Sequence[int]],
    offer_prefs: Sequence[Sequence[int]],
    places: Sequence[int] | npt.ArrayLike,
) -> tuple[Pair, ...]:
    """People-proposing deferred acceptance, many-to-one; pairs sorted by person.

    A pair can only be matched when each side lists the other (so excluded pairs, absent
    from the lists, never are). The result is stable (no person and offer who both prefer
    each other to what they got, counting a free place as acceptable to the offer) and the
    best stable result for every person.
    """
    capacity = [int(p) for p in np.asarray(places).tolist()]
    if len(capacity) != len(offer_prefs):
        raise ValueError("places must have one entry per offer")
    rank = [_rank_of(prefs) for prefs in offer_prefs]
    held: list[list[tuple[int, int]]] = [[] for _ in offer_prefs]  # max-heaps of (-rank, person)
    nxt = [0] * len(person_prefs)
    free = deque(range(len(person_prefs)))
    while free:
        i = free.popleft()
        prefs = person_prefs[i]
        while nxt[i] < len(prefs):
            j = prefs[nxt[i]]
            nxt[i] += 1
            r = rank[j].get(i)
            if r is None or capacity[j] == 0:
                continue
            if len(held[j]) < capacity[j]:
                heapq.heappush(held[j], (-r, i))
                break
            worst_rank, worst = held[j][0]
            if r < -worst_rank:
                heapq.heapreplace(held[j], (-r, i))
                free.append(worst)
                break
    pairs = [(i, j) for j, heap in enumerate(held) for _, i in heap]
    return tuple(sorted(pairs))


def _rank_of(prefs: Sequence[int]) -> dict[int, int]:
    rank: dict[int, int] = {}
    for r, item in enumerate(prefs):
        rank.setdefault(item, r)
    return rank


def blocking_pairs(
    pairs: Sequence[Pair],
    person_prefs: Sequence[Sequence[int]],
    offer_prefs: Sequence[Sequence[int]],
    places: Sequence[int] | npt.ArrayLike,
) -> list[Pair]:
    """Person and offer, each listing the other, who would both rather be matched together."""
    capacity = [int(p) for p in np.asarray(places).tolist()]
    offer_of = dict(pairs)
    members: list[list[int]] = [[] for _ in offer_prefs]
    for i, j in pairs:
        members[j].append(i)
    offer_rank = [_rank_of(prefs) for prefs in offer_prefs]
    blocking: list[Pair] = []
    for i, prefs in enumerate(person_prefs):
        person_rank = _rank_of(prefs)
        current = person_rank.get(offer_of[i], len(prefs)) if i in offer_of else len(prefs)
        for j, r in person_rank.items():
            if r >= current or i not in offer_rank[j] or j == offer_of.get(i):
                continue
            if len(members[j]) < capacity[j] or any(
                offer_rank[j][i] < offer_rank[j].get(k, len(offer_prefs[j])) for k in members[j]
            ):
                blocking.append((i, j))
    return blocking


def assign_stable(
    scores: Scores,
    places: npt.ArrayLike,
    *,
    min_score: float = 0.0,
    stated: Mapping[int, Sequence[int]] | None = None,
) -> Assignment:
    """Stable matching on the preferences `preferences_from_scores` derives, as an Assignment."""
    c = _candidates(scores, places, min_score)
    person_prefs, offer_prefs = preferences_from_scores(scores, min_score=min_score, stated=stated)
    pairs = stable_matching(person_prefs, offer_prefs, c.places)
    people = np.array([i for i, _ in pairs], dtype=np.int64)
    offers = np.array([j for _, j in pairs], dtype=np.int64)
    return _result(c, people, offers, "stable")


# Synthetic instances for the benchmark --------------------------------------------------------


def synthetic_scores(
    n_people: int,
    n_offers: int,
    places_total: int,
    per_person: int,
    seed: int,
) -> tuple[Sparse, IntArray]:
    """A sparse candidate matrix (CSR) and places, shaped like a real cohort.

    Each person has `per_person` candidate offers drawn by offer popularity (Zipf-like, so a
    few offers attract most candidates); 10 % of the candidates are excluded (stored NaN);
    the fit mixes a person × offer affinity with noise and is mostly low (median about 0.3).
    Every offer has at least one place if `places_total` ≥ `n_offers`; the rest go by
    popularity.
    """
    rng = np.random.default_rng(seed)
    popularity = np.minimum(rng.zipf(1.6, n_offers), 200).astype(np.float64)
    share = popularity / popularity.sum()
    base = min(1, places_total // max(n_offers, 1))
    places = np.full(n_offers, base, dtype=np.int64)
    places += rng.multinomial(places_total - int(places.sum()), share)
    k = min(per_person, n_offers)
    log_share = np.log(share)
    person_taste = rng.normal(size=(n_people, 4))
    offer_profile = rng.normal(size=(n_offers, 4))
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    chunk = max(1, 2_000_000 // max(n_offers, 1))
    for start in range(0, n_people, chunk):
        size = min(chunk, n_people - start)
        # Weighted sampling without replacement (Efraimidis–Spirakis through Gumbel keys).
        keys = log_share[None, :] - np.log(-np.log(rng.random((size, n_offers))))
        top = np.argpartition(-keys, k - 1, axis=1)[:, :k] if k < n_offers else None
        chosen = np.tile(np.arange(n_offers), (size, 1)) if top is None else top
        rows.append(np.repeat(np.arange(start, start + size, dtype=np.int64), chosen.shape[1]))
        cols.append(chosen.ravel().astype(np.int64))
    people = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    offers = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    affinity = np.einsum("ij,ij->i", person_taste[people], offer_profile[offers]) / 2.0
    fit = 1.0 / (1.0 + np.exp(-(affinity - 1.0 + rng.normal(scale=0.7, size=people.size))))
    fit[rng.random(people.size) < 0.1] = np.nan
    matrix = sp.csr_matrix((fit, (people, offers)), shape=(n_people, n_offers))
    return matrix, places
