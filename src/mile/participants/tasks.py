from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from mile.participants.accounts import participant_account_url
from mile.participants.models import Participant


@task()
def send_account_link(participant_id: int, language: str) -> None:
    """Send the link to create one's own account, in the language the case worker chose."""
    participant = Participant.objects.select_related("programme").filter(pk=participant_id).first()
    if participant is None or participant.user_id is not None or not participant.email:
        return
    with translation.override(language):
        context = {
            "participant": participant,
            "url": participant_account_url(participant, language),
        }
        subject = _("Your page on MILE: %(programme)s") % {"programme": participant.programme}
        body = render_to_string("participants/email/account_link.txt", context)
    send_mail(subject, body, None, [participant.email])
