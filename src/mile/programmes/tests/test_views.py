from __future__ import annotations

from django.urls import reverse

from mile.conftest import World, client_for
from mile.core.tests.factories import OrganisationFactory
from mile.programmes.models import Involvement, Organisation, OrganisationType, Relation


def test_it_adds_an_organisation_to_the_programme(world: World) -> None:
    client = client_for(world, "coordinator")
    response = client.post(
        reverse("programmes:organisation_create"),
        {
            "name": "Bäckerei Musterbrot Demo",
            "type": OrganisationType.EMPLOYER,
            "country": "AT",
            "city": "Innsbruck",
            "nace_section": "C",
            "size_band": "small",
            "programme": world.programme.pk,
            "relation": Relation.EMPLOYER,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Bäckerei Musterbrot Demo")
    assert Involvement.objects.get(organisation=org).programme == world.programme
    # Everyone of the programme finds it; the other programme does not.
    assert client_for(world, "caseworker").get(response["Location"]).status_code == 200
    assert client_for(world, "other_programme_user").get(response["Location"]).status_code == 404


def test_it_refuses_sector_and_size_for_a_non_employer_and_keeps_the_input(world: World) -> None:
    client = client_for(world, "coordinator")
    response = client.post(
        reverse("programmes:organisation_create"),
        {
            "name": "Verein Typo Demo",
            "type": OrganisationType.NGO,
            "country": "AT",
            "nace_section": "C",
            "programme": world.programme.pk,
            "relation": Relation.STAKEHOLDER,
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sector and size are recorded for employers only." in content
    assert 'value="Verein Typo Demo"' in content
    assert not Organisation.objects.filter(name="Verein Typo Demo").exists()


def test_it_searches_and_filters_organisations_with_pages(world: World) -> None:
    for n in range(30):
        OrganisationFactory(
            name=f"Zeta Employer {n:02}", type=OrganisationType.EMPLOYER
        ).involvements.create(programme=world.programme, relation=Relation.EMPLOYER)
    client = client_for(world, "caseworker")
    first = client.get(reverse("programmes:organisation_list"), {"q": "zeta", "type": "employer"})
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 25
    second = client.get(
        reverse("programmes:organisation_list"), {"q": "zeta", "type": "employer", "page": 2}
    )
    assert [o.name for o in second.context["page"].object_list][-1] == "Zeta Employer 29"
    empty = client.get(reverse("programmes:organisation_list"), {"q": "no such name"})
    assert "No organisation matches." in empty.content.decode()


def test_it_lists_organisations_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world, "coordinator")
    client.get(reverse("programmes:organisation_list"))
    for n in range(20):
        OrganisationFactory(name=f"Load {n}").involvements.create(
            programme=world.programme, relation=Relation.STAKEHOLDER
        )
    with django_assert_max_num_queries(12):
        client.get(reverse("programmes:organisation_list"))


def test_it_shows_the_programme_with_its_sites_tracks_and_partners(world: World) -> None:
    response = client_for(world, "stakeholder").get(
        reverse("programmes:programme_detail", kwargs={"pk": world.programme.pk})
    )
    content = response.content.decode()
    for text in ("Milan", "Innsbruck", "Comprehensive", "Ponte Test", "Lead partner"):
        assert text in content


def test_it_counts_the_programme_on_the_dashboard_by_role(world: World) -> None:
    coordinator = client_for(world, "coordinator").get(reverse("core:dashboard"))
    summary = coordinator.context["summaries"][0]
    assert (summary.partners, summary.sites, summary.target_participants) == (2, 2, 520)
    assert summary.members == 7
    assert summary.pending_invitations == 0
    # Employer contacts land on their portal; what a summary would show them is still bounded.
    from mile.programmes.selectors import programme_summaries

    employer = programme_summaries(world.users["employer_contact"])[0]
    assert employer.members is None
    assert employer.organisations is None


def test_it_answers_404_for_a_programme_that_does_not_exist(world: World) -> None:
    response = client_for(world, "admin").get(
        reverse("programmes:programme_detail", kwargs={"pk": 99999})
    )
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_answers_a_typed_search_with_the_results_fragment_only_and_in_scope(
    world: World,
) -> None:
    response = client_for(world, "employer_contact").get(
        reverse("programmes:organisation_list"), {"q": "test"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="results"' in content
    assert "Alpenblick Test GmbH" in content
    assert "Ponte Test" not in content
