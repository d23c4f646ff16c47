"""Employers' needs: recording an assessment, the employer page's section, the summary page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.employers import services
from mile.employers.access import get_employer_for_user, may_edit
from mile.employers.forms_needs import NeedsForm, NeedsSummaryFilterForm
from mile.employers.models import Employer, NeedsAssessment, Obstacle, Support
from mile.employers.summary import needs_summary as summarise
from mile.taxonomy.forms import concept_search_requested
from mile.taxonomy.models import Concept


@dataclass(frozen=True)
class AssessmentView:
    """One assessment as the employer page shows it, labels in the reader's language."""

    assessment: NeedsAssessment
    obstacles: list[str]
    support: list[str]
    occupations: list[tuple[int, str]]  # (concept pk, label)
    skills: list[tuple[int, str]]


def _labels(values: list[str], choices: type[Obstacle] | type[Support]) -> list[str]:
    names = dict(choices.choices)
    return [str(names[v]) for v in values if v in names]


def _described(assessment: NeedsAssessment, language: str) -> AssessmentView:
    def concepts(items: Any) -> list[tuple[int, str]]:
        return sorted(((c.pk, c.label(language)) for c in items.all()), key=lambda c: c[1])

    return AssessmentView(
        assessment=assessment,
        obstacles=_labels(assessment.obstacles, Obstacle),
        support=_labels(assessment.support, Support),
        occupations=concepts(assessment.occupations),
        skills=concepts(assessment.skills),
    )


def needs_section(request: HttpRequest, employer: Employer) -> dict[str, Any]:
    """What the employer page shows of the needs (template employers/_needs.html)."""
    language = get_language() or "en"
    labelled = Concept.objects.with_labels(language)
    assessments = [
        _described(a, language)
        for a in employer.needs_assessments.prefetch_related(
            Prefetch("occupations", queryset=labelled), Prefetch("skills", queryset=labelled)
        )
    ]
    return {
        "needs_latest": assessments[0] if assessments else None,
        "needs_earlier": assessments[1:],
        "needs_can_edit": may_edit(request.user, employer),
    }


# --- Recording ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def needs_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    return _form_page(request, employer, None)


@login_required
@require_http_methods(["GET", "POST"])
def needs_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    assessment = get_object_or_404(employer.needs_assessments, pk=item)
    return _form_page(request, employer, assessment)


def _form_page(
    request: AuthenticatedHttpRequest, employer: Employer, assessment: NeedsAssessment | None
) -> HttpResponse:
    form = NeedsForm(
        request.POST if request.method == "POST" else None,
        instance=assessment or NeedsAssessment(employer=employer),
    )
    status = 200
    # "Find or add" in an ESCO picker brings the form back with the matches, saving nothing.
    if request.method == "POST" and not concept_search_requested(form):
        if form.is_valid():
            try:
                services.needs_assessment_save(
                    by=request.user,
                    employer=employer,
                    assessment=assessment,
                    fields=form.simple_data(),
                    occupations=list(form.cleaned_data["occupations"]),
                    skills=list(form.cleaned_data["skills"]),
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The needs assessment was updated.")
                    if assessment
                    else _("The needs assessment was recorded."),
                )
                return redirect(reverse("employers:employer_detail", args=[employer.pk]) + "#needs")
        status = 400
    return render(
        request,
        "employers/needs_form.html",
        {"form": form, "employer": employer, "assessment": assessment},
        status=status,
    )


# --- Summary across employers ------------------------------------------------------------------


@login_required
@require_GET
def needs_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.can(user, Cap.VIEW_EMPLOYERS):
        raise PermissionDenied
    employers = Employer.objects.for_user(user)
    # Counted as staff only: an employer contact's own company in another programme is not.
    if not permissions.is_platform_admin(user):
        employers = employers.filter(
            programme_id__in=permissions.programme_ids_with(user, Cap.VIEW_EMPLOYERS)
        )
    form = NeedsSummaryFilterForm(request.GET or None, employers=employers)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        if programme := form.cleaned_data["programme"]:
            employers = employers.filter(programme=programme)
        if site := form.cleaned_data["site"]:
            employers = employers.filter(site=site)
    summary = summarise(
        employers,
        language=get_language() or "en",
        # Free texts may name people: staff of the programme read them, evaluators count only.
        shows_answers=lambda programme_id: permissions.can(
            user, Cap.MANAGE_EMPLOYERS, programme_id
        ),
    )
    return render(
        request,
        "employers/needs_summary.html#results" if request.htmx else "employers/needs_summary.html",
        {
            "form": form,
            "summary": summary,
            "chart_data": summary.chart_data(),
            "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
        },
        status=status,
    )
