"""A new candidacy is told by e-mail: to the company, under the pseudonym; to the person."""

from __future__ import annotations

from typing import Any

import pytest

from mile.accounts.models import User
from mile.conftest import World
from mile.employers import services
from mile.employers.models import Offer, OfferStatus
from mile.employers.tests.factories import consenting, employer_in, offer_of
from mile.participants.models import Participant, Status
from mile.participants.tests.factories import participant_in

pytestmark = pytest.mark.django_db


def _open_offer(world: World) -> Offer:
    offer = offer_of(employer_in(world.site, world.employer), title="Kitchen help")
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.OPEN)
    offer.refresh_from_db()
    return offer


def test_it_tells_the_company_in_its_language_without_the_name(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    contact = world.users["employer_contact"]
    User.objects.filter(pk=contact.pk).update(language="de")
    person = consenting(participant_in(world.site, status=Status.ACTIVE, given_names="Amal"))
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_create(
            by=world.users["coordinator"], offer=_open_offer(world), participant=person
        )
    (mail,) = [m for m in mailoutbox if contact.email in m.to]
    assert "Kitchen help" in mail.subject
    assert proposal.reference in mail.body
    assert f"/de/candidates/{proposal.pk}/" in mail.body
    assert "Amal" not in mail.subject + mail.body
    assert person.family_name not in mail.body


def test_it_tells_the_person_only_on_their_own_account(
    world: World, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    offer = _open_offer(world)
    without = consenting(participant_in(world.site, status=Status.ACTIVE))
    with_account = consenting(participant_in(world.site, status=Status.ACTIVE))
    user = User.objects.create_user("amal@example.org", None, full_name="Amal", language="it")
    Participant.objects.filter(pk=with_account.pk).update(user=user)
    with_account.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_create(by=world.users["coordinator"], offer=offer, participant=without)
        proposal = services.proposal_create(
            by=world.users["coordinator"], offer=offer, participant=with_account
        )
    to_people = [m for m in mailoutbox if world.users["employer_contact"].email not in m.to]
    (mail,) = to_people
    assert mail.to == ["amal@example.org"]
    assert f"/it/proposals/{proposal.pk}/answer/" in mail.body
    assert world.employer.name in mail.body
