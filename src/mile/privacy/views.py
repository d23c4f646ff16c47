from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.privacy.audit import entries_for_user
from mile.privacy.forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Administrators and coordinators only.
    if not permissions.can(request.user, Cap.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    entries = entries_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            entries = entries.filter(
                Q(actor__full_name__icontains=data["actor"])
                | Q(actor__email__icontains=data["actor"])
            )
        if data["record"]:
            entries = entries.filter(object_repr__icontains=data["record"])
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        if data["date_from"]:
            entries = entries.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            entries = entries.filter(timestamp__date__lte=data["date_to"])
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page:
        entry.fields_seen = _field_names(entry)
    # A search typed with htmx on re-renders the results only; same checks, same scope.
    template = "privacy/audit_log.html#results" if request.htmx else "privacy/audit_log.html"
    return render(request, template, {"form": form, "page": page})


def _field_names(entry: Any) -> list[str]:
    """The fields a view showed, by their names in the reader's language ("file" → "Datei")."""
    model = entry.content_type.model_class()
    names = []
    for name in (entry.additional_data or {}).get("fields", []):
        try:
            names.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except FieldDoesNotExist:
            names.append(name)
    return names
