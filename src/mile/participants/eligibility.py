"""Eligibility of a participant under their programme's rules, with a reason for each check.

The rules are the programme's (``Programme.eligibility``): a minimum age, whether only
third-country nationals may join, and which residence or protection statuses qualify. A case
worker confirms eligibility; when a check fails they may override it, giving a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from mile.participants.models import Participant, ResidenceStatus

# The 27 member states: a person holding one of these nationalities is not a TCN.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)
DEFAULT_RULES: dict[str, Any] = {"min_age": 18, "third_country_only": True, "statuses": []}


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    reason: str


def rules_of(participant: Participant) -> dict[str, Any]:
    return {**DEFAULT_RULES, **(participant.programme.eligibility or {})}


def check(participant: Participant, *, on: dt.date | None = None) -> list[Check]:
    rules = rules_of(participant)
    today = on or timezone.localdate()
    checks = []
    age = participant.age(today)
    checks.append(
        Check(
            "age",
            age >= rules["min_age"],
            _("%(age)s years old; the programme requires %(min)s or more.")
            % {"age": age, "min": rules["min_age"]},
        )
    )
    if rules["third_country_only"]:
        eu = sorted(c.code for c in participant.nationalities if c.code in EU_COUNTRIES)
        checks.append(
            Check(
                "third_country_national",
                not eu,
                _("Holds the nationality of an EU country (%(countries)s).")
                % {"countries": ", ".join(eu)}
                if eu
                else _("No nationality of an EU country."),
            )
        )
    allowed = rules["statuses"]
    status = participant.residence_status
    checks.append(
        Check(
            "residence",
            not allowed or status in allowed,
            _("%(status)s qualifies for the programme.") % {"status": ResidenceStatus(status).label}
            if not allowed or status in allowed
            else _("%(status)s does not qualify for the programme.")
            % {"status": ResidenceStatus(status).label},
        )
    )
    checks.append(
        Check(
            "site",
            participant.site.programme_id == participant.programme_id,
            _("Lives at the site of %(city)s.") % {"city": participant.site.city},
        )
    )
    return checks


def is_eligible(participant: Participant, *, on: dt.date | None = None) -> bool:
    return all(c.passed for c in check(participant, on=on))
