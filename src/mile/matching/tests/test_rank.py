from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mile.matching.model import Weights
from mile.matching.rank import Index, OfferFilter, PersonFilter, scores_matrix
from mile.matching.score import fit
from mile.matching.tests.test_score import (
    FORKLIFT,
    GRAPH,
    INVENTORY,
    LIFTING,
    PALLETS,
    SCANNER,
    WAREHOUSE,
    amina,
    north_of_milan,
    offers,
    people,
    warehouse_offer,
)


def unique_ids(items, prefix):
    return [dataclasses.replace(x, id=f"{prefix}{i:02d}") for i, x in enumerate(items)]


COHORT = st.lists(people(), min_size=1, max_size=6).map(lambda xs: unique_ids(xs, "p"))
BOARD = st.lists(offers(), min_size=1, max_size=6).map(lambda xs: unique_ids(xs, "o"))


def reference_ranking(scored):
    """(id, score) of the pairs that are not excluded, best first, ties by id."""
    kept = [(x.id, f.score) for x, f in scored if not f.excluded]
    return sorted(kept, key=lambda pair: (-pair[1], pair[0]))


@settings(max_examples=150, deadline=None)
@given(COHORT, BOARD)
def test_it_scores_every_pair_as_fit_does(persons, board):
    matrix = scores_matrix(persons, board, GRAPH)
    assert matrix.shape == (len(persons), len(board))
    assert matrix.dtype == np.float32
    for i, person in enumerate(persons):
        for j, offer in enumerate(board):
            expected = fit(person, offer, GRAPH)
            if expected.excluded:
                assert math.isnan(matrix[i, j])
            else:
                assert matrix[i, j] == pytest.approx(expected.score, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(COHORT, BOARD, st.integers(1, 7))
def test_it_ranks_both_ways_like_sorting_fit_by_hand(persons, board, k):
    index = Index(board, persons, graph=GRAPH)
    for person in persons:
        got = index.top_offers(person, k)
        want = reference_ranking((o, fit(person, o, GRAPH)) for o in board)
        assert [i for i, _ in got] == [i for i, _ in want[:k]] or _ties_only(got, want[:k])
        assert all(not fit(person, o, GRAPH).excluded for o in board if o.id in dict(got))
    for offer in board:
        got = index.top_candidates(offer, k)
        want = reference_ranking((p, fit(p, offer, GRAPH)) for p in persons)
        assert [i for i, _ in got] == [i for i, _ in want[:k]] or _ties_only(got, want[:k])


def _ties_only(got, want):
    # float32 and float64 may order two scores within 1e-6 of each other differently.
    return len(got) == len(want) and all(
        a == pytest.approx(b, abs=1e-6) for (_, a), (_, b) in zip(got, want, strict=True)
    )


@settings(max_examples=100, deadline=None)
@given(COHORT, BOARD, st.integers(1, 4))
def test_it_keeps_the_top_k_per_person_and_never_an_excluded_offer(persons, board, k):
    index = Index(board, persons, graph=GRAPH)
    positions, values = index.top_k_per_person(k)
    assert positions.shape == values.shape == (len(persons), k)
    for i, person in enumerate(persons):
        row = [
            (board[j].id, float(v)) for j, v in zip(positions[i], values[i], strict=True) if j >= 0
        ]
        assert row == index.top_offers(person, k)
        assert all(not fit(person, board[j], GRAPH).excluded for j in positions[i] if j >= 0)
        assert np.isnan(values[i][positions[i] < 0]).all()
    people_at, scores_at = index.top_k_per_offer(k)
    for j, offer in enumerate(board):
        pairs = zip(people_at[j], scores_at[j], strict=True)
        got = [(persons[i].id, float(v)) for i, v in pairs if i >= 0]
        assert got == index.top_candidates(offer, k)


def test_it_gives_the_same_top_k_both_ways_with_small_chunks_and_threads(monkeypatch):
    persons = [amina(id=i, skills=frozenset([FORKLIFT, PALLETS][: i % 3])) for i in range(23)]
    board = [warehouse_offer(id=f"o{i % 4}{i}", hours_per_week=10 + i) for i in range(9)]
    index = Index(board, persons[::-1], graph=GRAPH)
    one = index.top_k(3, 5)
    # Three people per chunk: ties between chunks must still go to the lower id.
    monkeypatch.setattr("mile.matching.rank._BLOCK_CELLS", 3 * len(board))
    for workers in (1, 2):
        for a, b in zip(index.top_k(3, 5, workers=workers), one, strict=True):
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])
    for j, offer in enumerate(board):
        ids = [index.persons[i].id for i in one[1][0][j]]
        assert ids == [i for i, _ in index.top_candidates(offer, 5)]


def test_it_scores_a_person_or_offer_that_is_not_in_the_index():
    board = [
        warehouse_offer(id="o1"),
        warehouse_offer(id="o2", essential=frozenset({FORKLIFT, INVENTORY})),
        warehouse_offer(id="o3", essential=frozenset({"http://example.org/unseen"})),
    ]
    index = Index(board, graph=GRAPH)
    newcomer = amina(skills=frozenset({LIFTING, SCANNER, PALLETS}), id="new")
    got = index.offer_scores(newcomer)
    assert got == pytest.approx([fit(newcomer, o, GRAPH).score for o in board], abs=1e-6)
    staff = Index(persons=[amina(), newcomer], graph=GRAPH)
    new_offer = warehouse_offer(id="o4", essential=frozenset({FORKLIFT, "http://example.org/x"}))
    assert staff.candidate_scores(new_offer) == pytest.approx(
        [fit(p, new_offer, GRAPH).score for p in (amina(), newcomer)], abs=1e-6
    )


def test_it_breaks_ties_by_id_whatever_the_input_order():
    board = [warehouse_offer(id=i) for i in ("c", "a", "b")]
    assert [i for i, _ in Index(board, graph=GRAPH).top_offers(amina(), 3)] == ["a", "b", "c"]
    assert [i for i, _ in Index(board[::-1], graph=GRAPH).top_offers(amina(), 2)] == ["a", "b"]
    persons = [amina(id=n) for n in (30, 4, 12)]
    index = Index(persons=persons, graph=GRAPH)
    assert [i for i, _ in index.top_candidates(warehouse_offer(), 3)] == [4, 12, 30]
    positions, _ = Index(board, persons, graph=GRAPH).top_k_per_person(2)
    assert [[board[j].id for j in row] for row in positions] == [["a", "b"]] * 3


def test_it_never_proposes_an_excluded_pair():
    board = [
        warehouse_offer(id="car", driving_licence="B"),
        warehouse_offer(id="free"),
    ]
    index = Index(board, graph=GRAPH)
    assert [i for i, _ in index.top_offers(amina(), 5)] == ["free"]
    assert index.top_offers(amina(work_authorised=False), 5) == []
    assert [i for i, _ in index.top_offers(amina(driving_licences=frozenset({"C"})), 5)] == [
        "car",
        "free",
    ]


def test_it_filters_offers_by_site_distance_occupation_score_and_declines():
    near, far = north_of_milan(3), north_of_milan(30)
    board = [
        warehouse_offer(id="near", lat=near[0], lon=near[1], isco="9333", occupation=WAREHOUSE),
        warehouse_offer(id="far", lat=far[0], lon=far[1], isco="8344"),
        warehouse_offer(id="home", site_id="turin", lat=None, lon=None, remote=True),
    ]
    index = Index(board, graph=GRAPH)
    person = amina()

    def ids(**kw):
        return [i for i, _ in index.top_offers(person, 10, OfferFilter(**kw))]

    assert sorted(ids()) == ["far", "home", "near"]
    assert sorted(ids(max_km=10)) == ["home", "near"]
    assert ids(site_ids=frozenset({"turin"})) == ["home"]
    assert ids(remote=True) == ["home"]
    assert ids(isco_prefix="93") == ["near"]
    assert sorted(ids(exclude_ids=frozenset({"near"}))) == ["far", "home"]
    best = index.top_offers(person, 1)[0][1]
    assert ids(min_score=best) == [index.top_offers(person, 1)[0][0]]


def test_it_filters_candidates_by_group_and_site():
    persons = [
        amina(id=1, groups=frozenset({"refugee", "woman"})),
        amina(id=2, groups=frozenset({"woman"})),
        amina(id=3, site_id="turin"),
    ]
    index = Index(persons=persons, graph=GRAPH)
    offer = warehouse_offer()
    assert [
        i for i, _ in index.top_candidates(offer, 5, PersonFilter(groups=frozenset({"refugee"})))
    ] == [1]
    assert [
        i for i, _ in index.top_candidates(offer, 5, PersonFilter(site_ids=frozenset({"turin"})))
    ] == [3]
    assert [
        i for i, _ in index.top_candidates(offer, 5, PersonFilter(exclude_ids=frozenset({1, 3})))
    ] == [2]


def test_it_gives_the_same_scores_chunk_by_chunk():
    persons = [
        amina(id=i, skills=frozenset([*sorted(GRAPH.broader), PALLETS][: i % 3])) for i in range(7)
    ]
    board = [warehouse_offer(id=f"o{i}", hours_per_week=10 * (i + 1)) for i in range(5)]
    index = Index(board, persons, graph=GRAPH, weights=Weights(time=0.5))
    chunks = list(index.score_chunks(rows=3))
    assert [start for start, _ in chunks] == [0, 3, 6]
    stacked = np.vstack([block for _, block in chunks])
    np.testing.assert_array_equal(stacked, index.scores_matrix())


@settings(max_examples=150, deadline=None)
@given(COHORT, BOARD)
def test_a_closed_index_scores_its_own_offers_as_an_open_one(persons, board):
    open_index = Index(board, persons, graph=GRAPH)
    closed_index = Index(board, persons, graph=GRAPH, closed=True)
    np.testing.assert_allclose(
        closed_index.scores_matrix(), open_index.scores_matrix(), rtol=0, atol=1e-6
    )
    for offer in board:
        np.testing.assert_allclose(
            closed_index.candidate_scores(offer), open_index.candidate_scores(offer), atol=1e-6
        )


@settings(max_examples=60, deadline=None)
@given(COHORT, BOARD)
def test_a_closed_index_with_many_skills_scores_as_an_open_one(persons, board):
    from mile.matching import rank

    few = rank._FEW_SKILLS
    rank._FEW_SKILLS = 0  # the path for many offer skills, taken here with few
    try:
        closed_index = Index(board, persons, graph=GRAPH, closed=True)
    finally:
        rank._FEW_SKILLS = few
    np.testing.assert_allclose(
        closed_index.scores_matrix(),
        Index(board, persons, graph=GRAPH).scores_matrix(),
        rtol=0,
        atol=1e-6,
    )
