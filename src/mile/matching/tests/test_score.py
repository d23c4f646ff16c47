from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mile.matching.explain import Reason, explain, explain_text
from mile.matching.model import CEFR_LEVELS, Offer, Person, SkillGraph, Weights
from mile.matching.score import fit

ESCO = "http://data.europa.eu/esco/skill/"
FORKLIFT = ESCO + "forklift"
LIFTING = ESCO + "lifting-equipment"
PALLETS = ESCO + "stack-pallets"
INVENTORY = ESCO + "inventory"
SAFETY = ESCO + "safety"
LOADING = ESCO + "loading"
SCANNER = ESCO + "scanner"
PACKING = ESCO + "packing"
SKILLS = (FORKLIFT, LIFTING, PALLETS, INVENTORY, SAFETY, LOADING, SCANNER, PACKING)
WAREHOUSE = "http://data.europa.eu/esco/occupation/warehouse-worker"
DRIVER = "http://data.europa.eu/esco/occupation/forklift-driver"

# Forklift driving is a kind of lifting-equipment operation; scanning relates to inventory.
GRAPH = SkillGraph.from_lists(broader=[(FORKLIFT, LIFTING)], related=[(SCANNER, INVENTORY)])
MILAN = (45.4642, 9.1900)
KM_LAT = 1 / 111.195  # degrees of latitude per km


def north_of_milan(km: float) -> tuple[float, float]:
    return MILAN[0] + km * KM_LAT, MILAN[1]


def warehouse_offer(**changes) -> Offer:
    lat, lon = north_of_milan(4)
    base = Offer(
        id="o1",
        essential=frozenset({FORKLIFT, PALLETS, INVENTORY, SAFETY, LOADING, PACKING}),
        languages={"de": "B1"},
        site_id="milan",
        lat=lat,
        lon=lon,
    )
    return dataclasses.replace(base, **changes)


def amina(**changes) -> Person:
    base = Person(
        id=1,
        skills=frozenset({PALLETS, INVENTORY, SAFETY, LOADING, PACKING}),
        languages={"de": "A2", "it": "B2"},
        site_id="milan",
        lat=MILAN[0],
        lon=MILAN[1],
    )
    return dataclasses.replace(base, **changes)


def test_it_explains_a_near_miss_in_one_english_sentence_per_part():
    offer = warehouse_offer()
    result = fit(amina(), offer, GRAPH)
    text = explain_text(explain(result, offer), {FORKLIFT: "operate forklift"})
    assert text == (
        "5 of 6 essential skills; missing: operate forklift. "
        "German B1 required, has A2 (one level short). 4 km away."
    )


def test_it_gives_the_explanation_as_codes_with_numbers():
    offer = warehouse_offer()
    assert explain(fit(amina(), offer, GRAPH), offer) == [
        ("essential", {"have": 5, "of": 6, "missing": [FORKLIFT], "partial": []}),
        ("language", {"language": "de", "required": "B1", "has": "A2", "short": 1}),
        ("distance", {"km": 4}),
    ]


def test_it_puts_exclusions_first_and_optional_skills_last():
    offer = warehouse_offer(
        optional=frozenset({SCANNER}),
        occupation=WAREHOUSE,
        isco="9333",
        driving_licence="B",
        starts_on=date(2026, 3, 1),
        hours_per_week=40,
    )
    person = amina(
        work_authorised_until=date(2026, 2, 1),
        available_from=date(2026, 3, 11),
        hours_per_week=20,
        isco_codes=frozenset({"9321"}),
    )
    reasons = explain(fit(person, offer, GRAPH), offer)
    assert [r.code for r in reasons] == [
        "excluded",
        "excluded",
        "essential",
        "language",
        "distance",
        "late_start",
        "hours",
        "occupation",
        "optional",
    ]
    assert reasons[0] == Reason("excluded", {"why": "no_work_authorisation"})
    assert reasons[1] == Reason("excluded", {"why": "driving_licence", "licence": "B"})
    assert reasons[7] == Reason("occupation", {"match": "isco", "level": 2})
    assert explain_text(reasons, {}).startswith(
        "Excluded: no work authorisation for the whole placement. "
        "Excluded: driving licence B required."
    )


def test_it_weights_the_parts_by_the_documented_defaults():
    result = fit(amina(), warehouse_offer(), GRAPH)
    assert result.parts == {
        "essential": pytest.approx(5 / 6),
        "optional": 1.0,
        "occupation": 1.0,
        "languages": 0.5,
        "place": 1.0,
        "time": 1.0,
    }
    expected = 0.45 * 5 / 6 + 0.10 + 0.15 + 0.15 * 0.5 + 0.10 + 0.05
    assert result.score == pytest.approx(expected)


def test_it_gives_half_credit_for_a_broader_or_related_skill():
    offer = warehouse_offer(essential=frozenset({FORKLIFT, INVENTORY}))
    person = amina(skills=frozenset({LIFTING, SCANNER}))
    result = fit(person, offer, GRAPH)
    assert result.parts["essential"] == pytest.approx(0.5)
    assert {(p.skill, p.via, p.kind) for p in result.essential_partial} == {
        (FORKLIFT, LIFTING, "broader"),
        (INVENTORY, SCANNER, "related"),
    }
    reason = explain(result, offer)[0]
    assert reason.params["have"] == 0
    assert reason.params["partial"] == [FORKLIFT, INVENTORY]


def test_it_counts_an_offer_without_essential_skills_as_covered():
    assert fit(amina(), warehouse_offer(essential=frozenset()), GRAPH).parts["essential"] == 1.0


@pytest.mark.parametrize(
    ("codes", "credit", "how"),
    [
        ({"9333"}, 0.8, "isco"),
        ({"9334"}, 0.6, "isco"),
        ({"9321"}, 0.4, "isco"),
        ({"9111"}, 0.2, "isco"),
        ({"2654"}, 0.0, None),
        (set(), 0.0, None),
    ],
)
def test_it_scores_another_occupation_by_the_isco_digits_in_common(codes, credit, how):
    offer = warehouse_offer(occupation=WAREHOUSE, isco="9333")
    result = fit(amina(isco_codes=frozenset(codes)), offer, GRAPH)
    assert result.parts["occupation"] == pytest.approx(credit)
    assert result.occupation_match == how


def test_it_scores_the_offers_occupation_in_experience_or_preferences_fully():
    offer = warehouse_offer(occupation=WAREHOUSE, isco="9333")
    worked = fit(amina(occupations=frozenset({WAREHOUSE})), offer, GRAPH)
    wants = fit(amina(preferred_occupations=frozenset({WAREHOUSE})), offer, GRAPH)
    assert (worked.parts["occupation"], worked.occupation_match) == (1.0, "experience")
    assert (wants.parts["occupation"], wants.occupation_match) == (1.0, "preference")
    assert explain(worked, offer)[-1] == ("occupation", {"match": "experience"})


@pytest.mark.parametrize(
    ("has", "credit"),
    [({"de": "C1"}, 1.0), ({"de": "B1"}, 1.0), ({"de": "A2"}, 0.5), ({"de": "A1"}, 0.0), ({}, 0.0)],
)
def test_it_credits_a_language_by_the_levels_short(has, credit):
    result = fit(amina(languages=has), warehouse_offer(), GRAPH)
    assert result.parts["languages"] == credit


def test_it_averages_required_languages_and_says_when_one_is_not_spoken():
    offer = warehouse_offer(languages={"de": "B1", "it": "B1"})
    result = fit(amina(languages={"it": "C1"}), offer, GRAPH)
    assert result.parts["languages"] == 0.5
    text = explain_text(explain(result, offer), {})
    assert "German B1 required, not spoken. Italian B1 required, has C1." in text


@pytest.mark.parametrize(("km", "credit"), [(0, 1.0), (5, 1.0), (27.5, 0.5), (50, 0.0), (80, 0.0)])
def test_it_decays_place_with_distance(km, credit):
    lat, lon = north_of_milan(km)
    result = fit(amina(), warehouse_offer(lat=lat, lon=lon), GRAPH)
    assert result.parts["place"] == pytest.approx(credit, abs=1e-3)


def test_it_uses_the_site_without_coordinates_and_ignores_distance_when_remote():
    no_coords = amina(lat=None, lon=None)
    assert fit(no_coords, warehouse_offer(), GRAPH).parts["place"] == 1.0
    assert fit(no_coords, warehouse_offer(site_id="turin"), GRAPH).parts["place"] == 0.0
    far = warehouse_offer(lat=52.52, lon=13.40, remote=True)
    result = fit(amina(), far, GRAPH)
    assert result.parts["place"] == 1.0
    assert ("remote", {}) in explain(result, far)


def test_it_gives_partial_time_credit_for_a_late_start_and_fewer_hours():
    start = date(2026, 3, 1)
    offer = warehouse_offer(starts_on=start, hours_per_week=40)
    assert fit(amina(available_from=start), offer, GRAPH).parts["time"] == 1.0
    late = fit(amina(available_from=start + timedelta(days=20)), offer, GRAPH)
    assert late.parts["time"] == 0.5
    assert explain_text(explain(late, offer), {}).endswith("Available 20 days after the start.")
    too_late = fit(amina(available_from=start + timedelta(days=31)), offer, GRAPH)
    assert too_late.parts["time"] == 0.0
    assert fit(amina(hours_per_week=30), offer, GRAPH).parts["time"] == 0.75


def test_it_excludes_a_person_whose_permit_ends_before_the_placement():
    offer = warehouse_offer(starts_on=date(2026, 3, 1), ends_on=date(2026, 9, 1))
    assert fit(amina(work_authorised_until=date(2026, 12, 31)), offer, GRAPH).excluded == ()
    short = fit(amina(work_authorised_until=date(2026, 6, 30)), offer, GRAPH)
    assert short.excluded == ("no_work_authorisation",)
    assert short.score == 0.0
    assert fit(amina(work_authorised=False), offer, GRAPH).excluded == ("no_work_authorisation",)


def test_it_excludes_a_person_without_the_required_driving_licence():
    offer = warehouse_offer(driving_licence="B")
    assert fit(amina(), offer, GRAPH).excluded == ("driving_licence",)
    assert fit(amina(driving_licences=frozenset({"B"})), offer, GRAPH).excluded == ()
    # A truck licence is only issued on top of a car licence.
    assert fit(amina(driving_licences=frozenset({"CE"})), offer, GRAPH).excluded == ()
    assert fit(amina(driving_licences=frozenset({"A"})), offer, GRAPH).excluded == (
        "driving_licence",
    )


def test_it_lets_weights_change_the_balance():
    only_skills = Weights(optional=0, occupation=0, languages=0, place=0, time=0)
    assert fit(amina(), warehouse_offer(), GRAPH, only_skills).score == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match="positive total"):
        Weights(essential=0, optional=0, occupation=0, languages=0, place=0, time=0)


# Random people and offers over a small vocabulary, so that they overlap often.

SITES = st.sampled_from([None, "milan", "turin"])
DATES = st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
COORDS = st.one_of(st.none(), st.tuples(st.floats(45.0, 46.0), st.floats(8.5, 10.0)))
LEVELS = st.sampled_from(CEFR_LEVELS)
LANGS = st.dictionaries(st.sampled_from(["de", "it", "en"]), LEVELS, max_size=3)
LICENCES = st.frozensets(st.sampled_from(["B", "C", "CE", "A"]), max_size=2)
ISCO = st.sampled_from(["9333", "9334", "9321", "8344", "2654"])
OCCUPATIONS = st.sampled_from([WAREHOUSE, DRIVER])


@st.composite
def people(draw) -> Person:
    coords = draw(COORDS)
    return Person(
        id=draw(st.integers(0, 10**6)),
        skills=draw(st.frozensets(st.sampled_from(SKILLS), max_size=6)),
        languages=draw(LANGS),
        occupations=draw(st.frozensets(OCCUPATIONS, max_size=1)),
        preferred_occupations=draw(st.frozensets(OCCUPATIONS, max_size=1)),
        isco_codes=draw(st.frozensets(ISCO, max_size=2)),
        site_id=draw(SITES),
        lat=coords[0] if coords else None,
        lon=coords[1] if coords else None,
        available_from=draw(DATES),
        hours_per_week=draw(st.one_of(st.none(), st.integers(0, 40))),
        work_authorised=draw(st.sampled_from([True, True, True, False])),
        work_authorised_until=draw(DATES),
        driving_licences=draw(LICENCES),
        groups=draw(st.frozensets(st.sampled_from(["refugee", "woman"]))),
    )


@st.composite
def offers(draw) -> Offer:
    coords = draw(COORDS)
    start = draw(DATES)
    return Offer(
        id=draw(st.integers(0, 10**6)),
        essential=draw(st.frozensets(st.sampled_from(SKILLS), max_size=5)),
        optional=draw(st.frozensets(st.sampled_from(SKILLS), max_size=3)),
        occupation=draw(st.one_of(st.none(), OCCUPATIONS)),
        isco=draw(st.one_of(st.none(), ISCO)),
        languages=draw(st.dictionaries(st.sampled_from(["de", "it", "fr"]), LEVELS, max_size=2)),
        site_id=draw(SITES),
        lat=coords[0] if coords else None,
        lon=coords[1] if coords else None,
        remote=draw(st.booleans()),
        starts_on=start,
        ends_on=None if start is None else start + timedelta(days=draw(st.integers(0, 200))),
        hours_per_week=draw(st.one_of(st.none(), st.integers(1, 40))),
        driving_licence=draw(st.one_of(st.none(), st.sampled_from(["B", "C"]))),
    )


@settings(max_examples=300, deadline=None)
@given(people(), offers())
def test_it_keeps_the_score_in_0_1_and_zero_when_excluded(person, offer):
    result = fit(person, offer, GRAPH)
    assert 0.0 <= result.score <= 1.0
    assert all(0.0 <= v <= 1.0 for v in result.parts.values())
    if result.excluded:
        assert result.score == 0.0
        assert explain(result, offer)[0].code == "excluded"


@settings(max_examples=300, deadline=None)
@given(people(), offers(), st.sampled_from(SKILLS))
def test_it_never_lowers_the_score_for_a_skill_more(person, offer, skill):
    before = fit(person, offer, GRAPH).score
    after = fit(dataclasses.replace(person, skills=person.skills | {skill}), offer, GRAPH).score
    assert after >= before - 1e-12


@settings(max_examples=300, deadline=None)
@given(people(), offers(), st.sampled_from(["de", "it", "fr"]))
def test_it_never_lowers_the_score_for_a_better_language_level(person, offer, lang):
    current = person.languages.get(lang)
    better = CEFR_LEVELS[min(5, CEFR_LEVELS.index(current) + 1)] if current else "A1"
    improved = dataclasses.replace(person, languages={**person.languages, lang: better})
    assert fit(improved, offer, GRAPH).score >= fit(person, offer, GRAPH).score - 1e-12
