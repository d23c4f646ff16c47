from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mile.core import permissions
from mile.core.access import get_for_user_or_404
from mile.core.roles import Cap
from mile.participants.models import Participant


def get_participant_for_user(user: Any, pk: Any, *, write: bool = False) -> Participant:
    participant = get_for_user_or_404(
        Participant.objects.select_related("programme", "site", "organisation", "track"), user, pk
    )
    # Evaluators read pseudonymised records; changing one takes case work rights.
    if write and not permissions.can(user, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    return participant


def sees_personal_data(user: Any, participant: Participant) -> bool:
    # Evaluators hold no VIEW_PERSONAL_DATA: they get the pseudonymised record.
    return permissions.can(user, Cap.VIEW_PERSONAL_DATA, participant.programme_id)


def sees_sensitive_data(user: Any, participant: Participant) -> bool:
    return sees_personal_data(user, participant) and permissions.can(
        user, Cap.VIEW_SENSITIVE_DATA, participant.programme_id
    )
