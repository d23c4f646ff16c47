"""Factories for the foundation's models, shared by every app's tests."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from mile.accounts.models import Invitation, Membership, User
from mile.core.roles import Role
from mile.programmes.models import (
    Involvement,
    Organisation,
    OrganisationType,
    Programme,
    Relation,
    Site,
    Track,
)

TEST_PASSWORD = "Test-password-2026!"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# A code typed in its window's last seconds reaches the server in the next one and is
# refused (no tolerance): tests wait for a fresh window rather than fail now and then.
TOTP_MARGIN_SECONDS = 5


def totp_code(secret: str) -> str:
    """The current code for ``secret``, valid for at least ``TOTP_MARGIN_SECONDS`` more."""
    import time

    import pyotp

    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < TOTP_MARGIN_SECONDS:
        time.sleep(left + 0.1)
    return totp.now()


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorg {n}")
    type = OrganisationType.PARTNER
    country = "IT"
    city = "Milan"


class ProgrammeFactory(factory.django.DjangoModelFactory[Programme]):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    funder = "AMIF"
    starts_on = dt.date(2024, 1, 1)
    ends_on = dt.date(2026, 12, 31)
    countries = ["IT", "AT"]
    languages = ["en", "it", "de"]


class TrackFactory(factory.django.DjangoModelFactory[Track]):
    class Meta:
        model = Track

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    target_participants = 100


class InvolvementFactory(factory.django.DjangoModelFactory[Involvement]):
    class Meta:
        model = Involvement

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    relation = Relation.PARTNER


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    programme = factory.SubFactory(ProgrammeFactory)
    city = factory.Sequence(lambda n: f"City {n}")
    country = "IT"
    lead_partner = factory.SubFactory(OrganisationFactory)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Person Number{n}")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def enrol_totp(user: User, secret: str = TEST_TOTP_SECRET) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTNER_STAFF


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@test.example")
    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTNER_STAFF
