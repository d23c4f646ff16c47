"""Retention and hiring after placements, per site, company or occupation: aggregates only.

The page never names a person: evaluators read it as well as the programme's staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.placements.forms import OutcomesForm
from mile.placements.models import LeftReason, Placement
from mile.placements.outcomes import Row, outcome_rows
from mile.programmes.models import Programme


@dataclass(frozen=True)
class RowView:
    """An outcome row with its left reasons named, most frequent first."""

    row: Row
    reasons: list[tuple[str, int]]


def _view(row: Row) -> RowView:
    labels = dict(LeftReason.choices)
    return RowView(
        row=row,
        reasons=[(str(labels.get(code, code)), n) for code, n in row.left_reasons.most_common()],
    )


def _programmes(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.order_by("name", "pk")
    # Platform administrators read every programme's rates.
    if permissions.is_platform_admin(user):
        return programmes
    # Coordinators, partner staff and evaluators read the programmes they have indicators of.
    return programmes.filter(pk__in=permissions.programme_ids_with(user, Cap.VIEW_INDICATORS))


def _placements(user: Any, programme: Programme) -> QuerySet[Placement]:
    placements = Placement.objects.filter(participant__programme=programme)
    # Roles that read the whole programme's indicators (coordinators, evaluators) count all of
    # its placements. Evaluators follow nobody by name, so the placements they may read could
    # come out empty or partial through ``for_user``; the rates are aggregates without a name,
    # which is what their role is for.
    if permissions.is_platform_admin(user) or programme.pk in permissions.programme_wide_ids(
        user, Cap.VIEW_INDICATORS
    ):
        return placements
    # Partner staff count the placements of the people they follow.
    return placements.filter(pk__in=Placement.objects.for_user(user).values("pk"))


@login_required
@require_GET
def outcomes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # Rates only, never a name: for those who read the programme's indicators.
    if not permissions.can(user, Cap.VIEW_INDICATORS):
        raise PermissionDenied
    programmes = _programmes(user)
    form = OutcomesForm(request.GET or None, programmes=programmes)
    rows: list[RowView] = []
    total: RowView | None = None
    programme: Programme | None = None
    by = "site"
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        programme = data.get("programme") or programmes.first()
        by = data.get("by") or "site"
        if programme is not None:
            found, whole = outcome_rows(_placements(user, programme), by)
            rows, total = [_view(r) for r in found], _view(whole)
    return render(
        request,
        "placements/outcomes.html",
        {
            "form": form,
            "programme": programme,
            "by": by,
            "rows": rows,
            "total": total,
            # Evaluators have no placement list nor follow-ups: the tabs leave them out.
            "indicators_only": not (
                permissions.is_platform_admin(user)
                or permissions.programme_ids_with(user, Cap.MANAGE_PARTICIPANTS)
            ),
        },
        status=status,
    )
