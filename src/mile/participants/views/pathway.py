"""Plan, services and timeline of one participant.

One page ("Plan and services") holds the integration plan, the planned services, the service
records and the hours per service; the add and edit forms post to their own URLs and, when the
input is wrong, the page comes back with the form open, what was typed and the errors (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.participants import pathway, services
from mile.participants.access import get_participant_for_user, sees_personal_data
from mile.participants.forms import PlanForm, PlannedServiceForm, ServiceRecordForm
from mile.participants.models import IntegrationPlan, Participant, PlannedService, ServiceRecord

RECORDS_PER_PAGE = 25
EVENTS_PER_PAGE = 50


def _page(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    *,
    plan_form: PlanForm | None = None,
    planned_form: PlannedServiceForm | None = None,
    planned_item: PlannedService | None = None,
    record_form: ServiceRecordForm | None = None,
    record_item: ServiceRecord | None = None,
    status: int = 200,
) -> HttpResponse:
    personal = sees_personal_data(request.user, participant)
    can_manage = permissions.can(request.user, Cap.MANAGE_PARTICIPANTS, participant.programme_id)
    plan = (
        IntegrationPlan.objects.filter(participant=participant).select_related("updated_by").first()
    )
    planned = (
        PlannedService.objects.filter(plan__participant=participant)
        .select_related("responsible")
        .order_by("starts_on", "pk")
    )
    records = Paginator(
        participant.services.select_related("provider", "planned").order_by("-started_on", "-pk"),
        RECORDS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    hours, total = pathway.hours_by_service(participant)
    track = participant.track
    context = {
        "participant": participant,
        "personal": personal,
        "can_manage": can_manage,
        "plan": plan,
        "planned": planned,
        "page": records,
        "hours": hours,
        "total": total,
        "from_track": can_manage and track is not None and bool(track.planned_services),
    }
    if can_manage:
        context |= {
            "plan_form": plan_form
            or PlanForm(instance=plan or IntegrationPlan(participant=participant)),
            "planned_form": planned_form or PlannedServiceForm(participant=participant),
            "planned_item": planned_item,
            "record_form": record_form
            or ServiceRecordForm(
                instance=ServiceRecord(participant=participant), participant=participant
            ),
            "record_item": record_item,
        }
    return render(request, "participants/participant_pathway.html", context, status=status)


def _back(participant: Participant, anchor: str) -> HttpResponse:
    url = reverse("participants:participant_pathway", kwargs={"pk": participant.pk})
    return redirect(f"{url}#{anchor}")


@login_required
@require_GET
def participant_pathway(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_participant_for_user(request.user, pk))


@login_required
@require_POST
def participant_plan_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    plan = IntegrationPlan.objects.filter(participant=participant).first()
    form = PlanForm(request.POST, instance=plan or IntegrationPlan(participant=participant))
    if form.is_valid():
        try:
            services.plan_save(
                by=request.user,
                participant=participant,
                goals=form.cleaned_data["goals"],
                agreed_on=form.cleaned_data["agreed_on"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return _back(participant, "plan")
    return _page(request, participant, plan_form=form, status=400)


@login_required
@require_POST
def participant_plan_from_track(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    try:
        created = services.plan_from_track(by=request.user, participant=participant)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "%(count)d service of the track was added to the plan.",
                    "%(count)d services of the track were added to the plan.",
                    len(created),
                )
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("The plan already has every service of the track."))
    return _back(participant, "planned")


@login_required
@require_POST
def participant_planned_service_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = PlannedServiceForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            services.planned_service_save(
                by=request.user, participant=participant, fields=form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The service was added to the plan."))
            return _back(participant, "planned")
    return _page(request, participant, planned_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def participant_planned_service_edit(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    planned = get_object_or_404(PlannedService, plan__participant=participant, pk=item)
    form = PlannedServiceForm(request.POST or None, instance=planned, participant=participant)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.planned_service_save(
                    by=request.user,
                    participant=participant,
                    fields=form.cleaned_data,
                    planned=planned,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The planned service was saved."))
                return _back(participant, "planned")
        return _page(request, participant, planned_form=form, planned_item=planned, status=400)
    return _page(request, participant, planned_form=form, planned_item=planned)


@login_required
@require_POST
def participant_planned_service_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    planned = get_object_or_404(PlannedService, plan__participant=participant, pk=item)
    services.planned_service_delete(by=request.user, planned=planned)
    messages.success(request, _("The service was removed from the plan."))
    return _back(participant, "planned")


@login_required
@require_POST
def participant_service_record_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = ServiceRecordForm(
        request.POST, instance=ServiceRecord(participant=participant), participant=participant
    )
    if form.is_valid():
        try:
            services.service_record_save(
                by=request.user, participant=participant, fields=form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The service was recorded."))
            return _back(participant, "records")
    return _page(request, participant, record_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def participant_service_record_edit(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    record = get_object_or_404(ServiceRecord, participant=participant, pk=item)
    form = ServiceRecordForm(request.POST or None, instance=record, participant=participant)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.service_record_save(
                    by=request.user,
                    participant=participant,
                    fields=form.cleaned_data,
                    record=record,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("The service record was saved."))
                return _back(participant, "records")
        return _page(request, participant, record_form=form, record_item=record, status=400)
    return _page(request, participant, record_form=form, record_item=record)


@login_required
@require_POST
def participant_service_record_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    record = get_object_or_404(ServiceRecord, participant=participant, pk=item)
    services.service_record_delete(by=request.user, record=record)
    messages.success(request, _("The service record was deleted."))
    return _back(participant, "records")


@login_required
@require_GET
def participant_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk)
    personal = sees_personal_data(request.user, participant)
    oldest_first = request.GET.get("order") == "oldest"
    events = pathway.timeline(participant, personal=personal, newest_first=not oldest_first)
    return render(
        request,
        "participants/participant_timeline.html",
        {
            "participant": participant,
            "personal": personal,
            "oldest_first": oldest_first,
            "page": Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page")),
        },
    )
