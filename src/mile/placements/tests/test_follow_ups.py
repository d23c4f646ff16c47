"""The case worker's follow-ups: the list of those due, and recording one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mile.conftest import World, client_for
from mile.employers.models import Offer, OfferStatus
from mile.employers.tests.factories import employer_in, offer_of
from mile.participants.models import Participant, Status
from mile.participants.tests.factories import participant_in
from mile.placements.models import FollowUp, Outcome, Placement, PlacementStatus
from mile.placements.tests.factories import started

pytestmark = pytest.mark.django_db


def _offer(world: World) -> Offer:
    return offer_of(employer_in(world.site, world.employer), status=OfferStatus.OPEN)


def _person(world: World, **kwargs: Any) -> Participant:
    return participant_in(world.site, status=Status.ACTIVE, **kwargs)


def _placement(world: World, *, days_ago: int = 25, **kwargs: Any) -> Placement:
    return started(
        world.users["caseworker"], _offer(world), _person(world, **kwargs), days_ago=days_ago
    )


def _record_url(follow_up: FollowUp) -> str:
    return reverse("placements:follow_up_record", args=[follow_up.pk])


LIST = "/en/follow-ups/"


def test_it_says_when_nothing_is_due(world: World) -> None:
    # Tutored by the case worker, so not the coordinator's own.
    _placement(world, days_ago=0)
    html = client_for(world, "coordinator").get(LIST).content.decode()
    assert "No follow-up of the placements you tutor is due in the next 6 weeks." in html
    assert "Nothing recorded in the last 30 days." in html


def test_it_highlights_an_overdue_follow_up(world: World) -> None:
    placement = _placement(world, days_ago=40, family_name="Haddad")
    html = client_for(world, "caseworker").get(LIST).content.decode()
    assert "Haddad" in html
    assert "overdue" in html
    assert "table-warning" in html
    assert _record_url(placement.follow_ups.get(months=1)) in html


def test_it_records_a_hired_follow_up_and_the_person_becomes_employed(world: World) -> None:
    placement = _placement(world, days_ago=40, family_name="Haddad")
    first = placement.follow_ups.get(months=1)
    client = client_for(world, "caseworker")
    form = client.get(_record_url(first)).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in form
    response = client.post(
        _record_url(first),
        {
            "done_on": timezone.localdate().isoformat(),
            "outcome": Outcome.HIRED,
            "with_employer": "on",
            "with_participant": "on",
            "notes": "Signed a permanent contract.",
        },
    )
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])
    first.refresh_from_db()
    assert first.outcome == Outcome.HIRED
    assert first.recorded_by == world.users["caseworker"]
    assert placement.participant.__class__.objects.get(pk=placement.participant_id).status == (
        Status.EMPLOYED
    )
    html = client.get(LIST).content.decode()
    assert "Recently recorded" in html
    assert "Hired" in html


def test_it_asks_why_the_person_left_and_saves_nothing_without_it(world: World) -> None:
    placement = _placement(world, days_ago=40)
    first = placement.follow_ups.get(months=1)
    client = client_for(world, "caseworker")
    today = timezone.localdate().isoformat()
    response = client.post(
        _record_url(first), {"done_on": today, "outcome": Outcome.LEFT, "notes": "Typed"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why the person left." in html
    assert "Typed" in html
    first.refresh_from_db()
    assert first.done_on is None
    response = client.post(
        _record_url(first),
        {"done_on": today, "outcome": Outcome.LEFT, "left_reason": "other_job"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED_EARLY
    # No one is left at the company to check in with.
    assert list(placement.follow_ups.values_list("months", flat=True)) == [1]


def test_it_refuses_a_check_in_in_the_future(world: World) -> None:
    placement = _placement(world, days_ago=40)
    first = placement.follow_ups.get(months=1)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(world, "caseworker").post(
        _record_url(first), {"done_on": tomorrow, "outcome": Outcome.STILL_PLACED}
    )
    assert response.status_code == 400
    assert "A check-in cannot be recorded in the future." in response.content.decode()


def test_it_keeps_follow_ups_for_staff(world: World) -> None:
    placement = _placement(world, days_ago=40)
    first = placement.follow_ups.get(months=1)
    for persona in ("employer_contact", "stakeholder", "evaluator"):
        assert client_for(world, persona).get(LIST).status_code == 403
    assert client_for(world, "employer_contact").get(_record_url(first)).status_code == 403
    assert client_for(world, "other_partner_user").get(_record_url(first)).status_code == 404
    # The Innsbruck partner follows nobody of Milan: nothing on their list.
    html = client_for(world, "other_partner_user").get(LIST + "?show=all").content.decode()
    assert _record_url(first) not in html
