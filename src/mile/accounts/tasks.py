from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mile.accounts.models import Invitation
from mile.accounts.services import invitation_url


@task()
def send_invitation(invitation_id: int) -> None:
    """Send the invitation e-mail in the language chosen for the invitee."""
    invitation = (
        Invitation.objects.select_related("programme", "organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return
    with translation.override(invitation.language):
        context = {"invitation": invitation, "url": invitation_url(invitation)}
        subject = _("Invitation to %(programme)s on MILE") % {"programme": invitation.programme}
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
