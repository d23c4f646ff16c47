from __future__ import annotations

from mile.esco.extract import build_extract, bundled_extract_path, load_extract
from mile.esco.loader import load_taxonomy
from mile.esco.model import ConceptKind
from mile.esco.tests.esco_files import OCC, SKILL, write_folder


def test_it_round_trips_a_taxonomy_through_the_extract(tmp_path):
    folder = write_folder(tmp_path / "esco")
    expected = load_taxonomy(sources=[folder])

    build_extract(source=folder, output=tmp_path / "x.json.xz")
    loaded = load_extract(path=tmp_path / "x.json.xz")

    assert dict(loaded.concepts) == dict(expected.concepts)
    assert loaded.occupation_skills == expected.occupation_skills
    assert loaded.skill_relations == expected.skill_relations
    assert loaded.collections == expected.collections


def test_it_builds_byte_identical_extracts(tmp_path):
    folder = write_folder(tmp_path / "esco")

    first = build_extract(source=folder, output=tmp_path / "a.json.xz")
    second = build_extract(source=folder, output=tmp_path / "b.json.xz")

    assert first.sha256 == second.sha256
    assert (tmp_path / "a.json.xz").read_bytes() == (tmp_path / "b.json.xz").read_bytes()


def test_it_bundles_the_whole_taxonomy_in_under_15_mb():
    taxonomy = load_extract()

    assert bundled_extract_path().stat().st_size <= 15 * 2**20
    kinds = [c.kind for c in taxonomy.concepts.values()]
    assert kinds.count(ConceptKind.SKILL) > 13_000
    assert kinds.count(ConceptKind.OCCUPATION) > 3_000
    assert len(taxonomy.languages(ConceptKind.OCCUPATION)) == 22
    assert len(taxonomy.occupation_skills) > 100_000
    assert {"transversal", "language", "digital", "green"} <= set(taxonomy.collections)
    assert not {OCC, SKILL} & set(taxonomy.concepts)
