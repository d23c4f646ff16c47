"""Loads the demo world into the database; running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from mile.accounts.models import Membership, User
from mile.demo.data import DEMO_PASSWORD, ORGANISATIONS, PEOPLE, PROGRAMMES, demo_totp_secret
from mile.programmes.models import Involvement, Organisation, Programme, Site, Track


@dataclass(frozen=True)
class Credential:
    email: str
    full_name: str
    roles: str
    password: str
    totp_secret: str


@transaction.atomic
def load_demo() -> list[Credential]:
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        orgs[spec.key], _ = Organisation.objects.update_or_create(
            name=spec.name,
            country=spec.country,
            defaults={
                "type": spec.type,
                "city": spec.city,
                "website": spec.website,
                "nace_section": spec.nace,
                "size_band": spec.size,
            },
        )
    programmes: dict[str, Programme] = {}
    sites: dict[tuple[str, str], Site] = {}
    for p in PROGRAMMES:
        # django-countries types a multiple CountryField as one code.
        programme, _ = Programme.objects.update_or_create(  # type: ignore[misc]
            slug=p.slug,
            defaults={
                "name": p.name,
                "description": p.description,
                "funder": p.funder,
                "grant_reference": p.grant_reference,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "countries": list(p.countries),
                "languages": list(p.languages),
            },
        )
        programmes[p.slug] = programme
        for name, description, target in p.tracks:
            Track.objects.update_or_create(
                programme=programme,
                name=name,
                defaults={"description": description, "target_participants": target},
            )
        for key, relation in p.involvements:
            Involvement.objects.update_or_create(
                programme=programme, organisation=orgs[key], defaults={"relation": relation}
            )
        for city, country, lead in p.sites:
            sites[(p.slug, city)], _ = Site.objects.update_or_create(
                programme=programme,
                city=city,
                defaults={"country": country, "lead_partner": orgs[lead]},
            )
    credentials = []
    for person in PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email,
                DEMO_PASSWORD,
                full_name=person.full_name,
                language=person.language,
                is_superuser=person.superuser,
                is_staff=person.superuser,
            )
        secret = demo_totp_secret(person.email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secret)
            RecoveryCodes.activate(user)
        for slug, org_key, role, city in person.memberships:
            Membership.objects.update_or_create(
                user=user,
                programme=programmes[slug],
                organisation=orgs[org_key],
                role=role,
                defaults={"site": sites.get((slug, city)), "is_active": True},
            )
        roles = ", ".join(f"{role} ({slug})" for slug, _, role, _ in person.memberships)
        if person.superuser:
            roles = f"platform admin, {roles}"
        credentials.append(Credential(person.email, person.full_name, roles, DEMO_PASSWORD, secret))
    from mile.demo.participants import load_participants

    load_participants()
    from mile.demo.applications import load_applications

    load_applications()
    from mile.demo.profiles import load_profiles

    load_profiles()
    from mile.demo.documents import load_certifications

    load_certifications()
    from mile.demo.pathways import load_pathways

    load_pathways()
    from mile.demo.employers import load_employers

    load_employers()
    from mile.demo.activities import load_activities

    load_activities()
    from mile.demo.placements import load_placements

    load_placements()
    return credentials
