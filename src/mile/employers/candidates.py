"""What an employer is shown of a candidate: the skills profile under the proposal's pseudonym.

``candidate_profile`` reads the participant's record and keeps only what the person agreed
to show employers (the consent for ``Purpose.EMPLOYERS``): skills, languages, work experience,
education, digital level, driving licences and availability. Name, e-mail and phone are added
only once the person agreed to share them with this employer (``identity_shared_at``). Date of
birth, age, gender, nationality, country of birth, residence status, documents, former
employers, places and dates never go in, so no page built from it can show them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mile.core.languages import language_name
from mile.employers.models import Proposal
from mile.participants.models import (
    DigitalLevel,
    Hours,
    IscedField,
    IscedLevel,
    LanguageSkill,
    ParticipantSkill,
    Recognition,
)
from mile.taxonomy.models import Concept

# Strongest evidence first: a validated skill tells an employer more than a declared one.
EVIDENCE_ORDER: list[str] = [
    ParticipantSkill.Evidence.VALIDATED,
    ParticipantSkill.Evidence.ASSESSED,
    ParticipantSkill.Evidence.OBSERVED,
    ParticipantSkill.Evidence.DECLARED,
]


@dataclass(frozen=True)
class CandidateSkill:
    label: str  # the ESCO preferred label in the reader's language
    evidence: str  # ParticipantSkill.Evidence

    @property
    def evidence_label(self) -> str:
        return str(ParticipantSkill.Evidence(self.evidence).label)


@dataclass(frozen=True)
class CandidateLanguage:
    name: str  # in the reader's language
    assessment: str  # LanguageSkill.Assessment
    listening: str
    reading: str
    spoken_interaction: str
    spoken_production: str
    writing: str

    @property
    def mother_tongue(self) -> bool:
        return self.assessment == LanguageSkill.Assessment.MOTHER_TONGUE

    @property
    def assessment_label(self) -> str:
        return str(LanguageSkill.Assessment(self.assessment).label)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; a started month counts from its first day."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def duration_text(months: int) -> str:
    """ "2 years and 3 months", "8 months", "1 year": the length of a job, not its dates."""
    years, rest = divmod(months, 12)
    if years and rest:
        return _("%(years)s and %(months)s") % {
            "years": ngettext("%(n)d year", "%(n)d years", years) % {"n": years},
            "months": ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest},
        }
    if years:
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if rest:
        return ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest}
    return _("less than a month")


@dataclass(frozen=True)
class CandidateExperience:
    job_title: str
    occupation: str  # the ESCO occupation's label, or ""
    months: int | None  # None when the start is not known
    ongoing: bool

    @property
    def duration(self) -> str:
        return "" if self.months is None else duration_text(self.months)


@dataclass(frozen=True)
class CandidateEducation:
    level: int  # IscedLevel
    field: str  # IscedField, or ""
    recognition: str  # Recognition

    @property
    def level_label(self) -> str:
        return str(IscedLevel(self.level).label)

    @property
    def field_label(self) -> str:
        return str(IscedField(self.field).label) if self.field else ""

    @property
    def recognition_label(self) -> str:
        return str(Recognition(self.recognition).label)


@dataclass(frozen=True)
class CandidateIdentity:
    """Shown only after the person agreed to share it with this employer."""

    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class CandidateProfile:
    reference: str  # the proposal's pseudonym, e.g. C-00012
    skills: list[CandidateSkill]
    languages: list[CandidateLanguage]
    experience: list[CandidateExperience]
    education: list[CandidateEducation]
    digital_level: str  # DigitalLevel, or ""
    driving_licences: list[str]
    available_from: dt.date | None
    hours_per_week: int | None
    preferred_hours: str  # Hours, or ""
    identity: CandidateIdentity | None = None

    @property
    def digital_level_label(self) -> str:
        return str(DigitalLevel(self.digital_level).label) if self.digital_level else ""

    @property
    def preferred_hours_label(self) -> str:
        return str(Hours(self.preferred_hours).label) if self.preferred_hours else ""


def candidate_profile(
    proposal: Proposal,
    *,
    language: str,
    today: dt.date | None = None,
    may_see_identity: bool = True,
) -> CandidateProfile:
    """The candidate as the employer sees them, with labels in ``language``.

    The name and contacts are included when the person shared them with this employer and the
    reader may see them (``may_see_identity``: evaluators never do).
    """
    today = today or timezone.localdate()
    person = proposal.participant
    labelled = Concept.objects.with_labels(language)
    skills = [
        CandidateSkill(label=s.skill.label(language), evidence=s.evidence)
        for s in person.skills.prefetch_related(Prefetch("skill", queryset=labelled))
    ]
    skills.sort(key=lambda s: (EVIDENCE_ORDER.index(s.evidence), s.label.casefold()))
    languages = [
        CandidateLanguage(
            name=language_name(lang.language, in_language=language),
            assessment=lang.assessment,
            listening=lang.listening,
            reading=lang.reading,
            spoken_interaction=lang.spoken_interaction,
            spoken_production=lang.spoken_production,
            writing=lang.writing,
        )
        for lang in person.language_skills.all()
    ]
    languages.sort(key=lambda lang: (not lang.mother_tongue, lang.name.casefold()))
    experience = [
        CandidateExperience(
            job_title=w.job_title,
            occupation=w.occupation.label(language) if w.occupation else "",
            months=months_between(w.started_on, w.ended_on or today) if w.started_on else None,
            ongoing=w.started_on is not None and w.ended_on is None,
        )
        for w in person.work_experience.prefetch_related(Prefetch("occupation", queryset=labelled))
    ]
    education = [
        CandidateEducation(level=e.level, field=e.field, recognition=e.recognition)
        for e in person.education.order_by("-level", "pk")
    ]
    identity = None
    if proposal.identity_shared_at is not None and may_see_identity:
        identity = CandidateIdentity(name=person.full_name, email=person.email, phone=person.phone)
    return CandidateProfile(
        reference=proposal.reference,
        skills=skills,
        languages=languages,
        experience=experience,
        education=education,
        digital_level=person.digital_level,
        driving_licences=sorted(person.driving_licences or []),
        available_from=person.available_from,
        hours_per_week=person.hours_per_week,
        preferred_hours=person.preferred_hours,
        identity=identity,
    )
