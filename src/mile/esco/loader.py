"""Read the official ESCO CSV downloads into a `Taxonomy`.

Takes the classification zips as users get them from the ESCO portal (any version from 1.0,
any language), their unzipped folders, single CSV files, and TSV label files with the
columns ``lang, conceptUri, label_rank, label`` (plain or gzip). Several languages are merged
by concept URI. Either everything is valid and a `Taxonomy` comes back, or `EscoDataError`
lists every problem found with its file, line and column; nothing is returned partially.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mile.esco.model import (
    Concept,
    ConceptKind,
    Labels,
    OccupationSkill,
    RelationType,
    SkillRelation,
    Taxonomy,
)

# Some descriptions exceed the csv module's default field limit of 128 KiB.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_LANG = r"(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z]+)?)"
_CONCEPT_FILES: dict[str, ConceptKind] = {
    "skills": ConceptKind.SKILL,
    "occupations": ConceptKind.OCCUPATION,
    "ISCOGroups": ConceptKind.ISCO_GROUP,
    "skillGroups": ConceptKind.SKILL_GROUP,
}
_CONCEPT_RE = re.compile(rf"^(?P<base>skills|occupations|ISCOGroups|skillGroups)_{_LANG}\.csv$")
_COLLECTION_RE = re.compile(rf"^(?P<base>[A-Za-z]+)Collection_{_LANG}\.csv$")
_RELATION_RE = re.compile(
    r"^(?P<base>occupationSkillRelations|skillSkillRelations|broaderRelationsOccPillar|"
    r"broaderRelationsSkillPillar)(?:_" + _LANG + r")?\.csv$"
)
_LABELS_RE = re.compile(r"\.tsv(?:\.gz)?$")
_VERSION_RE = re.compile(r"v(\d+\.\d+(?:\.\d+)?)")

_REQUIRED: dict[str, tuple[str, ...]] = {
    "skills": ("conceptUri", "preferredLabel"),
    "occupations": ("conceptUri", "preferredLabel"),
    "ISCOGroups": ("conceptUri", "preferredLabel", "code"),
    "skillGroups": ("conceptUri", "preferredLabel"),
    "collection": ("conceptUri",),
    "occupationSkillRelations": ("occupationUri", "relationType", "skillUri"),
    "skillSkillRelations": ("originalSkillUri", "relationType", "relatedSkillUri"),
    "broaderRelationsOccPillar": ("conceptUri", "broaderUri"),
    "broaderRelationsSkillPillar": ("conceptUri", "broaderUri"),
    "labels": ("lang", "conceptUri", "label_rank", "label"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: column {self.column}: {self.message}"
            if self.column
            else f"{where}: {self.message}"
        )


class EscoDataError(ValueError):
    """The ESCO files are not usable; `problems` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the ESCO data:\n{shown}{tail}")


@dataclass(frozen=True, slots=True)
class _Member:
    name: str  # shown in problems: "archive.zip:skills_en.csv" or a path
    basename: str
    read: Callable[[], bytes]


@dataclass(slots=True)
class _Draft:
    kind: ConceptKind
    labels: dict[str, Labels] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    code: str = ""
    skill_type: str = ""
    reuse_level: str = ""
    status: str = ""
    broader: list[str] = field(default_factory=list)
    isco_code: str = ""


@dataclass(slots=True)
class _State:
    problems: list[Problem] = field(default_factory=list)
    drafts: dict[str, _Draft] = field(default_factory=dict)
    occupation_skills: set[tuple[str, str, RelationType]] = field(default_factory=set)
    skill_relations: set[tuple[str, str, RelationType]] = field(default_factory=set)
    broader: list[tuple[str, str, str, int]] = field(default_factory=list)
    collections: dict[str, set[str]] = field(default_factory=dict)
    extra_labels: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    references: list[tuple[str, str, int, str, set[ConceptKind]]] = field(default_factory=list)

    def problem(self, member: _Member, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(member.name, line, column, message))


def load_taxonomy(*, sources: Sequence[str | Path], version: str | None = None) -> Taxonomy:
    """Parse ESCO downloads (zips, folders, CSV or TSV files) into one `Taxonomy`.

    `version` defaults to the one in a zip's name ("esco-v1.1.1-…"), else "unknown".
    Raises `EscoDataError` with every problem found; then nothing is returned.
    """
    state = _State()
    members: list[_Member] = []
    found_version = version
    for source in sources:
        path = Path(source)
        if found_version is None and (match := _VERSION_RE.search(path.name)):
            found_version = match.group(1)
        members.extend(_members(path, state))
    if not members and not state.problems:
        state.problems.append(Problem(", ".join(map(str, sources)), 0, "", "no ESCO files found"))
    recognised = False
    for member in members:
        recognised |= _read_member(member, state)
    if members and not recognised:
        state.problems.append(
            Problem(", ".join(map(str, sources)), 0, "", "none of the files is an ESCO CSV file")
        )
    taxonomy = _assemble(state, found_version or "unknown")
    if state.problems:
        raise EscoDataError(state.problems)
    return taxonomy


def _members(path: Path, state: _State) -> Iterator[_Member]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                yield from _members(child, state)
    elif path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if not n.endswith("/"))
        for name in names:
            yield _Member(f"{path}:{name}", Path(name).name, _zip_reader(path, name))
    elif path.is_file():
        yield _Member(str(path), path.name, path.read_bytes)
    else:
        state.problems.append(Problem(str(path), 0, "", "no such file or folder"))


def _zip_reader(path: Path, name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        with zipfile.ZipFile(path) as archive:
            return archive.read(name)

    return read


def _decode(member: _Member, state: _State) -> str | None:
    data = member.read()
    if member.basename.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            state.problem(member, 0, "", f"not a readable gzip file ({error})")
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        state.problem(member, line, "", "not valid UTF-8")
        return None


def _rows(
    member: _Member, state: _State, text: str, required: tuple[str, ...], *, delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line where the record starts, row) after checking the header has `required`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        state.problem(member, 1, "", "empty file (no header)")
        return
    except csv.Error as error:
        state.problem(member, 1, "", f"unreadable header ({error})")
        return
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    for column in missing:
        state.problem(member, 1, column, "required column is missing")
    if missing:
        return
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            state.problem(member, line, "", f"malformed CSV ({error})")
            return
        if values and any(v.strip() for v in values):
            if len(values) != len(header):
                state.problem(
                    member, line, "", f"{len(values)} fields where the header has {len(header)}"
                )
            else:
                yield line, dict(zip(header, values, strict=True))
        line = reader.line_num + 1


def _uri(member: _Member, state: _State, line: int, row: dict[str, str], column: str) -> str | None:
    value = row[column].strip()
    if not value:
        state.problem(member, line, column, "empty value")
        return None
    if not value.startswith(("http://", "https://")):
        state.problem(member, line, column, f"not a concept URI: {value[:80]!r}")
        return None
    return value


def _relation(member: _Member, state: _State, line: int, value: str) -> RelationType | None:
    try:
        return RelationType(value.strip().lower())
    except ValueError:
        state.problem(
            member, line, "relationType", f"expected essential or optional, got {value!r}"
        )
        return None


def _split(value: str | None, *, separator: str = "\n") -> list[str]:
    if not value:
        return []
    return [part.strip() for part in value.split(separator) if part.strip()]


def _labels(preferred: str, alternative: Iterable[str], hidden: Iterable[str]) -> Labels:
    seen = {preferred}
    alts: list[str] = []
    for label in alternative:
        if label not in seen:
            seen.add(label)
            alts.append(label)
    hiddens = [label for label in dict.fromkeys(hidden) if label not in seen]
    return Labels(preferred, tuple(alts), tuple(hiddens))


def _read_member(member: _Member, state: _State) -> bool:
    """Read one file into `state`; False when the file is not one we use."""
    name = member.basename
    handler: Callable[[_Member, _State, str, str], None]
    if match := _CONCEPT_RE.match(name):
        handler, key = _read_concepts, match.group("base")
    elif match := _COLLECTION_RE.match(name):
        handler, key = _read_collection, match.group("base")
    elif match := _RELATION_RE.match(name):
        handler, key = _read_relations, match.group("base")
    elif _LABELS_RE.search(name):
        handler, key = _read_label_table, "labels"
    else:
        return False
    text = _decode(member, state)
    if text is not None:
        handler(member, state, text, key)
    return True


def _read_concepts(member: _Member, state: _State, text: str, base: str) -> None:
    match = _CONCEPT_RE.match(member.basename)
    assert match is not None
    lang = match.group("lang").lower().split("-")[0].split("_")[0]
    kind = _CONCEPT_FILES[base]
    for line, row in _rows(member, state, text, _REQUIRED[base]):
        uri = _uri(member, state, line, row, "conceptUri")
        preferred = row["preferredLabel"].strip()
        if not preferred:
            state.problem(member, line, "preferredLabel", "empty value")
        if uri is None or not preferred:
            continue
        draft = state.drafts.get(uri)
        if draft is None:
            draft = state.drafts[uri] = _Draft(kind)
        elif draft.kind != kind:
            state.problem(member, line, "conceptUri", f"{uri} is already a {draft.kind}")
            continue
        draft.labels[lang] = _labels(
            preferred, _split(row.get("altLabels")), _split(row.get("hiddenLabels"))
        )
        description = (row.get("description") or "").strip()
        if description:
            draft.descriptions[lang] = description
        draft.code = draft.code or (row.get("code") or "").strip()
        draft.skill_type = draft.skill_type or (row.get("skillType") or "").strip()
        draft.reuse_level = draft.reuse_level or (row.get("reuseLevel") or "").strip()
        draft.status = draft.status or (row.get("status") or "").strip()
        draft.isco_code = draft.isco_code or (row.get("iscoGroup") or "").strip()


def _collection_name(base: str) -> str:
    # "transversalSkills" → "transversal", "researchOccupations" → "research-occupations".
    if base.endswith("Skills"):
        base = base[: -len("Skills")]
    return re.sub(r"(?<!^)([A-Z])", r"-\1", base).lower()


def _read_collection(member: _Member, state: _State, text: str, base: str) -> None:
    members = state.collections.setdefault(_collection_name(base), set())
    for line, row in _rows(member, state, text, _REQUIRED["collection"]):
        uri = _uri(member, state, line, row, "conceptUri")
        if uri is not None:
            members.add(uri)
            state.references.append((member.name, uri, line, "conceptUri", set()))


def _read_relations(member: _Member, state: _State, text: str, base: str) -> None:
    skills = {ConceptKind.SKILL}
    for line, row in _rows(member, state, text, _REQUIRED[base]):
        if base == "occupationSkillRelations":
            occupation = _uri(member, state, line, row, "occupationUri")
            skill = _uri(member, state, line, row, "skillUri")
            relation = _relation(member, state, line, row["relationType"])
            if occupation and skill and relation:
                state.occupation_skills.add((occupation, skill, relation))
                state.references.append(
                    (member.name, occupation, line, "occupationUri", {ConceptKind.OCCUPATION})
                )
                state.references.append((member.name, skill, line, "skillUri", skills))
        elif base == "skillSkillRelations":
            original = _uri(member, state, line, row, "originalSkillUri")
            related = _uri(member, state, line, row, "relatedSkillUri")
            relation = _relation(member, state, line, row["relationType"])
            if original and related and relation:
                state.skill_relations.add((original, related, relation))
                state.references.append((member.name, original, line, "originalSkillUri", skills))
                state.references.append((member.name, related, line, "relatedSkillUri", skills))
        else:
            narrower = _uri(member, state, line, row, "conceptUri")
            broader = _uri(member, state, line, row, "broaderUri")
            if narrower and broader:
                state.broader.append((member.name, narrower, broader, line))


def _read_label_table(member: _Member, state: _State, text: str, base: str) -> None:
    for line, row in _rows(member, state, text, _REQUIRED[base], delimiter="\t"):
        lang = row["lang"].strip().lower()
        uri = _uri(member, state, line, row, "conceptUri")
        label = row["label"].strip()
        if not re.fullmatch(r"[a-z]{2,3}", lang):
            state.problem(member, line, "lang", f"not a language code: {lang!r}")
            continue
        if uri is None or not label:
            if not label:
                state.problem(member, line, "label", "empty value")
            continue
        state.extra_labels.setdefault((uri, lang), []).append((row["label_rank"].strip(), label))


def _assemble(state: _State, version: str) -> Taxonomy:
    drafts = state.drafts
    # Official releases do carry a few relations to concepts they no longer publish (v1.1.1:
    # one withdrawn occupation); such rows are dropped and reported as warnings, not errors.
    dangling: list[Problem] = []
    for name, uri, line, column, kinds in state.references:
        draft = drafts.get(uri)
        if draft is None:
            dangling.append(Problem(name, line, column, f"unknown concept {uri}"))
        elif kinds and draft.kind not in kinds:
            state.problems.append(Problem(name, line, column, f"{uri} is a {draft.kind}"))
    for name, narrower, broader, line in state.broader:
        if narrower in drafts and broader in drafts:
            drafts[narrower].broader.append(broader)
        else:
            missing = narrower if narrower not in drafts else broader
            column = "conceptUri" if narrower not in drafts else "broaderUri"
            dangling.append(Problem(name, line, column, f"unknown concept {missing}"))
    known = drafts.keys()
    state.occupation_skills = {
        r for r in state.occupation_skills if r[0] in known and r[1] in known
    }
    state.skill_relations = {r for r in state.skill_relations if r[0] in known and r[1] in known}
    state.collections = {k: {u for u in v if u in known} for k, v in state.collections.items()}
    warnings = tuple(f"dropped a reference: {p}" for p in dangling[:20])
    if len(dangling) > 20:
        warnings += (f"… {len(dangling) - 20} more references to unknown concepts dropped",)
    isco_by_code = {d.code: uri for uri, d in drafts.items() if d.kind == ConceptKind.ISCO_GROUP}
    for draft in drafts.values():
        # Older releases without broaderRelationsOccPillar still name the ISCO group.
        orphan = draft.kind == ConceptKind.OCCUPATION and not draft.broader
        if orphan and (parent := isco_by_code.get(draft.isco_code)):
            draft.broader.append(parent)
    for (uri, lang), ranked in state.extra_labels.items():
        draft = drafts.get(uri)
        # The label tables span several ESCO versions; labels of concepts this release lacks,
        # or of a language its CSVs already cover, are not ours to add.
        if draft is None or lang in draft.labels:
            continue
        ranked.sort()
        draft.labels[lang] = _labels(ranked[0][1], (label for _, label in ranked[1:]), ())
    concepts = {
        uri: Concept(
            uri=uri,
            kind=d.kind,
            labels=dict(sorted(d.labels.items())),
            descriptions=dict(sorted(d.descriptions.items())),
            code=d.code,
            skill_type=d.skill_type,
            reuse_level=d.reuse_level,
            status=d.status,
            broader=tuple(sorted(set(d.broader))),
        )
        for uri, d in sorted(drafts.items())
    }
    return Taxonomy(
        version=version,
        concepts=concepts,
        occupation_skills=tuple(OccupationSkill(*r) for r in sorted(state.occupation_skills)),
        skill_relations=tuple(SkillRelation(*r) for r in sorted(state.skill_relations)),
        collections={k: frozenset(v) for k, v in sorted(state.collections.items())},
        warnings=warnings,
    )
