"""Matchable people, open offers and started placements in the shared test world."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from mile.employers.models import Decision, Offer, OfferLanguage, OfferSkill, OfferStatus, Proposal
from mile.employers.tests.factories import consenting, employer_in, offer_of
from mile.participants.models import LanguageSkill, Participant, ParticipantSkill, Status
from mile.participants.tests.factories import participant_in
from mile.placements import services
from mile.placements.models import Placement
from mile.programmes.models import Site
from mile.taxonomy.models import Concept

SKILL = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"


def concept(name: str) -> Concept:
    """A concept of the tiny ESCO of the ``esco`` fixture: "cook", "java", "team", "drive"."""
    prefix = OCC if name in ("chef", "dev") else SKILL
    return Concept.objects.get(uri=prefix + name)


def open_offer(
    site: Site,
    organisation: Any,
    *,
    essential: tuple[str, ...] = ("cook",),
    optional: tuple[str, ...] = (),
    languages: dict[str, str] | None = None,
    **kwargs: Any,
) -> Offer:
    """A published offer of the organisation at the site, with ESCO skills and languages."""
    kwargs.setdefault("occupation", concept("chef"))
    offer = offer_of(employer_in(site, organisation), **kwargs)
    for name in essential:
        OfferSkill.objects.create(offer=offer, skill=concept(name), essential=True)
    for name in optional:
        OfferSkill.objects.create(offer=offer, skill=concept(name), essential=False)
    for language, level in (languages or {}).items():
        OfferLanguage.objects.create(offer=offer, language=language, min_level=level)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.OPEN)
    offer.refresh_from_db()
    return offer


def matchable_person(
    site: Site,
    *,
    skills: tuple[str, ...] = ("cook",),
    languages: dict[str, str] | None = None,
    consent: bool = True,
    **kwargs: Any,
) -> Participant:
    """An active participant with ESCO skills and spoken languages (level on all five skills)."""
    kwargs.setdefault("status", Status.ACTIVE)
    person = participant_in(site, **kwargs)
    for name in skills:
        ParticipantSkill.objects.create(
            participant=person,
            skill=concept(name),
            evidence=ParticipantSkill.Evidence.DECLARED,
            origin=ParticipantSkill.Origin.MANUAL,
        )
    for language, level in (languages or {}).items():
        LanguageSkill.objects.create(
            participant=person,
            language=language,
            listening=level,
            reading=level,
            spoken_interaction=level,
            spoken_production=level,
            writing=level,
            assessment=LanguageSkill.Assessment.SELF,
        )
    return consenting(person) if consent else person


def accepted(offer: Offer, person: Participant, **kwargs: Any) -> Proposal:
    """A proposal both sides accepted."""
    return Proposal.objects.create(
        offer=offer,
        participant=person,
        decision=Decision.ACCEPTED,
        decided_at=timezone.now(),
        participant_answer=Decision.ACCEPTED,
        participant_answered_at=timezone.now(),
        **kwargs,
    )


def started(by: Any, offer: Offer, person: Participant, *, days_ago: int = 0) -> Placement:
    """A placement started ``days_ago`` days ago, through the service (follow-ups included)."""
    return services.placement_start(
        by=by,
        proposal=accepted(offer, person),
        fields={
            "starts_on": timezone.localdate() - dt.timedelta(days=days_ago),
            "company_tutor": "Greta Tutorin",
            "programme_tutor": by,
        },
    )
