"""The engine's reasons as sentences in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from mile.conftest import World
from mile.placements.explain import concept_labels, explanation, reason_text, uris_of

SKILL = "http://data.europa.eu/esco/skill/"


def test_it_writes_the_sentence_of_the_issue() -> None:
    reasons = [
        ["essential", {"have": 5, "of": 6, "missing": [SKILL + "forklift"], "partial": []}],
        ["language", {"language": "de", "required": "B1", "has": "A2", "short": 1}],
        ["distance", {"km": 4}],
    ]
    labels = {SKILL + "forklift": "operate forklift"}
    assert explanation(reasons, labels) == [
        "5 of 6 essential skills. Missing: operate forklift.",
        "German B1 required, has A2 (1 level short).",
        "4 km away.",
    ]


def test_it_names_exclusions() -> None:
    assert reason_text(["excluded", {"why": "driving_licence", "licence": "C"}], {}) == (
        "Excluded: driving licence C required."
    )
    assert "not allowed to work" in reason_text(["excluded", {"why": "no_work_authorisation"}], {})


def test_it_says_an_unspoken_language_and_the_occupation() -> None:
    assert (
        reason_text(
            ["language", {"language": "it", "required": "A2", "has": None, "short": None}], {}
        )
        == "Italian A2 required, not spoken."
    )
    assert reason_text(["occupation", {"match": "experience"}], {}) == (
        "Has worked in this occupation."
    )


@pytest.mark.django_db
def test_it_names_skills_in_the_readers_language(world: World, esco_folder: Path) -> None:
    from django.core.management import call_command

    from mile.esco.tests.esco_files import write_folder

    folder = write_folder(esco_folder.parent / "esco-it", languages=("en", "it"))
    call_command("esco_import", str(folder), verbosity=0)
    reasons = [["essential", {"have": 0, "of": 1, "missing": [SKILL + "cook"], "partial": []}]]
    assert uris_of(reasons) == {SKILL + "cook"}
    english = concept_labels({SKILL + "cook"}, "en")[SKILL + "cook"]
    italian = concept_labels({SKILL + "cook"}, "it")[SKILL + "cook"]
    assert english != italian
    with translation.override("it"):
        (text,) = explanation(reasons)
    assert italian in text
