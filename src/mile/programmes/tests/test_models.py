from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mile.conftest import World
from mile.core.tests.factories import ProgrammeFactory, SiteFactory
from mile.programmes.models import Involvement, Relation


def test_it_refuses_a_programme_that_ends_before_it_starts(db: None) -> None:
    programme = ProgrammeFactory.build(starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "ends_on" in error.value.message_dict


def test_it_refuses_unknown_language_codes(db: None) -> None:
    programme = ProgrammeFactory.build(languages=["en", "zz"])
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "zz" in str(error.value.message_dict["languages"])


def test_it_allows_one_lead_partner_per_programme(world: World) -> None:
    with pytest.raises(IntegrityError):
        Involvement.objects.create(
            programme=world.programme, organisation=world.other_employer, relation=Relation.LEAD
        )


def test_it_requires_the_lead_of_a_site_to_be_a_partner(world: World) -> None:
    site = SiteFactory.build(
        programme=world.programme, lead_partner=world.employer, city="Graz", country="AT"
    )
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "lead_partner" in error.value.message_dict
