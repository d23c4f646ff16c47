from __future__ import annotations

import json

import pytest

from mile.esco.cli import main
from mile.esco.evaluate import Example, metrics
from mile.esco.extract import build_extract
from mile.esco.index import LinkKind
from mile.esco.tests.esco_files import OCC, SKILL, write_folder


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    root = tmp_path_factory.mktemp("esco")
    build_extract(source=write_folder(root / "esco"), output=root / "x.json.xz")
    return root / "x.json.xz"


def link(extract, tmp_path, data: bytes, *extra: str) -> list[str]:
    (tmp_path / "in.txt").write_bytes(data)
    return ["link", "--extract", str(extract), "--input", str(tmp_path / "in.txt"), *extra]


def test_it_writes_one_json_object_per_line_in_order(extract, tmp_path, capsys):
    argv = link(
        extract,
        tmp_path,
        b"chef\n\nsoftware developer\n",
        "--kind",
        "occupation",
        "--lang",
        "en",
        "--top",
        "2",
    )

    assert main(argv) == 0

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == ["chef", "", "software developer"]
    assert lines[0]["concepts"][0]["uri"] == OCC + "chef"
    assert set(lines[0]["concepts"][0]) == {"uri", "label", "score"}
    assert lines[1]["concepts"] == []
    assert len(lines[2]["concepts"]) <= 2


def test_it_fails_on_non_utf8_input_naming_the_line(extract, tmp_path, capsys):
    argv = link(extract, tmp_path, b"chef\ncuisini\xe8re\n", "--kind", "occupation", "--lang", "en")

    assert main(argv) == 2

    assert "line 2 is not valid UTF-8" in capsys.readouterr().err


def test_it_fails_on_an_unknown_language_listing_the_available_ones(extract, tmp_path, capsys):
    argv = link(
        extract, tmp_path, b"chef\n", "--kind", "skill", "--lang", "en", "--corpus-lang", "fi"
    )

    assert main(argv) == 2

    assert "available: en, it" in capsys.readouterr().err


def test_it_builds_the_extract_from_a_source_folder(tmp_path, capsys):
    folder = write_folder(tmp_path / "esco")

    assert (
        main(["build-extract", "--source", str(folder), "--output", str(tmp_path / "out.xz")]) == 0
    )

    assert (tmp_path / "out.xz").stat().st_size > 0
    assert "8 concepts" in capsys.readouterr().out


def test_it_evaluates_a_devset_beside_the_baselines(extract, tmp_path, capsys):
    (tmp_path / "dev.csv").write_text(
        f"text,labels\njava developer,{OCC}dev\nhead cook,{OCC}chef|{OCC}dev\n"
    )

    assert (
        main(
            [
                "evaluate",
                str(tmp_path / "dev.csv"),
                "--kind",
                "occupation",
                "--lang",
                "en",
                "--extract",
                str(extract),
            ]
        )
        == 0
    )

    out = capsys.readouterr().out
    assert "MILE linker" in out
    assert "char TF-IDF" in out
    assert "BM25" in out


def test_it_computes_rank_metrics():
    examples = [Example("a", frozenset({"x", "y"})), Example("b", frozenset({"z"}))]

    skill = metrics(rankings=[["q", "x", "y"], ["q"]], examples=examples, kind=LinkKind.SKILL)
    occupation = metrics(rankings=[["x"], ["q", "z"]], examples=examples, kind=LinkKind.OCCUPATION)

    assert skill == {"RP@5": 0.5, "RP@10": 0.5, "MRR": 0.25}
    assert occupation == {"MRR": 0.75, "Acc@1": 0.5, "Acc@5": 1.0}
    assert SKILL
