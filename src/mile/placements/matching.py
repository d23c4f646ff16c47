"""From rows to the engine's plain data and back: who can be matched, to what, and how well.

``mile.matching`` knows nothing of Django; this module reads participants and offers in the
reader's scope, turns them into ``Person`` and ``Offer``, and ranks or assigns them. What
makes a person matchable (decision 0019):

- enrolled or active, not in an ongoing placement nor accepted by both sides elsewhere;
- has agreed to share their profile with employers (``Purpose.EMPLOYERS``), since a
  suggestion is only worth making if it can be proposed;
- a pair already proposed (pending, accepted or declined by either side) is never suggested
  again.

A person's level in a language is the median of the CEFR levels they have on the five skills
(rounded down); a mother tongue counts as C2. Open places are the offer's places less the
candidates the employer has accepted and who have not declined.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from mile.employers.models import Decision, Offer, OfferLanguage, OfferSkill, OfferStatus, Proposal
from mile.matching import model as engine
from mile.matching.explain import Reason, explain
from mile.matching.rank import Index
from mile.matching.score import Fit, fit
from mile.participants.models import (
    Consent,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    Purpose,
    ResidenceStatus,
    Status,
    WorkAuthorisation,
    WorkExperience,
)
from mile.placements.models import Group, PlacementStatus
from mile.taxonomy.models import Concept, EscoImport, Kind, SkillRelation

MATCHABLE_STATUSES = (Status.ENROLLED, Status.ACTIVE)
PROTECTED = frozenset(
    {ResidenceStatus.REFUGEE, ResidenceStatus.SUBSIDIARY, ResidenceStatus.HUMANITARIAN}
)
WEIGHTS = engine.Weights()

# --- The skill graph, read once per ESCO import -----------------------------------------------

_graph_lock = threading.Lock()
_graph: tuple[Any, engine.SkillGraph] | None = None


def skill_graph() -> engine.SkillGraph:
    """ESCO's skill hierarchy and skill–skill relations, cached until the next ESCO import."""
    global _graph
    key = (
        EscoImport.objects.order_by("-pk").values_list("pk", flat=True).first(),
        Concept.objects.count(),
    )
    with _graph_lock:
        if _graph is not None and _graph[0] == key:
            return _graph[1]
    through = Concept.broader.through
    uris = dict(Concept.objects.filter(kind__in=[Kind.SKILL]).values_list("pk", "uri"))
    broader = [
        (uris[a], uris[b])
        for a, b in through.objects.values_list("from_concept_id", "to_concept_id")
        if a in uris and b in uris
    ]
    related = [
        (uris[a], uris[b])
        for a, b in SkillRelation.objects.values_list("skill_id", "related_id")
        if a in uris and b in uris
    ]
    graph = engine.SkillGraph.from_lists(broader, related)
    with _graph_lock:
        _graph = (key, graph)
    return graph


# --- Participants → Person ---------------------------------------------------------------------


def matchable(user: Any, programme_id: int, *, site_id: int | None = None) -> QuerySet[Participant]:
    """The people ``user`` follows in the programme who may be proposed to an employer."""
    latest = (
        Consent.objects.filter(participant=OuterRef("pk"), purpose=Purpose.EMPLOYERS)
        .order_by("-recorded_at", "-pk")
        .values("given")[:1]
    )
    qs = (
        Participant.objects.for_user(user)
        .filter(programme_id=programme_id, status__in=MATCHABLE_STATUSES)
        .annotate(employers_consent=Subquery(latest))
        .filter(employers_consent=True)
        .exclude(placements__status=PlacementStatus.ONGOING)
        .exclude(
            proposals__in=Proposal.objects.filter(
                decision=Decision.ACCEPTED, participant_answer=Decision.ACCEPTED
            ).exclude(
                placement__status__in=[PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY]
            )
        )
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    return qs.order_by("pk")


def _median_level(row: LanguageSkill) -> str | None:
    if row.assessment == LanguageSkill.Assessment.MOTHER_TONGUE:
        return "C2"
    levels = sorted(
        engine.cefr_rank(v)
        for v in (
            row.listening,
            row.reading,
            row.spoken_interaction,
            row.spoken_production,
            row.writing,
        )
        if v
    )
    if not levels:
        return None
    return engine.CEFR_LEVELS[levels[(len(levels) - 1) // 2]]


def persons(participants: Iterable[Participant]) -> list[engine.Person]:
    """The engine's view of each participant, in the order given; 5 queries for any number."""
    rows = list(participants)
    ids = [p.pk for p in rows]
    skills: dict[int, set[str]] = defaultdict(set)
    for pid, uri in ParticipantSkill.objects.filter(participant_id__in=ids).values_list(
        "participant_id", "skill__uri"
    ):
        skills[pid].add(uri)
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    for lang in LanguageSkill.objects.filter(participant_id__in=ids):
        level = _median_level(lang)
        if level is not None:
            languages[lang.participant_id][lang.language] = level
    occupations: dict[int, set[str]] = defaultdict(set)
    isco: dict[int, set[str]] = defaultdict(set)
    for pid, uri, code in WorkExperience.objects.filter(
        participant_id__in=ids, occupation__isnull=False
    ).values_list("participant_id", "occupation__uri", "occupation__code"):
        occupations[pid].add(uri)
        if (head := engine.isco4(code)) is not None:
            isco[pid].add(head)
    preferred: dict[int, set[str]] = defaultdict(set)
    for pid, uri, code in Participant.preferred_occupations.through.objects.filter(
        participant_id__in=ids
    ).values_list("participant_id", "concept__uri", "concept__code"):
        preferred[pid].add(uri)
        if (head := engine.isco4(code)) is not None:
            isco[pid].add(head)
    out = []
    for p in rows:
        groups = set()
        if p.residence_status in PROTECTED:
            groups.add(Group.REFUGEES.value)
        if p.gender == "female":
            groups.add(Group.WOMEN.value)
        out.append(
            engine.Person(
                id=p.pk,
                skills=frozenset(skills[p.pk]),
                languages=dict(languages[p.pk]),
                occupations=frozenset(occupations[p.pk]),
                preferred_occupations=frozenset(preferred[p.pk]),
                isco_codes=frozenset(isco[p.pk]),
                site_id=p.site_id,
                available_from=p.available_from,
                hours_per_week=p.hours_per_week,
                work_authorised=p.work_authorisation
                in (WorkAuthorisation.YES, WorkAuthorisation.RESTRICTED),
                work_authorised_until=p.work_authorisation_expires,
                driving_licences=frozenset(p.driving_licences or ()),
                groups=frozenset(groups),
            )
        )
    return out


# --- Offers → Offer ----------------------------------------------------------------------------


def open_offers(user: Any, programme_id: int, *, site_id: int | None = None) -> QuerySet[Offer]:
    """Open offers in the reader's scope, with ``free_places`` annotated."""
    taken = Count(
        "proposals",
        filter=Q(proposals__decision=Decision.ACCEPTED)
        & ~Q(proposals__participant_answer=Decision.DECLINED),
        distinct=True,
    )
    qs = (
        Offer.objects.for_user(user)
        .filter(employer__programme_id=programme_id, status=OfferStatus.OPEN)
        .annotate(taken=taken)
        .select_related("occupation", "employer__organisation")
    )
    if site_id is not None:
        qs = qs.filter(site_id=site_id)
    return qs.order_by("pk")


def free_places(offer: Offer) -> int:
    taken = getattr(offer, "taken", None)
    if taken is None:
        taken = (
            offer.proposals.filter(decision=Decision.ACCEPTED)
            .exclude(participant_answer=Decision.DECLINED)
            .count()
        )
    return max(0, offer.places - int(taken))


def offers(rows: Iterable[Offer]) -> list[engine.Offer]:
    """The engine's view of each offer, in the order given; 2 queries for any number."""
    items = list(rows)
    ids = [o.pk for o in items]
    essential: dict[int, set[str]] = defaultdict(set)
    optional: dict[int, set[str]] = defaultdict(set)
    for oid, uri, is_essential in OfferSkill.objects.filter(offer_id__in=ids).values_list(
        "offer_id", "skill__uri", "essential"
    ):
        (essential if is_essential else optional)[oid].add(uri)
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    for oid, lang, level in OfferLanguage.objects.filter(offer_id__in=ids).values_list(
        "offer_id", "language", "min_level"
    ):
        languages[oid][lang] = level
    return [
        engine.Offer(
            id=o.pk,
            essential=frozenset(essential[o.pk]),
            optional=frozenset(optional[o.pk]),
            occupation=o.occupation.uri if o.occupation is not None else None,
            isco=engine.isco4(o.occupation.code) if o.occupation is not None else None,
            languages=dict(languages[o.pk]),
            site_id=o.site_id,
            lat=float(o.latitude) if o.latitude is not None else None,
            lon=float(o.longitude) if o.longitude is not None else None,
            remote=o.remote_possible,
            starts_on=o.starts_on,
            ends_on=o.ends_on,
            hours_per_week=o.hours_per_week,
            places=free_places(o),
            driving_licence=o.driving_licence or None,
        )
        for o in items
    ]


def proposed_pairs(
    participant_ids: Sequence[int], offer_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """(participant, offer) pairs already proposed, whatever the answer: never suggested again."""
    return set(
        Proposal.objects.filter(
            participant_id__in=participant_ids, offer_id__in=offer_ids
        ).values_list("participant_id", "offer_id")
    )


# --- Ranking one person or one offer -----------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """One ranked pair with its explanation, for a page or the API."""

    participant_id: int
    offer_id: int
    score: float
    parts: dict[str, float]
    reasons: list[Reason]
    missing: tuple[str, ...]


def _match(person: engine.Person, offer: engine.Offer, graph: engine.SkillGraph) -> Match:
    f: Fit = fit(person, offer, graph, WEIGHTS)
    return Match(
        participant_id=int(person.id),
        offer_id=int(offer.id),
        score=round(f.score, 4),
        parts={k: round(v, 4) for k, v in f.parts.items()},
        reasons=explain(f, offer),
        missing=tuple(f.essential_missing) + tuple(f.optional_missing),
    )


def offers_for(
    user: Any, participant: Participant, *, k: int = 10, min_score: float = 0.0
) -> list[Match]:
    """The best open offers of the programme for one person (in the reader's scope)."""
    rows = list(open_offers(user, participant.programme_id))
    taken = {o for _p, o in proposed_pairs([participant.pk], [r.pk for r in rows])}
    rows = [r for r in rows if r.pk not in taken and free_places(r) > 0]
    if not rows:
        return []
    graph = skill_graph()
    index = Index(offers(rows), graph=graph, weights=WEIGHTS)
    person = persons([participant])[0]
    by_id = {o.id: o for o in index.offers}
    top = index.top_offers(person, k, None)
    return [_match(person, by_id[oid], graph) for oid, score in top if score >= min_score]


def candidates_for(
    user: Any, offer: Offer, *, k: int = 10, min_score: float = 0.0, site_id: int | None = None
) -> list[Match]:
    """The best matchable people of the programme (or of one site) for one offer."""
    people = list(matchable(user, offer.employer.programme_id, site_id=site_id))
    taken = {p for p, _o in proposed_pairs([p.pk for p in people], [offer.pk])}
    people = [p for p in people if p.pk not in taken]
    if not people:
        return []
    graph = skill_graph()
    index = Index(persons=persons(people), graph=graph, weights=WEIGHTS)
    target = offers([offer])[0]
    by_id = {p.id: p for p in index.persons}
    top = index.top_candidates(target, k, None)
    return [_match(by_id[pid], target, graph) for pid, score in top if score >= min_score]


def score_matrix(
    people: Sequence[engine.Person], items: Sequence[engine.Offer], excluded: set[tuple[int, int]]
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """People × offers fit (NaN where excluded by a hard constraint or an earlier proposal)."""
    index = Index(items, people, graph=skill_graph(), weights=WEIGHTS)
    matrix = index.scores_matrix()
    if excluded:
        rows = {p.id: i for i, p in enumerate(people)}
        cols = {o.id: j for j, o in enumerate(items)}
        for pid, oid in excluded:
            if pid in rows and oid in cols:
                matrix[rows[pid], cols[oid]] = np.nan
    return matrix
