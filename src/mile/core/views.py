from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Role
from mile.programmes.selectors import programme_summaries


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    # A participant's own account has no membership: their page is their file.
    if not request.user.memberships.exists() and hasattr(request.user, "participant_record"):
        return redirect("participants:me")
    # An employer contact's work is their company: its page is where they start.
    if permissions.all_roles(request.user) == {Role.EMPLOYER_CONTACT}:
        return redirect("employers:portal")
    return render(request, "core/dashboard.html", {"summaries": programme_summaries(request.user)})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language, remember it in the profile, stay on the same page."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if not check_for_language(language) or language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(translate_url(next_url, language))
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "errors": {}}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("You do not have permission to do this."), "errors": {}}, status=403
        )
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": _("Something went wrong on our side."), "errors": {}}, status=500
        )
    return render(request, "500.html", status=500)
