from __future__ import annotations

from django.test import Client
from django.urls import reverse

from mile.accounts.models import ApiToken
from mile.conftest import World, client_for


def test_it_saves_the_language_chosen_in_the_profile(world: World) -> None:
    client = client_for(world, "caseworker")
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Case Worker", "language": "sv"}
    )
    assert response.status_code == 302
    world.users["caseworker"].refresh_from_db()
    assert world.users["caseworker"].language == "sv"


def test_it_keeps_what_was_typed_when_the_profile_is_invalid(world: World) -> None:
    client = client_for(world, "caseworker")
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Typed Name", "language": "xx"}
    )
    assert response.status_code == 200
    assert 'value="Typed Name"' in response.content.decode()
    world.users["caseworker"].refresh_from_db()
    assert world.users["caseworker"].full_name != "Typed Name"


def test_it_remembers_the_switched_language_and_stays_on_the_page(world: World) -> None:
    client = client_for(world, "coordinator")
    response = client.post(reverse("set_language"), {"language": "el", "next": "/en/programmes/"})
    assert response.status_code == 302
    assert response["Location"] == "/el/programmes/"
    world.users["coordinator"].refresh_from_db()
    assert world.users["coordinator"].language == "el"


def test_it_refuses_to_redirect_the_language_switch_elsewhere(world: World) -> None:
    response = Client().post(
        reverse("set_language"), {"language": "it", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_shows_a_new_token_once_and_stores_only_its_hash(world: World) -> None:
    client = client_for(world, "evaluator")
    response = client.post(reverse("accounts:token_create"), {"name": "reporting script"})
    assert response.status_code == 200
    key = response.context["key"]
    token = ApiToken.objects.get(user=world.users["evaluator"])
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(token.prefix)
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.status_code == 200
    assert me.json()["email"] == world.users["evaluator"].email
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "reporting script" in profile
    assert key not in profile


def test_it_refuses_a_revoked_or_unknown_token(world: World) -> None:
    token, key = ApiToken.issue(user=world.users["coordinator"], name="old")
    client_for(world, "coordinator").post(reverse("accounts:token_revoke", kwargs={"pk": token.pk}))
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."
    unknown = Client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense")
    assert unknown.status_code == 401


def test_it_creates_a_token_from_the_command_line(world: World, capsys) -> None:
    from django.core.management import call_command

    call_command("token", "create", world.users["coordinator"].email, "--name", "cron")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    response = Client().get("/api/v1/programmes/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_it_lists_people_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    from mile.core.roles import Role
    from mile.core.tests.factories import MembershipFactory

    client = client_for(world, "coordinator")
    client.get(reverse("accounts:member_list"))
    for _ in range(15):
        MembershipFactory(
            programme=world.programme, organisation=world.partner, role=Role.PARTNER_STAFF
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:member_list"))
    assert len(response.context["page"].object_list) == 22


def test_it_shows_the_dashboard_in_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    client = client_for(world, "admin")
    with django_assert_max_num_queries(14):
        response = client.get(reverse("core:dashboard"))
    assert len(response.context["summaries"]) == 2
