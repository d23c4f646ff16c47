"""Personas and a small two-programme world shared by every app's tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from mile.accounts.models import User
from mile.core.roles import Role
from mile.core.tests.factories import (
    InvolvementFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SiteFactory,
    TrackFactory,
    UserFactory,
    enrol_totp,
)
from mile.programmes.models import Organisation, OrganisationType, Programme, Relation, Site


@dataclass
class World:
    programme: Programme
    other_programme: Programme
    partner: Organisation  # the caseworker's and coordinator's organisation
    other_partner: Organisation
    employer: Organisation
    other_employer: Organisation
    stakeholder_org: Organisation
    site: Site
    other_site: Site
    users: dict[str, User]


PERSONAS = [
    "anonymous",
    "admin",
    "coordinator",
    "caseworker",
    "other_partner_user",
    "employer_contact",
    "stakeholder",
    "evaluator",
    "other_programme_user",
]


@pytest.fixture
def world(db: None) -> World:
    mile = ProgrammeFactory(name="MILE test", slug="mile-test")
    other = ProgrammeFactory(name="Other programme", slug="other")
    TrackFactory(programme=mile, name="Comprehensive", target_participants=120)
    TrackFactory(programme=mile, name="Light", target_participants=400)
    partner = OrganisationFactory(name="Ponte Test", city="Milan", country="IT")
    other_partner = OrganisationFactory(name="Brücke Test", city="Innsbruck", country="AT")
    employer = OrganisationFactory(
        name="Alpenblick Test GmbH", type=OrganisationType.EMPLOYER, country="AT", city="Innsbruck"
    )
    other_employer = OrganisationFactory(name="Officine Test", type=OrganisationType.EMPLOYER)
    stakeholder_org = OrganisationFactory(
        name="Comune Test", type=OrganisationType.PUBLIC_AUTHORITY
    )
    other_org = OrganisationFactory(name="Sofia Test", country="BG", city="Sofia")
    for org, relation in [
        (partner, Relation.LEAD),
        (other_partner, Relation.PARTNER),
        (employer, Relation.EMPLOYER),
        (other_employer, Relation.EMPLOYER),
        (stakeholder_org, Relation.STAKEHOLDER),
    ]:
        InvolvementFactory(programme=mile, organisation=org, relation=relation)
    InvolvementFactory(programme=other, organisation=other_org, relation=Relation.LEAD)
    site = SiteFactory(programme=mile, city="Milan", lead_partner=partner)
    other_site = SiteFactory(
        programme=mile, city="Innsbruck", country="AT", lead_partner=other_partner
    )
    SiteFactory(programme=other, city="Sofia", country="BG", lead_partner=other_org)

    def member(name: str, programme: Programme, org: Organisation, role: str, **kw: object) -> User:
        user = UserFactory(email=f"{name}@test.example", full_name=f"Persona {name}", **kw)
        MembershipFactory(user=user, programme=programme, organisation=org, role=role)
        return user

    users = {
        "admin": member("admin", mile, partner, Role.ADMIN, is_superuser=True, is_staff=True),
        "coordinator": member("coordinator", mile, partner, Role.COORDINATOR),
        "caseworker": member("caseworker", mile, partner, Role.PARTNER_STAFF),
        "other_partner_user": member("other_partner_user", mile, other_partner, Role.PARTNER_STAFF),
        "employer_contact": member("employer_contact", mile, employer, Role.EMPLOYER_CONTACT),
        "stakeholder": member("stakeholder", mile, stakeholder_org, Role.STAKEHOLDER),
        "evaluator": member("evaluator", mile, partner, Role.EVALUATOR),
        "other_programme_user": member("other_programme_user", other, other_org, Role.COORDINATOR),
    }
    for user in users.values():
        enrol_totp(user)
    return World(
        programme=mile,
        other_programme=other,
        partner=partner,
        other_partner=other_partner,
        employer=employer,
        other_employer=other_employer,
        stakeholder_org=stakeholder_org,
        site=site,
        other_site=other_site,
        users=users,
    )


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


@pytest.fixture
def coordinator(world: World) -> User:
    return world.users["coordinator"]


@pytest.fixture
def caseworker(world: World) -> User:
    return world.users["caseworker"]


@pytest.fixture
def employer_contact(world: World) -> User:
    return world.users["employer_contact"]


@pytest.fixture
def evaluator(world: World) -> User:
    return world.users["evaluator"]


@pytest.fixture
def other_partner_user(world: World) -> User:
    return world.users["other_partner_user"]


@pytest.fixture
def esco_folder(tmp_path: Path) -> Path:
    from mile.esco.tests.esco_files import write_folder

    return write_folder(tmp_path / "esco-v1.1.1", languages=("en",))


@pytest.fixture
def esco(db: None, esco_folder: Path) -> Path:
    """A tiny ESCO release imported the way users import the official one."""
    from django.core.management import call_command

    call_command("esco_import", str(esco_folder), verbosity=0)
    return esco_folder


@pytest.fixture(autouse=True)
def _english_between_tests() -> None:
    """The test client leaves the last request's language active in the thread; start afresh."""
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache.

    allauth remembers used TOTP codes there (by user id and code) and axes counts failures:
    a demo user signed in by one test would otherwise have the same code refused in the next
    test of the same worker within 30 seconds, when the ids happen to repeat.
    """
    from django.core.cache import cache

    cache.clear()
