"""Plan, services and timeline of one participant (to be built: placeholder pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mile.core.http import AuthenticatedHttpRequest
from mile.participants.access import get_participant_for_user, sees_personal_data


@login_required
@require_GET
def participant_pathway(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk)
    return render(
        request,
        "participants/participant_pathway.html",
        {"participant": participant, "personal": sees_personal_data(request.user, participant)},
    )


@login_required
@require_GET
def participant_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk)
    return render(
        request,
        "participants/participant_timeline.html",
        {"participant": participant, "personal": sees_personal_data(request.user, participant)},
    )
