from __future__ import annotations

from pathlib import Path

from django import forms
from django.test import Client
from django.urls import reverse

from mile.esco.tests.esco_files import OCC, SKILL, write_folder
from mile.taxonomy.forms import ConceptChoiceField
from mile.taxonomy.models import Concept
from mile.taxonomy.search import suggest


def _uris(results) -> list[str]:
    return [s.concept.uri for s in results]


def test_it_finds_concepts_from_a_piece_of_a_label(esco: Path) -> None:
    assert _uris(suggest(query="Jav", kind="skill", language="en"))[0] == SKILL + "java"
    # Occupations and ISCO groups answer together; skills stay out.
    found = _uris(suggest(query="software", kind="occupation", language="en"))
    assert OCC + "dev" in found
    assert SKILL + "java" not in found


def test_it_forgives_a_typing_mistake(esco: Path) -> None:
    assert (
        _uris(suggest(query="sofware develper", kind="occupation", language="en"))[0] == OCC + "dev"
    )


def test_it_searches_in_the_readers_language_and_shows_english_where_none(
    esco: Path, tmp_path: Path
) -> None:
    from django.core.management import call_command

    call_command(
        "esco_import", str(write_folder(tmp_path / "it", languages=("en", "it"))), verbosity=0
    )
    results = suggest(query="capocuoco", kind="occupation", language="it")
    assert _uris(results)[0] == OCC + "chef"
    assert results[0].concept.label("it") == "cuoco/cuoca"
    # Java has no Italian label: it is found and shown in English.
    java = suggest(query="java", kind="skill", language="it")[0].concept
    assert java.label("it") == "Java"
    assert java.label_language("it") == "en"


def test_it_ignores_too_short_or_unknown_queries(esco: Path) -> None:
    assert suggest(query="j", kind="skill", language="en") == []
    assert suggest(query="java", kind="planet", language="en") == []


def test_it_shows_an_occupation_with_its_skills_and_hierarchy(esco: Path) -> None:
    dev = Concept.objects.get(uri=OCC + "dev")
    content = (
        Client().get(reverse("taxonomy:concept_detail", kwargs={"pk": dev.pk})).content.decode()
    )
    assert "software developer" in content
    assert "Essential skills" in content
    assert "Java" in content
    assert "Software developers" in content  # the broader ISCO group
    assert "This service uses the ESCO classification of the European Commission." in content


def test_it_shows_a_skill_with_the_occupations_that_need_it(esco: Path) -> None:
    java = Concept.objects.get(uri=SKILL + "java")
    content = (
        Client().get(reverse("taxonomy:concept_detail", kwargs={"pk": java.pk})).content.decode()
    )
    assert "Occupations that need it" in content
    assert "software developer" in content


def test_it_answers_404_for_an_unknown_concept(esco: Path) -> None:
    assert (
        Client().get(reverse("taxonomy:concept_detail", kwargs={"pk": 999999})).status_code == 404
    )


def test_it_searches_the_page_and_answers_htmx_with_results_only(esco: Path) -> None:
    page = Client().get(reverse("taxonomy:search"), {"q": "chef", "kind": "occupation"})
    assert "chef" in page.content.decode()
    fragment = (
        Client()
        .get(
            reverse("taxonomy:search"), {"q": "zzzz", "kind": "occupation"}, HTTP_HX_REQUEST="true"
        )
        .content.decode()
    )
    assert "<html" not in fragment
    assert "Nothing found. Try another word." in fragment


def test_it_serves_type_ahead_options_for_the_widget(esco: Path) -> None:
    response = Client().get(
        reverse("taxonomy:suggest"), {"kind": "skill", "skills_search": "teamwork"}
    )
    assert f'value="{SKILL}team"' in response.content.decode()


class _SkillForm(forms.Form):
    skill = ConceptChoiceField(kind="skill")


def test_it_renders_only_the_chosen_concept_and_refuses_an_unknown_uri(esco: Path) -> None:
    html = str(_SkillForm(initial={"skill": SKILL + "cook"})["skill"])
    assert html.count("<option") == 1
    assert "prepare meals" in html
    assert 'hx-get="/en/esco/suggest/?kind=skill"' in html
    form = _SkillForm(data={"skill": SKILL + "unknown"})
    assert not form.is_valid()
    assert form.errors["skill"] == ["Choose one of the suggestions."]
    assert _SkillForm(data={"skill": SKILL + "cook"}).is_valid()


def test_it_refuses_an_obsolete_concept_in_forms(esco: Path) -> None:
    Concept.objects.filter(uri=SKILL + "cook").update(obsolete=True)
    assert not _SkillForm(data={"skill": SKILL + "cook"}).is_valid()
