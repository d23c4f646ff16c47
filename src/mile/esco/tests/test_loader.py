from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mile.esco.loader import EscoDataError, load_taxonomy
from mile.esco.model import ConceptKind, RelationType
from mile.esco.tests.esco_files import (
    ISCO,
    OCC,
    SKILL,
    SKILL_COLUMNS,
    csv_text,
    write_folder,
    write_zip,
)


def test_it_loads_an_unzipped_folder(tmp_path):
    taxonomy = load_taxonomy(sources=[write_folder(tmp_path / "esco")])

    java = taxonomy.concepts[SKILL + "java"]
    assert java.kind is ConceptKind.SKILL
    assert java.labels["en"].preferred == "Java"
    assert java.labels["en"].alternative == ("Java programming", "Java 8")
    assert java.skill_type == "knowledge"
    assert java.reuse_level == "sector-specific"
    assert taxonomy.concepts[SKILL + "cook"].labels["en"].hidden == ("cooking",)
    assert taxonomy.concepts[OCC + "dev"].broader == (ISCO + "C2512",)
    assert taxonomy.concepts[ISCO + "C2512"].code == "2512"
    assert taxonomy.collections["transversal"] == frozenset({SKILL + "team"})
    assert {(r.occupation_uri, r.skill_uri, r.relation) for r in taxonomy.occupation_skills} >= {
        (OCC + "dev", SKILL + "java", RelationType.ESSENTIAL)
    }
    assert taxonomy.skill_relations[0].related_uri == SKILL + "team"


def test_it_merges_languages_by_concept_uri(tmp_path):
    taxonomy = load_taxonomy(sources=[write_folder(tmp_path / "esco")])

    cook = taxonomy.concepts[SKILL + "cook"]
    assert set(cook.labels) == {"en", "it"}
    assert cook.labels["it"].preferred == "preparare pasti"
    assert cook.descriptions["it"] == "Cucinare per gli ospiti."
    assert taxonomy.concepts[OCC + "chef"].label("it") == "cuoco/cuoca"
    assert taxonomy.concepts[SKILL + "java"].label("it") == "Java"


def test_it_reads_the_official_zips_and_their_version(tmp_path):
    archive = write_zip(
        tmp_path / "esco-v1.0.8-classification-en-csv.zip", write_folder(tmp_path / "f")
    )

    taxonomy = load_taxonomy(sources=[archive])

    assert taxonomy.version == "1.0.8"
    assert len(taxonomy.concepts) == 8


def test_it_reports_a_missing_column_with_file_line_and_column(tmp_path):
    folder = write_folder(tmp_path / "esco")
    (folder / "skills_en.csv").write_text(
        csv_text([c for c in SKILL_COLUMNS if c != "preferredLabel"], [["x"] * 8]), encoding="utf-8"
    )

    with pytest.raises(EscoDataError) as caught:
        load_taxonomy(sources=[folder])

    [problem] = caught.value.problems
    assert problem.file.endswith("skills_en.csv")
    assert (problem.line, problem.column) == (1, "preferredLabel")
    assert "skills_en.csv:1: column preferredLabel" in str(caught.value)


def test_it_lists_every_problem_and_returns_nothing(tmp_path):
    folder = write_folder(tmp_path / "esco")
    rows = [
        ["KnowledgeSkillCompetence", SKILL + "a", "knowledge", "", "", "", "", "released", ""],
        [
            "KnowledgeSkillCompetence",
            "not-a-uri",
            "knowledge",
            "",
            "label",
            "",
            "",
            "released",
            "multi\nline",
        ],
        ["KnowledgeSkillCompetence", SKILL + "b", "knowledge", "", "fine", "", "", "released", ""],
    ]
    (folder / "skills_en.csv").write_text(csv_text(SKILL_COLUMNS, rows), encoding="utf-8")
    (folder / "occupationSkillRelations.csv").write_text(
        csv_text(
            ["occupationUri", "relationType", "skillUri"], [[OCC + "dev", "maybe", SKILL + "b"]]
        ),
        encoding="utf-8",
    )

    with pytest.raises(EscoDataError) as caught:
        load_taxonomy(sources=[folder])

    found = {(Path(p.file).name, p.line, p.column) for p in caught.value.problems}
    assert ("skills_en.csv", 2, "preferredLabel") in found
    assert ("skills_en.csv", 3, "conceptUri") in found
    assert ("occupationSkillRelations.csv", 2, "relationType") in found


def test_it_names_the_line_that_is_not_utf8(tmp_path):
    folder = write_folder(tmp_path / "esco", languages=("en",))
    data = (folder / "skills_en.csv").read_bytes().replace(b"Drive cars", b"Drive \xff cars")
    (folder / "skills_en.csv").write_bytes(data)

    with pytest.raises(EscoDataError) as caught:
        load_taxonomy(sources=[folder])

    [problem] = caught.value.problems
    assert problem.line == data[: data.index(b"\xff")].count(b"\n") + 1
    assert "UTF-8" in problem.message


def test_it_drops_relations_to_unknown_concepts_with_a_warning(tmp_path):
    folder = write_folder(tmp_path / "esco")
    (folder / "occupationSkillRelations.csv").write_text(
        csv_text(
            ["occupationUri", "relationType", "skillUri"],
            [
                [OCC + "gone", "essential", SKILL + "java"],
                [OCC + "dev", "essential", SKILL + "java"],
            ],
        ),
        encoding="utf-8",
    )

    taxonomy = load_taxonomy(sources=[folder])

    assert [r.occupation_uri for r in taxonomy.occupation_skills] == [OCC + "dev"]
    assert "unknown concept" in taxonomy.warnings[0]


def test_it_adds_labels_of_other_languages_from_a_label_table(tmp_path):
    folder = write_folder(tmp_path / "esco", languages=("en",))
    table = "lang\tconceptUri\tlabel_rank\tlabel\nde\t{0}\t001\tEntwickler\nde\t{0}\t000\tSoftwareentwickler\nde\t{1}unknown\t000\tx\n"
    (tmp_path / "labels.tsv.gz").write_bytes(gzip.compress(table.format(OCC + "dev", OCC).encode()))

    taxonomy = load_taxonomy(sources=[folder, tmp_path / "labels.tsv.gz"])

    labels = taxonomy.concepts[OCC + "dev"].labels["de"]
    assert (labels.preferred, labels.alternative) == ("Softwareentwickler", ("Entwickler",))


def test_it_fails_when_there_is_nothing_to_read(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")

    with pytest.raises(EscoDataError, match="none of the files"):
        load_taxonomy(sources=[tmp_path])


_label = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85\u2028\u2029"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    preferred=_label, alternatives=st.lists(_label, max_size=4), description=st.text(max_size=60)
)
def test_it_reads_back_whatever_labels_were_written(tmp_path, preferred, alternatives, description):
    folder = tmp_path / "prop"
    folder.mkdir(exist_ok=True)
    with (folder / "skills_en.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SKILL_COLUMNS)
        writer.writerow(
            [
                "KnowledgeSkillCompetence",
                SKILL + "x",
                "knowledge",
                "",
                preferred,
                "\n".join(alternatives),
                "",
                "released",
                description,
            ]
        )

    concept = load_taxonomy(sources=[folder]).concepts[SKILL + "x"]

    assert concept.labels["en"].preferred == preferred
    expected = [a for a in dict.fromkeys(alternatives) if a != preferred]
    assert list(concept.labels["en"].alternative) == expected
    assert concept.descriptions.get("en", "") == description.strip()
