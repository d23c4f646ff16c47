"""Read-side summaries of programmes for the dashboard and the programme pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from mile.accounts.models import Invitation, Membership
from mile.core import permissions
from mile.core.roles import Cap
from mile.programmes.models import Involvement, Programme, Relation


@dataclass(frozen=True)
class ProgrammeSummary:
    programme: Programme
    roles: list[str]
    partners: int
    sites: int
    tracks: int
    organisations: int | None  # None: the reader may not see the organisations
    members: int | None
    pending_invitations: int | None
    target_participants: int


def programme_summaries(user: Any) -> list[ProgrammeSummary]:
    """The key counts of each programme the user belongs to, in five queries whatever their number."""
    programmes = list(
        Programme.objects.for_user(user)
        .annotate(
            n_sites=Count("sites", distinct=True),
            n_tracks=Count("tracks", distinct=True),
            n_partners=Count(
                "involvements",
                filter=Q(involvements__relation__in=[Relation.LEAD, Relation.PARTNER]),
                distinct=True,
            ),
            n_organisations=Count("involvements", distinct=True),
        )
        .prefetch_related("tracks")
    )
    ids = [p.pk for p in programmes]
    members = dict(
        Membership.objects.for_user(user)
        .filter(programme_id__in=ids, is_active=True)
        .values_list("programme_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("programme_id", "n")
    )
    invitations = dict(
        Invitation.objects.for_user(user)
        .pending()
        .filter(programme_id__in=ids)
        .values_list("programme_id")
        .annotate(n=Count("id"))
        .values_list("programme_id", "n")
    )
    summaries = []
    for p in programmes:
        summaries.append(
            ProgrammeSummary(
                programme=p,
                roles=sorted(permissions.roles_in(user, p.pk)),
                partners=p.n_partners,  # type: ignore[attr-defined]
                sites=p.n_sites,  # type: ignore[attr-defined]
                tracks=p.n_tracks,  # type: ignore[attr-defined]
                organisations=p.n_organisations  # type: ignore[attr-defined]
                if permissions.can(user, Cap.VIEW_ORGANISATIONS, p.pk)
                else None,
                members=members.get(p.pk, 0)
                if permissions.can(user, Cap.VIEW_MEMBERS, p.pk)
                else None,
                pending_invitations=invitations.get(p.pk, 0)
                if permissions.can(user, Cap.INVITE_USERS, p.pk)
                else None,
                target_participants=sum(t.target_participants or 0 for t in p.tracks.all()),
            )
        )
    return summaries


def involvements_of(programme: Programme, user: Any) -> list[Involvement]:
    return list(
        Involvement.objects.for_user(user)
        .filter(programme=programme)
        .select_related("organisation")
        .order_by("relation", "organisation__name")
    )
