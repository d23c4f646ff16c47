"""Employers' needs: recorded by staff or the company, shown on its page, counted in a summary."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from mile.conftest import World, client_for
from mile.core.tests.factories import OrganisationFactory
from mile.employers import services
from mile.employers.models import Employer, NeedsAssessment, Obstacle, Support
from mile.employers.tests.factories import employer_in
from mile.esco.tests.esco_files import OCC, SKILL, write_folder
from mile.programmes.models import OrganisationType, Site
from mile.taxonomy.models import Concept

pytestmark = pytest.mark.django_db


@pytest.fixture
def innsbruck(world: World) -> Employer:
    return employer_in(world.other_site, world.employer)


@pytest.fixture
def milan(world: World) -> Employer:
    return employer_in(world.site, world.other_employer)


@pytest.fixture
def esco_it(db: None, tmp_path: Path) -> None:
    """The tiny ESCO with Italian labels beside the English ones."""
    call_command(
        "esco_import", str(write_folder(tmp_path / "esco", languages=("en", "it"))), verbosity=0
    )


def _today(days: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": _today(),
        "planned_hires": "3",
        "obstacles": ["language", "work_permits"],
        "obstacles_other": "",
        "support": ["mentoring"],
        "support_other": "",
        "save": "1",
    }
    data.update(overrides)
    return data


def _company(site: Site, name: str) -> Employer:
    return employer_in(site, OrganisationFactory(name=name, type=OrganisationType.EMPLOYER))


def _assess(
    employer: Employer,
    *,
    days_ago: int = 0,
    occupations: tuple[str, ...] = (),
    skills: tuple[str, ...] = (),
    **fields: Any,
) -> NeedsAssessment:
    assessment = NeedsAssessment.objects.create(
        employer=employer,
        assessed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        **fields,
    )
    assessment.occupations.set(Concept.objects.filter(uri__in=occupations))
    assessment.skills.set(Concept.objects.filter(uri__in=skills))
    return assessment


def _add_url(employer: Employer) -> str:
    return reverse("employers:needs_add", args=[employer.pk])


def _summary(world: World, persona: str, **params: Any) -> Any:
    return client_for(world, persona).get(reverse("employers:needs_summary"), params)


# --- Recording ---------------------------------------------------------------------------------


def test_it_lets_staff_record_the_needs_with_esco_occupations_and_skills(
    world: World, milan: Employer, esco: Path
) -> None:
    response = client_for(world, "caseworker").post(
        _add_url(milan), _data(occupations=[OCC + "chef"], skills=[SKILL + "cook"])
    )

    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("employers:employer_detail", args=[milan.pk]) + "#needs"
    )
    assessment = milan.needs_assessments.get()
    assert assessment.obstacles == ["language", "work_permits"]
    assert assessment.support == ["mentoring"]
    assert assessment.planned_hires == 3
    assert assessment.recorded_by == world.users["caseworker"]
    assert [c.uri for c in assessment.occupations.all()] == [OCC + "chef"]
    assert [c.uri for c in assessment.skills.all()] == [SKILL + "cook"]


def test_it_lets_the_company_contact_record_its_own_needs(
    world: World, innsbruck: Employer
) -> None:
    client = client_for(world, "employer_contact")

    form = client.get(_add_url(innsbruck))
    response = client.post(_add_url(innsbruck), _data(support_other="A German course on site"))

    assert form.status_code == 200
    assert f'value="{_today()}"' in form.content.decode()  # today is offered as the date
    assert response.status_code == 302
    assert innsbruck.needs_assessments.get().support_other == "A German course on site"


def test_it_refuses_an_evaluator(world: World, milan: Employer) -> None:
    client = client_for(world, "evaluator")

    assert client.get(_add_url(milan)).status_code == 403
    assert client.post(_add_url(milan), _data()).status_code == 403
    assert not NeedsAssessment.objects.exists()


def test_it_hides_another_companys_needs_from_a_contact(world: World, milan: Employer) -> None:
    assessment = _assess(milan, obstacles=["language"])
    client = client_for(world, "employer_contact")

    assert client.post(_add_url(milan), _data()).status_code == 404
    edit = reverse("employers:needs_edit", args=[milan.pk, assessment.pk])
    assert client.get(edit).status_code == 404


def test_it_refuses_a_date_in_the_future_and_keeps_what_was_typed(
    world: World, milan: Employer
) -> None:
    response = client_for(world, "caseworker").post(
        _add_url(milan),
        _data(assessed_on=_today(days=3), obstacles_other="Housing is scarce in town"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "The date cannot be in the future." in page
    assert "Housing is scarce in town" in page
    assert _checked(page, "work_permits")
    assert not _checked(page, "cultural")
    assert not NeedsAssessment.objects.exists()


def _checked(page: str, value: str) -> bool:
    """Is the box with this value ticked in the page?"""
    start = page.index(f'value="{value}"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    return "checked" in tag


def test_it_refuses_an_unknown_obstacle(world: World, milan: Employer) -> None:
    response = client_for(world, "caseworker").post(
        _add_url(milan), _data(obstacles=["language", "weather"])
    )

    assert response.status_code == 400
    assert "weather is not one of the available choices" in response.content.decode()
    assert not NeedsAssessment.objects.exists()


def test_it_refuses_a_concept_that_is_not_in_esco(
    world: World, milan: Employer, esco: Path
) -> None:
    response = client_for(world, "caseworker").post(
        _add_url(milan), _data(occupations=[OCC + "astronaut"])
    )

    assert response.status_code == 400
    assert "Choose one of the suggestions." in response.content.decode()


def test_it_keeps_the_earlier_assessment_when_a_new_one_is_recorded(
    world: World, milan: Employer
) -> None:
    earlier = _assess(milan, days_ago=200, obstacles=["recognition"])

    client_for(world, "caseworker").post(_add_url(milan), _data())

    assert milan.needs_assessments.count() == 2
    earlier.refresh_from_db()
    assert earlier.obstacles == ["recognition"]


def test_it_corrects_one_assessment_in_place(world: World, milan: Employer) -> None:
    assessment = _assess(milan, days_ago=10, obstacles=["recognition"], planned_hires=1)
    url = reverse("employers:needs_edit", args=[milan.pk, assessment.pk])
    client = client_for(world, "coordinator")

    form = client.get(url)
    response = client.post(url, _data(assessed_on=_today(-10), planned_hires="4"))

    assert _checked(form.content.decode(), "recognition")
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert milan.needs_assessments.count() == 1
    assert assessment.planned_hires == 4
    assert assessment.obstacles == ["language", "work_permits"]


def test_it_finds_esco_concepts_without_javascript(
    world: World, milan: Employer, esco: Path
) -> None:
    client = client_for(world, "caseworker")

    # Typing a word and pressing "Find or add" brings the matches back; nothing is saved.
    found = client.post(_add_url(milan), _data(occupations_search="chef", occupations_find="1"))
    # Picking a match and pressing it again adds the occupation as a ticked box.
    added = client.post(
        _add_url(milan),
        _data(occupations_search="chef", occupations_pick=OCC + "chef", occupations_find="1"),
    )
    # The ticked box is what saving keeps.
    saved = client.post(_add_url(milan), _data(occupations=[OCC + "chef"]))

    assert found.status_code == 200
    assert f'<option value="{OCC}chef">chef</option>' in found.content.decode()
    assert added.status_code == 200
    assert _checked(added.content.decode(), OCC + "chef")
    assert 'name="occupations_search"' in added.content.decode()
    assert saved.status_code == 302
    assert [c.uri for c in milan.needs_assessments.get().occupations.all()] == [OCC + "chef"]


def test_it_refuses_needs_through_the_service_to_an_evaluator(
    world: World, milan: Employer
) -> None:
    with pytest.raises(PermissionDenied):
        services.needs_assessment_save(
            by=world.users["evaluator"], employer=milan, fields={}, occupations=[], skills=[]
        )


def test_it_refuses_a_skill_given_as_an_occupation(
    world: World, milan: Employer, esco: Path
) -> None:
    skill = Concept.objects.get(uri=SKILL + "cook")

    with pytest.raises(ValidationError) as refused:
        services.needs_assessment_save(
            by=world.users["coordinator"],
            employer=milan,
            fields={"obstacles": []},
            occupations=[skill],
            skills=[],
        )

    assert "occupations" in refused.value.message_dict
    assert not NeedsAssessment.objects.exists()


# --- On the employer's page --------------------------------------------------------------------


def test_it_shows_the_latest_assessment_on_the_employer_page(
    world: World, milan: Employer, esco: Path
) -> None:
    _assess(milan, days_ago=400, obstacles=["prejudice"], planned_hires=9)
    _assess(
        milan,
        days_ago=5,
        obstacles=["recognition"],
        support=["legal"],
        planned_hires=2,
        occupations=(OCC + "chef",),
        skills=(SKILL + "cook",),
        support_other="Someone to call about permits",
    )

    response = client_for(world, "caseworker").get(
        reverse("employers:employer_detail", args=[milan.pk])
    )

    page = response.content.decode()
    latest = page[page.index('id="needs"') : page.index("<details", page.index('id="needs"'))]
    assert response.status_code == 200
    assert "Recognition of qualifications" in latest
    assert "Legal advice" in latest
    assert ">chef</a>" in latest
    assert ">prepare meals</a>" in latest
    assert "Someone to call about permits" in latest
    assert "Prejudice among staff or customers" not in latest
    # The earlier one is kept, one click away.
    assert "1 earlier assessment" in page
    assert "Prejudice among staff or customers" in page
    assert reverse("employers:needs_add", args=[milan.pk]) in page


def test_it_shows_needs_to_an_evaluator_without_the_links_to_change_them(
    world: World, milan: Employer
) -> None:
    assessment = _assess(milan, obstacles=["cultural"])

    page = (
        client_for(world, "evaluator")
        .get(reverse("employers:employer_detail", args=[milan.pk]))
        .content.decode()
    )

    assert "Cultural differences" in page
    assert reverse("employers:needs_add", args=[milan.pk]) not in page
    assert reverse("employers:needs_edit", args=[milan.pk, assessment.pk]) not in page


def test_it_says_when_no_needs_are_recorded(world: World, milan: Employer) -> None:
    page = (
        client_for(world, "caseworker")
        .get(reverse("employers:employer_detail", args=[milan.pk]))
        .content.decode()
    )

    assert "No needs recorded yet." in page


def test_it_shows_needs_in_the_readers_language(
    world: World, milan: Employer, esco_it: None
) -> None:
    _assess(milan, obstacles=["language"], occupations=(OCC + "chef",))
    client = client_for(world, "caseworker")

    with translation.override("it"):
        detail = client.get(reverse("employers:employer_detail", args=[milan.pk]))
        summary = client.get(reverse("employers:needs_summary"))

    assert "cuoco/cuoca" in detail.content.decode()
    assert "cuoco/cuoca" in summary.content.decode()
    assert summary.context["summary"].occupations[0].label == "cuoco/cuoca"
    # The chart's labels come translated too (the catalogue may not have them yet).
    with translation.override("it"):
        assert summary.context["chart_data"]["obstacles"]["labels"][0] == str(
            Obstacle.LANGUAGE.label
        )


# --- Summary across employers ------------------------------------------------------------------


def test_it_counts_the_newest_assessment_of_each_employer(
    world: World, milan: Employer, esco: Path
) -> None:
    alpha, beta = _company(world.site, "Alpha Test"), _company(world.site, "Beta Test")
    # Milan said "language" once, but its newest assessment no longer does.
    _assess(milan, days_ago=300, obstacles=["language"], planned_hires=10)
    _assess(milan, days_ago=3, obstacles=["procedures"], planned_hires=1)
    _assess(
        alpha,
        obstacles=["language", "recognition"],
        support=["mentoring"],
        planned_hires=2,
        occupations=(OCC + "chef",),
        skills=(SKILL + "cook", SKILL + "team"),
    )
    _assess(
        beta,
        obstacles=["language"],
        support=["mentoring", "legal"],
        occupations=(OCC + "chef", OCC + "dev"),
        skills=(SKILL + "cook",),
    )
    _company(world.site, "Gamma Test")  # no assessment yet

    response = _summary(world, "coordinator")

    summary = response.context["summary"]
    obstacles = {c.value: c.employers for c in summary.obstacles}
    assert response.status_code == 200
    assert (summary.employers, summary.assessed, summary.planned_hires) == (4, 3, 3)
    assert obstacles == {
        **dict.fromkeys(Obstacle.values, 0),
        "language": 2,
        "recognition": 1,
        "procedures": 1,
    }
    assert summary.obstacles[0].value == "language"
    assert [c.employers for c in summary.obstacles] == sorted(
        (c.employers for c in summary.obstacles), reverse=True
    )
    assert {c.value: c.employers for c in summary.support} == {
        **dict.fromkeys(Support.values, 0),
        "mentoring": 2,
        "legal": 1,
    }
    assert [(c.label, c.employers) for c in summary.occupations] == [
        ("chef", 2),
        ("software developer", 1),
    ]
    assert [(c.label, c.employers) for c in summary.skills] == [
        ("prepare meals", 2),
        ("work in teams", 1),
    ]
    page = response.content.decode()
    assert "3 of 4" in page
    assert "Cultural differences" in page  # cited by none, listed all the same
    data = json.loads(page.split('id="needs-data" type="application/json">')[1].split("<")[0])
    assert data["obstacles"]["labels"][0] == "Language"
    assert data["obstacles"]["counts"][0] == 2


def test_it_keeps_the_summary_to_the_case_workers_site(
    world: World, milan: Employer, innsbruck: Employer
) -> None:
    _assess(milan, obstacles=["language"], planned_hires=1)
    _assess(innsbruck, obstacles=["language", "cultural"], planned_hires=50)

    summary = _summary(world, "caseworker").context["summary"]

    assert (summary.employers, summary.assessed, summary.planned_hires) == (1, 1, 1)
    assert {c.value: c.employers for c in summary.obstacles}["cultural"] == 0


def test_it_filters_the_summary_by_site(world: World, milan: Employer, innsbruck: Employer) -> None:
    _assess(milan, obstacles=["language"])
    _assess(innsbruck, obstacles=["cultural"])

    everywhere = _summary(world, "coordinator").context["summary"]
    in_innsbruck = _summary(world, "coordinator", site=world.other_site.pk).context["summary"]
    in_programme = _summary(world, "coordinator", programme=world.programme.pk)

    assert everywhere.assessed == 2
    assert in_innsbruck.assessed == 1
    assert {c.value: c.employers for c in in_innsbruck.obstacles}["language"] == 0
    assert in_programme.context["summary"].assessed == 2


def test_it_refuses_a_site_outside_the_readers_scope(
    world: World, milan: Employer, innsbruck: Employer
) -> None:
    response = _summary(world, "caseworker", site=world.other_site.pk)

    assert response.status_code == 400
    assert response.context["summary"].assessed == 0


def test_it_shows_the_companies_own_words_to_staff_only(world: World, milan: Employer) -> None:
    _assess(milan, obstacles=[], obstacles_other="Night shifts scare applicants")

    staff = _summary(world, "caseworker").content.decode()
    evaluator = _summary(world, "evaluator")

    assert "Night shifts scare applicants" in staff
    assert "Officine Test" in staff
    assert evaluator.status_code == 200
    assert "Night shifts scare applicants" not in evaluator.content.decode()


def test_it_refuses_the_summary_to_companies_and_stakeholders(world: World) -> None:
    assert _summary(world, "employer_contact").status_code == 403
    assert _summary(world, "stakeholder").status_code == 403


def test_it_says_when_no_employer_has_recorded_needs(world: World, milan: Employer) -> None:
    page = _summary(world, "coordinator").content.decode()

    assert "No needs recorded yet." in page
    assert "needs-data" not in page


def test_it_sends_only_the_results_to_htmx(world: World, milan: Employer) -> None:
    _assess(milan, obstacles=["language"])

    response = client_for(world, "coordinator").get(
        reverse("employers:needs_summary"), HTTP_HX_REQUEST="true"
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "needs-data" in page


# Session, user, roles and filters, then the counts: the same for 1 or 1,000 employers.
MAX_SUMMARY_QUERIES = 16


def _queries_for_summary(world: World) -> int:
    client = client_for(world, "coordinator")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("employers:needs_summary")).status_code == 200
    return len(queries)


def test_it_counts_many_employers_in_the_same_number_of_queries(
    world: World, esco: Path, django_assert_max_num_queries: Any
) -> None:
    def assessed(name: str) -> None:
        _assess(
            _company(world.site, name),
            obstacles=["language"],
            occupations=(OCC + "chef",),
            skills=(SKILL + "cook",),
            obstacles_other="Transport",
        )
        _assess(_company(world.site, f"{name} old"), days_ago=30, obstacles=["cultural"])

    assessed("Company 0")
    one = _queries_for_summary(world)
    for n in range(1, 20):
        assessed(f"Company {n}")
    twenty = _queries_for_summary(world)

    assert twenty == one
    client = client_for(world, "coordinator")
    with django_assert_max_num_queries(MAX_SUMMARY_QUERIES):
        client.get(reverse("employers:needs_summary"))


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_renders_the_summary_in_every_language(
    world: World, milan: Employer, language: str
) -> None:
    _assess(milan, obstacles=["language"], support=["legal"], obstacles_other="Housing")
    client = client_for(world, "coordinator")

    with translation.override(language):
        response = client.get(reverse("employers:needs_summary"))

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()
    assert response.context["summary"].assessed == 1
