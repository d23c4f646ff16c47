"""Employers, offers and proposals for tests, placed in the shared test world's sites."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from mile.employers.models import Employer, Offer, OfferStatus, Proposal
from mile.participants.models import Consent, Participant, Purpose
from mile.programmes.models import Organisation, Site


class EmployerFactory(factory.django.DjangoModelFactory[Employer]):
    class Meta:
        model = Employer

    programme = factory.LazyAttribute(lambda o: o.site.programme)


class OfferFactory(factory.django.DjangoModelFactory[Offer]):
    class Meta:
        model = Offer

    title = factory.Sequence(lambda n: f"Kitchen assistant {n}")
    site = factory.LazyAttribute(lambda o: o.employer.site)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    places = 2
    hours_per_week = 30


def employer_in(site: Site, organisation: Organisation, **kwargs: Any) -> Employer:
    """The organisation as an employer of the site's programme (one per programme)."""
    employer, _ = Employer.objects.get_or_create(
        programme=site.programme, organisation=organisation, defaults={"site": site, **kwargs}
    )
    return employer


def offer_of(employer: Employer, **kwargs: Any) -> Offer:
    return OfferFactory(employer=employer, **kwargs)


def consenting(participant: Participant) -> Participant:
    """The person agreed to share their profile with employers."""
    Consent.objects.create(
        participant=participant,
        purpose=Purpose.EMPLOYERS,
        given=True,
        wording_version="test",
        language="en",
    )
    return participant


def proposal_for(offer: Offer, participant: Participant, **kwargs: Any) -> Proposal:
    if offer.status != OfferStatus.OPEN:
        Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.OPEN)
        offer.status = OfferStatus.OPEN
    return Proposal.objects.create(offer=offer, participant=participant, **kwargs)
