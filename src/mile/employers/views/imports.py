"""Placeholder until the module is written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def import_upload(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def import_confirm(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
