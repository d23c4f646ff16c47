"""Documents as PDF: the Europass-like skills profile and the certificate of validated skills.

Both are HTML templates (``participants/pdf/``) rendered in the document's language and turned
into A4 PDF by WeasyPrint. The fonts are the system's (DejaVu Sans first: Latin, Greek and
Cyrillic in one family); nothing is fetched while rendering, so a document never reaches out
to the network and renders the same on a closed network.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from weasyprint import HTML  # type: ignore[import-untyped]

from mile.participants.models import (
    DrivingLicence,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    SkillValidation,
    ValidationPhase,
)
from mile.taxonomy.models import Concept

# The order in which the profile shows how a skill is known: the strongest evidence first.
EVIDENCE_ORDER: dict[str, int] = {
    ParticipantSkill.Evidence.VALIDATED: 0,
    ParticipantSkill.Evidence.ASSESSED: 1,
    ParticipantSkill.Evidence.OBSERVED: 2,
    ParticipantSkill.Evidence.DECLARED: 3,
}
# Shown in the document's language: the template renders inside translation.override.
SKILL_GROUPS = {
    "skills": gettext_lazy("Skills and competences"),
    "knowledge": gettext_lazy("Knowledge"),
    "transversal": gettext_lazy("Transversal skills"),
}
# WeasyPrint reports each rendering step at INFO: noise in the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Templates embed everything; a URL in a document (even in user text) is never followed.
    raise ValueError(f"MILE documents load no external resources: {url[:60]}")


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render ``template_name`` in ``language`` and return the PDF bytes."""
    with translation.override(language):
        html = render_to_string(
            template_name, {**context, "language": language, "today": timezone.localdate()}
        )
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetching).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


@dataclass(frozen=True)
class ConceptText:
    """An ESCO concept as a document shows it: its label, the label's language and its URI."""

    label: str
    language: str
    uri: str


def concept_text(concept: Concept, language: str) -> ConceptText:
    return ConceptText(concept.label(language), concept.label_language(language), concept.uri)


def _labelled(ids: Iterable[int], language: str) -> dict[int, ConceptText]:
    labelled = Concept.objects.filter(pk__in=list(ids)).with_labels(language)
    return {c.pk: concept_text(c, language) for c in labelled}


def likely_language(participant: Participant, languages: Iterable[str]) -> str:
    """The language a participant most likely reads, among the interface ``languages``.

    Their own account's language first (they chose it), then a mother tongue the interface
    speaks, then the language of the country where their site is, then English.
    """
    available = list(languages)
    user_language = getattr(participant.user, "language", "") if participant.user_id else ""
    if user_language in available:
        return str(user_language)
    for skill in participant.language_skills.all():
        if skill.assessment == LanguageSkill.Assessment.MOTHER_TONGUE and skill.language in (
            available
        ):
            return skill.language
    host = HOST_LANGUAGES.get(participant.site.country.code or "", "")
    if host in available:
        return host
    return "en"


# The interface language of each country where MILE and MIraGE run sites.
HOST_LANGUAGES = {
    "AT": "de", "BG": "bg", "CY": "el", "DE": "de", "ES": "es", "FR": "fr", "GR": "el",
    "HU": "hu", "IT": "it", "RO": "ro", "SE": "sv",
}  # fmt: skip


def profile_context(participant: Participant, *, language: str, personal: bool) -> dict[str, Any]:
    """What the Europass-like profile shows. Never nationality nor residence status."""
    languages = list(participant.language_skills.all())
    skills = list(participant.skills.select_related("skill"))
    experience = list(participant.work_experience.select_related("occupation"))
    concept_ids = {s.skill_id for s in skills} | {
        w.occupation_id for w in experience if w.occupation_id
    }
    labels = _labelled(concept_ids, language)
    groups: dict[str, list[dict[str, Any]]] = {"skills": [], "knowledge": [], "transversal": []}
    for item in sorted(skills, key=lambda s: (EVIDENCE_ORDER.get(s.evidence, 9), s.pk)):
        concept = item.skill
        group = (
            "transversal"
            if concept.reuse_level == "transversal"
            else "knowledge"
            if concept.skill_type == "knowledge"
            else "skills"
        )
        groups[group].append({"concept": labels[concept.pk], "item": item})
    skill_groups = [
        {"title": SKILL_GROUPS[key], "items": items} for key, items in groups.items() if items
    ]
    return {
        "participant": participant,
        "personal": personal,
        "mother_tongues": [
            lang for lang in languages if lang.assessment == LanguageSkill.Assessment.MOTHER_TONGUE
        ],
        "other_languages": [
            lang for lang in languages if lang.assessment != LanguageSkill.Assessment.MOTHER_TONGUE
        ],
        "education": list(participant.education.all()),
        "experience": [
            {
                "item": w,
                "occupation": labels.get(w.occupation_id) if w.occupation_id else None,
            }
            for w in experience
        ],
        "skill_groups": skill_groups,
        "driving_licences": [
            code for code in DrivingLicence.values if code in (participant.driving_licences or [])
        ],
    }


def certified(participant: Participant) -> QuerySet[SkillValidation]:
    """The validations that reached certification: those a certificate lists."""
    return (
        participant.validations.filter(phase=ValidationPhase.CERTIFY, certified_on__isnull=False)
        .exclude(result=SkillValidation.Result.NOT_PASSED)
        .select_related("skill")
        .order_by("certified_on", "pk")
    )


def certificate_number(participant: Participant, validation_ids: Iterable[int]) -> str:
    """Stable for the same person and the same certified skills; changes when one is added."""
    ids = ",".join(str(i) for i in sorted(validation_ids))
    digest = hashlib.sha256(f"{participant.reference}:{ids}".encode()).hexdigest()[:8].upper()
    return f"{participant.programme.slug.upper()}-{participant.reference}-{digest}"


def certificate_context(
    participant: Participant, validations: list[SkillValidation], *, language: str
) -> dict[str, Any]:
    labels = _labelled({v.skill_id for v in validations}, language)
    return {
        "participant": participant,
        "rows": [{"validation": v, "concept": labels[v.skill_id]} for v in validations],
        "number": certificate_number(participant, [v.pk for v in validations]),
        "issued_on": max(v.certified_on for v in validations if v.certified_on),
    }
