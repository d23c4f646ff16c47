"""The participant's own account: staff invite them, they set a password and see their file.

A participant's account has no membership: it reaches only the ``/me/`` pages, which load the
one record linked to it (``Participant.user``), never a list.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mile.accounts.models import User
from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import Participant

_SALT = "mile.participants.account"


def participant_account_token(participant: Participant) -> str:
    return signing.dumps({"p": participant.pk, "email": participant.email.lower()}, salt=_SALT)


def participant_from_account_token(token: str) -> Participant:
    """The participant a link was sent for; ValidationError when expired, used or stale."""
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired. Ask your case worker for a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid") from None
    participant = Participant.objects.filter(pk=data.get("p")).first()
    # A link sent before the address changed must not open the account to the old address.
    if participant is None or participant.email.lower() != data.get("email"):
        raise ValidationError(_("This link is not valid."), code="invalid")
    if participant.user_id is not None:
        raise ValidationError(_("This link has already been used. Sign in."), code="used")
    return participant


def participant_account_url(participant: Participant, language: str) -> str:
    with translation.override(language):
        path = reverse(
            "participants:me_welcome", kwargs={"token": participant_account_token(participant)}
        )
    return f"{settings.SITE_URL}{path}"


def participant_account_invite(*, by: Any, participant: Participant, language: str) -> None:
    """Send the person a link to create their account, in their language."""
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages of MILE.")})
    if not participant.email:
        raise ValidationError(_("Record the person's e-mail address first."))
    if participant.user_id is not None:
        raise ValidationError(_("This person can already sign in."))
    if User.objects.filter(email=participant.email.lower()).exists():
        raise ValidationError(_("This e-mail address already belongs to another account."))
    from mile.participants.tasks import send_account_link

    transaction.on_commit(lambda: send_account_link.enqueue(participant.pk, language))


@transaction.atomic
def participant_account_create(*, participant: Participant, password: str, language: str) -> User:
    """Create the account a link was sent for and tie it to the record."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.user_id is not None:
        raise ValidationError(_("This link has already been used. Sign in."))
    email = participant.email.lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError(_("This e-mail address already belongs to another account."))
    user = User(email=email, full_name=participant.full_name, language=language)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    return user
