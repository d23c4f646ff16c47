"""Signing in: e-mail and password, then TOTP for roles that see personal data; lockout."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mile.accounts.models import User
from mile.conftest import World
from mile.core.roles import Role
from mile.core.tests.factories import (
    TEST_PASSWORD,
    TEST_TOTP_SECRET,
    MembershipFactory,
    UserFactory,
    totp_code,
)


def _login(client: Client, email: str, password: str = TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_it_asks_for_the_totp_code_and_lands_on_the_dashboard_in_the_users_language(
    world: World,
) -> None:
    user = world.users["caseworker"]
    user.language = "de"
    user.save()
    client = Client()
    response = _login(client, user.email)
    assert response.status_code == 302
    assert response["Location"].endswith("/account/2fa/authenticate/")
    # Password alone is not a session.
    assert client.get(reverse("core:dashboard")).status_code == 302
    code = totp_code(TEST_TOTP_SECRET)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/de/"
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 200
    assert 'lang="de"' in dashboard.content.decode()


def test_it_refuses_a_wrong_totp_code(world: World) -> None:
    client = Client()
    response = _login(client, world.users["coordinator"].email)
    response = client.post(response["Location"], {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_it_makes_personal_data_roles_enrol_totp_before_anything_else(world: World) -> None:
    user = UserFactory()
    MembershipFactory(
        user=user, programme=world.programme, organisation=world.partner, role=Role.PARTNER_STAFF
    )
    client = Client()
    response = _login(client, user.email)
    assert response.status_code == 302
    for name in ("core:dashboard", "programmes:organisation_list", "accounts:profile"):
        blocked = client.get(reverse(name))
        assert blocked.status_code == 302
        assert blocked["Location"].endswith("/account/2fa/totp/activate/")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]


def test_it_lets_a_stakeholder_in_without_a_second_factor(world: World) -> None:
    user = UserFactory()
    MembershipFactory(
        user=user,
        programme=world.programme,
        organisation=world.stakeholder_org,
        role=Role.STAKEHOLDER,
    )
    client = Client()
    response = _login(client, user.email)
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


@pytest.mark.parametrize("attempts", [5])
def test_it_locks_the_account_after_repeated_failures(world: World, attempts: int) -> None:
    email = world.users["stakeholder"].email
    client = Client()
    for _ in range(attempts):
        _login(client, email, "wrong-password-123")
    # Even the right password is refused while locked.
    response = _login(client, email)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()


def test_it_has_no_self_sign_up(world: World) -> None:
    response = Client().post(
        "/en/account/signup/",
        {
            "email": "walk-in@test.example",
            "password1": "Sunny-orchard-42",
            "password2": "Sunny-orchard-42",
        },
    )
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="walk-in@test.example").exists()


def test_it_accepts_a_recovery_code_once_instead_of_the_totp_code(world: World) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = world.users["coordinator"]
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    first = Client()
    step = _login(first, user.email)
    assert first.post(step["Location"], {"code": code}).status_code == 302
    assert first.get(reverse("core:dashboard")).status_code == 200
    second = Client()
    step = _login(second, user.email)
    assert second.post(step["Location"], {"code": code}).status_code == 200
    assert second.get(reverse("core:dashboard")).status_code == 302


def test_it_keeps_the_totp_secret_encrypted_at_rest(world: World) -> None:
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=world.users["coordinator"], type="totp").data["secret"]
    assert TEST_TOTP_SECRET not in stored
