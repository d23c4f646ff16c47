"""The programme calendar: a month of activities, its .ics download, and a personal feed.

The feed's address carries a signed token instead of a session, so calendar apps can
subscribe without signing in; it holds titles, times and places only (``calendar.entries``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mile.activities.calendar import Entry, entries, feed_token, feed_user, to_ical
from mile.activities.forms_events import CalendarFilterForm
from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap

# The feed: the last three months and the coming year.
FEED_PAST = dt.timedelta(days=90)
FEED_FUTURE = dt.timedelta(days=365)


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def _previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def _month_bounds(first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month from its first midnight to the next month's, in the site's time zone."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(_next_month(first), dt.time.min))
    return start, end


def _filters(request: AuthenticatedHttpRequest) -> tuple[CalendarFilterForm, dt.date, Any, Any]:
    if not permissions.can(request.user, Cap.VIEW_ACTIVITIES):
        raise PermissionDenied
    form = CalendarFilterForm(request.GET or None, user=request.user)
    first = timezone.localdate().replace(day=1)
    programme = site = None
    if form.is_bound and form.is_valid():
        first = form.cleaned_data["month"] or first
        programme = form.cleaned_data["programme"]
        site = form.cleaned_data["site"]
    return form, first, programme, site


def _weeks(first: dt.date, found: list[Entry]) -> list[list[dict[str, Any]]]:
    """The month's grid: whole weeks from the locale's first weekday, each day its entries."""
    by_day: dict[dt.date, list[Entry]] = {}
    for entry in found:
        for day in entry.days():
            by_day.setdefault(day, []).append(entry)
    week_start = int(get_format("FIRST_DAY_OF_WEEK"))  # 0 Sunday, 1 Monday
    offset = (first.isoweekday() - week_start) % 7
    day = first - dt.timedelta(days=offset)
    last = _next_month(first) - dt.timedelta(days=1)
    today = timezone.localdate()
    weeks = []
    while day <= last:
        week = []
        for _n in range(7):
            week.append(
                {
                    "date": day,
                    "in_month": day.month == first.month,
                    "today": day == today,
                    "entries": by_day.get(day, []),
                }
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    return weeks


def _weekday_names() -> list[tuple[str, str]]:
    week_start = int(get_format("FIRST_DAY_OF_WEEK"))
    # Django numbers the weekdays from Monday (0); the locale may start the week on Sunday.
    order = [(week_start - 1 + n) % 7 for n in range(7)]
    return [(str(WEEKDAYS_ABBR[n]), str(WEEKDAYS[n])) for n in order]


@login_required
@require_GET
def calendar_month(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, first, programme, site = _filters(request)
    start, end = _month_bounds(first)
    found = entries(request.user, start, end, programme=programme, site=site)
    weeks = _weeks(first, found)
    feed = reverse("activities:calendar_feed", kwargs={"token": feed_token(request.user)})
    feed_url = request.build_absolute_uri(feed)
    return render(
        request,
        "activities/calendar.html",
        {
            "form": form,
            "first": first,
            "previous": _previous_month(first).strftime("%Y-%m"),
            "next": _next_month(first).strftime("%Y-%m"),
            "this_month": timezone.localdate().strftime("%Y-%m"),
            "month": first.strftime("%Y-%m"),
            "weeks": weeks,
            "weekdays": _weekday_names(),
            "days": [day for week in weeks for day in week if day["in_month"] and day["entries"]],
            "entries": found,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        },
        status=400 if form.errors else 200,
    )


def _ical_response(request: HttpRequest, found: list[Entry], *, filename: str = "") -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    data = to_ical(found, base_url=base, name=_("MILE activities"))
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_required
@require_GET
def calendar_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The month as shown (with its filters), as one .ics file."""
    form, first, programme, site = _filters(request)
    if form.errors:
        return HttpResponse(
            " ".join(str(e) for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    start, end = _month_bounds(first)
    found = entries(request.user, start, end, programme=programme, site=site)
    return _ical_response(request, found, filename=f"mile-{first:%Y-%m}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed calendar apps subscribe to: the token stands for signing in."""
    user = feed_user(token)
    # A forged token, or one of a deactivated user, opens nothing.
    if user is None:
        raise Http404
    now = timezone.now()
    found = entries(user, now - FEED_PAST, now + FEED_FUTURE)
    return _ical_response(request, found)
