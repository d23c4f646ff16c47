"""Who sees which organisations, programmes and sites."""

from __future__ import annotations

from mile.conftest import World
from mile.programmes.models import Organisation, Programme, Site


def _names(qs) -> set[str]:
    return {str(o) for o in qs}


def test_it_shows_an_employer_contact_only_its_own_company(world: World) -> None:
    assert _names(Organisation.objects.for_user(world.users["employer_contact"])) == {
        "Alpenblick Test GmbH"
    }


def test_it_shows_partner_staff_every_organisation_of_their_programme_and_none_of_another(
    world: World,
) -> None:
    names = _names(Organisation.objects.for_user(world.users["caseworker"]))
    assert {
        "Ponte Test",
        "Brücke Test",
        "Alpenblick Test GmbH",
        "Officine Test",
        "Comune Test",
    } <= names
    assert "Sofia Test" not in names


def test_it_shows_each_member_only_their_programmes(world: World) -> None:
    assert _names(Programme.objects.for_user(world.users["caseworker"])) == {"MILE test"}
    assert _names(Programme.objects.for_user(world.users["other_programme_user"])) == {
        "Other programme"
    }
    assert _names(Programme.objects.for_user(world.users["admin"])) == {
        "MILE test",
        "Other programme",
    }
    assert _names(Site.objects.for_user(world.users["other_programme_user"])) == {"Sofia"}


def test_it_hides_everything_from_a_deactivated_membership(world: World) -> None:
    user = world.users["caseworker"]
    user.memberships.update(is_active=False)
    assert not Programme.objects.for_user(user).exists()
    assert not Organisation.objects.for_user(user).exists()
