"""The bundled extract: one compact, reproducible file holding a whole `Taxonomy`.

Format (see docs/decisions/0101-esco-extract-format.md): LZMA-compressed UTF-8 JSON with
sorted keys and no whitespace. Concepts are stored column-wise in URI order and everything
else points at them by position, which keeps the file small and the load a single
`json.loads` plus object creation.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from mile.esco.loader import EscoDataError, Problem, load_taxonomy
from mile.esco.model import (
    Concept,
    ConceptKind,
    Labels,
    OccupationSkill,
    RelationType,
    SkillRelation,
    Taxonomy,
)

FORMAT = "mile-esco-extract"
FORMAT_VERSION = 1
EXTRACT_NAME = "esco-extract.json.xz"
ATTRIBUTION = "This service uses the ESCO classification of the European Commission."

_KINDS = tuple(ConceptKind)
_RELATIONS = tuple(RelationType)


@dataclass(frozen=True, slots=True)
class ExtractInfo:
    path: Path
    size_bytes: int
    sha256: str
    concepts: int
    languages: tuple[str, ...]


def bundled_extract_path() -> Path:
    return Path(str(files("mile.esco") / "data" / EXTRACT_NAME))


def source_files(source: Path) -> list[Path]:
    """The files of an ESCO source folder that the extract is built from, in a fixed order.

    Official zips and label tables when there are any, else the folder's own CSV files.
    """
    found = sorted(
        p for p in source.iterdir() if p.is_file() and p.name.endswith((".zip", ".tsv.gz", ".tsv"))
    )
    if found:
        return found
    return sorted(p for p in source.rglob("*.csv") if p.is_file())


def build_extract(*, source: Path, output: Path) -> ExtractInfo:
    """Read the ESCO downloads in `source` and write the extract to `output`.

    Byte-identical on re-run: JSON with sorted keys, sorted collections, no timestamps, and
    an LZMA stream whose settings are fixed here.
    """
    paths = source_files(source) if source.is_dir() else [source]
    if not paths:
        raise EscoDataError([Problem(str(source), 0, "", "no ESCO zip or TSV files found")])
    taxonomy = load_taxonomy(sources=paths)
    sources = [
        {"name": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths
    ]
    payload = _encode(taxonomy, sources=sources)
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    blob = lzma.compress(
        data.encode("utf-8"), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=9
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    tmp.write_bytes(blob)
    tmp.replace(output)
    return ExtractInfo(
        path=output,
        size_bytes=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
        concepts=len(taxonomy.concepts),
        languages=tuple(sorted(taxonomy.languages())),
    )


def load_extract(*, path: Path | None = None) -> Taxonomy:
    """Read an extract written by `build_extract` (the bundled one by default)."""
    target = path or bundled_extract_path()
    try:
        payload = json.loads(lzma.decompress(target.read_bytes()))
    except (OSError, lzma.LZMAError, ValueError) as error:
        raise EscoDataError(
            [Problem(str(target), 0, "", f"not a readable extract ({error})")]
        ) from error
    if payload.get("format") != FORMAT or payload.get("format_version") != FORMAT_VERSION:
        raise EscoDataError(
            [Problem(str(target), 0, "", "not a MILE ESCO extract of a known format")]
        )
    return _decode(payload)


@cache
def bundled_taxonomy() -> Taxonomy:
    """The bundled extract, read once per process."""
    return load_extract()


def _encode(taxonomy: Taxonomy, *, sources: Sequence[dict[str, str]]) -> dict[str, Any]:
    uris = list(taxonomy.concepts)
    position = {uri: i for i, uri in enumerate(uris)}
    concepts = list(taxonomy.concepts.values())
    labels: dict[str, list[list[Any]]] = {}
    descriptions: dict[str, list[list[Any]]] = {}
    for i, concept in enumerate(concepts):
        for lang, lab in concept.labels.items():
            labels.setdefault(lang, []).append(
                [i, lab.preferred, list(lab.alternative), list(lab.hidden)]
            )
        for lang, text in concept.descriptions.items():
            descriptions.setdefault(lang, []).append([i, text])
    occupation_skills: list[int] = []
    for r in taxonomy.occupation_skills:
        occupation_skills += [
            position[r.occupation_uri],
            position[r.skill_uri],
            _RELATIONS.index(r.relation),
        ]
    skill_relations: list[int] = []
    for s in taxonomy.skill_relations:
        skill_relations += [
            position[s.skill_uri],
            position[s.related_uri],
            _RELATIONS.index(s.relation),
        ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "attribution": ATTRIBUTION,
        "esco_version": taxonomy.version,
        "sources": list(sources),
        "uris": uris,
        "kinds": [_KINDS.index(c.kind) for c in concepts],
        "codes": [c.code for c in concepts],
        "skill_types": [c.skill_type for c in concepts],
        "reuse_levels": [c.reuse_level for c in concepts],
        "statuses": [c.status for c in concepts],
        "broader": [[position[b] for b in c.broader] for c in concepts],
        "labels": labels,
        "descriptions": descriptions,
        "occupation_skills": occupation_skills,
        "skill_relations": skill_relations,
        "collections": {k: sorted(position[u] for u in v) for k, v in taxonomy.collections.items()},
        "warnings": list(taxonomy.warnings),
    }


def _decode(payload: dict[str, Any]) -> Taxonomy:
    uris: list[str] = payload["uris"]
    labels: list[dict[str, Labels]] = [{} for _ in uris]
    descriptions: list[dict[str, str]] = [{} for _ in uris]
    for lang in sorted(payload["labels"]):
        for i, preferred, alternative, hidden in payload["labels"][lang]:
            labels[i][lang] = Labels(preferred, tuple(alternative), tuple(hidden))
    for lang in sorted(payload["descriptions"]):
        for i, text in payload["descriptions"][lang]:
            descriptions[i][lang] = text
    kinds, codes = payload["kinds"], payload["codes"]
    skill_types, reuse_levels = payload["skill_types"], payload["reuse_levels"]
    statuses, broader = payload["statuses"], payload["broader"]
    concepts = {
        uri: Concept(
            uri=uri,
            kind=_KINDS[kinds[i]],
            labels=labels[i],
            descriptions=descriptions[i],
            code=codes[i],
            skill_type=skill_types[i],
            reuse_level=reuse_levels[i],
            status=statuses[i],
            broader=tuple(uris[b] for b in broader[i]),
        )
        for i, uri in enumerate(uris)
    }
    flat = payload["occupation_skills"]
    occupation_skills = tuple(
        OccupationSkill(uris[flat[j]], uris[flat[j + 1]], _RELATIONS[flat[j + 2]])
        for j in range(0, len(flat), 3)
    )
    flat = payload["skill_relations"]
    skill_relations = tuple(
        SkillRelation(uris[flat[j]], uris[flat[j + 1]], _RELATIONS[flat[j + 2]])
        for j in range(0, len(flat), 3)
    )
    return Taxonomy(
        version=payload["esco_version"],
        concepts=concepts,
        occupation_skills=occupation_skills,
        skill_relations=skill_relations,
        collections={k: frozenset(uris[i] for i in v) for k, v in payload["collections"].items()},
        warnings=tuple(payload["warnings"]),
    )
