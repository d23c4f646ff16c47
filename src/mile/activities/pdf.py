"""The certificate of attendance of a course, as PDF, in the attendee's language.

It is made the way the participants' documents are (``participants/pdf.py``): an HTML template
rendered inside ``translation.override`` and turned into A4 PDF by WeasyPrint with the system's
fonts (DejaVu Sans: Latin, Greek and Cyrillic), fetching nothing.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from mile.activities import services
from mile.activities.models import Enrolment
from mile.participants.pdf import concept_text, render_pdf

INTERFACE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def attendee_language(enrolment: Enrolment) -> str:
    """The language the attendee reads: a participant's own account's first, else the enrolment's."""
    participant = enrolment.participant
    # A participant chose their account's language themselves: it beats what staff noted.
    user = participant.user if participant is not None else None
    if user is not None and user.language in INTERFACE_LANGUAGES:
        return str(user.language)
    if enrolment.language in INTERFACE_LANGUAGES:
        return enrolment.language
    return str(settings.LANGUAGE_CODE)


def certificate_context(enrolment: Enrolment, *, language: str) -> dict[str, Any]:
    course = enrolment.course
    sessions = list(course.sessions.all())
    skills = course.skills.all().with_labels(language).order_by("pk")
    site = course.site
    organiser = site.lead_partner if site is not None else None
    trainer = str(course.trainer) if course.trainer is not None else course.trainer_name
    completed = enrolment.completed_at or timezone.now()
    return {
        "enrolment": enrolment,
        "course": course,
        "programme": course.programme,
        "name": enrolment.display_name,
        "first_day": timezone.localdate(sessions[0].starts_at) if sessions else None,
        "last_day": timezone.localdate(sessions[-1].starts_at) if sessions else None,
        "session_count": len(sessions),
        "hours": services.attended_hours(enrolment),
        "share": services.attendance_share(enrolment),
        "skills": [concept_text(concept, language) for concept in skills],
        "trainer": trainer,
        "organiser": organiser,
        "number": enrolment.certificate_number,
        "issued_on": timezone.localdate(completed),
    }


def certificate_pdf(enrolment: Enrolment, *, language: str) -> bytes:
    context = certificate_context(enrolment, language=language)
    return render_pdf("activities/pdf/certificate.html", context, language=language)
