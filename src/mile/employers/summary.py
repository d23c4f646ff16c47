"""Employers' needs counted across the employers a reader sees: each company's newest assessment.

Plain functions over a queryset of employers, returning dataclasses; a fixed number of queries
however many employers there are (the newest assessment of each is found in one subquery).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from mile.employers.models import Employer, NeedsAssessment, Obstacle, Support
from mile.taxonomy.models import Concept

TOP = 10


@dataclass(frozen=True)
class ChoiceCount:
    value: str
    label: str
    employers: int
    share: float  # per cent of the employers assessed


@dataclass(frozen=True)
class ConceptCount:
    concept_id: int
    label: str
    employers: int


@dataclass(frozen=True)
class OtherAnswer:
    """What a company wrote under "other", beside the listed obstacles and support."""

    employer_id: int
    company: str
    assessed_on: dt.date
    obstacles_other: str
    support_other: str


@dataclass(frozen=True)
class NeedsSummary:
    employers: int  # in the reader's scope and the filters
    assessed: int  # of which have at least one assessment
    planned_hires: int
    obstacles: list[ChoiceCount]
    support: list[ChoiceCount]
    occupations: list[ConceptCount]
    skills: list[ConceptCount]
    other_answers: list[OtherAnswer]

    def chart_data(self) -> dict[str, Any]:
        """What needs_charts.js draws, labels already in the reader's language."""

        def series(counts: list[ChoiceCount]) -> dict[str, list[Any]]:
            return {"labels": [c.label for c in counts], "counts": [c.employers for c in counts]}

        return {
            "axis": _("Employers"),
            "obstacles": series(self.obstacles),
            "support": series(self.support),
        }


def latest_assessments(employers: QuerySet[Employer]) -> QuerySet[NeedsAssessment]:
    """The newest assessment of each employer (by date, then the later recorded), one query."""
    newest = (
        NeedsAssessment.objects.filter(employer=OuterRef("pk"))
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    return NeedsAssessment.objects.filter(
        pk__in=employers.annotate(latest=Subquery(newest)).values("latest")
    )


def _choice_counts(
    answers: list[list[str]], choices: type[models.TextChoices], assessed: int
) -> list[ChoiceCount]:
    """Every choice, cited or not, the most cited first (then in the list's order)."""
    cited = Counter(value for values in answers for value in set(values or []))
    counts = [
        ChoiceCount(
            value=value,
            label=str(label),
            employers=cited[value],
            share=100 * cited[value] / assessed if assessed else 0.0,
        )
        for value, label in choices.choices
    ]
    return sorted(counts, key=lambda c: -c.employers)


def _top_concepts(
    through: type[models.Model], latest: QuerySet[NeedsAssessment], language: str
) -> list[ConceptCount]:
    top = list(
        through._default_manager.filter(needsassessment__in=latest)
        .values("concept_id")
        .annotate(employers=Count("needsassessment_id"))
        .order_by("-employers", "concept_id")
        .values_list("concept_id", "employers")[:TOP]
    )
    concepts = Concept.objects.with_labels(language).in_bulk([pk for pk, _n in top])
    counts = [
        ConceptCount(concept_id=pk, label=concepts[pk].label(language), employers=n)
        for pk, n in top
        if pk in concepts
    ]
    return sorted(counts, key=lambda c: (-c.employers, c.label.casefold()))


def needs_summary(
    employers: QuerySet[Employer],
    *,
    language: str,
    shows_answers: Callable[[int], bool] = lambda programme_id: False,
) -> NeedsSummary:
    """Counts over the newest assessment of each of ``employers``.

    ``shows_answers(programme_id)`` tells whether the reader sees the free texts of the
    employers of that programme (staff do; evaluators count without reading them).
    """
    latest = latest_assessments(employers)
    rows = list(
        latest.order_by("employer__organisation__name", "employer_id").values(
            "employer_id",
            "employer__programme_id",
            "employer__organisation__name",
            "assessed_on",
            "planned_hires",
            "obstacles",
            "support",
            "obstacles_other",
            "support_other",
        )
    )
    assessed = len(rows)
    return NeedsSummary(
        employers=employers.count(),
        assessed=assessed,
        planned_hires=sum(r["planned_hires"] or 0 for r in rows),
        obstacles=_choice_counts([r["obstacles"] for r in rows], Obstacle, assessed),
        support=_choice_counts([r["support"] for r in rows], Support, assessed),
        occupations=_top_concepts(NeedsAssessment.occupations.through, latest, language)
        if assessed
        else [],
        skills=_top_concepts(NeedsAssessment.skills.through, latest, language) if assessed else [],
        other_answers=[
            OtherAnswer(
                employer_id=r["employer_id"],
                company=r["employer__organisation__name"],
                assessed_on=r["assessed_on"],
                obstacles_other=r["obstacles_other"],
                support_other=r["support_other"],
            )
            for r in rows
            if (r["obstacles_other"].strip() or r["support_other"].strip())
            and shows_answers(r["employer__programme_id"])
        ],
    )
