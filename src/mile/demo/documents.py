"""Demo certifications, so the certificate PDF has something to list: invented assessors.

Participants further along their pathway (placed or employed) have one of their profile
skills taken through the four validation phases. Running it again changes nothing; a
validation some other part of the demo already made for that skill is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mile.accounts.models import User
from mile.core.roles import Role
from mile.participants import services
from mile.participants.models import (
    Participant,
    SkillValidation,
    Status,
    ValidationPhase,
)

ASSESSORS = ["Assessor Inventata Rossi", "Prüferin Erfunden Huber", "Αξιολογητής Φανταστικός"]


def load_certifications() -> int:
    """One certified skill per placed or employed MILE participant; how many were added.

    They go through the same services as a case worker's clicks, evidence included, so the
    demo shows what the rules allow and the profile marks the skill "validated".
    """
    from mile.demo.profiles import cv_pdf

    added = 0
    people = (
        Participant.objects.filter(
            programme__slug="mile", status__in=[Status.PLACED, Status.EMPLOYED]
        )
        .prefetch_related("skills__skill")
        .order_by("pk")
    )
    for n, person in enumerate(people):
        skill = min(person.skills.all(), key=lambda s: s.skill_id, default=None)
        if skill is None:  # the demo loaded without ESCO: no skill to certify
            continue
        if SkillValidation.objects.filter(participant=person, skill_id=skill.skill_id).exists():
            continue
        # Recorded as the programme's coordinator would record it.
        coordinator = User.objects.filter(
            memberships__programme=person.programme_id,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        ).first()
        if coordinator is None:
            continue
        validation = services.validation_start(
            by=coordinator,
            participant=person,
            skill=skill.skill,
            identified_on=dt.date(2019, 9, 2),
        )
        evidence = SimpleUploadedFile(
            "observation.pdf",
            cv_pdf(["Observation on the job (demo)", str(skill.skill.label())]),
            content_type="application/pdf",
        )
        steps: list[tuple[str, dt.date, dict[str, Any]]] = [
            (ValidationPhase.DOCUMENT, dt.date(2019, 10, 7), {"upload": evidence}),
            (
                ValidationPhase.ASSESS,
                dt.date(2019, 11, 18),
                {"result": "passed", "assessor": ASSESSORS[n % len(ASSESSORS)]},
            ),
            (ValidationPhase.CERTIFY, dt.date(2019, 12, 2), {}),
        ]
        for phase, on, extra in steps:
            validation = services.validation_advance(
                by=coordinator, validation=validation, phase=phase, on=on, **extra
            )
        added += 1
    return added
