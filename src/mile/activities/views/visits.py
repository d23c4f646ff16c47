"""Study visits: the list, one visit with its programme of visits and who came, writing them.

Every member of the programme reads a visit and how many came (experts, organisations,
countries); the names of the visitors are for those who run it (and each visitor's own entry).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.activities import services
from mile.activities.access import get_visit_for_user, runs
from mile.activities.forms_visits import VisitFilterForm, VisitForm, VisitItemForm, VisitorForm
from mile.activities.models import StudyVisit, StudyVisitItem, StudyVisitor
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap

PAGE_SIZE = 25


def _reads_activities(request: AuthenticatedHttpRequest) -> None:
    # Every member of a programme reads its activities; participants' own accounts do not.
    if not permissions.can(request.user, Cap.VIEW_ACTIVITIES):
        raise PermissionDenied


@login_required
@require_GET
def visit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _reads_activities(request)
    visits: QuerySet[StudyVisit] = StudyVisit.objects.for_user(request.user)
    form = VisitFilterForm(request.GET or None, visits=visits)
    if form.is_valid():
        if year := form.cleaned_data["year"]:
            visits = visits.filter(starts_on__year=year)
        if country := form.cleaned_data["host_country"]:
            visits = visits.filter(host_country=country)
    visits = services.with_visitor_counts(visits.select_related("site", "organiser")).order_by(
        "-starts_on", "pk"
    )
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/visit_list.html#results" if request.htmx else "activities/visit_list.html",
        {
            "form": form,
            "page": page,
            "can_create": permissions.can(request.user, Cap.MANAGE_ACTIVITIES),
        },
    )


@login_required
@require_GET
def visit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visit_for_user(request.user, pk))


def _detail(
    request: AuthenticatedHttpRequest,
    visit: StudyVisit,
    *,
    item_form: VisitItemForm | None = None,
    visitor_form: VisitorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_run = runs(request.user, visit)
    counted = services.with_visitor_counts(StudyVisit.objects.filter(pk=visit.pk)).get()
    # Names: all of them for those who run the visit, one's own entry for a visitor.
    visitors = (
        StudyVisitor.objects.for_user(request.user)
        .filter(visit=visit)
        .select_related("user", "participant", "organisation")
    )
    return render(
        request,
        "activities/visit_detail.html",
        {
            "visit": visit,
            "counts": counted,
            "can_run": can_run,
            "items": visit.items.all(),
            "visitors": visitors,
            "item_form": item_form
            or (VisitItemForm(initial={"day": visit.starts_on}) if can_run else None),
            "visitor_form": visitor_form
            or (VisitorForm(user=request.user, programme=visit.programme) if can_run else None),
        },
        status=status,
    )


def _form_page(
    request: AuthenticatedHttpRequest, form: VisitForm, visit: StudyVisit | None
) -> HttpResponse:
    return render(
        request,
        "activities/visit_form.html",
        {"form": form, "visit": visit},
        # What was sent comes back with its errors.
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Creating takes staff rights somewhere; where exactly the form's choices decide.
    if not permissions.can(request.user, Cap.MANAGE_ACTIVITIES):
        raise PermissionDenied
    form = VisitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        visit = form.save()
        messages.success(request, _("The study visit was created."))
        return redirect("activities:visit_detail", pk=visit.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return redirect("activities:visit_detail", pk=visit.pk)
    return _form_page(request, form, visit)


@login_required
@require_POST
def visit_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    visit.delete()
    messages.success(request, _("The study visit was deleted."))
    return redirect("activities:visit_list")


@login_required
@require_POST
def visit_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    form = VisitItemForm(request.POST, instance=StudyVisitItem(visit=visit))
    if not form.is_valid():
        return _detail(request, visit, item_form=form, status=400)
    form.save()
    messages.success(request, _("The visit was added to the programme."))
    return redirect("activities:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_item_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    get_object_or_404(visit.items, pk=item).delete()
    messages.success(request, _("The visit was removed from the programme."))
    return redirect("activities:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_visitor_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    form = VisitorForm(request.POST, user=request.user, programme=visit.programme)
    if form.is_valid():
        try:
            visitor = services.visit_visitor_add(
                by=request.user, visit=visit, fields=form.visitor_fields()
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s was added to the visitors.") % {"name": visitor.display_name}
            )
            return redirect("activities:visit_detail", pk=visit.pk)
    return _detail(request, visit, visitor_form=form, status=400)


@login_required
@require_POST
def visit_visitor_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk, write=True)
    get_object_or_404(visit.visitors, pk=item).delete()
    messages.success(request, _("The person was removed from the visitors."))
    return redirect("activities:visit_detail", pk=visit.pk)
