from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mile.core import permissions
from mile.core.access import get_for_user_or_404
from mile.core.roles import Cap
from mile.programmes.models import Organisation, Programme, Track


def get_programme_for_user(user: Any, pk: Any, *, write: bool = False) -> Programme:
    programme = get_for_user_or_404(Programme.objects.all(), user, pk)
    # Seeing a programme is not enough to change it.
    if write and not permissions.can(user, Cap.MANAGE_PROGRAMME, programme.pk):
        raise PermissionDenied
    return programme


def get_track_for_user(user: Any, pk: Any, *, write: bool = False) -> Track:
    track: Track = get_for_user_or_404(Track.objects.select_related("programme"), user, pk)
    # Tracks are part of the programme's design: changed by those who manage the programme.
    if write and not permissions.can(user, Cap.MANAGE_PROGRAMME, track.programme_id):
        raise PermissionDenied
    return track


def get_organisation_for_user(user: Any, pk: Any, *, write: bool = False) -> Organisation:
    organisation = get_for_user_or_404(Organisation.objects.all(), user, pk)
    if write:
        programme_ids = set(organisation.involvements.values_list("programme_id", flat=True))
        # Changing an organisation takes the right in a programme it is involved in.
        if not any(
            permissions.can(user, Cap.MANAGE_ORGANISATIONS, pid) for pid in programme_ids
        ) and not permissions.is_platform_admin(user):
            raise PermissionDenied
    return organisation
