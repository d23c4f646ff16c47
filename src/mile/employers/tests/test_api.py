"""The employers API: employers and offers in each reader's scope, written with the pages' rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mile.conftest import World, client_for
from mile.employers.models import (
    Employer,
    NeedsAssessment,
    Offer,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
    Workplace,
)
from mile.employers.tests.factories import employer_in, offer_of
from mile.esco.tests.esco_files import OCC, SKILL
from mile.participants.accounts import participant_account_create
from mile.participants.tests.factories import participant_in
from mile.programmes.models import Involvement, Organisation, OrganisationType, Site
from mile.taxonomy.models import Concept, Label

JSON = "application/json"


def _milan(world: World, **kwargs: Any) -> Employer:
    kwargs.setdefault("created_by", world.users["coordinator"])
    return employer_in(world.site, world.other_employer, **kwargs)


def _innsbruck(world: World, **kwargs: Any) -> Employer:
    """The employer contact's own company."""
    kwargs.setdefault("created_by", world.users["coordinator"])
    return employer_in(world.other_site, world.employer, **kwargs)


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["organisation"]["name"] for item in response.json()["results"]]


def _post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type=JSON)


def _patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(url, data, content_type=JSON)


# --- Employers ---------------------------------------------------------------------------------


def test_it_lists_the_employers_each_role_may_see(world: World) -> None:
    _milan(world)
    _innsbruck(world)
    expected = {
        "admin": ["Alpenblick Test GmbH", "Officine Test"],
        "coordinator": ["Alpenblick Test GmbH", "Officine Test"],
        "evaluator": ["Alpenblick Test GmbH", "Officine Test"],
        "caseworker": ["Officine Test"],
        "other_partner_user": ["Alpenblick Test GmbH"],
        "employer_contact": ["Alpenblick Test GmbH"],
        "stakeholder": [],
        "other_programme_user": [],
    }
    for persona, names in expected.items():
        assert _names(client_for(world, persona).get("/api/v1/employers/")) == names, persona


def test_it_hides_employers_and_offers_out_of_scope_with_404(world: World) -> None:
    milan, innsbruck = _milan(world), _innsbruck(world)
    milan_offer, innsbruck_offer = offer_of(milan), offer_of(innsbruck)
    for persona, employer, offer in (
        ("caseworker", innsbruck, innsbruck_offer),
        ("other_partner_user", milan, milan_offer),
        ("employer_contact", milan, milan_offer),
        ("stakeholder", milan, milan_offer),
        ("other_programme_user", innsbruck, innsbruck_offer),
    ):
        client = client_for(world, persona)
        response = client.get(f"/api/v1/employers/{employer.pk}/")
        assert response.status_code == 404, persona
        assert response.json() == {"detail": "Not found.", "errors": {}}
        assert client.get(f"/api/v1/offers/{offer.pk}/").status_code == 404, persona
        assert _patch(client, f"/api/v1/offers/{offer.pk}/", {"title": "X"}).status_code == 404
    assert (
        client_for(world, "evaluator").get(f"/api/v1/offers/{milan_offer.pk}/").status_code == 200
    )


def test_it_serves_the_profile_with_workplaces_latest_needs_and_open_offers(
    world: World, esco: object
) -> None:
    employer = _milan(world, status="engaged", hosts_placements=True)
    Workplace.objects.create(employer=employer, name="Kitchen", city="Milan", country="IT")
    old = NeedsAssessment.objects.create(employer=employer, assessed_on=dt.date(2025, 1, 1))
    old.skills.add(Concept.objects.get(uri=SKILL + "java"))
    needs = NeedsAssessment.objects.create(
        employer=employer,
        assessed_on=dt.date(2025, 6, 1),
        obstacles=["language", "work_permits"],
        support=["mentoring"],
        planned_hires=4,
    )
    needs.occupations.add(Concept.objects.get(uri=OCC + "chef"))
    needs.skills.add(Concept.objects.get(uri=SKILL + "cook"))
    offer_of(employer, status=OfferStatus.OPEN)
    offer_of(employer, status=OfferStatus.OPEN)
    offer_of(employer)  # a draft is not counted as open
    body = client_for(world, "caseworker").get(f"/api/v1/employers/{employer.pk}/").json()
    assert body["organisation"]["name"] == "Officine Test"
    assert body["status"] == "engaged"
    assert body["hosts_placements"] is True
    assert body["workplaces"][0]["name"] == "Kitchen"
    assert body["open_offers"] == 2
    assert body["latest_needs"] == {
        "assessed_on": "2025-06-01",
        "obstacles": ["language", "work_permits"],
        "support": ["mentoring"],
        "occupations": [OCC + "chef"],
        "skills": [SKILL + "cook"],
        "planned_hires": 4,
    }
    other = _innsbruck(world)
    assert (
        client_for(world, "evaluator").get(f"/api/v1/employers/{other.pk}/").json()["latest_needs"]
        is None
    )


def _new_employer(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "programme": world.programme.pk,
        "site": world.site.pk,
        "organisation": {
            "name": "Trattoria Apitest",
            "country": "it",
            "city": "Milan",
            "nace_section": "I",
            "size_band": "small",
        },
        "status": "engaged",
        "mentors": True,
        **overrides,
    }


def test_it_adds_an_employer_with_a_new_organisation(world: World) -> None:
    response = _post(client_for(world, "caseworker"), "/api/v1/employers/", _new_employer(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"]["name"] == "Trattoria Apitest"
    assert body["organisation"]["country"] == "IT"
    assert body["organisation"]["nace_section"] == "I"
    assert body["status"] == "engaged"
    assert body["mentors"] is True
    assert body["site"] == world.site.pk
    assert body["latest_needs"] is None
    assert body["open_offers"] == 0
    organisation = Organisation.objects.get(name="Trattoria Apitest")
    assert organisation.type == OrganisationType.EMPLOYER
    assert Involvement.objects.filter(
        programme=world.programme, organisation=organisation, relation="employer"
    ).exists()


def test_it_adds_a_known_company_once_per_programme(world: World) -> None:
    client = client_for(world, "coordinator")
    data = _new_employer(world, organisation=world.employer.pk, site=world.other_site.pk)
    response = _post(client, "/api/v1/employers/", data)
    assert response.status_code == 201, response.json()
    assert response.json()["organisation"]["id"] == world.employer.pk
    again = _post(client, "/api/v1/employers/", data)
    assert again.status_code == 400
    assert "organisation" in again.json()["errors"]
    # A partner, not an employer, cannot be added by id.
    partner = _post(
        client, "/api/v1/employers/", _new_employer(world, organisation=world.partner.pk)
    )
    assert partner.status_code == 400
    assert "organisation" in partner.json()["errors"]
    assert Employer.objects.count() == 1


def test_it_explains_each_wrong_field_of_a_new_employer_and_stores_nothing(world: World) -> None:
    client = client_for(world, "caseworker")
    no_name = _new_employer(world)
    del no_name["organisation"]["name"]
    response = _post(client, "/api/v1/employers/", no_name)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The data sent is not valid."
    assert body["errors"]["organisation"]["name"] == ["This field is required."]
    # The other programme's site: unknown to a caseworker, refused by the model for an admin.
    sofia = Site.objects.get(programme=world.other_programme)
    response = _post(client, "/api/v1/employers/", _new_employer(world, site=sofia.pk))
    assert response.status_code == 400
    assert "site" in response.json()["errors"]
    response = _post(
        client_for(world, "admin"), "/api/v1/employers/", _new_employer(world, site=sofia.pk)
    )
    assert response.status_code == 400
    assert response.json()["errors"]["site"] == ["The site belongs to another programme."]
    # A site whose employers the caseworker does not follow: they would lose the company.
    response = _post(client, "/api/v1/employers/", _new_employer(world, site=world.other_site.pk))
    assert response.status_code == 400
    assert response.json()["errors"]["site"] == ["Choose a site whose employers you look after."]
    bad = _new_employer(world, status="famous")
    bad["organisation"].update(country="Narnia", nace_section="Z", website="not a site")
    errors = _post(client, "/api/v1/employers/", bad).json()["errors"]
    assert "status" in errors
    assert {"country", "nace_section", "website"} <= errors["organisation"].keys()
    assert not Employer.objects.exists()
    assert not Organisation.objects.filter(name="Trattoria Apitest").exists()


def test_it_refuses_employer_writes_to_roles_that_only_read_or_see_nothing(world: World) -> None:
    employer = _milan(world)
    for persona in ("evaluator", "employer_contact", "stakeholder"):
        client = client_for(world, persona)
        response = _post(client, "/api/v1/employers/", _new_employer(world))
        assert response.status_code == 403, persona
        assert response.json()["errors"] == {}
    # A coordinator of another programme does not know this one.
    response = _post(
        client_for(world, "other_programme_user"), "/api/v1/employers/", _new_employer(world)
    )
    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"programme", "site"}
    evaluator = client_for(world, "evaluator")
    response = _patch(evaluator, f"/api/v1/employers/{employer.pk}/", {"description": "Hacked"})
    assert response.status_code == 403
    assert (
        client_for(world, "caseworker")
        .put(f"/api/v1/employers/{employer.pk}/", {}, content_type=JSON)
        .status_code
        == 405
    )
    employer.refresh_from_db()
    assert employer.description == ""
    assert not Organisation.objects.filter(name="Trattoria Apitest").exists()


def test_it_lets_a_contact_edit_their_profile_but_not_its_status_or_site(world: World) -> None:
    employer = _innsbruck(world)
    client = client_for(world, "employer_contact")
    url = f"/api/v1/employers/{employer.pk}/"
    response = _patch(
        client,
        url,
        {"description": "Hotel in the Alps", "organisation": {"website": "https://alpen.example"}},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["description"] == "Hotel in the Alps"
    assert response.json()["organisation"]["website"] == "https://alpen.example"
    assert _patch(client, url, {"status": "hosting"}).status_code == 403
    assert _patch(client, url, {"site": world.site.pk}).status_code == 403
    employer.refresh_from_db()
    assert (employer.status, employer.site) == ("prospect", world.other_site)


def test_it_lets_staff_change_status_and_explains_wrong_values(world: World) -> None:
    employer = _milan(world)
    client = client_for(world, "caseworker")
    url = f"/api/v1/employers/{employer.pk}/"
    response = _patch(client, url, {"status": "hosting", "diversity_charter": True})
    assert response.status_code == 200
    assert response.json()["status"] == "hosting"
    response = _patch(client, url, {"status": "famous", "organisation": {"size_band": "huge"}})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]
    assert "size_band" in response.json()["errors"]["organisation"]
    # The name of another company in the same country is taken.
    Organisation.objects.create(name="Taken Test", country="IT", type=OrganisationType.EMPLOYER)
    employer.organisation.country = "IT"
    employer.organisation.save()
    response = _patch(client, url, {"organisation": {"name": "Taken Test"}})
    assert response.status_code == 400
    employer.refresh_from_db()
    assert employer.status == "hosting"
    assert employer.organisation.name == "Officine Test"


def test_it_filters_employers(world: World) -> None:
    _milan(world, status="engaged")
    innsbruck = _innsbruck(world)
    Organisation.objects.filter(pk=world.employer.pk).update(nace_section="I")
    client = client_for(world, "coordinator")
    url = "/api/v1/employers/"
    assert _names(client.get(url, {"status": "engaged"})) == ["Officine Test"]
    assert _names(client.get(url, {"nace_section": "I"})) == ["Alpenblick Test GmbH"]
    assert _names(client.get(url, {"q": "alpen"})) == ["Alpenblick Test GmbH"]
    assert _names(client.get(url, {"site": innsbruck.site_id})) == ["Alpenblick Test GmbH"]
    assert len(_names(client.get(url, {"programme": world.programme.pk}))) == 2
    assert _names(client.get(url, {"programme": world.other_programme.pk})) == []
    for bad in ({"status": "famous"}, {"site": "milan"}, {"programme": 10**30}):
        response = client.get(url, bad)
        assert response.status_code == 400, bad
        assert response.json()["errors"].keys() == bad.keys()


# --- Offers ------------------------------------------------------------------------------------


def _new_offer(employer: Employer, **overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + dt.timedelta(days=20)
    return {
        "employer": employer.pk,
        "kind": "placement",
        "title": "Kitchen assistant",
        "occupation": OCC + "chef",
        "description": "Prepare vegetables and help the chef.",
        "hours_per_week": 30,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=90)).isoformat(),
        "places": 2,
        "skills": [
            {"uri": SKILL + "cook"},
            {"uri": SKILL + "team", "essential": False, "origin": "occupation"},
        ],
        "languages": [{"language": "it", "min_level": "A2"}],
        **overrides,
    }


def test_it_adds_an_offer_with_its_skills_and_languages(world: World, esco: object) -> None:
    employer = _milan(world)
    response = _post(client_for(world, "caseworker"), "/api/v1/offers/", _new_offer(employer))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["published_at"] is None
    assert body["site"] == world.site.pk  # the employer's site when none is given
    assert body["occupation"] == OCC + "chef"
    assert body["skills"] == [
        {"uri": SKILL + "cook", "label": "prepare meals", "essential": True, "origin": "manual"},
        {"uri": SKILL + "team", "label": "work in teams", "essential": False,
         "origin": "occupation"},
    ]  # fmt: skip
    assert body["languages"] == [{"language": "it", "min_level": "A2"}]
    offer = Offer.objects.get(pk=body["id"])
    assert offer.created_by == world.users["caseworker"]
    assert offer.employer == employer


def test_it_explains_each_wrong_offer_field_and_stores_nothing(world: World, esco: object) -> None:
    employer = _milan(world)
    client = client_for(world, "caseworker")
    cases: list[tuple[dict[str, Any], str, str]] = [
        (
            {"skills": [{"uri": SKILL + "cook"}, {"uri": SKILL + "juggling"}]},
            "skills",
            SKILL + "juggling",
        ),
        ({"skills": [{"uri": OCC + "chef"}]}, "skills", OCC + "chef"),
        ({"occupation": SKILL + "cook"}, "occupation", SKILL + "cook"),
        ({"occupation": OCC + "astronaut"}, "occupation", OCC + "astronaut"),
        ({"ends_on": "2020-01-01", "starts_on": "2020-02-01"}, "ends_on", "before the start"),
        ({"places": 0}, "places", "greater than or equal to 1"),
        ({"hours_per_week": 90}, "hours_per_week", "60"),
        ({"languages": [{"language": "xx", "min_level": "B1"}]}, "languages", "xx"),
        ({"languages": [{"language": "de", "min_level": "Z9"}]}, "languages", "Z9"),
        (
            {"languages": [{"language": "de", "min_level": "B1"}] * 2},
            "languages",
            "each language once",
        ),
        ({"skills": [{"uri": SKILL + "cook"}] * 2}, "skills", "each skill once"),
        ({"latitude": "45.1"}, "longitude", "both latitude and longitude"),
        ({"tutor_email": "chef at example"}, "tutor_email", "email address"),
    ]
    for overrides, field, words in cases:
        response = _post(client, "/api/v1/offers/", _new_offer(employer, **overrides))
        assert response.status_code == 400, overrides
        errors = response.json()["errors"]
        assert list(errors) == [field], (overrides, errors)
        assert words.lower() in str(errors[field]).lower(), (overrides, errors)
    both = _post(client, "/api/v1/offers/", _new_offer(employer, places=0, title=""))
    assert both.json()["errors"].keys() == {"places", "title"}
    assert not Offer.objects.exists()
    assert not OfferSkill.objects.exists()
    assert not OfferLanguage.objects.exists()


def test_it_refuses_to_publish_without_an_essential_skill_then_publishes(
    world: World, esco: object
) -> None:
    employer = _milan(world)
    client = client_for(world, "caseworker")
    data = _new_offer(employer, skills=[{"uri": SKILL + "team", "essential": False}])
    offer_id = _post(client, "/api/v1/offers/", data).json()["id"]
    url = f"/api/v1/offers/{offer_id}/status/"
    refused = _post(client, url, {"status": "open"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "status": ["Add at least one essential skill before publishing."]
    }
    assert Offer.objects.get(pk=offer_id).status == "draft"
    patched = _patch(
        client, f"/api/v1/offers/{offer_id}/", {"skills": [{"uri": SKILL + "cook"}], "places": 3}
    )
    assert patched.status_code == 200, patched.json()
    assert [s["uri"] for s in patched.json()["skills"]] == [SKILL + "cook"]
    assert patched.json()["languages"] == [{"language": "it", "min_level": "A2"}]  # kept
    published = _post(client, url, {"status": "open"})
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "open"
    assert published.json()["published_at"] is not None
    # An open offer keeps an essential skill, and goes only where its status allows.
    no_essential = {"skills": [{"uri": SKILL + "cook", "essential": False}]}
    response = _patch(client, f"/api/v1/offers/{offer_id}/", no_essential)
    assert response.status_code == 400
    assert "skills" in response.json()["errors"]
    backwards = _post(client, url, {"status": "draft"})
    assert backwards.status_code == 400
    assert backwards.json()["errors"]["status"] == ["An offer cannot go from Open to Draft."]
    assert _post(client, url, {"status": "famous"}).status_code == 400
    assert _post(client, url, {}).json()["errors"]["status"] == ["This field is required."]
    assert Offer.objects.get(pk=offer_id).status == "open"


def test_it_duplicates_an_offer_as_a_new_draft(world: World, esco: object) -> None:
    employer = _milan(world)
    client = client_for(world, "caseworker")
    original = _post(client, "/api/v1/offers/", _new_offer(employer)).json()
    _post(client, f"/api/v1/offers/{original['id']}/status/", {"status": "open"})
    response = _post(client, f"/api/v1/offers/{original['id']}/duplicate/", {})
    assert response.status_code == 201, response.json()
    copy = response.json()
    assert copy["id"] != original["id"]
    assert copy["title"] == "Kitchen assistant (copy)"
    assert copy["status"] == "draft"
    assert copy["starts_on"] is None
    assert copy["skills"] == original["skills"]
    assert copy["languages"] == original["languages"]
    assert Offer.objects.get(pk=original["id"]).status == "open"


def test_it_refuses_offer_writes_to_evaluators(world: World, esco: object) -> None:
    employer = _milan(world)
    offer = offer_of(employer)
    client = client_for(world, "evaluator")
    assert client.get(f"/api/v1/offers/{offer.pk}/").status_code == 200
    for response in (
        _post(client, "/api/v1/offers/", _new_offer(employer)),
        _patch(client, f"/api/v1/offers/{offer.pk}/", {"title": "Changed"}),
        _post(client, f"/api/v1/offers/{offer.pk}/status/", {"status": "closed"}),
        _post(client, f"/api/v1/offers/{offer.pk}/duplicate/", {}),
    ):
        assert response.status_code == 403
    offer.refresh_from_db()
    assert (offer.title, offer.status) != ("Changed", "closed")
    assert Offer.objects.count() == 1


def test_it_keeps_employer_contacts_to_their_own_company(world: World, esco: object) -> None:
    own, other = _innsbruck(world), _milan(world)
    offer_of(own, title="Room attendant")
    offer_of(other, title="Welder")
    client = client_for(world, "employer_contact")
    listed = client.get("/api/v1/offers/").json()["results"]
    assert [o["title"] for o in listed] == ["Room attendant"]
    created = _post(client, "/api/v1/offers/", _new_offer(own, title="Waiter"))
    assert created.status_code == 201, created.json()
    assert created.json()["site"] == world.other_site.pk
    foreign = _post(client, "/api/v1/offers/", _new_offer(other, title="Intruder"))
    assert foreign.status_code == 400
    assert foreign.json()["errors"] == {"employer": ["Unknown employer: choose one of yours."]}
    # The programme decides which site follows the offer.
    url = f"/api/v1/offers/{created.json()['id']}/"
    moved = _patch(client, url, {"site": world.site.pk})
    assert moved.status_code == 400
    assert "site" in moved.json()["errors"]
    # Staff of the company's site see the contact's offer and may move it.
    staff = _patch(client_for(world, "other_partner_user"), url, {"site": world.site.pk})
    assert staff.status_code == 200
    assert not Offer.objects.filter(title="Intruder").exists()


def test_it_gives_participants_with_an_account_nothing(world: World) -> None:
    employer = _milan(world)
    offer = offer_of(employer)
    person = participant_in(world.site, email="self@example.org")
    user = participant_account_create(
        participant=person, password="a long pass phrase 42", language="en"
    )
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/employers/").json()["results"] == []
    assert client.get("/api/v1/offers/").json()["results"] == []
    assert client.get(f"/api/v1/offers/{offer.pk}/").status_code == 404
    assert _post(client, "/api/v1/offers/", _new_offer(employer)).status_code == 403
    assert _post(client, "/api/v1/employers/", _new_employer(world)).status_code == 403


def test_it_filters_offers(world: World, esco: object) -> None:
    milan, innsbruck = _milan(world), _innsbruck(world)
    chef = Concept.objects.get(uri=OCC + "chef")
    offer_of(milan, title="Cook", status=OfferStatus.OPEN, occupation=chef)
    offer_of(milan, title="Driver", kind="job")
    offer_of(innsbruck, title="Waiter")
    client = client_for(world, "coordinator")

    def titles(**params: Any) -> list[str]:
        response = client.get("/api/v1/offers/", params)
        assert response.status_code == 200, response.json()
        return sorted(o["title"] for o in response.json()["results"])

    assert titles(status="open") == ["Cook"]
    assert titles(kind="job") == ["Driver"]
    assert titles(site=world.other_site.pk) == ["Waiter"]
    assert titles(employer=milan.pk) == ["Cook", "Driver"]
    assert titles(occupation=OCC + "chef") == ["Cook"]
    assert titles(programme=world.programme.pk) == ["Cook", "Driver", "Waiter"]
    assert titles(programme=world.other_programme.pk) == []
    for bad in ({"status": "famous"}, {"employer": "milan"}, {"site": 10**30}):
        assert client.get("/api/v1/offers/", bad).status_code == 400, bad


def test_it_answers_garbage_with_field_errors_never_500(world: World, esco: object) -> None:
    employer = _milan(world)
    offer = offer_of(employer)
    client = client_for(world, "caseworker")
    garbage = _new_offer(
        employer,
        places="many",
        hours_per_week="x",
        latitude="north",
        starts_on="yesterday",
        remote_possible="perhaps",
        skills="cooking",
        languages=[{"language": 7}],
    )
    response = _post(client, "/api/v1/offers/", garbage)
    assert response.status_code == 400
    assert {
        "places", "hours_per_week", "latitude", "starts_on", "remote_possible", "skills",
        "languages",
    } <= response.json()["errors"].keys()  # fmt: skip
    for employer_id in (10**30, -1, "abc", None, True, [1]):
        response = _post(
            client, "/api/v1/offers/", {**_new_offer(employer), "employer": employer_id}
        )
        assert response.status_code == 400, employer_id
        assert "employer" in response.json()["errors"]
    organisations: list[Any] = ["abc", 10**30, [], None, True, {"name": ["x"]}]
    for organisation in organisations:
        response = _post(
            client, "/api/v1/employers/", _new_employer(world, organisation=organisation)
        )
        assert response.status_code == 400, organisation
        assert "organisation" in response.json()["errors"]
    assert _post(client, "/api/v1/employers/", _new_employer(world, site=10**30)).status_code == 400
    assert client.post("/api/v1/offers/", "{not json", content_type=JSON).status_code == 400
    assert _post(client, "/api/v1/offers/", ["a list"]).status_code == 400
    assert client.get(f"/api/v1/offers/{10**30}/").status_code == 404
    assert client.get("/api/v1/employers/99999999999999999/").status_code == 404
    assert _patch(client, f"/api/v1/offers/{offer.pk}/", {"site": "abc"}).status_code == 400
    requirements: dict[str, Any]
    for requirements in ({"skills": [{}]}, {"languages": [{"language": "de"}]}):
        response = _patch(client, f"/api/v1/offers/{offer.pk}/", requirements)
        assert response.status_code == 400
        assert response.json()["errors"].keys() == requirements.keys()
    assert Offer.objects.count() == 1


# --- Query counts ------------------------------------------------------------------------------


def _busy_employer(world: World, n: int) -> Employer:
    organisation = Organisation.objects.create(
        name=f"Busy Test {n}", type=OrganisationType.EMPLOYER, country="IT"
    )
    employer = employer_in(world.site, organisation)
    Workplace.objects.create(employer=employer, name="Shop", city="Milan", country="IT")
    needs = NeedsAssessment.objects.create(employer=employer, obstacles=["language"])
    needs.skills.add(Concept.objects.get(uri=SKILL + "cook"))
    needs.occupations.add(Concept.objects.get(uri=OCC + "chef"))
    offer_of(employer, status=OfferStatus.OPEN)
    return employer


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_employers_in_a_constant_number_of_queries(
    world: World, esco: object, count: int, django_assert_max_num_queries: Any
) -> None:
    for n in range(count):
        _busy_employer(world, n)
    client = client_for(world, "caseworker")
    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/employers/")
    assert response.json()["count"] == count
    assert all(item["latest_needs"]["skills"] for item in response.json()["results"])


@pytest.mark.parametrize("count", [1, 30])
def test_it_lists_offers_in_a_constant_number_of_queries(
    world: World, esco: object, count: int, django_assert_max_num_queries: Any
) -> None:
    employer = _milan(world)
    cook, team = Concept.objects.filter(uri__in=[SKILL + "cook", SKILL + "team"])
    for _ in range(count):
        offer = offer_of(employer, occupation=Concept.objects.get(uri=OCC + "chef"))
        OfferSkill.objects.create(offer=offer, skill=cook)
        OfferSkill.objects.create(offer=offer, skill=team, essential=False)
        OfferLanguage.objects.create(offer=offer, language="it", min_level="B1")
    client = client_for(world, "caseworker")
    with django_assert_max_num_queries(11):
        response = client.get("/api/v1/offers/")
    results = response.json()["results"]
    assert len(results) == count
    assert {s["label"] for s in results[0]["skills"]} == {"prepare meals", "work in teams"}


def test_it_names_skills_in_the_readers_language_else_in_english(
    world: World, esco: object
) -> None:
    cook = Concept.objects.get(uri=SKILL + "cook")
    Label.objects.create(
        concept=cook, language="it", kind=Label.Kind.PREFERRED, text="preparare pasti",
        folded="preparare pasti",
    )  # fmt: skip
    offer = offer_of(_milan(world))
    OfferSkill.objects.create(offer=offer, skill=cook)
    OfferSkill.objects.create(offer=offer, skill=Concept.objects.get(uri=SKILL + "team"))
    client = client_for(world, "caseworker")
    italian = client.get(f"/api/v1/offers/{offer.pk}/", HTTP_ACCEPT_LANGUAGE="it").json()
    assert [s["label"] for s in italian["skills"]] == ["preparare pasti", "work in teams"]
    english = client.get(f"/api/v1/offers/{offer.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [s["label"] for s in english["skills"]] == ["prepare meals", "work in teams"]
