"""Retention and hiring after placements, per site, employer or occupation.

Definitions (decision 0019), over the placements in the reader's scope:

- **started**: placements that started (on or before today);
- **retention at m months**: of the placements whose m-month check-in is recorded, the share
  where the person was still placed or hired; the base is shown beside each rate, since a
  rate over three check-ins says little;
- **hired**: the share of started placements with a "hired" outcome at any check-in;
- **left**: the share that ended early or had a "left" outcome, with the reasons counted.

One query reads every row; the grouping is done in Python, so the page costs the same few
queries whatever the number of placements.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from mile.placements.models import (
    FOLLOW_UP_MONTHS,
    FollowUp,
    LeftReason,
    Outcome,
    Placement,
    PlacementStatus,
)

BY = ("site", "employer", "occupation")


@dataclass
class Rate:
    """A share with its numerator and base; ``value`` is None when the base is 0."""

    count: int = 0
    base: int = 0

    @property
    def value(self) -> float | None:
        return self.count / self.base if self.base else None


@dataclass
class Row:
    key: Any
    label: str
    started: int = 0
    ongoing: int = 0
    retention: dict[int, Rate] = field(
        default_factory=lambda: {m: Rate() for m in FOLLOW_UP_MONTHS}
    )
    hired: Rate = field(default_factory=Rate)
    left: Rate = field(default_factory=Rate)
    left_reasons: Counter[str] = field(default_factory=Counter)


def _group_key(by: str, p: dict[str, Any]) -> tuple[Any, str]:
    if by == "site":
        return p["offer__site_id"], p["offer__site__city"] or ""
    if by == "employer":
        return p["offer__employer_id"], p["offer__employer__organisation__name"]
    return p["offer__occupation_id"], p["occupation_label"] or ""


def outcome_rows(placements: QuerySet[Placement], by: str = "site") -> tuple[list[Row], Row]:
    """Rows per group, sorted by label, and the total row."""
    if by not in BY:
        raise ValueError(f"group by one of {BY}")
    today = timezone.localdate()
    items: list[dict[str, Any]] = [
        dict(row)
        for row in placements.filter(starts_on__lte=today).values(
            "pk",
            "status",
            "end_reason",
            "offer__site_id",
            "offer__site__city",
            "offer__employer_id",
            "offer__employer__organisation__name",
            "offer__occupation_id",
            "offer__occupation__uri",
        )
    ]
    checks: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for pid, months, outcome, reason in FollowUp.objects.filter(
        placement_id__in=[p["pk"] for p in items], done_on__isnull=False
    ).values_list("placement_id", "months", "outcome", "left_reason"):
        checks[pid].append((months, outcome, reason))
    labels = (
        _occupation_labels(p["offer__occupation__uri"] for p in items) if by == "occupation" else {}
    )
    groups: dict[Any, Row] = {}
    total = Row(None, "")
    for p in items:
        p["occupation_label"] = labels.get(p["offer__occupation__uri"], "")
        key, label = _group_key(by, p)
        row = groups.setdefault(key, Row(key, label))
        for target in (row, total):
            _add(target, p, checks[p["pk"]])
    rows = sorted(groups.values(), key=lambda r: (r.label == "", r.label.casefold()))
    return rows, total


def _add(row: Row, p: dict[str, Any], checks: list[tuple[int, str, str]]) -> None:
    row.started += 1
    row.ongoing += p["status"] == PlacementStatus.ONGOING
    outcomes = {outcome for _m, outcome, _r in checks}
    for months, outcome, _reason in checks:
        rate = row.retention[months]
        rate.base += 1
        rate.count += outcome in (Outcome.STILL_PLACED, Outcome.HIRED)
    row.hired.base += 1
    row.hired.count += Outcome.HIRED in outcomes
    row.left.base += 1
    left = p["status"] == PlacementStatus.ENDED_EARLY or Outcome.LEFT in outcomes
    row.left.count += left
    if left:
        reasons = [r for _m, o, r in checks if o == Outcome.LEFT and r] or [p["end_reason"]]
        row.left_reasons[reasons[0] or LeftReason.OTHER] += 1


def _occupation_labels(uris: Iterable[str | None]) -> dict[str, str]:
    from mile.placements.explain import concept_labels

    return concept_labels(u for u in uris if u)
