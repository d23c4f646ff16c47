"""Placeholder until the module is written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def proposal_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def candidate_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def candidate_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def candidate_decide(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def candidate_share(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def offer_candidates_section(request: HttpRequest, offer: Any) -> dict[str, Any]:
    """What the offer page shows of its candidates (template employers/_offer_candidates.html)."""
    return {}
