"""Employers' pages: the list, adding and editing a company, workplaces, the log, the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from mile.conftest import World, client_for
from mile.core.roles import Role
from mile.core.tests.factories import MembershipFactory, OrganisationFactory
from mile.employers.models import Employer, EmployerStatus, Engagement, OfferStatus, Workplace
from mile.employers.tests.factories import employer_in, offer_of
from mile.programmes.models import Involvement, Organisation, OrganisationType, Relation


def _innsbruck(world: World, **kwargs: Any) -> Employer:
    """The employer contact's company, followed by the Innsbruck site."""
    # With its author: employer_update's full_clean refuses an empty created_by.
    return employer_in(
        world.other_site, world.employer, created_by=world.users["coordinator"], **kwargs
    )


def _milan(world: World, **kwargs: Any) -> Employer:
    return employer_in(
        world.site, world.other_employer, created_by=world.users["coordinator"], **kwargs
    )


def _url(name: str, employer: Employer | None = None, **kwargs: Any) -> str:
    if employer is not None:
        kwargs["pk"] = employer.pk
    return reverse(f"employers:{name}", kwargs=kwargs or None)


def _names(response: Any) -> list[str]:
    return [e.organisation.name for e in response.context["page"]]


# --- The list ----------------------------------------------------------------------------------


def test_it_shows_partner_staff_the_employers_of_their_own_site(world: World) -> None:
    _innsbruck(world)
    _milan(world)
    caseworker = client_for(world, "caseworker").get(_url("employer_list"))
    assert _names(caseworker) == ["Officine Test"]
    other = client_for(world, "other_partner_user").get(_url("employer_list"))
    assert _names(other) == ["Alpenblick Test GmbH"]
    coordinator = client_for(world, "coordinator").get(_url("employer_list"))
    assert _names(coordinator) == ["Alpenblick Test GmbH", "Officine Test"]
    assert "2 employers" in coordinator.content.decode()


def test_it_lets_evaluators_read_the_list_but_not_add_an_employer(world: World) -> None:
    _milan(world)
    client = client_for(world, "evaluator")
    response = client.get(_url("employer_list"))
    assert response.status_code == 200
    assert "Officine Test" in response.content.decode()
    assert "Add an employer" not in response.content.decode()
    assert client.get(_url("employer_create")).status_code == 403


def test_it_refuses_the_list_to_stakeholders_and_employer_contacts(world: World) -> None:
    assert client_for(world, "stakeholder").get(_url("employer_list")).status_code == 403
    assert client_for(world, "employer_contact").get(_url("employer_list")).status_code == 403


def test_it_shows_an_employer_contact_their_own_company_only(world: World) -> None:
    own, milan = _innsbruck(world), _milan(world)
    client = client_for(world, "employer_contact")
    response = client.get(_url("employer_detail", own))
    assert response.status_code == 200
    assert "Alpenblick Test GmbH" in response.content.decode()
    assert client.get(_url("employer_detail", milan)).status_code == 404


def test_it_searches_and_filters_the_list(world: World) -> None:
    _innsbruck(world, status=EmployerStatus.HOSTING, hosts_placements=True)
    _milan(world, status=EmployerStatus.PROSPECT)
    Organisation.objects.filter(pk=world.employer.pk).update(nace_section="I")
    client = client_for(world, "coordinator")

    def names(**query: Any) -> list[str]:
        return _names(client.get(_url("employer_list"), query))

    assert names(q="alpen") == ["Alpenblick Test GmbH"]
    assert names(q="innsbruck") == ["Alpenblick Test GmbH"]
    assert names(status="prospect") == ["Officine Test"]
    assert names(sector="I") == ["Alpenblick Test GmbH"]
    assert names(hosts="yes") == ["Alpenblick Test GmbH"]
    assert names(hosts="no") == ["Officine Test"]
    assert names(site=world.site.pk) == ["Officine Test"]
    assert names(programme=world.programme.pk) == ["Alpenblick Test GmbH", "Officine Test"]
    empty = client.get(_url("employer_list"), {"q": "nobody by this name"})
    assert "No employer matches." in empty.content.decode()


def test_it_renders_only_the_results_for_an_htmx_search(world: World) -> None:
    _milan(world)
    response = client_for(world, "coordinator").get(
        _url("employer_list"), {"q": "offi"}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert 'id="results"' in content
    assert "Officine Test" in content
    assert "<html" not in content


def test_it_lists_many_employers_in_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        organisation = OrganisationFactory(
            name=f"Company {n:02d}", type=OrganisationType.EMPLOYER, nace_section="I"
        )
        employer = employer_in(world.site, organisation)
        offer_of(employer, status=OfferStatus.OPEN)
        offer_of(employer, status=OfferStatus.DRAFT)
        employer.engagements.create(
            kind="meeting", occurred_on=dt.date(2024, 5, n % 28 + 1), subject="Visit"
        )
    client = client_for(world, "caseworker")
    with django_assert_max_num_queries(12):
        response = client.get(_url("employer_list"))
    assert response.status_code == 200
    first = response.context["page"][0]
    assert (first.organisation.name, first.open_offers) == ("Company 00", 1)
    assert first.last_engagement == dt.date(2024, 5, 1)
    content = response.content.decode()
    assert "30 employers" in content
    assert "Page 1 of 2" in content


def test_it_shows_the_list_actions_by_capability(world: World) -> None:
    content = client_for(world, "caseworker").get(_url("employer_list")).content.decode()
    for link in ("employer_create", "import_upload", "needs_summary", "offer_list"):
        assert _url(link) in content


# --- Adding a company --------------------------------------------------------------------------


def _new(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Trattoria Nuova Srl",
        "country": "IT",
        "city": "Milan",
        "website": "https://trattoria.example",
        "nace_section": "I",
        "size_band": "small",
        "programme": world.programme.pk,
        "site": world.site.pk,
        "status": "engaged",
        "hosts_placements": "on",
        "description": "A family restaurant with two kitchens.",
        **overrides,
    }


def test_it_adds_an_employer_with_a_new_organisation(world: World) -> None:
    response = client_for(world, "caseworker").post(_url("employer_create"), _new(world))
    employer = Employer.objects.get(organisation__name="Trattoria Nuova Srl")
    assert response.status_code == 302
    assert response["Location"] == _url("employer_detail", employer)
    assert (employer.site, employer.status, employer.hosts_placements, employer.mentors) == (
        world.site,
        EmployerStatus.ENGAGED,
        True,
        False,
    )
    organisation = employer.organisation
    assert (organisation.type, organisation.nace_section, organisation.size_band) == (
        OrganisationType.EMPLOYER,
        "I",
        "small",
    )
    assert Involvement.objects.filter(
        programme=world.programme, organisation=organisation, relation=Relation.EMPLOYER
    ).exists()
    page = client_for(world, "caseworker").get(response["Location"]).content.decode()
    assert "Trattoria Nuova Srl" in page
    assert "A family restaurant with two kitchens." in page


def test_it_adds_an_employer_from_a_known_organisation(world: World) -> None:
    data = _new(world, organisation=world.other_employer.pk, name="", country="")
    response = client_for(world, "coordinator").post(_url("employer_create"), data)
    assert response.status_code == 302
    employer = Employer.objects.get(organisation=world.other_employer)
    assert employer.programme == world.programme
    assert not Organisation.objects.filter(name="Trattoria Nuova Srl").exists()


def test_it_offers_partner_staff_their_own_site_only(world: World) -> None:
    form = client_for(world, "caseworker").get(_url("employer_create")).context["form"]
    assert list(form.fields["site"].queryset) == [world.site]
    assert form.fields["site"].initial == world.site.pk
    response = client_for(world, "caseworker").post(
        _url("employer_create"), _new(world, site=world.other_site.pk)
    )
    assert response.status_code == 400
    assert not Employer.objects.exists()


def test_it_gives_partner_staff_without_a_site_the_sites_their_organisation_leads(
    world: World,
) -> None:
    from mile.core.tests.factories import SiteFactory

    user = world.users["caseworker"]
    # A second Milan-partner site; a membership with its site set ties the user to it.
    lakes = SiteFactory(programme=world.programme, city="Como", lead_partner=world.partner)
    form = client_for(world, "caseworker").get(_url("employer_create")).context["form"]
    assert set(form.fields["site"].queryset) == {world.site, lakes}
    user.memberships.update(site=lakes)
    form = client_for(world, "caseworker").get(_url("employer_create")).context["form"]
    assert list(form.fields["site"].queryset) == [lakes]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Choose a known organisation or type the name of a new one."),
        ({"country": ""}, "Give the country of the new organisation."),
        (
            {"organisation": "known"},
            "Choose a known organisation or type the name of a new one, not both.",
        ),
        ({"site": "sofia"}, "Select a valid choice."),
        ({"website": "not a website"}, "Enter a valid URL."),
    ],
)
def test_it_refuses_bad_input_and_shows_what_was_typed(
    world: World, overrides: dict[str, Any], message: str
) -> None:
    if overrides.get("organisation") == "known":
        overrides["organisation"] = world.other_employer.pk
    if overrides.get("site") == "sofia":
        overrides["site"] = world.other_programme.sites.get().pk
    response = client_for(world, "coordinator").post(
        _url("employer_create"), _new(world, **overrides)
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "A family restaurant with two kitchens." in content
    assert not Employer.objects.exists()
    assert not Organisation.objects.filter(name="Trattoria Nuova Srl").exists()


def test_it_says_when_the_company_already_is_an_employer_of_the_programme(world: World) -> None:
    _milan(world)
    data = _new(world, organisation=world.other_employer.pk, name="", country="")
    response = client_for(world, "coordinator").post(_url("employer_create"), data)
    assert response.status_code == 400
    assert "Officine Test is already an employer of this programme." in response.content.decode()
    assert Employer.objects.count() == 1


def test_it_points_to_the_known_organisation_when_a_new_one_has_its_name(world: World) -> None:
    response = client_for(world, "coordinator").post(
        _url("employer_create"), _new(world, name="alpenblick test gmbh", country="AT")
    )
    assert response.status_code == 400
    assert "already exists in this country" in response.content.decode()


# --- Editing the profile -----------------------------------------------------------------------


def test_it_lets_a_contact_edit_their_profile_but_not_its_status(world: World) -> None:
    employer = _innsbruck(world, status=EmployerStatus.PROSPECT)
    client = client_for(world, "employer_contact")
    form = client.get(_url("employer_edit", employer)).context["form"]
    assert {"status", "site", "name", "country"}.isdisjoint(form.fields)
    response = client.post(
        _url("employer_edit", employer),
        {
            "city": "Hall in Tirol",
            "website": "https://alpenblick.example",
            "nace_section": "I",
            "size_band": "medium",
            "mentors": "on",
            "description": "Hotel with 80 rooms.",
            # Forged: not on the contact's form.
            "status": EmployerStatus.HOSTING,
            "name": "Renamed GmbH",
            "site": world.site.pk,
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    employer.organisation.refresh_from_db()
    assert (employer.status, employer.site, employer.organisation.name) == (
        EmployerStatus.PROSPECT,
        world.other_site,
        "Alpenblick Test GmbH",
    )
    assert (employer.organisation.city, employer.organisation.size_band) == (
        "Hall in Tirol",
        "medium",
    )
    assert employer.mentors
    assert employer.description == "Hotel with 80 rooms."


def test_it_lets_staff_change_the_status_and_the_name(world: World) -> None:
    employer = _innsbruck(world)
    response = client_for(world, "other_partner_user").post(
        _url("employer_edit", employer),
        {
            "name": "Alpenblick Hotels GmbH",
            "country": "AT",
            "city": "Innsbruck",
            "site": world.other_site.pk,
            "status": EmployerStatus.HOSTING,
            "hosts_placements": "on",
        },
    )
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.status == EmployerStatus.HOSTING
    assert employer.organisation.name == "Alpenblick Hotels GmbH"


def test_it_refuses_a_bad_website_and_keeps_the_profile(world: World) -> None:
    employer = _innsbruck(world)
    response = client_for(world, "employer_contact").post(
        _url("employer_edit", employer), {"website": "nowhere", "description": "Typed text"}
    )
    assert response.status_code == 400
    assert "Typed text" in response.content.decode()
    employer.refresh_from_db()
    assert employer.description == ""


def test_it_refuses_the_edit_form_to_evaluators(world: World) -> None:
    employer = _innsbruck(world)
    assert client_for(world, "evaluator").get(_url("employer_edit", employer)).status_code == 403


# --- The company's page ------------------------------------------------------------------------


def test_it_shows_the_profile_and_contacts_to_staff(world: World) -> None:
    employer = _innsbruck(world, diversity_charter=True, description="Family hotel.")
    Organisation.objects.filter(pk=world.employer.pk).update(
        nace_section="I", size_band="small", website="https://alpenblick.example"
    )
    response = client_for(world, "other_partner_user").get(_url("employer_detail", employer))
    content = response.content.decode()
    for text in (
        "I – Accommodation and food service activities",
        "Small (10–49 people)",
        "https://alpenblick.example",
        "Has signed a diversity charter",
        "Family hotel.",
        "Persona employer_contact",
        "employer_contact@test.example",
    ):
        assert text in content
    assert response.context["can_edit"]
    assert response.context["is_staff"]
    assert not response.context["is_contact"]


def test_it_gives_evaluators_the_number_of_contacts_not_their_names(world: World) -> None:
    employer = _innsbruck(world)
    content = client_for(world, "evaluator").get(_url("employer_detail", employer)).content
    assert b"employer_contact@test.example" not in content
    assert b"1 person of the company has an account." in content


def test_it_offers_an_invitation_to_those_who_invite(world: World) -> None:
    employer = _innsbruck(world)
    invite = reverse("accounts:invitation_create")
    coordinator = client_for(world, "coordinator").get(_url("employer_detail", employer))
    assert invite in coordinator.content.decode()
    staff = client_for(world, "other_partner_user").get(_url("employer_detail", employer))
    assert invite not in staff.content.decode()


# --- Engagement log ----------------------------------------------------------------------------


def test_it_logs_edits_and_removes_a_contact_with_the_company(world: World) -> None:
    employer = _milan(world)
    client = client_for(world, "caseworker")
    response = client.post(
        _url("engagement_add", employer),
        {"kind": "meeting", "occurred_on": "2024-04-02", "subject": "Visit of the kitchens"},
    )
    assert response.status_code == 302
    entry = Engagement.objects.get()
    assert (entry.recorded_by, entry.occurred_on) == (
        world.users["caseworker"],
        dt.date(2024, 4, 2),
    )
    page = client.get(_url("employer_detail", employer)).content.decode()
    assert "Visit of the kitchens" in page
    response = client.post(
        _url("engagement_edit", employer, item=entry.pk),
        {
            "kind": "meeting",
            "occurred_on": "2024-04-02",
            "subject": "Visit of the kitchens",
            "outcome": "Two placements in June.",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.outcome == "Two placements in June."
    assert client.post(_url("engagement_delete", employer, item=entry.pk)).status_code == 302
    assert not Engagement.objects.exists()


def test_it_refuses_a_contact_in_the_future(world: World) -> None:
    employer = _milan(world)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(world, "caseworker").post(
        _url("engagement_add", employer),
        {"kind": "contact", "occurred_on": tomorrow.isoformat(), "subject": "Call planned"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Log a contact once it has taken place." in content
    assert "Call planned" in content
    assert not Engagement.objects.exists()


def test_it_hides_the_engagement_log_from_the_company(world: World) -> None:
    employer = _innsbruck(world)
    employer.engagements.create(kind="meeting", occurred_on=dt.date(2024, 1, 5), subject="Secret")
    client = client_for(world, "employer_contact")
    content = client.get(_url("employer_detail", employer)).content.decode()
    assert "Engagement log" not in content
    assert "Secret" not in content
    data = {"kind": "contact", "occurred_on": "2024-02-01", "subject": "Forged"}
    assert client.post(_url("engagement_add", employer), data).status_code == 403
    assert (
        client_for(world, "evaluator").post(_url("engagement_add", employer), data).status_code
        == 403
    )
    staff = client_for(world, "evaluator").get(_url("employer_detail", employer)).content.decode()
    assert "Secret" in staff


def test_it_shows_the_latest_contacts_and_the_whole_log_on_asking(world: World) -> None:
    employer = _milan(world)
    for day in range(1, 13):
        employer.engagements.create(
            kind="contact", occurred_on=dt.date(2024, 1, day), subject=f"Call {day:02d}"
        )
    client = client_for(world, "caseworker")
    content = client.get(_url("employer_detail", employer)).content.decode()
    assert "Call 12" in content
    assert "Call 03" in content
    assert "Call 02" not in content
    assert "Show the whole log (12 entries)" in content
    everything = client.get(_url("employer_detail", employer), {"engagements": "all"})
    assert "Call 01" in everything.content.decode()


# --- Workplaces --------------------------------------------------------------------------------


def test_it_refuses_a_latitude_without_a_longitude(world: World) -> None:
    employer = _innsbruck(world)
    response = client_for(world, "employer_contact").post(
        _url("workplace_add", employer),
        {"name": "Hotel Bergblick", "city": "Seefeld", "country": "AT", "latitude": "47.33"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Give both latitude and longitude, or neither." in content
    assert "Hotel Bergblick" in content
    assert not Workplace.objects.exists()


def test_it_refuses_a_latitude_out_of_range(world: World) -> None:
    employer = _innsbruck(world)
    response = client_for(world, "employer_contact").post(
        _url("workplace_add", employer),
        {"name": "Pole", "city": "Seefeld", "country": "AT", "latitude": "91", "longitude": "11"},
    )
    assert response.status_code == 400
    assert not Workplace.objects.exists()


def test_it_adds_edits_and_removes_a_workplace(world: World) -> None:
    employer = _innsbruck(world)
    client = client_for(world, "employer_contact")
    response = client.post(
        _url("workplace_add", employer),
        {
            "name": "Hotel Bergblick",
            "street": "Dorfstraße 1",
            "postcode": "6100",
            "city": "Seefeld",
            "country": "AT",
            "latitude": "47.3297",
            "longitude": "11.1881",
        },
    )
    assert response.status_code == 302
    workplace = Workplace.objects.get()
    page = client.get(_url("employer_detail", employer)).content.decode()
    assert "Hotel Bergblick" in page
    assert "47.3297" in page
    response = client.post(
        _url("workplace_edit", employer, item=workplace.pk),
        {"name": "Hotel Bergblick", "city": "Seefeld in Tirol", "country": "AT"},
    )
    assert response.status_code == 302
    workplace.refresh_from_db()
    assert (workplace.city, workplace.latitude) == ("Seefeld in Tirol", None)
    assert client.get(_url("workplace_delete", employer, item=workplace.pk)).status_code == 405
    assert client.post(_url("workplace_delete", employer, item=workplace.pk)).status_code == 302
    assert not Workplace.objects.exists()


# --- Portal, dashboard, navigation -------------------------------------------------------------


def test_it_takes_an_employer_contact_to_their_company(world: World) -> None:
    employer = _innsbruck(world)
    client = client_for(world, "employer_contact")
    response = client.get(_url("portal"))
    assert response.status_code == 302
    assert response["Location"] == _url("employer_detail", employer)
    assert client.get(reverse("core:dashboard"))["Location"] == _url("portal")


def test_it_tells_a_contact_when_the_company_is_not_set_up_yet(world: World) -> None:
    response = client_for(world, "employer_contact").get(_url("portal"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The programme has not set up these companies as employers yet:" in content
    assert "Alpenblick Test GmbH" in content


def test_it_lets_a_contact_of_two_companies_choose(world: World) -> None:
    _innsbruck(world)
    _milan(world)
    MembershipFactory(
        user=world.users["employer_contact"],
        programme=world.programme,
        organisation=world.other_employer,
        role=Role.EMPLOYER_CONTACT,
    )
    response = client_for(world, "employer_contact").get(_url("portal"))
    assert response.status_code == 200
    assert [e.organisation.name for e in response.context["companies"]] == [
        "Alpenblick Test GmbH",
        "Officine Test",
    ]


def test_it_sends_staff_from_the_portal_to_the_list(world: World) -> None:
    response = client_for(world, "caseworker").get(_url("portal"))
    assert response["Location"] == _url("employer_list")
    assert client_for(world, "stakeholder").get(_url("portal")).status_code == 404
    assert client_for(world, "anonymous").get(_url("portal")).status_code == 302


def test_it_shows_each_role_its_employer_pages_in_the_menu(world: World) -> None:
    def labels(persona: str) -> list[str]:
        response = client_for(world, persona).get(reverse("accounts:profile"))
        return [item.label for item in response.context["nav_items"]]

    assert {"Employers", "Offers"} <= set(labels("caseworker"))
    assert not {"My company", "Candidates"} & set(labels("coordinator"))
    contact = labels("employer_contact")
    assert {"My company", "Candidates"} <= set(contact)
    assert "Employers" not in contact


# --- Every language ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_the_employer_pages_in_every_language(world: World, language: str) -> None:
    employer = _innsbruck(world)
    employer.workplaces.create(name="Hotel", city="Innsbruck", country="AT")
    entry = employer.engagements.create(
        kind="meeting", occurred_on=dt.date(2024, 3, 1), subject="Meeting"
    )
    with translation.override(language):
        urls = {
            "coordinator": [
                _url("employer_list"),
                _url("employer_create"),
                _url("employer_detail", employer),
                _url("employer_edit", employer),
                _url("workplace_add", employer),
                _url("engagement_add", employer),
                _url("engagement_edit", employer, item=entry.pk),
            ],
            "employer_contact": [
                _url("employer_detail", employer),
                _url("employer_edit", employer),
            ],
        }
    for persona, pages in urls.items():
        client = client_for(world, persona)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'lang="{language}"' in response.content.decode(), url
    with translation.override(language):
        portal = _url("portal")
    # Not yet set up: the portal's own page.
    Employer.objects.all().delete()
    response = client_for(world, "employer_contact").get(portal)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
