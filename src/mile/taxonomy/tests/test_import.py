from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mile.esco.tests.esco_files import OCC, SKILL, write_folder, write_zip
from mile.taxonomy.models import Concept, EscoImport, Label, OccupationSkill


def _snapshot() -> tuple[int, int, int]:
    return Concept.objects.count(), Label.objects.count(), OccupationSkill.objects.count()


def test_it_imports_concepts_labels_hierarchy_and_relations(esco: Path) -> None:
    dev = Concept.objects.get(uri=OCC + "dev")
    assert dev.label("en") == "software developer"
    assert set(dev.labels.filter(kind="a").values_list("text", flat=True)) == {
        "programmer",
        "java developer",
    }
    assert [c.code for c in dev.broader.all()] == ["2512"]
    essential = OccupationSkill.objects.get(occupation=dev, relation="essential")
    assert essential.skill.uri == SKILL + "java"
    assert Concept.objects.get(uri=SKILL + "team").collections == ["transversal"]
    assert EscoImport.objects.get().languages == ["en"]


def test_it_changes_nothing_when_imported_twice(esco: Path, capsys) -> None:
    before = _snapshot()
    call_command("esco_import", str(esco))
    assert _snapshot() == before
    assert "0 new, 8 updated, 0 now obsolete" in capsys.readouterr().out
    assert Concept.objects.filter(obsolete=True).count() == 0


def test_it_adds_a_language_beside_the_ones_there(esco: Path, tmp_path: Path) -> None:
    italian = write_folder(tmp_path / "it", languages=("en", "it"))
    for name in italian.iterdir():
        if name.name.endswith("_en.csv") or "Relations" in name.name or "Collection" in name.name:
            name.unlink()
    call_command("esco_import", str(italian), verbosity=0)
    chef = Concept.objects.get(uri=OCC + "chef")
    assert chef.label("it") == "cuoco/cuoca"
    assert chef.label("en") == "chef"
    # English concepts not in the Italian files stay current.
    assert not Concept.objects.filter(obsolete=True).exists()


def test_it_keeps_a_vanished_concept_as_obsolete(esco: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    shutil.copytree(esco, newer)
    skills = newer / "skills_en.csv"
    skills.write_text(
        "\n".join(line for line in skills.read_text().splitlines() if "/drive" not in line) + "\n"
    )
    call_command("esco_import", str(newer), verbosity=0)
    drive = Concept.objects.get(uri=SKILL + "drive")
    assert drive.obsolete
    assert drive.label("en") == "drive a car"


def test_it_reports_file_line_and_column_and_changes_nothing(
    esco: Path, tmp_path: Path, capsys
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(esco, broken)
    occupations = broken / "occupations_en.csv"
    occupations.write_text(occupations.read_text().replace(OCC + "chef", "not a uri"))
    before = _snapshot()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("esco_import", str(broken))
    err = capsys.readouterr().err
    assert "occupations_en.csv:" in err
    assert "column conceptUri" in err
    assert _snapshot() == before


def test_it_imports_the_official_zip_as_it_comes(
    db: None, esco_folder: Path, tmp_path: Path
) -> None:
    archive = write_zip(tmp_path / "esco-v1.1.1-classification-en-csv.zip", esco_folder)
    call_command("esco_import", str(archive), verbosity=0)
    assert Concept.objects.filter(kind="skill").count() == 4


def test_it_skips_the_bundled_import_when_esco_is_there(esco: Path, capsys) -> None:
    call_command("esco_import", "--bundled", "--if-empty")
    assert "already imported" in capsys.readouterr().out
    assert EscoImport.objects.count() == 1
