from __future__ import annotations

from typing import Any

from mile.accounts.models import ApiToken, Invitation
from mile.core.access import get_for_user_or_404


def get_invitation_for_user(user: Any, pk: Any, *, write: bool = True) -> Invitation:
    # Invitations are listed only to those who may invite, so seeing one is managing it.
    return get_for_user_or_404(Invitation.objects.all(), user, pk)


def get_token_for_user(user: Any, pk: Any, *, write: bool = True) -> ApiToken:
    return get_for_user_or_404(ApiToken.objects.all(), user, pk)
