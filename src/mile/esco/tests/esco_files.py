"""Tiny ESCO downloads, written the way the official CSVs are, for the loader and CLI tests."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"
ISCO = "http://data.europa.eu/esco/isco/"

SKILL_COLUMNS = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "description",
]
OCC_COLUMNS = [
    "conceptType",
    "conceptUri",
    "iscoGroup",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "description",
    "code",
]
ISCO_COLUMNS = [
    "conceptType",
    "conceptUri",
    "code",
    "preferredLabel",
    "status",
    "altLabels",
    "description",
]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


SKILLS_EN = [
    [
        "KnowledgeSkillCompetence",
        SKILL + "java",
        "knowledge",
        "sector-specific",
        "Java",
        "Java programming\nJava 8",
        "",
        "released",
        "The programming language Java.",
    ],
    [
        "KnowledgeSkillCompetence",
        SKILL + "cook",
        "skill/competence",
        "cross-sector",
        "prepare meals",
        "cook food\nmake dishes",
        "cooking",
        "released",
        "Cook food for guests.",
    ],
    [
        "KnowledgeSkillCompetence",
        SKILL + "team",
        "skill/competence",
        "transversal",
        "work in teams",
        "teamwork\nwork with colleagues",
        "",
        "released",
        "Work with others.",
    ],
    [
        "KnowledgeSkillCompetence",
        SKILL + "drive",
        "skill/competence",
        "transversal",
        "drive a car",
        "car driving",
        "",
        "released",
        "Drive cars, safely.",
    ],
]
SKILLS_IT = [
    [
        "KnowledgeSkillCompetence",
        SKILL + "cook",
        "skill/competence",
        "cross-sector",
        "preparare pasti",
        "cucinare",
        "",
        "released",
        "Cucinare per gli ospiti.",
    ],
]
OCCUPATIONS_EN = [
    [
        "Occupation",
        OCC + "dev",
        "2512",
        "software developer",
        "programmer\njava developer",
        "",
        "released",
        "Writes software.",
        "2512.1",
    ],
    [
        "Occupation",
        OCC + "chef",
        "3434",
        "chef",
        "head cook\ncook",
        "",
        "released",
        "Cooks.",
        "3434.1",
    ],
]
OCCUPATIONS_IT = [
    [
        "Occupation",
        OCC + "dev",
        "2512",
        "sviluppatore software",
        "programmatore",
        "",
        "released",
        "",
        "2512.1",
    ],
    ["Occupation", OCC + "chef", "3434", "cuoco/cuoca", "capocuoco", "", "released", "", "3434.1"],
]
ISCO_EN = [
    ["ISCOGroup", ISCO + "C2512", "2512", "Software developers", "released", "", ""],
    ["ISCOGroup", ISCO + "C3434", "3434", "Chefs", "released", "", ""],
]
RELATIONS = [
    [OCC + "dev", "essential", "knowledge", SKILL + "java"],
    [OCC + "dev", "optional", "skill/competence", SKILL + "team"],
    [OCC + "chef", "essential", "skill/competence", SKILL + "cook"],
]


def write_folder(root: Path, *, languages: Sequence[str] = ("en", "it")) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "skills_en.csv": csv_text(SKILL_COLUMNS, SKILLS_EN),
        "occupations_en.csv": csv_text(OCC_COLUMNS, OCCUPATIONS_EN),
        "ISCOGroups_en.csv": csv_text(ISCO_COLUMNS, ISCO_EN),
        "transversalSkillsCollection_en.csv": csv_text(
            ["conceptType", "conceptUri", "preferredLabel"],
            [["KnowledgeSkillCompetence", SKILL + "team", "work in teams"]],
        ),
        "occupationSkillRelations.csv": csv_text(
            ["occupationUri", "relationType", "skillType", "skillUri"], RELATIONS
        ),
        "broaderRelationsOccPillar.csv": csv_text(
            ["conceptType", "conceptUri", "broaderType", "broaderUri"],
            [["Occupation", OCC + "dev", "ISCOGroup", ISCO + "C2512"]],
        ),
        "skillSkillRelations.csv": csv_text(
            [
                "originalSkillUri",
                "originalSkillType",
                "relationType",
                "relatedSkillType",
                "relatedSkillUri",
            ],
            [[SKILL + "cook", "skill/competence", "optional", "skill/competence", SKILL + "team"]],
        ),
    }
    if "it" in languages:
        files["skills_it.csv"] = csv_text(SKILL_COLUMNS, SKILLS_IT)
        files["occupations_it.csv"] = csv_text(OCC_COLUMNS, OCCUPATIONS_IT)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def write_zip(path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"esco/{file.name}")
    return path
