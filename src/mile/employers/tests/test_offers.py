"""Offers: written by staff or the company's contact, skills proposed from ESCO, published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mile.conftest import World, client_for
from mile.employers.models import Employer, Offer, OfferLanguage, OfferSkill, OfferStatus
from mile.employers.tests.factories import employer_in, offer_of
from mile.esco.tests.esco_files import OCC, SKILL
from mile.taxonomy.models import Concept

pytestmark = pytest.mark.django_db


@pytest.fixture
def innsbruck(world: World) -> Employer:
    return employer_in(world.other_site, world.employer)


@pytest.fixture
def milan(world: World) -> Employer:
    return employer_in(world.site, world.other_employer)


def _soon(days: int = 30) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _offer_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "placement",
        "title": "Kitchen assistant",
        "occupation": "",
        "description": "",
        "site": world.other_site.pk,
        "places": "2",
        "hours_per_week": "30",
        "starts_on": _soon(),
        "ends_on": _soon(120),
        "contract_type": "placement_agreement",
        "tutor_name": "Maria Beispiel",
    }
    data.update(overrides)
    return data


def test_it_lets_the_company_contact_write_an_offer_and_proposes_the_occupation_skills(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    client = client_for(world, "employer_contact")
    response = client.post(
        reverse("employers:offer_create", args=[innsbruck.pk]),
        _offer_data(world, occupation=OCC + "chef"),
    )
    offer = Offer.objects.get(employer=innsbruck)
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:offer_skills", args=[offer.pk])
    assert offer.status == OfferStatus.DRAFT

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "prepare meals" in page.content.decode()  # the chef's essential skill

    kept = client.post(
        reverse("employers:offer_skills", args=[offer.pk]),
        {"action": "accept", "accept": [SKILL + "cook"], "essential": [SKILL + "cook"]},
    )
    assert kept.status_code == 302
    assert list(offer.skills.values_list("skill__uri", "essential", "origin")) == [
        (SKILL + "cook", True, OfferSkill.Origin.OCCUPATION)
    ]


def test_it_proposes_optional_occupation_skills_as_optional(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    from mile.employers.services import offer_skills_proposed

    offer = offer_of(innsbruck, occupation=Concept.objects.get(uri=OCC + "dev"))
    proposed = {p.concept.uri: p.essential for p in offer_skills_proposed(offer, language="en")}
    assert proposed == {SKILL + "java": True, SKILL + "team": False}


def test_it_drops_the_skills_the_author_did_not_tick(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    offer = offer_of(innsbruck, occupation=Concept.objects.get(uri=OCC + "dev"))
    client_for(world, "employer_contact").post(
        reverse("employers:offer_skills", args=[offer.pk]),
        {"action": "accept", "accept": [SKILL + "java"], "essential": [SKILL + "java"]},
    )
    assert list(offer.skills.values_list("skill__uri", flat=True)) == [SKILL + "java"]


def test_it_refuses_a_skill_that_was_not_proposed(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    offer = offer_of(innsbruck, occupation=Concept.objects.get(uri=OCC + "chef"))
    response = client_for(world, "employer_contact").post(
        reverse("employers:offer_skills", args=[offer.pk]),
        {"action": "accept", "accept": [SKILL + "java"]},
    )
    assert response.status_code == 400
    assert not offer.skills.exists()


def test_it_adds_a_skill_by_hand_once(world: World, innsbruck: Employer, esco: Path) -> None:
    offer = offer_of(innsbruck)
    client = client_for(world, "coordinator")
    url = reverse("employers:offer_skills", args=[offer.pk])
    assert (
        client.post(url, {"action": "add", "skill": SKILL + "drive", "essential": "on"}).status_code
        == 302
    )
    again = client.post(url, {"action": "add", "skill": SKILL + "drive"})
    assert again.status_code == 400
    assert gettext("The offer already has this skill.") in again.content.decode()
    assert offer.skills.get().origin == OfferSkill.Origin.MANUAL


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"starts_on": ""}, "starts_on", "This field is required."),
        ({"ends_on": "2020-01-01"}, "ends_on", "The end cannot be before the start."),
        ({"places": "0"}, "places", "Ensure this value is greater than or equal to 1."),
        (
            {"hours_per_week": "90"},
            "hours_per_week",
            "Ensure this value is less than or equal to 60.",
        ),
        ({"latitude": "47.26"}, "longitude", "Give both latitude and longitude, or neither."),
        ({"occupation": SKILL + "cook"}, "occupation", "Choose one of the suggestions."),
    ],
)
def test_it_refuses_bad_input_keeps_what_was_typed_and_saves_nothing(
    world: World,
    innsbruck: Employer,
    esco: Path,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = client_for(world, "employer_contact").post(
        reverse("employers:offer_create", args=[innsbruck.pk]), _offer_data(world, **overrides)
    )
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Maria Beispiel"' in response.content.decode()
    assert not Offer.objects.exists()


def test_it_refuses_a_site_of_another_programme(world: World, innsbruck: Employer) -> None:
    foreign = world.other_programme.sites.get()
    response = client_for(world, "coordinator").post(
        reverse("employers:offer_create", args=[innsbruck.pk]),
        _offer_data(world, site=foreign.pk),
    )
    assert response.status_code == 400
    assert not Offer.objects.exists()


def test_it_shows_the_refusal_in_the_reader_s_language(world: World, innsbruck: Employer) -> None:
    client = client_for(world, "employer_contact")
    with translation.override("de"):
        url = reverse("employers:offer_create", args=[innsbruck.pk])
        expected = gettext("The end cannot be before the start.")
    response = client.post(url, _offer_data(world, ends_on="2020-01-01"))
    assert expected != "The end cannot be before the start."
    assert expected in response.content.decode()


def test_it_sets_language_levels_and_refuses_the_same_language_twice(
    world: World, innsbruck: Employer
) -> None:
    offer = offer_of(innsbruck)
    client = client_for(world, "employer_contact")
    url = reverse("employers:offer_languages", args=[offer.pk])
    base = {
        "languages-TOTAL_FORMS": "2",
        "languages-INITIAL_FORMS": "0",
        "languages-MIN_NUM_FORMS": "0",
        "languages-MAX_NUM_FORMS": "10",
    }
    twice = client.post(
        url,
        {
            **base,
            "languages-0-language": "de",
            "languages-0-min_level": "B1",
            "languages-1-language": "de",
            "languages-1-min_level": "A2",
        },
    )
    assert twice.status_code == 400
    assert not OfferLanguage.objects.exists()
    ok = client.post(url, {**base, "languages-0-language": "de", "languages-0-min_level": "B1"})
    assert ok.status_code == 302
    assert list(offer.languages.values_list("language", "min_level")) == [("de", "B1")]
    with translation.override("de"):
        page = client.get(reverse("employers:offer_detail", args=[offer.pk]))
    assert "Deutsch" in page.content.decode()


def test_it_publishes_only_with_an_essential_skill(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    offer = offer_of(innsbruck)
    client = client_for(world, "employer_contact")
    url = reverse("employers:offer_status", args=[offer.pk])
    refused = client.post(url, {"status": "open"}, follow=True)
    assert gettext("Add at least one essential skill before publishing.") in (
        refused.content.decode()
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT

    OfferSkill.objects.create(offer=offer, skill=Concept.objects.get(uri=SKILL + "cook"))
    client.post(url, {"status": "open"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    assert offer.published_at is not None


def test_it_refuses_a_move_the_workflow_does_not_have(world: World, innsbruck: Employer) -> None:
    offer = offer_of(innsbruck, status=OfferStatus.CLOSED)
    response = client_for(world, "coordinator").post(
        reverse("employers:offer_status", args=[offer.pk]), {"status": "open"}, follow=True
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CLOSED
    assert response.status_code == 200
    # A closed offer is not edited either: it is duplicated.
    edit = client_for(world, "coordinator").get(reverse("employers:offer_edit", args=[offer.pk]))
    assert edit.status_code == 302


def test_it_duplicates_an_offer_with_its_skills_and_languages_as_a_draft(
    world: World, innsbruck: Employer, esco: Path
) -> None:
    offer = offer_of(innsbruck, status=OfferStatus.OPEN, published_at=timezone.now())
    OfferSkill.objects.create(offer=offer, skill=Concept.objects.get(uri=SKILL + "cook"))
    OfferLanguage.objects.create(offer=offer, language="de", min_level="B1")
    response = client_for(world, "employer_contact").post(
        reverse("employers:offer_duplicate", args=[offer.pk])
    )
    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert response["Location"] == reverse("employers:offer_edit", args=[copy.pk])
    assert copy.status == OfferStatus.DRAFT
    assert copy.published_at is None
    assert copy.starts_on is None
    assert copy.duplicated_from == offer
    assert list(copy.skills.values_list("skill__uri", flat=True)) == [SKILL + "cook"]
    assert list(copy.languages.values_list("language", "min_level")) == [("de", "B1")]


def test_it_shows_each_role_the_offers_of_its_scope(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    offer_of(innsbruck, title="Zimmermädchen")
    offer_of(milan, title="Aiuto cuoco")

    def titles(persona: str) -> set[str]:
        page = client_for(world, persona).get(reverse("employers:offer_list"))
        assert page.status_code == 200
        return {o.title for o in page.context["page"]}

    assert titles("coordinator") == {"Zimmermädchen", "Aiuto cuoco"}
    assert titles("caseworker") == {"Aiuto cuoco"}
    assert titles("other_partner_user") == {"Zimmermädchen"}
    assert titles("employer_contact") == {"Zimmermädchen"}
    assert titles("evaluator") == {"Zimmermädchen", "Aiuto cuoco"}
    assert client_for(world, "stakeholder").get(reverse("employers:offer_list")).status_code == 403


def test_it_filters_the_list_by_site_and_status(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    offer_of(innsbruck, title="Open in Innsbruck", status=OfferStatus.OPEN)
    offer_of(innsbruck, title="Draft in Innsbruck")
    offer_of(milan, title="Open in Milan", status=OfferStatus.OPEN)
    page = client_for(world, "coordinator").get(
        reverse("employers:offer_list"), {"site": world.other_site.pk, "status": "open"}
    )
    assert [o.title for o in page.context["page"]] == ["Open in Innsbruck"]


def test_it_reads_the_list_in_a_constant_number_of_queries(
    world: World, innsbruck: Employer, esco: Path, django_assert_max_num_queries: Any
) -> None:
    chef = Concept.objects.get(uri=OCC + "chef")
    offer_of(innsbruck, occupation=chef)
    client = client_for(world, "coordinator")
    with django_assert_max_num_queries(12):
        client.get(reverse("employers:offer_list"))
    for _ in range(24):
        offer_of(innsbruck, occupation=chef)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("employers:offer_list"))
    assert len(response.context["page"]) == 25


def test_it_hides_other_companies_offers_from_a_contact(
    world: World, innsbruck: Employer, milan: Employer
) -> None:
    theirs = offer_of(milan)
    client = client_for(world, "employer_contact")
    assert client.get(reverse("employers:offer_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("employers:offer_duplicate", args=[theirs.pk])).status_code == 404


def test_it_lets_evaluators_read_but_not_write(world: World, innsbruck: Employer) -> None:
    offer = offer_of(innsbruck)
    client = client_for(world, "evaluator")
    assert client.get(reverse("employers:offer_detail", args=[offer.pk])).status_code == 200
    assert client.get(reverse("employers:offer_edit", args=[offer.pk])).status_code == 403
    assert (
        client.post(reverse("employers:offer_status", args=[offer.pk]), {"status": "open"})
    ).status_code == 403


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_it_renders_the_offer_pages_in_every_language(
    world: World, innsbruck: Employer, language: str
) -> None:
    offer = offer_of(innsbruck, description="Prepare breakfast.")
    OfferLanguage.objects.create(offer=offer, language="de", min_level="B1")
    client = client_for(world, "employer_contact")
    with translation.override(language):
        urls = [
            reverse("employers:offer_detail", args=[offer.pk]),
            reverse("employers:offer_edit", args=[offer.pk]),
            reverse("employers:offer_skills", args=[offer.pk]),
            reverse("employers:offer_languages", args=[offer.pk]),
            reverse("employers:offer_list"),
        ]
        expected = gettext("Language requirements")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    assert expected in client.get(urls[3]).content.decode()
