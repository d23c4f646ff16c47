"""Employers' profiles, their workplaces, the engagement log, and the contacts' portal.

Staff of a programme list and keep the employers of their sites; an employer contact keeps
their own company's profile and workplaces but never sees the engagement log, which is the
programme's own record of its contacts with the company.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from mile.accounts.models import Membership
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap, Role
from mile.employers import services
from mile.employers.access import get_employer_for_user, is_contact_of, is_staff_of, may_edit
from mile.employers.forms import (
    EmployerCreateForm,
    EmployerEditForm,
    EmployerFilterForm,
    EngagementForm,
    WorkplaceForm,
)
from mile.employers.models import (
    Employer,
    Engagement,
    EngagementKind,
    Offer,
    OfferStatus,
    Workplace,
)
from mile.employers.views.needs import needs_section
from mile.employers.views.offers import offers_section

PAGE_SIZE = 25
# The engagement log shows its latest entries; the rest on asking.
LATEST_ENGAGEMENTS = 10


def _require(request: AuthenticatedHttpRequest, cap: Cap, programme_id: int | None = None) -> None:
    if not permissions.can(request.user, cap, programme_id):
        raise PermissionDenied


def _back(employer: Employer, anchor: str = "") -> HttpResponse:
    url = reverse("employers:employer_detail", kwargs={"pk": employer.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- The list ----------------------------------------------------------------------------------


def _filtered(request: AuthenticatedHttpRequest, form: EmployerFilterForm) -> QuerySet[Employer]:
    employers = Employer.objects.for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            employers = employers.filter(
                Q(organisation__name__icontains=q) | Q(organisation__city__icontains=q)
            )
        if data["programme"]:
            employers = employers.filter(programme=data["programme"])
        if data["site"]:
            employers = employers.filter(site=data["site"])
        if data["status"]:
            employers = employers.filter(status=data["status"])
        if data["sector"]:
            employers = employers.filter(organisation__nace_section=data["sector"])
        if data["hosts"]:
            employers = employers.filter(hosts_placements=data["hosts"] == "yes")
    open_offers = (
        Offer.objects.filter(employer=OuterRef("pk"), status=OfferStatus.OPEN)
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    last_engagement = (
        Engagement.objects.filter(employer=OuterRef("pk"))
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    return (
        employers.select_related("organisation", "site", "programme")
        .annotate(
            open_offers=Coalesce(Subquery(open_offers, output_field=IntegerField()), Value(0)),
            last_engagement=Subquery(last_engagement),
        )
        .order_by("organisation__name", "pk")
    )


@login_required
@require_GET
def employer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Only roles that read employers somewhere reach the list.
    _require(request, Cap.VIEW_EMPLOYERS)
    form = EmployerFilterForm(request.GET, user=request.user)
    page = Paginator(_filtered(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        # A search typed with htmx on re-renders the results only; same checks, same scope.
        "employers/employer_list.html#results" if request.htmx else "employers/employer_list.html",
        {
            "form": form,
            "page": page,
            "can_manage": permissions.can(request.user, Cap.MANAGE_EMPLOYERS),
        },
    )


# --- Adding and editing a company --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def employer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Only those who keep employers somewhere reach the form.
    _require(request, Cap.MANAGE_EMPLOYERS)
    form = EmployerCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            employer = services.employer_create(
                by=request.user,
                programme=form.cleaned_data["programme"],
                site=form.cleaned_data["site"],
                organisation=organisation,
                organisation_fields=None if organisation else form.organisation_fields(),
                fields=form.employer_fields(),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added to the employers of the programme.")
                % {"name": employer.organisation.name},
            )
            return _back(employer)
    return render(
        request,
        "employers/employer_form.html",
        {"form": form, "employer": None},
        # What was sent comes back with its errors.
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def employer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    staff = permissions.can(request.user, Cap.MANAGE_EMPLOYERS, employer.programme_id)
    form = EmployerEditForm(request.POST or None, user=request.user, employer=employer, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(
                by=request.user,
                employer=employer,
                organisation_fields=form.organisation_fields(),
                fields=form.employer_fields(),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return _back(employer)
        # The service may have changed the objects before refusing: show them as stored.
        employer.refresh_from_db()
        employer.organisation.refresh_from_db()
    return render(
        request,
        "employers/employer_form.html",
        {"form": form, "employer": employer, "staff": staff},
        status=400 if request.method == "POST" else 200,
    )


# --- The company's page ------------------------------------------------------------------------


@login_required
@require_GET
def employer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk)
    user = request.user
    is_staff = is_staff_of(user, employer)
    is_contact = is_contact_of(user, employer)
    can_manage = permissions.can(user, Cap.MANAGE_EMPLOYERS, employer.programme_id)
    # The employer's scope, checked by the loader, decides who reads its contacts; their
    # names and e-mail addresses go to those who work with the company, not to evaluators.
    contacts = Membership.objects.filter(
        is_active=True,
        role=Role.EMPLOYER_CONTACT,
        programme_id=employer.programme_id,
        organisation_id=employer.organisation_id,
    ).select_related("user")
    context: dict[str, Any] = {
        "employer": employer,
        "organisation": employer.organisation,
        "can_edit": may_edit(user, employer),
        "can_manage": can_manage,
        "is_contact": is_contact,
        "is_staff": is_staff,
        "contacts": contacts.order_by("user__full_name", "pk"),
        "shows_contacts": can_manage or is_contact,
        "can_invite": permissions.can(user, Cap.INVITE_USERS, employer.programme_id),
        "workplaces": employer.workplaces.all(),
    }
    # The engagement log is the programme's own record: its staff read it, the company not.
    if is_staff:
        log = employer.engagements.select_related("recorded_by")
        show_all = request.GET.get("engagements") == "all"
        context |= {
            "engagements": log if show_all else log[:LATEST_ENGAGEMENTS],
            "engagement_count": log.count(),
            "engagements_all": show_all,
        }
    # Needs and offers are other modules' sections of the same page.
    context |= needs_section(request, employer)
    context |= offers_section(request, employer)
    return render(request, "employers/employer_detail.html", context)


# --- Workplaces ---------------------------------------------------------------------------------


def _workplace_page(
    request: AuthenticatedHttpRequest, employer: Employer, form: WorkplaceForm
) -> HttpResponse:
    return render(
        request,
        "employers/workplace_form.html",
        {
            "employer": employer,
            "form": form,
            "workplace": form.instance if form.instance.pk else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workplace_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    form = WorkplaceForm(request.POST or None, instance=Workplace(employer=employer))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The workplace was added."))
        return _back(employer, "workplaces")
    return _workplace_page(request, employer, form)


@login_required
@require_http_methods(["GET", "POST"])
def workplace_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    workplace = get_object_or_404(employer.workplaces, pk=item)
    form = WorkplaceForm(request.POST or None, instance=workplace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The workplace was saved."))
        return _back(employer, "workplaces")
    return _workplace_page(request, employer, form)


@login_required
@require_POST
def workplace_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    get_object_or_404(employer.workplaces, pk=item).delete()
    messages.success(request, _("The workplace was removed."))
    return _back(employer, "workplaces")


# --- Engagement log -----------------------------------------------------------------------------


def _engagement_employer(request: AuthenticatedHttpRequest, pk: int) -> Employer:
    employer = get_employer_for_user(request.user, pk)
    # The log is kept by staff who keep the company; its contacts and evaluators only read.
    _require(request, Cap.MANAGE_EMPLOYERS, employer.programme_id)
    return employer


def _engagement_page(
    request: AuthenticatedHttpRequest, employer: Employer, form: EngagementForm
) -> HttpResponse:
    return render(
        request,
        "employers/engagement_form.html",
        {
            "employer": employer,
            "form": form,
            "engagement": form.instance if form.instance.pk else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = _engagement_employer(request, pk)
    form = EngagementForm(
        request.POST or None,
        instance=Engagement(employer=employer, recorded_by=request.user),
        initial={"kind": EngagementKind.CONTACT},
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contact was added to the log."))
        return _back(employer, "engagements")
    return _engagement_page(request, employer, form)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    employer = _engagement_employer(request, pk)
    engagement = get_object_or_404(employer.engagements, pk=item)
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The entry of the log was saved."))
        return _back(employer, "engagements")
    return _engagement_page(request, employer, form)


@login_required
@require_POST
def engagement_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    employer = _engagement_employer(request, pk)
    get_object_or_404(employer.engagements, pk=item).delete()
    messages.success(request, _("The entry was removed from the log."))
    return _back(employer, "engagements")


# --- The employer contacts' portal ---------------------------------------------------------------


@login_required
@require_safe
def employer_portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where an employer contact starts: their company's page, or a choice of companies."""
    user = request.user
    if Role.EMPLOYER_CONTACT in permissions.all_roles(user):
        # Their companies: those they are an active contact of, in the programme concerned.
        companies = list(
            Employer.objects.for_user(user)
            .filter(
                Q(
                    organisation__memberships__user=user,
                    organisation__memberships__is_active=True,
                    organisation__memberships__role=Role.EMPLOYER_CONTACT,
                    organisation__memberships__programme=F("programme"),
                )
            )
            .select_related("organisation", "programme")
            .distinct()
        )
        if len(companies) == 1:
            return _back(companies[0])
        # None yet: the company is known to the programme but not set up as an employer.
        waiting = (
            user.memberships.filter(is_active=True, role=Role.EMPLOYER_CONTACT)
            .exclude(
                Exists(
                    Employer.objects.filter(
                        programme=OuterRef("programme"), organisation=OuterRef("organisation")
                    )
                )
            )
            .select_related("organisation", "programme")
        )
        return render(
            request, "employers/portal.html", {"companies": companies, "waiting": waiting}
        )
    # Staff start from the list of employers.
    if permissions.can(user, Cap.VIEW_EMPLOYERS):
        return redirect("employers:employer_list")
    raise Http404
