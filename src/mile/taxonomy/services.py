"""Writing ESCO into the database: one atomic, idempotent import per call."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from mile.esco.model import Taxonomy
from mile.taxonomy.models import (
    Concept,
    EscoImport,
    Label,
    OccupationSkill,
    SkillRelation,
    fold,
)

# (stage, done, total): the command draws its progress bar from these calls.
Progress = Callable[[str, int, int], None]
BATCH = 5000


def _quiet(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class ImportResult:
    record: EscoImport
    created: int
    updated: int
    obsoleted: int
    labels: int


def _batches[T](items: Sequence[T], size: int = BATCH) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def esco_import(
    *, taxonomy: Taxonomy, sources: Sequence[str], progress: Progress = _quiet
) -> ImportResult:
    """Bring the database in line with ``taxonomy``; all or nothing.

    Labels and descriptions are replaced only for the languages the import carries, so an
    Italian download adds Italian beside the English already there. Concepts of a kind whose
    English files the import carries, but which it no longer lists, are marked obsolete, never
    deleted.
    """
    languages = sorted(taxonomy.languages())
    # ESCO publishes every concept in English: only an import with English concept files
    # speaks for a whole release; a translation alone must not retire anything.
    kinds = {c.kind for c in taxonomy.concepts.values() if "en" in c.labels}
    existing = dict(Concept.objects.values_list("uri", "pk"))
    old_descriptions = dict(Concept.objects.values_list("uri", "descriptions"))
    old_collections = dict(Concept.objects.values_list("uri", "collections"))
    membership: dict[str, list[str]] = {}
    for name, uris in sorted(taxonomy.collections.items()):
        for uri in uris:
            membership.setdefault(uri, []).append(name)

    rows = []
    for concept in taxonomy.concepts.values():
        descriptions = dict(old_descriptions.get(concept.uri) or {})
        descriptions.update(concept.descriptions)
        rows.append(
            Concept(
                uri=concept.uri,
                kind=str(concept.kind),
                code=concept.code,
                skill_type=concept.skill_type,
                reuse_level=concept.reuse_level,
                status=concept.status,
                obsolete=False,
                version=taxonomy.version,
                descriptions=descriptions,
                collections=membership.get(concept.uri, old_collections.get(concept.uri) or []),
            )
        )
    for done, concept_batch in enumerate(_batches(rows), start=1):
        Concept.objects.bulk_create(
            concept_batch,
            update_conflicts=True,
            unique_fields=["uri"],
            update_fields=[
                "kind", "code", "skill_type", "reuse_level", "status", "obsolete", "version",
                "descriptions", "collections",
            ],
        )  # fmt: skip
        progress("concepts", min(done * BATCH, len(rows)), len(rows))
    pks = dict(Concept.objects.values_list("uri", "pk"))
    created = sum(1 for uri in taxonomy.concepts if uri not in existing)

    # Releases drop concepts; records may still cite them, so they stay, marked obsolete.
    obsoleted = (
        Concept.objects.filter(kind__in=[str(k) for k in kinds], obsolete=False)
        .exclude(uri__in=list(taxonomy.concepts))
        .update(obsolete=True)
    )

    concept_ids = [pks[uri] for uri in taxonomy.concepts]
    for id_batch in _batches(concept_ids):
        Label.objects.filter(concept_id__in=id_batch, language__in=languages).delete()
    labels = [
        Label(concept_id=pks[c.uri], language=lang, kind=kind, text=text, folded=fold(text))
        for c in taxonomy.concepts.values()
        for lang, lab in sorted(c.labels.items())
        for kind, texts in (
            (Label.Kind.PREFERRED, (lab.preferred,)),
            (Label.Kind.ALTERNATIVE, lab.alternative),
            (Label.Kind.HIDDEN, lab.hidden),
        )
        for text in texts
        if text
    ]
    for done, label_batch in enumerate(_batches(labels), start=1):
        Label.objects.bulk_create(label_batch)
        progress("labels", min(done * BATCH, len(labels)), len(labels))

    if any(c.broader for c in taxonomy.concepts.values()):
        through = Concept.broader.through
        for id_batch in _batches(concept_ids):
            through.objects.filter(from_concept_id__in=id_batch).delete()
        links = [
            through(from_concept_id=pks[c.uri], to_concept_id=pks[b])
            for c in taxonomy.concepts.values()
            for b in c.broader
            if b in pks
        ]
        for done, link_batch in enumerate(_batches(links), start=1):
            through.objects.bulk_create(link_batch)
            progress("hierarchy", min(done * BATCH, len(links)), len(links))

    if taxonomy.occupation_skills:
        OccupationSkill.objects.all().delete()
        relations = [
            OccupationSkill(
                occupation_id=pks[r.occupation_uri],
                skill_id=pks[r.skill_uri],
                relation=str(r.relation),
            )
            for r in taxonomy.occupation_skills
        ]
        for done, relation_batch in enumerate(_batches(relations), start=1):
            OccupationSkill.objects.bulk_create(relation_batch, ignore_conflicts=True)
            progress("occupation skills", min(done * BATCH, len(relations)), len(relations))

    if taxonomy.skill_relations:
        SkillRelation.objects.all().delete()
        SkillRelation.objects.bulk_create(
            [
                SkillRelation(
                    skill_id=pks[r.skill_uri],
                    related_id=pks[r.related_uri],
                    relation=str(r.relation),
                )
                for r in taxonomy.skill_relations
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    record = EscoImport.objects.create(
        version=taxonomy.version,
        languages=languages,
        sources=list(sources),
        concepts=len(taxonomy.concepts),
        obsoleted=obsoleted,
    )
    return ImportResult(
        record=record,
        created=created,
        updated=len(taxonomy.concepts) - created,
        obsoleted=obsoleted,
        labels=len(labels),
    )
