"""Placeholder until the module is written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def offer_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_skills(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_skill_delete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_languages(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_status(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_duplicate(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offers_section(request: HttpRequest, employer: Any) -> dict[str, Any]:
    """What the employer page shows of the offers (template employers/_offers.html)."""
    return {}
