"""The services a track plans, edited by coordinators on the programme's pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mile.conftest import World, client_for
from mile.programmes.models import Track
from mile.programmes.services import clean_track_services


def _comprehensive(world: World) -> Track:
    return world.programme.tracks.get(name="Comprehensive")


def _lines(*lines: tuple[str, str], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form-TOTAL_FORMS": str(len(lines)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "10",
    }
    for i, (service, hours) in enumerate(lines):
        data[f"form-{i}-service"] = service
        data[f"form-{i}-hours"] = hours
    return data


def test_it_lets_a_coordinator_set_the_planned_services_of_a_track(world: World) -> None:
    track = _comprehensive(world)
    client = client_for(world, "coordinator")
    url = reverse("programmes:track_services", kwargs={"pk": track.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _lines(
            ("skills_assessment", "4"),
            ("technical_training", "120"),
            ("", ""),
            ("job_guidance", "2.5"),
        ),
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert track.planned_services == [
        {"service": "skills_assessment", "hours": 4},
        {"service": "technical_training", "hours": 120},
        {"service": "job_guidance", "hours": 2.5},
    ]
    page = client.get(reverse("programmes:programme_detail", kwargs={"pk": world.programme.pk}))
    content = page.content.decode()
    assert "Technical training (120 h)" in content
    assert "Job guidance session (2.5 h)" in content
    assert "Edit the planned services" in content


def test_it_refuses_a_service_listed_twice_and_keeps_what_was_typed(world: World) -> None:
    track = _comprehensive(world)
    response = client_for(world, "coordinator").post(
        reverse("programmes:track_services", kwargs={"pk": track.pk}),
        _lines(("tutoring", "10"), ("tutoring", "7"), ("", "3")),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "This service is already listed. Add the hours together." in content
    assert "Choose the service these hours are for." in content
    assert 'value="7"' in content
    track.refresh_from_db()
    assert track.planned_services == []


def test_it_refuses_hours_out_of_range(world: World) -> None:
    response = client_for(world, "coordinator").post(
        reverse("programmes:track_services", kwargs={"pk": _comprehensive(world).pk}),
        _lines(("tutoring", "0"), ("counselling", "5000")),
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("persona", "status"),
    [("caseworker", 403), ("evaluator", 403), ("other_programme_user", 404)],
)
def test_it_lets_only_those_who_manage_the_programme_change_a_track(
    world: World, persona: str, status: int
) -> None:
    track = _comprehensive(world)
    response = client_for(world, persona).post(
        reverse("programmes:track_services", kwargs={"pk": track.pk}),
        _lines(("tutoring", "10")),
    )
    assert response.status_code == status
    track.refresh_from_db()
    assert track.planned_services == []
    page = client_for(world, "caseworker").get(
        reverse("programmes:programme_detail", kwargs={"pk": world.programme.pk})
    )
    assert "Edit the planned services" not in page.content.decode()


def test_it_checks_the_planned_services_stored_on_a_track() -> None:
    assert clean_track_services(
        [{"service": "validation", "hours": "6.0"}, {"service": "counselling", "hours": None}]
    ) == [{"service": "validation", "hours": 6}, {"service": "counselling", "hours": None}]
    assert clean_track_services(None) == []
    for bad in (
        {"service": "tutoring"},
        [{"service": "cooking", "hours": 3}],
        [{"service": "tutoring", "hours": -1}],
        [{"service": "tutoring", "hours": True}],
        [{"service": "tutoring", "hours": "many"}],
        [{"service": "tutoring", "hours": 2}, {"service": "tutoring", "hours": 3}],
        [{"service": "tutoring", "hours": 2, "price": 10}],
    ):
        with pytest.raises(ValidationError):
            clean_track_services(bad)
