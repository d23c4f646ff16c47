"""Writes about people and their access: invitations, memberships, tokens."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mile.accounts.models import ApiToken, Invitation, Membership, User
from mile.core import permissions
from mile.core.roles import Cap, Role

_SALT = "mile.accounts.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link stands for; ValidationError when expired or used."""
    try:
        data = signing.loads(
            token, salt=_SALT, max_age=settings.INVITATION_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This invitation has expired. Ask your coordinator for a new one."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This invitation link is not valid."), code="invalid") from None
    invitation = (
        Invitation.objects.select_related("programme", "organisation", "site")
        .filter(pk=data.get("id"), email=data.get("email"))
        .first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation link is not valid."), code="invalid")
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."), code="used")
    return invitation


def invitation_url(invitation: Invitation) -> str:
    with translation.override(invitation.language):
        path = reverse("accounts:invitation_accept", kwargs={"token": invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


def invitation_create(
    *,
    by: User,
    email: str,
    full_name: str,
    programme: Any,
    organisation: Any,
    role: str,
    site: Any | None = None,
    language: str = "en",
) -> Invitation:
    """Record an invitation and have the worker send it once the transaction commits."""
    # Inviting is the coordinator's: a partner cannot hand out access.
    if not permissions.can(by, Cap.INVITE_USERS, programme.pk):
        raise PermissionDenied
    # Only administrators hand out the administrator role.
    if role == Role.ADMIN and not (
        permissions.is_platform_admin(by) or Role.ADMIN in permissions.roles_in(by, programme.pk)
    ):
        raise PermissionDenied
    if site is not None and site.programme_id != programme.pk:
        raise ValidationError({"site": _("The site belongs to another programme.")})
    email = email.strip().lower()
    if Membership.objects.filter(
        user__email=email, programme=programme, organisation=organisation, role=role
    ).exists():
        raise ValidationError({"email": _("This person already has this role.")})
    if (
        Invitation.objects.pending()
        .filter(email=email, programme=programme, organisation=organisation, role=role)
        .exists()
    ):
        raise ValidationError({"email": _("An invitation for this role is already waiting.")})
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name,
            programme=programme,
            organisation=organisation,
            site=site,
            role=role,
            language=language,
            invited_by=by,
        )
        from mile.accounts.tasks import send_invitation

        transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Turn an invitation into a membership, creating the account when the person is new."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("This invitation has already been used."))
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(_("An account with this address exists: sign in to accept."))
        user = User(email=invitation.email, full_name=full_name, language=invitation.language)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
    elif user.email.lower() != invitation.email:
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    Membership.objects.update_or_create(
        user=user,
        programme=invitation.programme,
        organisation=invitation.organisation,
        role=invitation.role,
        defaults={"site": invitation.site, "is_active": True},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    permissions.forget(user)
    return user


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    if not permissions.can(user, Cap.USE_API):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    return ApiToken.issue(user=user, name=name)
