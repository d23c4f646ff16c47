"""The demo's employers: what a newcomer finds after ``make run`` (ESCO first, then the demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mile.accounts.models import User
from mile.demo.loader import load_demo
from mile.employers.models import (
    Decision,
    Employer,
    Engagement,
    NeedsAssessment,
    Offer,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
    Proposal,
    Workplace,
)
from mile.participants.models import Consent
from mile.programmes.models import Involvement, Relation

pytestmark = pytest.mark.django_db

ALPENBLICK = "Alpenblick Hotelbetriebe Demo GmbH"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> None:
    # The demo stores CVs and evidence photos.
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Employer,
            Workplace,
            NeedsAssessment,
            Engagement,
            Offer,
            OfferSkill,
            OfferLanguage,
            Proposal,
            Consent,
        )
    )


def test_it_gives_every_demo_employer_needs_offers_and_a_log_once(esco: Path, media: None) -> None:
    load_demo()
    involved = Involvement.objects.filter(
        programme__slug__in=["mile", "mirage"], relation=Relation.EMPLOYER
    ).select_related("organisation", "programme")
    assert involved.count() == 6
    for involvement in involved:
        employer = Employer.objects.get(
            programme=involvement.programme, organisation=involvement.organisation
        )
        name = involvement.organisation.name
        assert employer.site.city == involvement.organisation.city, name
        assert employer.workplaces.exclude(latitude=None).exists(), name
        assert employer.needs_assessments.exists(), name
        assert employer.engagements.count() >= 3, name
        assert employer.offers.exists(), name
    statuses = set(Employer.objects.values_list("status", flat=True))
    assert statuses == {"prospect", "engaged", "hosting", "inactive"}
    # Candidates are people of the offer's site who agreed to be shown to employers.
    for proposal in Proposal.objects.select_related("offer", "participant"):
        assert proposal.participant.site_id == proposal.offer.site_id
        assert proposal.participant.consents.filter(purpose="employers", given=True).exists()
    counts = _counts()
    load_demo()
    assert _counts() == counts


def test_it_shows_erik_alpenblick_with_an_open_offer_for_german_b1(esco: Path, media: None) -> None:
    load_demo()
    erik = User.objects.get(email="employer.innsbruck@demo.mile.example")
    alpenblick = Employer.objects.get(organisation__name=ALPENBLICK)
    client = Client()
    client.force_login(erik)
    response = client.get(reverse("employers:portal"))
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:employer_detail", args=[alpenblick.pk])
    offer = alpenblick.offers.get(status=OfferStatus.OPEN)
    assert offer.occupation is not None
    assert offer.skills.filter(essential=True).exists()
    assert offer.languages.filter(language="de", min_level="B1").exists()
    # Current: it starts after the demo was loaded.
    assert offer.starts_on is not None
    assert offer.starts_on > offer.created_at.date()
    assert alpenblick.offers.filter(status=OfferStatus.DRAFT, duplicated_from=offer).exists()
    # Erik has answered two of the candidates; the one he took agreed to share their name.
    answers = dict(
        offer.proposals.exclude(decision=Decision.PENDING).values_list("decision", "decided_by")
    )
    assert answers == {Decision.ACCEPTED: erik.pk, Decision.DECLINED: erik.pk}
    assert offer.proposals.get(decision=Decision.ACCEPTED).identity_shared_at is not None
    assert offer.proposals.filter(decision=Decision.PENDING).exists()


def test_it_loads_the_demo_employers_without_esco(media: None) -> None:
    load_demo()
    assert Employer.objects.count() == 6
    alpenblick = Employer.objects.get(organisation__name=ALPENBLICK)
    assert alpenblick.needs_assessments.count() == 2
    # Publishing needs an essential skill: without ESCO the offers wait as drafts.
    assert alpenblick.offers.filter(status=OfferStatus.DRAFT).count() >= 3
    assert not Offer.objects.filter(status=OfferStatus.OPEN).exists()
    assert not Proposal.objects.exists()
