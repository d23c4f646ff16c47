"""Skill gaps of a person's near-misses, and what would close them.

For the best offers a person does not fully fit, the essential skills they miss are counted
(a skill missing from several good offers matters more), and each comes with the programme's
courses that teach it (published, not over) and the ESCO skills related to it, for the case
worker to add to the integration plan.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from mile.activities.models import Course, CourseStatus
from mile.participants.models import Participant
from mile.placements.matching import Match, offers_for
from mile.taxonomy.models import Concept, SkillRelation

# A near-miss: good enough to be worth closing the gap, not already a full fit.
NEAR_MISS_FROM = 0.4
OFFERS_LOOKED_AT = 10
RELATED_PER_SKILL = 5


@dataclass
class Gap:
    skill: Concept
    # How many of the near-miss offers need it.
    offers: int
    courses: list[Course] = field(default_factory=list)
    related: list[Concept] = field(default_factory=list)


def skill_gaps(
    user: Any, participant: Participant, matches: list[Match] | None = None
) -> list[Gap]:
    """The missing essential skills of the person's near-misses, most needed first."""
    ranked = matches if matches is not None else offers_for(user, participant, k=OFFERS_LOOKED_AT)
    counts: Counter[str] = Counter()
    for m in ranked:
        if m.score < NEAR_MISS_FROM:
            continue
        for code, params in m.reasons:
            if code == "essential":
                counts.update(params.get("missing", ()))
    if not counts:
        return []
    concepts = {c.uri: c for c in Concept.objects.filter(uri__in=counts).with_labels()}
    gaps = [Gap(concepts[uri], n) for uri, n in counts.most_common() if uri in concepts]
    by_pk = {g.skill.pk: g for g in gaps}
    today = timezone.now()
    courses = (
        Course.objects.filter(
            programme_id=participant.programme_id,
            status=CourseStatus.PUBLISHED,
            skills__in=list(by_pk),
        )
        .annotate(last=Max("sessions__ends_at"))
        .distinct()
        .prefetch_related("skills")
        .order_by("title")
    )
    for course in courses:
        if course.last is not None and course.last < today:
            continue
        for skill in course.skills.all():
            if skill.pk in by_pk:
                by_pk[skill.pk].courses.append(course)
    owned = set(participant.skills.values_list("skill_id", flat=True))
    related: dict[int, list[int]] = {}
    for a, b in SkillRelation.objects.filter(skill_id__in=list(by_pk)).values_list(
        "skill_id", "related_id"
    ):
        if b not in owned and b not in by_pk:
            related.setdefault(a, []).append(b)
    wanted = {b for ids in related.values() for b in ids[:RELATED_PER_SKILL]}
    labelled = {c.pk: c for c in Concept.objects.filter(pk__in=wanted).with_labels()}
    for pk, ids in related.items():
        by_pk[pk].related = [labelled[b] for b in ids[:RELATED_PER_SKILL] if b in labelled]
    return gaps
