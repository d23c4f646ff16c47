"""Study visits: who runs them, their programme of visits, who came and the counts everyone reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mile.accounts.models import User
from mile.activities.models import StudyVisit, StudyVisitItem, StudyVisitor
from mile.conftest import World, client_for
from mile.programmes.models import Site

pytestmark = pytest.mark.django_db


def visit_in(world: World, site: Site | None, **kwargs: Any) -> StudyVisit:
    fields: dict[str, Any] = {
        "title": "Learning from the Tyrol",
        "host_city": "Innsbruck",
        "host_country": "AT",
        "organiser": world.partner,
        "starts_on": dt.date(2025, 5, 12),
        "ends_on": dt.date(2025, 5, 14),
        **kwargs,
    }
    return StudyVisit.objects.create(programme=world.programme, site=site, **fields)


def visitor(visit: StudyVisit, **kwargs: Any) -> StudyVisitor:
    return StudyVisitor.objects.create(visit=visit, **{"kind": "partner", **kwargs})


def _url(name: str, *args: Any) -> str:
    with translation.override("en"):
        return reverse(f"activities:{name}", args=args)


def _visit_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "title": "Job centres of Innsbruck",
        "host_city": "Innsbruck",
        "host_country": "AT",
        "organiser": world.partner.pk,
        "starts_on": "2025-05-12",
        "ends_on": "2025-05-14",
        "description": "",
        **overrides,
    }


def test_it_counts_experts_organisations_and_countries(world: World) -> None:
    visit = visit_in(world, world.site)
    # Three visitors from two organisations (one typed twice, spelt differently) of two countries.
    visitor(visit, user=world.users["caseworker"], organisation=world.partner, country="IT")
    visitor(visit, full_name="Anna Berger", organisation_name="Caritas Tirol", country="AT")
    visitor(
        visit,
        full_name="Lukas Huber",
        organisation_name=" caritas tirol ",
        country="AT",
        is_expert=False,
    )
    stakeholder = client_for(world, "stakeholder")

    page = stakeholder.get(_url("visit_detail", visit.pk))
    listed = stakeholder.get(_url("visit_list"))

    assert page.status_code == 200
    counts = page.context["counts"]
    assert (counts.visitor_count, counts.expert_count) == (3, 2)
    assert (counts.organisation_count, counts.country_count) == (2, 2)
    row = listed.context["page"].object_list[0]
    assert (row.visitor_count, row.expert_count, row.organisation_count, row.country_count) == (
        3,
        2,
        2,
        2,
    )
    # Counts, not names, for those who do not run the visit.
    assert "Anna Berger" not in page.content.decode()
    assert (
        "Anna Berger"
        in client_for(world, "caseworker").get(_url("visit_detail", visit.pk)).content.decode()
    )


def test_it_lets_the_caseworker_run_milan_and_programme_wide_visits(world: World) -> None:
    client = client_for(world, "caseworker")

    milan = client.post(_url("visit_create"), _visit_data(world))
    wide = client.post(_url("visit_create"), _visit_data(world, site="", title="Across sites"))
    innsbruck = client.post(
        _url("visit_create"), _visit_data(world, site=world.other_site.pk, title="Not mine")
    )

    assert milan.status_code == 302
    assert wide.status_code == 302
    assert StudyVisit.objects.get(title="Across sites").site is None
    # Innsbruck's site is no choice for the Milan case worker.
    assert innsbruck.status_code == 400
    assert not StudyVisit.objects.filter(title="Not mine").exists()


def test_it_lets_the_caseworker_read_but_not_change_innsbrucks_visit(world: World) -> None:
    visit = visit_in(world, world.other_site)
    client = client_for(world, "caseworker")

    assert client.get(_url("visit_detail", visit.pk)).status_code == 200
    assert client.get(_url("visit_edit", visit.pk)).status_code == 403
    assert client.post(_url("visit_delete", visit.pk)).status_code == 403
    refused = client.post(
        _url("visit_item_add", visit.pk), {"day": "2025-05-12", "host": "AMS Innsbruck"}
    )
    assert refused.status_code == 403
    assert not visit.items.exists()
    # The Innsbruck partner runs it.
    edit = client_for(world, "other_partner_user").get(_url("visit_edit", visit.pk))
    assert edit.status_code == 200


def test_it_lets_both_partners_run_a_visit_of_the_whole_programme(world: World) -> None:
    visit = visit_in(world, None)

    for persona in ("caseworker", "other_partner_user"):
        client = client_for(world, persona)
        assert client.get(_url("visit_edit", visit.pk)).status_code == 200
        added = client.post(
            _url("visit_item_add", visit.pk), {"day": "2025-05-12", "host": f"Host of {persona}"}
        )
        assert added.status_code == 302
    assert visit.items.count() == 2


def test_it_hides_a_visit_from_another_programme(world: World) -> None:
    visit = visit_in(world, world.site)
    client = client_for(world, "other_programme_user")

    assert client.get(_url("visit_detail", visit.pk)).status_code == 404
    assert client.post(_url("visit_delete", visit.pk)).status_code == 404
    assert visit not in client.get(_url("visit_list")).context["page"].object_list


def test_it_refuses_a_visit_that_ends_before_it_starts_and_keeps_what_was_typed(
    world: World,
) -> None:
    client = client_for(world, "coordinator")

    response = client.post(
        _url("visit_create"), _visit_data(world, starts_on="2025-05-14", ends_on="2025-05-12")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The end cannot be before the start." in html
    assert 'value="Job centres of Innsbruck"' in html
    assert not StudyVisit.objects.exists()


def test_it_keeps_the_programme_of_visits_within_the_visit(world: World) -> None:
    visit = visit_in(world, world.site)
    client = client_for(world, "caseworker")

    outside = client.post(
        _url("visit_item_add", visit.pk), {"day": "2025-05-20", "host": "AMS Innsbruck"}
    )
    inside = client.post(
        _url("visit_item_add", visit.pk),
        {"day": "2025-05-13", "time": "09:30", "host": "AMS Innsbruck", "description": "Intake"},
    )

    assert outside.status_code == 400
    assert "The day must fall within the study visit." in outside.content.decode()
    assert 'value="AMS Innsbruck"' in outside.content.decode()
    assert inside.status_code == 302
    item = visit.items.get()
    assert (item.day, item.time) == (dt.date(2025, 5, 13), dt.time(9, 30))
    # The visit cannot shrink around its programme.
    shrunk = client.post(
        _url("visit_edit", visit.pk),
        _visit_data(world, starts_on="2025-05-14", ends_on="2025-05-14"),
    )
    assert shrunk.status_code == 400
    assert "Move them first" in shrunk.content.decode()
    # Deleting is a POST; a link cannot remove it.
    assert client.get(_url("visit_item_delete", visit.pk, item.pk)).status_code == 405
    assert client.post(_url("visit_item_delete", visit.pk, item.pk)).status_code == 302
    assert not StudyVisitItem.objects.exists()


def test_it_adds_a_user_with_their_organisation_and_someone_from_outside(world: World) -> None:
    visit = visit_in(world, world.site)
    client = client_for(world, "caseworker")
    stakeholder = world.users["stakeholder"]

    added = client.post(
        _url("visit_visitor_add", visit.pk), {"user": stakeholder.pk, "kind": "stakeholder"}
    )
    twice = client.post(
        _url("visit_visitor_add", visit.pk), {"user": stakeholder.pk, "kind": "stakeholder"}
    )
    no_country = client.post(
        _url("visit_visitor_add", visit.pk),
        {"full_name": "Eva Moser", "organisation_name": "Verein Tirol", "kind": "associate"},
    )
    outsider = client.post(
        _url("visit_visitor_add", visit.pk),
        {
            "full_name": "Eva Moser",
            "organisation_name": "Verein Tirol",
            "country": "AT",
            "kind": "associate",
            "is_expert": "on",
        },
    )

    assert added.status_code == 302
    mine = visit.visitors.get(user=stakeholder)
    # A user comes for their organisation in the programme, from its country.
    assert mine.organisation == world.stakeholder_org
    assert mine.country == world.stakeholder_org.country
    assert twice.status_code == 400
    assert "already among the visitors" in twice.content.decode()
    assert no_country.status_code == 400
    assert "Give the country the person comes from." in no_country.content.decode()
    assert 'value="Eva Moser"' in no_country.content.decode()
    assert outsider.status_code == 302
    eva = visit.visitors.get(full_name="Eva Moser")
    assert (eva.organisation_name, eva.country.code, eva.is_expert) == ("Verein Tirol", "AT", True)
    assert client.post(_url("visit_visitor_delete", visit.pk, eva.pk)).status_code == 302
    assert list(visit.visitors.all()) == [mine]


def test_it_tells_a_visitor_they_take_part_without_showing_the_others(world: World) -> None:
    visit = visit_in(world, world.site)
    visitor(visit, user=world.users["stakeholder"], country="IT")
    visitor(visit, full_name="Anna Berger", organisation_name="Caritas Tirol", country="AT")

    html = client_for(world, "stakeholder").get(_url("visit_detail", visit.pk)).content.decode()

    assert "You are among the visitors." in html
    assert "Anna Berger" not in html
    assert "Add a visitor" not in html


def test_it_refuses_visits_to_roles_without_staff_rights(world: World) -> None:
    visit = visit_in(world, None)

    for persona in ("stakeholder", "evaluator", "employer_contact"):
        client = client_for(world, persona)
        assert client.get(_url("visit_create")).status_code == 403
        assert client.get(_url("visit_edit", visit.pk)).status_code == 403
        assert client.get(_url("visit_detail", visit.pk)).status_code == 200


def test_it_refuses_the_list_to_a_participants_own_account(world: World) -> None:
    user = User.objects.create_user("self@example.org", None, full_name="Own Account")
    client = client_for(world, "anonymous")
    client.force_login(user)

    assert client.get(_url("visit_list")).status_code == 403


def test_it_filters_the_list_by_year_and_host_country(world: World) -> None:
    visit_in(world, world.site, title="Tyrol 2025")
    visit_in(
        world,
        None,
        title="Athens 2024",
        host_city="Athens",
        host_country="GR",
        starts_on=dt.date(2024, 10, 1),
        ends_on=dt.date(2024, 10, 3),
    )
    client = client_for(world, "stakeholder")

    by_year = client.get(_url("visit_list"), {"year": "2024"})
    by_country = client.get(_url("visit_list"), {"host_country": "AT"})

    assert [v.title for v in by_year.context["page"]] == ["Athens 2024"]
    assert [v.title for v in by_country.context["page"]] == ["Tyrol 2025"]
    # As the person types (htmx), only the results come back.
    partial = client.get(_url("visit_list"), {"year": "2024"}, HTTP_HX_REQUEST="true")
    assert "Athens 2024" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_it_lists_visits_in_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        visit = visit_in(world, world.site if n % 2 else None, title=f"Visit {n}")
        visitor(visit, full_name=f"Person {n}", organisation_name="Caritas", country="AT")
    client = client_for(world, "caseworker")

    with django_assert_max_num_queries(14):
        response = client.get(_url("visit_list"))

    assert response.status_code == 200
    assert len(response.context["page"]) == 12


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_the_visit_pages_in_every_language(world: World, language: str) -> None:
    visit = visit_in(world, world.site)
    visitor(visit, full_name="Anna Berger", organisation_name="Caritas Tirol", country="AT")
    visit.items.create(day=dt.date(2025, 5, 12), host="AMS Innsbruck")
    client = client_for(world, "coordinator")

    for url in (
        _url("visit_list"),
        _url("visit_create"),
        _url("visit_detail", visit.pk),
        _url("visit_edit", visit.pk),
    ):
        response = client.get(url.replace("/en/", f"/{language}/", 1))
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode()
