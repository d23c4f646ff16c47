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


@dataclass(frozen=True)
class _Esco:
    key: Any
    graph: engine.SkillGraph
    # Skill concept id → URI: what a person's skills are read as, without a join.
    skill_uris: dict[int, str]


_esco_lock = threading.Lock()
_esco: _Esco | None = None


def _esco_data() -> _Esco:
    """The ESCO data matching reads on every page, cached until the next ESCO import."""
    global _esco
    key = (
        EscoImport.objects.order_by("-pk").values_list("pk", flat=True).first(),
        Concept.objects.count(),
    )
    with _esco_lock:
        if _esco is not None and _esco.key == key:
            return _esco
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
    data = _Esco(key, engine.SkillGraph.from_lists(broader, related), uris)
    with _esco_lock:
        _esco = data
    return data


def skill_graph() -> engine.SkillGraph:
    """ESCO's skill hierarchy and skill–skill relations, cached until the next ESCO import."""
    return _esco_data().graph


def forget_esco() -> None:
    """Drop the cached ESCO data (the next read loads it again): for tests and benchmarks."""
    global _esco
    with _esco_lock:
        _esco = None


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
    # The case notes are encrypted: decrypting thousands of them for nothing costs seconds.
    return qs.defer("notes").order_by("pk")


def _median_level(assessment: str, *levels: str) -> str | None:
    if assessment == LanguageSkill.Assessment.MOTHER_TONGUE:
        return "C2"
    ranks = sorted(engine.cefr_rank(v) for v in levels if v)
    if not ranks:
        return None
    return engine.CEFR_LEVELS[ranks[(len(ranks) - 1) // 2]]


# What the engine needs of the participant's own row.
PERSON_FIELDS = (
    "pk",
    "programme_id",
    "site_id",
    "residence_status",
    "gender",
    "available_from",
    "hours_per_week",
    "work_authorisation",
    "work_authorisation_expires",
    "driving_licences",
)
# Above this many people, the rows around them are read by programme and the others dropped
# here: a filter on thousands of ids costs more to build and run than the extra rows.
_IDS_IN_SQL = 200


def _scope(ids: list[int], programme_ids: set[int]) -> Q:
    if len(ids) > _IDS_IN_SQL and len(programme_ids) == 1:
        return Q(participant__programme_id=next(iter(programme_ids)))
    return Q(participant_id__in=ids)


def persons(participants: QuerySet[Participant] | Iterable[Participant]) -> list[engine.Person]:
    """The engine's view of each participant, in the order given; 6 queries for any number.

    A queryset is read as plain values (no model instances, nothing decrypted).
    """
    if isinstance(participants, QuerySet):
        rows: list[dict[str, Any]] = list(participants.values(*PERSON_FIELDS))
    else:
        rows = [{f: getattr(p, f) for f in PERSON_FIELDS} for p in participants]
    ids = [r["pk"] for r in rows]
    wanted = set(ids)
    scope = _scope(ids, {r["programme_id"] for r in rows})
    # Concept ids only, their URIs from the cached ESCO data: joining the concepts made SQLite
    # probe every concept for each person (2.5 s instead of 0.1 s at 5,000 people).
    held = [
        (pid, c)
        for pid, c in ParticipantSkill.objects.filter(scope)
        .order_by()
        .values_list("participant_id", "skill_id")
        if pid in wanted
    ]
    uri_of = _esco_data().skill_uris
    # A skill held that is not one of ESCO's skills (a group, say) is read by itself.
    if unknown := {c for _p, c in held if c not in uri_of}:
        uri_of = {**uri_of, **dict(Concept.objects.filter(pk__in=unknown).values_list("pk", "uri"))}
    skills: dict[int, set[str]] = defaultdict(set)
    for pid, concept_id in held:
        skills[pid].add(uri_of[concept_id])
    languages: dict[int, dict[str, str]] = defaultdict(dict)
    for pid, language, assessment, *levels in (
        LanguageSkill.objects.filter(scope)
        .order_by()
        .values_list(
            "participant_id",
            "language",
            "assessment",
            "listening",
            "reading",
            "spoken_interaction",
            "spoken_production",
            "writing",
        )
    ):
        level = _median_level(assessment, *levels)
        if level is not None and pid in wanted:
            languages[pid][language] = level
    worked = [
        (pid, c)
        for pid, c in WorkExperience.objects.filter(scope, occupation__isnull=False)
        .order_by()
        .values_list("participant_id", "occupation_id")
        if pid in wanted
    ]
    wished = [
        (pid, c)
        for pid, c in Participant.preferred_occupations.through.objects.filter(scope)
        .order_by()
        .values_list("participant_id", "concept_id")
        if pid in wanted
    ]
    concepts = {
        pk: (uri, engine.isco4(code))
        for pk, uri, code in Concept.objects.filter(
            pk__in={c for _p, c in worked} | {c for _p, c in wished}
        ).values_list("pk", "uri", "code")
    }
    occupations: dict[int, set[str]] = defaultdict(set)
    preferred: dict[int, set[str]] = defaultdict(set)
    isco: dict[int, set[str]] = defaultdict(set)
    for target, pairs in ((occupations, worked), (preferred, wished)):
        for pid, concept_id in pairs:
            uri, head = concepts[concept_id]
            target[pid].add(uri)
            if head is not None:
                isco[pid].add(head)
    out = []
    for p in rows:
        pk = p["pk"]
        groups = set()
        if p["residence_status"] in PROTECTED:
            groups.add(Group.REFUGEES.value)
        if p["gender"] == "female":
            groups.add(Group.WOMEN.value)
        out.append(
            engine.Person(
                id=pk,
                skills=frozenset(skills[pk]),
                languages=dict(languages[pk]),
                occupations=frozenset(occupations[pk]),
                preferred_occupations=frozenset(preferred[pk]),
                isco_codes=frozenset(isco[pk]),
                site_id=p["site_id"],
                available_from=p["available_from"],
                hours_per_week=p["hours_per_week"],
                work_authorised=p["work_authorisation"]
                in (WorkAuthorisation.YES, WorkAuthorisation.RESTRICTED),
                work_authorised_until=p["work_authorisation_expires"],
                driving_licences=frozenset(p["driving_licences"] or ()),
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
    # Every pair already proposed for this offer is left out, whatever the answer.
    people = matchable(user, offer.employer.programme_id, site_id=site_id).exclude(
        proposals__offer=offer
    )
    found = persons(people)
    if not found:
        return []
    graph = skill_graph()
    target = offers([offer])[0]
    # Closed: the people are scored against this offer only.
    index = Index([target], found, graph=graph, weights=WEIGHTS, closed=True)
    by_id = {p.id: p for p in index.persons}
    top = index.top_candidates(target, k, None)
    return [_match(by_id[pid], target, graph) for pid, score in top if score >= min_score]


def score_matrix(
    people: Sequence[engine.Person], items: Sequence[engine.Offer], excluded: set[tuple[int, int]]
) -> np.ndarray[Any, np.dtype[np.float32]]:
    """People × offers fit (NaN where excluded by a hard constraint or an earlier proposal)."""
    index = Index(items, people, graph=skill_graph(), weights=WEIGHTS, closed=True)
    matrix = index.scores_matrix()
    if excluded:
        rows = {p.id: i for i, p in enumerate(people)}
        cols = {o.id: j for j, o in enumerate(items)}
        for pid, oid in excluded:
            if pid in rows and oid in cols:
                matrix[rows[pid], cols[oid]] = np.nan
    return matrix
