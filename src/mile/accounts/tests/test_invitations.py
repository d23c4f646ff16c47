from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from mile.accounts.models import Invitation, Membership, User
from mile.accounts.services import invitation_token
from mile.conftest import World, client_for
from mile.core.roles import Role
from mile.core.tests.factories import InvitationFactory


def _invite(client: Client, world: World, **overrides: object) -> object:
    data = {
        "email": "New.Person@Test.example",
        "full_name": "Nadia Newcomer",
        "programme": world.programme.pk,
        "organisation": world.partner.pk,
        "site": world.site.pk,
        "role": Role.PARTNER_STAFF,
        "language": "it",
        **overrides,
    }
    return client.post(reverse("accounts:invitation_create"), data)


def _link_from(message: mail.EmailMessage) -> str:
    match = re.search(r"http://\S+/invite/\S+/", message.body)
    assert match, message.body
    return match.group(0).replace("http://127.0.0.1:8000", "")


def test_it_sends_the_invitation_in_the_chosen_language_through_the_task_queue(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(world, "coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, world)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@test.example"]
    assert "Invito" in message.subject  # Italian, as chosen for the invitee
    assert "/it/invite/" in message.body
    invitation = Invitation.objects.get(email="new.person@test.example")
    assert invitation.sent_at is not None


def test_it_turns_an_accepted_invitation_into_an_account_and_a_membership(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(world, "coordinator"), world)
    link = _link_from(mail.outbox[0])
    newcomer = Client()
    assert newcomer.get(link).status_code == 200
    response = newcomer.post(
        link,
        {
            "full_name": "Nadia Newcomer",
            "password1": "Sunny-orchard-42",
            "password2": "Sunny-orchard-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@test.example")
    assert user.language == "it"
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.organisation, membership.site) == (
        Role.PARTNER_STAFF,
        world.partner,
        world.site,
    )
    # Partner staff see personal data: the first page they reach is the TOTP enrolment.
    follow = newcomer.get(reverse("core:dashboard"))
    assert follow.status_code == 302
    assert follow["Location"].endswith("/account/2fa/totp/activate/")
    # The link works once.
    again = Client().get(link)
    assert again.status_code == 410


def test_it_refuses_a_weak_password_and_keeps_what_was_typed(world: World) -> None:
    invitation = InvitationFactory(programme=world.programme, organisation=world.partner)
    url = reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation)})
    response = Client().post(
        url, {"full_name": "Nadia Newcomer", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nadia Newcomer" in content
    assert "This password is too short" in content
    assert not User.objects.filter(email=invitation.email).exists()


def test_it_rejects_an_expired_or_tampered_link(world: World, settings) -> None:
    invitation = InvitationFactory(programme=world.programme, organisation=world.partner)
    token = invitation_token(invitation)
    tampered = Client().get(
        reverse("accounts:invitation_accept", kwargs={"token": token[:-2] + "xx"})
    )
    assert tampered.status_code == 410
    assert "not valid" in tampered.content.decode()
    settings.INVITATION_MAX_AGE_DAYS = -1
    expired = Client().get(reverse("accounts:invitation_accept", kwargs={"token": token}))
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    with pytest.raises(signing.BadSignature):
        signing.loads(token[:-2] + "xx", salt="mile.accounts.invitation")


def test_it_refuses_a_revoked_invitation(world: World) -> None:
    invitation = InvitationFactory(programme=world.programme, organisation=world.partner)
    client = client_for(world, "coordinator")
    client.post(reverse("accounts:invitation_revoke", kwargs={"pk": invitation.pk}))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    response = Client().get(
        reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation)})
    )
    assert response.status_code == 410


def test_it_shows_form_errors_and_saves_nothing_for_a_bad_invitation(world: World) -> None:
    client = client_for(world, "coordinator")
    response = _invite(
        client,
        world,
        email="not-an-address",
        organisation=world.other_partner.pk,
        site=world.other_site.pk,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert 'value="not-an-address"' in content
    assert not Invitation.objects.exists()


def test_it_lets_no_partner_staff_invite(world: World) -> None:
    response = _invite(client_for(world, "caseworker"), world)
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_offers_only_the_inviters_programmes(world: World) -> None:
    response = _invite(client_for(world, "other_programme_user"), world)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Invitation.objects.exists()


def test_it_lets_only_administrators_hand_out_the_admin_role(world: World) -> None:
    response = _invite(client_for(world, "coordinator"), world, role=Role.ADMIN)
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_it_refuses_a_second_pending_invitation_for_the_same_role(world: World) -> None:
    client = client_for(world, "coordinator")
    assert _invite(client, world).status_code == 302
    again = _invite(client, world)
    assert again.status_code == 200
    assert "An invitation for this role is already waiting." in again.content.decode()
    assert Invitation.objects.count() == 1
