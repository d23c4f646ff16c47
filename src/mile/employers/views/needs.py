"""Placeholder until the module is written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def needs_summary(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def needs_add(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def needs_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def needs_section(request: HttpRequest, employer: Any) -> dict[str, Any]:
    """What the employer page shows of the needs (template employers/_needs.html)."""
    return {}
