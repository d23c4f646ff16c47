"""The case worker's follow-ups: those due soon or overdue, and recording one.

Each placement is checked with the company and the person at 1, 3, 6 and 12 months; the list
shows those overdue or due within ``DUE_AHEAD``, by default of the placements the reader tutors,
or of all those they follow.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.placements import services
from mile.placements.access import get_follow_up_for_user
from mile.placements.forms import FollowUpForm
from mile.placements.models import DUE_AHEAD, FollowUp, Outcome
from mile.placements.views.placements import require_staff

# How far back the list shows the check-ins already recorded.
RECENT_DAYS = 30
RECENT_SHOWN = 20


@login_required
@require_GET
def follow_up_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    programmes = require_staff(user)
    follow_ups = FollowUp.objects.for_user(user)
    if programmes is not None:
        follow_ups = follow_ups.filter(placement__participant__programme_id__in=programmes)
    mine = request.GET.get("show") != "all"
    if mine:
        follow_ups = follow_ups.filter(placement__programme_tutor=user)
    related = ("placement__participant", "placement__offer__employer__organisation")
    today = timezone.localdate()
    due = follow_ups.due(today).select_related(*related).order_by("due_on", "pk")
    recent = (
        follow_ups.filter(done_on__gte=today - dt.timedelta(days=RECENT_DAYS))
        .select_related(*related)
        .order_by("-done_on", "-pk")[:RECENT_SHOWN]
    )
    return render(
        request,
        "placements/follow_up_list.html",
        {
            "due": due,
            "recent": recent,
            "mine": mine,
            "today": today,
            "weeks": DUE_AHEAD.days // 7,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    follow_up = get_follow_up_for_user(request.user, pk, write=True)
    placement = follow_up.placement
    today = timezone.localdate()
    initial = {
        "done_on": follow_up.done_on or today,
        "outcome": follow_up.outcome or Outcome.STILL_PLACED,
        "left_reason": follow_up.left_reason,
        "with_employer": follow_up.with_employer,
        "with_participant": follow_up.with_participant,
        "notes": follow_up.notes,
    }
    form = FollowUpForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.follow_up_record(
                    by=request.user,
                    follow_up=follow_up,
                    done_on=data["done_on"],
                    outcome=data["outcome"],
                    left_reason=data["left_reason"],
                    notes=data["notes"],
                    with_employer=data["with_employer"],
                    with_participant=data["with_participant"],
                )
            except ValidationError as error:
                form_errors(form, error)
                follow_up.refresh_from_db()
            else:
                messages.success(request, _("The follow-up was recorded."))
                return redirect("placements:placement_detail", pk=placement.pk)
        status = 400
    return render(
        request,
        "placements/follow_up_form.html",
        {
            "follow_up": follow_up,
            "placement": placement,
            "name": placement.participant.full_name,
            "company": placement.offer.employer.organisation.name,
            "form": form,
        },
        status=status,
    )
