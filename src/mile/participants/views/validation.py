"""Validation of skills in four phases (to be built: placeholder page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mile.core.http import AuthenticatedHttpRequest
from mile.participants.access import get_participant_for_user, sees_personal_data


@login_required
@require_GET
def participant_validation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk)
    return render(
        request,
        "participants/participant_validation.html",
        {"participant": participant, "personal": sees_personal_data(request.user, participant)},
    )
