"""The counts of what the activities reached, for those who read the programme's indicators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mile.activities.counts import activity_counts
from mile.core import permissions
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.programmes.models import Programme, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CountsFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), required=False, empty_label=None
    )
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All sites")
    )
    starts_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["programme"].queryset = programmes
        fields["site"].queryset = Site.objects.filter(programme__in=programmes).order_by(
            "programme__name", "city", "pk"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, site = data.get("programme"), data.get("site")
        if programme is not None and site is not None and site.programme_id != programme.pk:
            self.add_error("site", _("This site belongs to another programme."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


def _programmes(user: Any) -> QuerySet[Programme]:
    programmes = Programme.objects.order_by("name", "pk")
    # Platform administrators count every programme.
    if permissions.is_platform_admin(user):
        return programmes
    # Coordinators, partner staff and evaluators count the programmes they read indicators of.
    return programmes.filter(pk__in=permissions.programme_ids_with(user, Cap.VIEW_INDICATORS))


@login_required
@require_GET
def counts_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Counts only, never a name: for those who read the programme's indicators.
    if not permissions.can(request.user, Cap.VIEW_INDICATORS):
        raise PermissionDenied
    programmes = _programmes(request.user)
    form = CountsFilterForm(request.GET or None, programmes=programmes)
    counts, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        site = data.get("site")
        programme = data.get("programme") or (site.programme if site else programmes.first())
        if programme is not None:
            counts = activity_counts(
                programme,
                site=site,
                starts_on=data.get("starts_on"),
                ends_on=data.get("ends_on"),
            )
    template = "activities/counts.html#results" if request.htmx else "activities/counts.html"
    return render(request, template, {"form": form, "counts": counts}, status=status)
