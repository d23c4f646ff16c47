"""E-mails about a candidacy: to the company's contacts and to the person proposed.

The company's e-mail names the candidate only by the proposal's pseudonym: whatever the
person later shares, an e-mail cannot be taken back. The person's e-mail goes to their own
account only (staff record the answer of people without one).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mile.accounts.models import Membership
from mile.core.roles import Role
from mile.employers.models import Proposal


def _url(name: str, pk: int, language: str) -> str:
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse(name, kwargs={'pk': pk})}"


@task()
def notify_candidate_proposed(proposal_id: int) -> None:
    """Tell the company's contacts, each in their language, that a candidate waits for them."""
    proposal = (
        Proposal.objects.select_related("offer__employer__organisation")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        return
    employer = proposal.offer.employer
    contacts = (
        Membership.objects.filter(
            programme_id=employer.programme_id,
            organisation_id=employer.organisation_id,
            role=Role.EMPLOYER_CONTACT,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    for membership in contacts:
        user = membership.user
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "proposal": proposal,
                "offer": proposal.offer,
                "url": _url("employers:candidate_detail", proposal.pk, language),
            }
            subject = _("A candidate for %(offer)s") % {"offer": proposal.offer.title}
            body = render_to_string("employers/email/candidate_proposed.txt", context)
        send_mail(subject, body, None, [user.email])


@task()
def notify_offer_proposed(proposal_id: int) -> None:
    """Tell the person, in their language, that an offer waits for their answer."""
    proposal = (
        Proposal.objects.select_related("offer__employer__organisation", "participant__user")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or proposal.participant.user is None:
        return
    user = proposal.participant.user
    if not user.is_active or not user.email:
        return
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "proposal": proposal,
            "offer": proposal.offer,
            "company": proposal.offer.employer.organisation.name,
            "url": _url("placements:proposal_answer", proposal.pk, language),
        }
        subject = _("An offer for you: %(offer)s") % {"offer": proposal.offer.title}
        body = render_to_string("employers/email/offer_proposed.txt", context)
    send_mail(subject, body, None, [user.email])
