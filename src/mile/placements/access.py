"""One object or 404, for the reader: the placement workflow's records."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mile.core import permissions
from mile.core.access import get_for_user_or_404
from mile.core.roles import Cap
from mile.placements.models import FollowUp, MatchRun, Placement, Suggestion


def may_match(user: Any, programme_id: int) -> bool:
    """Runs matching and proposes candidates: who may propose them to employers."""
    return permissions.can(user, Cap.MANAGE_EMPLOYERS, programme_id)


def may_manage_placement(user: Any, programme_id: int) -> bool:
    """Starts, ends and follows up placements: case work on the person's record."""
    return permissions.can(user, Cap.MANAGE_PARTICIPANTS, programme_id) and permissions.can(
        user, Cap.MANAGE_EMPLOYERS, programme_id
    )


def get_run_for_user(user: Any, pk: Any) -> MatchRun:
    return get_for_user_or_404(
        MatchRun.objects.select_related("programme", "site", "offer", "run_by"), user, pk
    )


def get_suggestion_for_user(user: Any, pk: Any) -> Suggestion:
    suggestion = get_for_user_or_404(
        Suggestion.objects.select_related("run", "participant", "offer__employer__organisation"),
        user,
        pk,
    )
    # Reading a run is already proposing's right; nothing more to check for a write.
    return suggestion


def get_placement_for_user(user: Any, pk: Any, *, write: bool = False) -> Placement:
    placement = get_for_user_or_404(
        Placement.objects.select_related(
            "proposal",
            "participant",
            "offer__employer__organisation",
            "offer__occupation",
            "programme_tutor",
        ),
        user,
        pk,
    )
    # Employer contacts and the person read it; only staff change it.
    if write and not may_manage_placement(user, placement.participant.programme_id):
        raise PermissionDenied
    return placement


def get_follow_up_for_user(user: Any, pk: Any, *, write: bool = False) -> FollowUp:
    follow_up = get_for_user_or_404(
        FollowUp.objects.select_related(
            "placement__participant",
            "placement__offer__employer__organisation",
            "placement__proposal",
        ),
        user,
        pk,
    )
    # Only staff record a check-in.
    if write and not may_manage_placement(user, follow_up.placement.participant.programme_id):
        raise PermissionDenied
    return follow_up
