"""Events (awareness raising, dissemination): list, writing, materials, registrations.

Every member of a programme reads its events; those who run an event (``access.runs``) write
it, keep its materials and see who registered (personal data). Events open to registration
online take registrations without an account (``event_register`` and ``event_register_done``).
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.activities import services
from mile.activities.access import get_event_for_user, runs
from mile.activities.forms_events import (
    ATTENDED_CHOICES,
    EventFilterForm,
    EventForm,
    MaterialForm,
    PublicRegistrationForm,
    RegistrationForm,
    attended_value,
)
from mile.activities.models import Audience, Event, EventMaterial, EventRegistration
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
REGISTERED = "activities:event_registered"


def _require(request: AuthenticatedHttpRequest, cap: Cap) -> None:
    # A capability in any programme; which events show is for_user's business.
    if not permissions.can(request.user, cap):
        raise PermissionDenied


# --- List and writing --------------------------------------------------------------------------


@login_required
@require_GET
def event_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.VIEW_ACTIVITIES)
    form = EventFilterForm(request.GET or None, user=request.user)
    events = Event.objects.for_user(request.user)
    now = timezone.now()
    when = "upcoming"
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        when = data["when"] or "upcoming"
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["audience"]:
            # A JSON list of plain words: its quoted text finds it on SQLite and PostgreSQL.
            events = events.filter(audiences__icontains=f'"{data["audience"]}"')
        if data["site"]:
            events = events.filter(site=data["site"])
    if when == "upcoming":
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("-starts_at", "-pk")
    events = events.select_related("programme", "site").annotate(registered=Count("registrations"))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.audience_labels = _audience_labels(event)
    return render(
        request,
        "activities/event_list.html#results" if request.htmx else "activities/event_list.html",
        {
            "form": form,
            "page": page,
            "when": when,
            "can_create": permissions.can(request.user, Cap.MANAGE_ACTIVITIES),
        },
        status=status,
    )


def _audience_labels(event: Event) -> list[str]:
    return [str(Audience(a).label) for a in event.audiences or [] if a in Audience.values]


def _form_page(
    request: AuthenticatedHttpRequest, form: EventForm, event: Event | None
) -> HttpResponse:
    return render(
        request,
        "activities/event_form.html",
        {"form": form, "event": event},
        status=400 if form.is_bound else 200,
    )


def _save(request: AuthenticatedHttpRequest, form: EventForm) -> Event | None:
    event = form.save(commit=False)
    event.audiences = list(form.cleaned_data["audiences"])
    try:
        return services.event_save(by=request.user, event=event)
    except ValidationError as error:
        form_errors(form, error)
    except PermissionDenied:
        form.add_error("site", _("You do not run the activities of this site."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.MANAGE_ACTIVITIES)
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = _save(request, form)
        if event is not None:
            messages.success(request, _("The event was saved."))
            return redirect("activities:event_detail", pk=event.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, write=True)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _("The changes were saved."))
            return redirect("activities:event_detail", pk=saved.pk)
    return _form_page(request, form, event)


# --- One event ---------------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    event: Event,
    *,
    material_form: MaterialForm | None = None,
    status: int = 200,
) -> HttpResponse:
    running = runs(request.user, event)
    registrations = (
        list(
            EventRegistration.objects.for_user(request.user)
            .filter(event=event)
            .select_related("participant", "user", "organisation")
        )
        if running
        else []
    )
    for registration in registrations:
        registration.attended_value = attended_value(registration)
    count = len(registrations) if running else event.registrations.count()
    return render(
        request,
        "activities/event_detail.html",
        {
            "event": event,
            "audiences": _audience_labels(event),
            "runs": running,
            "past": services.event_is_past(event),
            "attendance_open": services.attendance_open(event),
            "materials": event.materials.all(),
            "registrations": registrations,
            "registered": count,
            "full": event.capacity is not None and count >= event.capacity,
            "attended_choices": ATTENDED_CHOICES,
            "material_form": material_form or (MaterialForm() if running else None),
            "public_url": request.build_absolute_uri(
                reverse("activities:event_register", kwargs={"pk": event.pk})
            )
            if event.public_registration
            else "",
        },
        status=status,
    )


@login_required
@require_GET
def event_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_event_for_user(request.user, pk))


# --- Materials ---------------------------------------------------------------------------------


@login_required
@require_POST
def event_material_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, write=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.event_material_add(
                by=request.user,
                event=event,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The material was added."))
            return redirect("activities:event_detail", pk=event.pk)
    return _detail(request, event, material_form=form, status=400)


def _material(request: AuthenticatedHttpRequest, pk: int, item: int, write: bool) -> EventMaterial:
    event = get_event_for_user(request.user, pk, write=write)
    material: EventMaterial = get_object_or_404(event.materials.select_related("event"), pk=item)
    return material


@login_required
@require_GET
def event_material_download(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    """The file, to the programme's members only; links are simply followed from the page."""
    material = _material(request, pk, item, write=False)
    if not material.file:
        raise Http404
    with material.file.open("rb") as stored:
        data = stored.read()
    extension = (material.file.name or "").rsplit(".", 1)[-1]
    response = HttpResponse(data, content_type=services.material_content_type(material))
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{slugify(material.title) or 'material'}.{extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response


@login_required
@require_POST
def event_material_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    material = _material(request, pk, item, write=True)
    services.event_material_delete(by=request.user, material=material)
    messages.success(request, _("The material was removed."))
    return redirect("activities:event_detail", pk=pk)


# --- Registrations by staff --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def event_registration_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, write=True)
    form = RegistrationForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_register(by=request.user, event=event, fields=form.registration_fields())
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The registration was added."))
            return redirect("activities:event_detail", pk=event.pk)
    taken = event.registrations.count()
    return render(
        request,
        "activities/event_registration_form.html",
        {
            "event": event,
            "form": form,
            "registered": taken,
            "full": event.capacity is not None and taken >= event.capacity,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def event_registration_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    event = get_event_for_user(request.user, pk, write=True)
    registration = get_object_or_404(
        EventRegistration.objects.for_user(request.user).filter(event=event), pk=item
    )
    registration.delete()
    messages.success(request, _("The registration was removed."))
    return redirect("activities:event_detail", pk=event.pk)


@login_required
@require_POST
def event_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Who came: one select per registration (came, did not come, not known)."""
    event = get_event_for_user(request.user, pk, write=True)
    values = {"yes": True, "no": False, "": None}
    attended: dict[int, bool | None] = {}
    for name, value in request.POST.items():
        if not name.startswith("attended_"):
            continue
        key = name.removeprefix("attended_")
        if not key.isdigit() or value not in values:
            messages.error(request, _("The attendance could not be read. Please try again."))
            return _detail(request, event, status=400)
        attended[int(key)] = values[value]
    try:
        services.event_attendance_record(by=request.user, event=event, attended=attended)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, event, status=400)
    messages.success(request, _("The attendance was saved."))
    return redirect("activities:event_detail", pk=event.pk)


# --- Registration online -----------------------------------------------------------------------


def _public_event(pk: int) -> Event:
    # Public: an event open to registration online is no secret, so no for_user here.
    event: Event = get_object_or_404(
        Event.objects.select_related("programme", "site"), pk=pk, public_registration=True
    )
    return event


@require_http_methods(["GET", "POST"])
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    closed = services.event_is_past(event)
    form = PublicRegistrationForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_spam:
            # Robots fill the hidden field; they are told nothing, and nothing is kept.
            logger.info("Registration for event %s refused: the hidden field was filled.", pk)
            request.session[REGISTERED] = event.pk
            return redirect("activities:event_register_done", pk=event.pk)
        if closed:
            error = _("Registration for this event has closed.")
        elif form.is_valid():
            fields = form.registration_fields()
            fields["consent_given_at"] = timezone.now()
            fields["language"] = get_language() or "en"
            try:
                services.event_register(by=request.user, event=event, fields=fields, public=True)
            except ValidationError as failure:
                form_errors(form, failure)
            else:
                request.session[REGISTERED] = event.pk
                return redirect("activities:event_register_done", pk=event.pk)
    taken = event.registrations.count()
    return render(
        request,
        "activities/event_register.html",
        {
            "event": event,
            "form": form,
            "closed": closed,
            "full": event.capacity is not None and taken >= event.capacity,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def event_register_done(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    # Without a registration just made here, the page to register is what there is to see.
    if request.session.get(REGISTERED) != event.pk:
        return event_register(request, pk)
    return render(request, "activities/event_register_done.html", {"event": event})
