from __future__ import annotations

from django.test import Client

from mile.accounts.models import ApiToken
from mile.conftest import World, client_for


def test_it_lists_organisations_in_scope_paginated_and_filtered(world: World) -> None:
    client = client_for(world, "caseworker")
    data = client.get("/api/v1/organisations/", {"type": "employer"}).json()
    assert data["count"] == 2
    assert {o["name"] for o in data["results"]} == {"Alpenblick Test GmbH", "Officine Test"}
    assert {"next", "previous"} <= data.keys()
    page = client.get("/api/v1/organisations/", {"page_size": 2}).json()
    assert len(page["results"]) == 2
    assert page["next"]


def test_it_answers_404_as_json_for_another_programmes_records(world: World) -> None:
    _token, key = ApiToken.issue(user=world.users["other_programme_user"], name="t")
    response = Client().get(
        f"/api/v1/organisations/{world.partner.pk}/", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert response.status_code == 404
    body = response.json()
    assert body["errors"] == {}
    assert body["detail"] == "Not found."


def test_it_explains_a_bad_filter_field_by_field(world: World) -> None:
    response = client_for(world, "coordinator").get("/api/v1/organisations/", {"type": "spaceship"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The data sent is not valid."
    assert "type" in body["errors"]


def test_it_describes_the_api_in_openapi_3(world: World) -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "openapi: 3" in text or '"openapi": "3' in text
    for path in ("/api/v1/organisations/", "/api/v1/programmes/", "/api/v1/sites/", "/api/v1/me/"):
        assert path in text


def test_it_serves_the_interactive_docs_from_vendored_assets(world: World) -> None:
    response = Client().get("/en/api/docs/")
    content = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in content
    assert "cdn" not in content.lower()


def test_it_answers_ids_beyond_the_database_with_4xx_not_a_crash(world: World) -> None:
    client = client_for(world, "coordinator")
    huge = 2**70
    assert client.get(f"/api/v1/organisations/{huge}/").status_code == 404
    assert client.get("/api/v1/organisations/", {"programme": huge}).status_code == 400
    assert client.get("/api/v1/sites/", {"programme": huge}).status_code == 400
    assert client.get(f"/en/organisations/{huge}/").status_code == 404
