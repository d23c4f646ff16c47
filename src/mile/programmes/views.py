from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.languages import language_name
from mile.core.roles import Cap
from mile.participants.models import ServiceType
from mile.programmes import services
from mile.programmes.access import (
    get_organisation_for_user,
    get_programme_for_user,
    get_track_for_user,
)
from mile.programmes.forms import (
    NewOrganisationForm,
    OrganisationFilterForm,
    OrganisationForm,
    TrackServiceFormSet,
)
from mile.programmes.models import Organisation, Programme, Site, Track
from mile.programmes.selectors import involvements_of, programme_summaries

PAGE_SIZE = 25


@login_required
@require_GET
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "programmes/programme_list.html", {"summaries": programme_summaries(request.user)}
    )


@login_required
@require_GET
def programme_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, pk)
    sites = (
        Site.objects.for_user(request.user)
        .filter(programme=programme)
        .select_related("lead_partner")
    )
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "sites": sites,
            "tracks": [_with_service_lines(track) for track in programme.tracks.all()],
            "involvements": involvements_of(programme, request.user),
            "can_see_organisations": permissions.can(request.user, Cap.VIEW_ORGANISATIONS, pk),
            "can_manage": permissions.can(request.user, Cap.MANAGE_PROGRAMME, pk),
            "languages": [language_name(code) for code in programme.languages],
        },
    )


def _with_service_lines(track: Track) -> Track:
    """The track with its planned services as (label, hours) lines, for showing."""
    labels: dict[Any, Any] = dict(ServiceType.choices)
    track.service_lines = [  # type: ignore[attr-defined]
        (
            labels.get(entry.get("service"), entry.get("service")),
            None if entry.get("hours") is None else Decimal(str(entry["hours"])),
        )
        for entry in track.planned_services or []
        if isinstance(entry, dict)
    ]
    return track


@login_required
@require_http_methods(["GET", "POST"])
def track_services(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The services a participant of the track receives, with their hours."""
    track = get_track_for_user(request.user, pk, write=True)
    formset = TrackServiceFormSet(request.POST or None, initial=track.planned_services or None)
    if request.method == "POST":
        if formset.is_valid():
            try:
                services.track_planned_services_save(
                    by=request.user,
                    track=track,
                    services=formset.planned_services(),
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The planned services of the track were saved."))
                return redirect("programmes:programme_detail", pk=track.programme_id)
        return render(
            request,
            "programmes/track_services.html",
            {"track": track, "formset": formset},
            status=400,
        )
    return render(request, "programmes/track_services.html", {"track": track, "formset": formset})


@login_required
@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    organisations = Organisation.objects.for_user(request.user)
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            organisations = organisations.filter(Q(name__icontains=q) | Q(city__icontains=q))
        if kind := form.cleaned_data["type"]:
            organisations = organisations.filter(type=kind)
    page = Paginator(organisations.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        # A search typed with htmx on re-renders the results only; same checks, same scope.
        "programmes/organisation_list.html#results"
        if request.htmx
        else "programmes/organisation_list.html",
        {
            "form": form,
            "page": page,
            "can_add": permissions.can(request.user, Cap.MANAGE_ORGANISATIONS),
        },
    )


@login_required
@require_GET
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    involvements = organisation.involvements.filter(
        programme__in=Programme.objects.for_user(request.user)
    ).select_related("programme")
    return render(
        request,
        "programmes/organisation_detail.html",
        {
            "organisation": organisation,
            "involvements": involvements,
            "can_edit": _can_edit(request, organisation),
        },
    )


def _can_edit(request: HttpRequest, organisation: Organisation) -> bool:
    try:
        get_organisation_for_user(request.user, organisation.pk, write=True)
    except PermissionDenied:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Only those who manage organisations somewhere reach the form.
    if not permissions.can(request.user, Cap.MANAGE_ORGANISATIONS):
        raise PermissionDenied
    form = NewOrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        programme = data.pop("programme")
        relation = data.pop("relation")
        organisation = services.organisation_create(
            by=request.user, programme=programme, relation=relation, fields=data
        )
        messages.success(request, _("The organisation was added."))
        return redirect("programmes:organisation_detail", pk=organisation.pk)
    return render(
        request, "programmes/organisation_form.html", {"form": form, "organisation": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk, write=True)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("programmes:organisation_detail", pk=organisation.pk)
    return render(
        request, "programmes/organisation_form.html", {"form": form, "organisation": organisation}
    )
