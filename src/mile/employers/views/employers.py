"""Placeholder until the module is written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def employer_list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def employer_create(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def employer_detail(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def employer_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def workplace_add(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def workplace_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def workplace_delete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def engagement_add(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def engagement_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def engagement_delete(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def employer_portal(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
