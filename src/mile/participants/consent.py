"""What a person is asked to consent to, purpose by purpose, in plain words.

Each answer is stored as a ``Consent`` row with ``CONSENT_WORDING_VERSION``, so we can always
show which text the person agreed to. Change the wording and the version changes with it:
``WORDING_FINGERPRINT`` holds a hash of the English texts, and a test fails until both are
updated together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from mile.participants.models import Consent, Participant, Purpose

CONSENT_WORDING_VERSION = "2026-11"
# sha256 of the English texts below; see ``wording_fingerprint``.
WORDING_FINGERPRINT = "86f1920f7a1030722ed0fdfb8eb1cecb8b569b8c0d2260cf881287cfaa441989"


@dataclass(frozen=True)
class PurposeWording:
    purpose: str
    question: str
    what_happens: str
    required: bool = False

    @property
    def question_text(self) -> str:
        return gettext(self.question)

    @property
    def what_happens_text(self) -> str:
        return gettext(self.what_happens)

    @property
    def label(self) -> str:
        return str(Purpose(self.purpose).label)


WORDINGS: tuple[PurposeWording, ...] = (
    PurposeWording(
        Purpose.PARTICIPATION,
        N_("May we use your data so that you can take part in the programme?"),
        N_(
            "We keep your answers to check if you can join, to plan your training and support, "
            "and to report numbers to the funder without your name. Only the staff of the "
            "programme see them. You need to say yes to apply."
        ),
        required=True,
    ),
    PurposeWording(
        Purpose.EMPLOYERS,
        N_("May we show your skills profile to employers?"),
        N_(
            "We send your skills, languages and work experience to employers who may offer you "
            "a job or a work placement. We never send your nationality or your residence status."
        ),
    ),
    PurposeWording(
        Purpose.NEWSLETTER,
        N_("Do you want to receive our newsletter?"),
        N_("We send you news about the programme by e-mail, about twice a year."),
    ),
    PurposeWording(
        Purpose.STORIES,
        N_("May we use photos and stories about you?"),
        N_(
            "We may ask to take your photo or to write your story for our website and social "
            "media. We always ask you again before anything is published."
        ),
    ),
)
PURPOSE_ORDER = [w.purpose for w in WORDINGS]


def wording_fingerprint() -> str:
    text = "\n".join(f"{w.purpose}|{w.question}|{w.what_happens}|{w.required}" for w in WORDINGS)
    return hashlib.sha256(text.encode()).hexdigest()


def wording_for(purpose: str) -> PurposeWording:
    return next(w for w in WORDINGS if w.purpose == purpose)


@dataclass(frozen=True)
class CurrentConsent:
    wording: PurposeWording
    latest: Consent | None

    @property
    def given(self) -> bool:
        return bool(self.latest and self.latest.given)


def consent_history(participant: Participant) -> QuerySet[Consent]:
    return participant.consents.select_related("recorded_by").order_by("-recorded_at", "-pk")


def current_consents(participant: Participant) -> list[CurrentConsent]:
    """The latest answer for each purpose; a purpose never asked has none."""
    latest: dict[str, Consent] = {}
    for row in consent_history(participant):
        latest.setdefault(row.purpose, row)
    return [CurrentConsent(w, latest.get(w.purpose)) for w in WORDINGS]


def has_consent(participant: Participant, purpose: str) -> bool:
    row = participant.consents.filter(purpose=purpose).order_by("-recorded_at", "-pk").first()
    return bool(row and row.given)
