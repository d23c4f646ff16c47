"""Cohort assignment: capacity, exclusions, optimality against brute force, floors, stability."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp  # type: ignore[import-untyped]
from hypothesis import event, given, settings
from hypothesis import strategies as st

from mile.matching.assign import (
    Assignment,
    Infeasible,
    assign_greedy,
    assign_optimal,
    assign_stable,
    assign_with_floors,
    blocking_pairs,
    preferences_from_scores,
    stable_matching,
    synthetic_scores,
)

NAN = math.nan
# Fits on a coarse grid, so that distinct totals differ by far more than the tie-break bonus.
GRID = [NAN, 0.0, *[round(0.05 * k, 2) for k in range(1, 21)]]


@st.composite
def small_instances(draw, max_people=5, max_offers=3, max_places=2):
    n = draw(st.integers(1, max_people))
    m = draw(st.integers(1, max_offers))
    cells = draw(st.lists(st.sampled_from(GRID), min_size=n * m, max_size=n * m))
    places = draw(st.lists(st.integers(0, max_places), min_size=m, max_size=m))
    return np.array(cells, dtype=float).reshape(n, m), np.array(places, dtype=np.int64)


def random_instance(seed, n, m, max_places=3, excluded=0.3):
    rng = np.random.default_rng(seed)
    scores = rng.random((n, m)).round(3)
    scores[rng.random((n, m)) < excluded] = NAN
    return scores, rng.integers(0, max_places + 1, size=m)


def feasible_assignments(scores, places, min_score=0.0):
    """Every assignment (person → offer or None) within places over allowed pairs."""
    n, m = scores.shape
    options = [
        [None, *[j for j in range(m) if not np.isnan(scores[i, j]) and scores[i, j] >= min_score]]
        for i in range(n)
    ]
    for choice in itertools.product(*options):
        taken = [j for j in choice if j is not None]
        if all(taken.count(j) <= places[j] for j in range(m)):
            yield choice


def fit_of(scores, choice):
    return sum(scores[i, j] for i, j in enumerate(choice) if j is not None)


def assert_valid(result: Assignment, scores, places, min_score=0.0):
    people = [i for i, _ in result.pairs]
    assert len(people) == len(set(people)), "a person got two offers"
    counts = np.bincount([j for _, j in result.pairs], minlength=len(places))
    assert np.all(counts <= places), "an offer got more people than places"
    assert tuple(counts) == result.filled
    assert result.count == len(result.pairs)
    dense = scores.toarray() if sp.issparse(scores) else scores
    stored = set(zip(*sp.coo_matrix(scores).coords, strict=True)) if sp.issparse(scores) else None
    for i, j in result.pairs:
        assert not np.isnan(dense[i, j]), "an excluded pair was assigned"
        assert dense[i, j] >= min_score
        assert stored is None or (i, j) in stored, "a pair the sparse matrix did not store"
    assert result.total_fit == pytest.approx(sum(dense[i, j] for i, j in result.pairs))


# Capacity, exclusions, optimality ---------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(small_instances())
def test_it_equals_the_brute_force_optimum_on_small_instances(instance):
    scores, places = instance
    best = max(fit_of(scores, c) for c in feasible_assignments(scores, places))
    for method in ("dense", "sparse"):
        result = assign_optimal(scores, places, method=method)
        assert_valid(result, scores, places)
        assert result.total_fit == pytest.approx(best, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(small_instances(max_people=8, max_offers=4, max_places=3))
def test_it_never_beats_the_optimum_with_greedy_and_both_stay_within_places(instance):
    scores, places = instance
    optimal = assign_optimal(scores, places)
    greedy = assign_greedy(scores, places)
    assert_valid(optimal, scores, places)
    assert_valid(greedy, scores, places)
    assert optimal.total_fit >= greedy.total_fit - 1e-9


def test_it_beats_greedy_where_the_best_pair_first_blocks_a_better_whole():
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    places = np.array([1, 1])
    greedy = assign_greedy(scores, places)
    optimal = assign_optimal(scores, places)
    assert greedy.pairs == ((0, 0), (1, 1))
    assert greedy.total_fit == pytest.approx(1.0)
    assert optimal.pairs == ((0, 1), (1, 0))
    assert optimal.total_fit == pytest.approx(1.65)


def test_it_never_assigns_an_excluded_pair_even_when_places_are_left():
    scores = np.array([[NAN, 0.2], [NAN, NAN], [0.4, NAN]])
    result = assign_optimal(scores, np.array([2, 2]))
    assert result.pairs == ((0, 1), (2, 0))
    assert result.filled == (1, 1)


def test_it_leaves_pairs_below_min_score_out():
    scores = np.array([[0.9, 0.3], [0.2, 0.25]])
    for assign in (assign_optimal, assign_greedy, assign_stable):
        result = assign(scores, np.array([1, 1]), min_score=0.3)
        assert result.pairs == ((0, 0),), assign.__name__


def test_it_places_the_first_people_when_they_fit_equally_and_repeats_itself():
    scores = np.full((3, 1), 0.5)
    first = assign_optimal(scores, np.array([1]))
    assert first.pairs == ((0, 0),)
    scores, places = random_instance(7, 40, 8)
    for method in ("dense", "sparse"):
        runs = {assign_optimal(scores, places, method=method) for _ in range(3)}
        assert len(runs) == 1
    assert len({assign_greedy(scores, places) for _ in range(3)}) == 1


def test_it_takes_only_the_stored_pairs_of_a_sparse_matrix():
    scores = sp.csr_matrix(
        (np.array([0.7, NAN, 0.0, 0.4]), (np.array([0, 1, 2, 2]), np.array([0, 1, 1, 0]))),
        shape=(3, 2),
    )
    result = assign_optimal(scores, np.array([1, 1]))
    # Person 1's only pair is excluded; person 2 gets the stored 0 rather than nothing.
    assert result.pairs == ((0, 0), (2, 1))
    assert assign_greedy(scores, np.array([1, 1])).pairs == ((0, 0), (2, 1))


@pytest.mark.parametrize("seed", range(4))
def test_the_sparse_solver_equals_the_dense_one_on_medium_instances(seed):
    scores, places = random_instance(seed, 120, 25)
    dense = assign_optimal(scores, places, method="dense")
    exact = assign_optimal(sp.csr_matrix(np.nan_to_num(scores, nan=0.0)), places)
    sparse = assign_optimal(scores, places, method="sparse")
    assert dense.solver == "dense-lsa"
    assert sparse.solver == "sparse-lapjvsp"
    assert sparse.total_fit == pytest.approx(dense.total_fit, abs=1e-6)
    assert sparse.count == dense.count
    # A dense matrix turned sparse keeps excluded pairs as stored zeros: only more choice.
    assert exact.total_fit >= dense.total_fit - 1e-9
    pruned = assign_optimal(scores, places, top_k=5)
    assert pruned.solver == "sparse-lapjvsp-top5"
    assert_valid(pruned, scores, places)
    assert dense.total_fit * 0.97 <= pruned.total_fit <= dense.total_fit + 1e-9


def test_it_rejects_fits_outside_the_unit_interval_and_misshaped_places():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        assign_optimal(np.array([[1.2]]), np.array([1]))
    with pytest.raises(ValueError, match="one entry per offer"):
        assign_greedy(np.array([[0.5, 0.5]]), np.array([1]))
    with pytest.raises(ValueError, match="non-negative"):
        assign_optimal(np.array([[0.5]]), np.array([-1]))


def test_it_handles_no_places_and_no_candidates():
    assert assign_optimal(np.array([[0.5]]), np.array([0])).pairs == ()
    assert assign_optimal(np.full((2, 2), NAN), np.array([1, 1]), method="sparse").pairs == ()
    assert assign_greedy(np.zeros((0, 2)), np.array([1, 1])).count == 0


# Fairness floors --------------------------------------------------------------------------


def test_it_gives_a_group_its_floor_at_the_least_cost_in_fit():
    scores = np.array([[0.9, 0.8], [0.8, 0.9], [0.6, 0.3], [0.2, 0.5]])
    refugees = np.array([False, False, True, True])
    places = np.array([1, 1])
    plain = assign_optimal(scores, places)
    assert plain.pairs == ((0, 0), (1, 1))
    result = assign_with_floors(scores, places, {"refugees": refugees}, {"refugees": 0.5})
    assert isinstance(result, Assignment)
    # Swapping person 0 for refugee 2 on offer 0 costs 0.3; any other swap costs more.
    assert result.pairs == ((1, 1), (2, 0))
    assert result.total_fit == pytest.approx(1.5)
    assert result.solver == "milp"


def test_it_reports_a_floor_a_group_cannot_reach_with_the_largest_share_it_can():
    scores = np.array([[0.9, 0.8, 0.7, 0.6], [0.8, 0.9, 0.6, 0.7], [0.5, NAN, NAN, NAN]])
    places = np.array([1, 1, 1, 1])
    groups = {"refugees": np.array([False, False, True]), "women": np.array([True, True, True])}
    result = assign_with_floors(scores, places, groups, {"refugees": 0.5, "women": 0.2})
    assert isinstance(result, Infeasible)
    assert result.code == "floor_unreachable"
    assert result.group == "refugees"
    assert result.placements == 3
    assert result.shortfalls[0].achievable == pytest.approx(1 / 3)
    assert [s.group for s in result.shortfalls] == ["refugees"]


def test_it_reports_floors_that_only_conflict_together():
    scores = np.full((4, 1), 0.5)
    groups = {"a": np.array([True, True, False, False]), "b": np.array([False, False, True, True])}
    result = assign_with_floors(scores, np.array([2]), groups, {"a": 0.6, "b": 0.6})
    assert isinstance(result, Infeasible)
    assert result.code == "floors_conflict"
    assert [(s.group, s.achievable) for s in result.shortfalls] == [("a", 1.0), ("b", 1.0)]


def test_it_refuses_a_floor_for_an_unknown_group():
    with pytest.raises(ValueError, match="unknown group"):
        assign_with_floors(np.array([[0.5]]), np.array([1]), {}, {"women": 0.5})


@settings(max_examples=80, deadline=None)
@given(
    small_instances(max_people=5, max_offers=3),
    st.lists(st.booleans(), min_size=5, max_size=5),
    st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
)
def test_floors_equal_the_brute_force_optimum_or_are_reported(instance, members, floor):
    scores, places = instance
    group = np.array(members[: scores.shape[0]])
    needed = assign_optimal(scores, places).count
    result = assign_with_floors(scores, places, {"g": group}, {"g": floor})
    candidates = [
        c for c in feasible_assignments(scores, places) if sum(j is not None for j in c) >= needed
    ]

    def share(c):
        placed = [i for i, j in enumerate(c) if j is not None]
        return sum(group[i] for i in placed) / len(placed) if placed else 1.0

    meeting = [c for c in candidates if share(c) >= floor - 1e-9]
    event("floors met" if meeting else "floors reported")
    if meeting:
        assert isinstance(result, Assignment)
        assert_valid(result, scores, places)
        assert result.count >= needed
        assert share([dict(result.pairs).get(i) for i in range(len(group))]) >= floor - 1e-9
        assert result.total_fit == pytest.approx(max(fit_of(scores, c) for c in meeting))
    else:
        assert isinstance(result, Infeasible)
        assert result.group == "g"
        assert result.shortfalls[0].achievable == pytest.approx(max(map(share, candidates)))


# Stable matching ----------------------------------------------------------------------------


@st.composite
def preference_instances(draw):
    n = draw(st.integers(1, 7))
    m = draw(st.integers(1, 4))
    person_prefs = [
        draw(st.permutations(range(m)).map(lambda p: p[: draw(st.integers(0, m))]))
        for _ in range(n)
    ]
    offer_prefs = [
        draw(st.permutations(range(n)).map(lambda p: p[: draw(st.integers(0, n))]))
        for _ in range(m)
    ]
    places = draw(st.lists(st.integers(0, 3), min_size=m, max_size=m))
    return person_prefs, offer_prefs, places


@settings(max_examples=200, deadline=None)
@given(preference_instances())
def test_a_stable_matching_has_no_blocking_pair(instance):
    person_prefs, offer_prefs, places = instance
    pairs = stable_matching(person_prefs, offer_prefs, places)
    assert blocking_pairs(pairs, person_prefs, offer_prefs, places) == []
    people = [i for i, _ in pairs]
    assert len(people) == len(set(people))
    for j, cap in enumerate(places):
        assert sum(1 for _, o in pairs if o == j) <= cap
    for i, j in pairs:
        assert j in person_prefs[i], "matched an offer the person did not list"
        assert i in offer_prefs[j], "matched a person the offer did not list"


def test_the_blocking_pair_check_finds_an_unstable_matching():
    person_prefs = [[0, 1], [0, 1]]
    offer_prefs = [[0, 1], [0, 1]]
    assert blocking_pairs(((0, 1), (1, 0)), person_prefs, offer_prefs, [1, 1]) == [(0, 0)]
    assert blocking_pairs(((1, 0),), person_prefs, offer_prefs, [1, 1]) == [(0, 0), (0, 1)]


@settings(max_examples=60, deadline=None)
@given(small_instances(max_people=6, max_offers=3, max_places=2))
def test_stable_assignment_from_scores_is_stable_and_skips_excluded_pairs(instance):
    scores, places = instance
    result = assign_stable(scores, places)
    assert_valid(result, scores, places)
    person_prefs, offer_prefs = preferences_from_scores(scores)
    assert blocking_pairs(result.pairs, person_prefs, offer_prefs, places) == []


def test_a_stated_preference_outranks_fit_but_not_an_exclusion():
    scores = np.array([[0.9, 0.4, NAN], [0.5, 0.6, 0.7]])
    person_prefs, offer_prefs = preferences_from_scores(scores, stated={0: [2, 1]})
    assert person_prefs == [[1, 0], [2, 1, 0]]
    assert offer_prefs == [[0, 1], [1, 0], [1]]
    result = assign_stable(scores, np.array([1, 1, 1]), stated={0: [2, 1]})
    assert result.pairs == ((0, 1), (1, 2))
    assert result.solver == "stable"


# The benchmark's generator ------------------------------------------------------------------


def test_the_synthetic_cohort_has_the_asked_shape():
    scores, places = synthetic_scores(300, 60, 150, 10, seed=3)
    assert scores.shape == (300, 60)
    assert scores.nnz == 3000
    assert places.sum() == 150
    assert places.min() >= 1
    again, _ = synthetic_scores(300, 60, 150, 10, seed=3)
    assert np.array_equal(np.nan_to_num(scores.data), np.nan_to_num(again.data))
    optimal = assign_optimal(scores, places)
    assert_valid(optimal, scores, places)
    assert optimal.total_fit >= assign_greedy(scores, places).total_fit
