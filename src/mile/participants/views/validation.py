"""Validation of skills acquired, in the four EU phases: identify, document, assess, certify.

The page lists the person's validations, each with its phases and dates, its evidence and a
form for its next phase; starting one and each step post to their own URLs and come back to
the page, with the form open and the errors when the input is wrong (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.participants import services
from mile.participants.access import get_participant_for_user, sees_personal_data
from mile.participants.forms import EvidenceForm, ValidationAdvanceForm, ValidationStartForm
from mile.participants.models import (
    VALIDATION_PHASES,
    Document,
    Participant,
    SkillValidation,
    ValidationPhase,
)
from mile.taxonomy.models import Concept

# The phase a validation goes to next, from the one it is in.
NEXT_PHASE = {
    ValidationPhase.IDENTIFY: ValidationPhase.DOCUMENT,
    ValidationPhase.DOCUMENT: ValidationPhase.ASSESS,
    ValidationPhase.ASSESS: ValidationPhase.CERTIFY,
}
DATE_FIELDS = {
    ValidationPhase.IDENTIFY: "identified_on",
    ValidationPhase.DOCUMENT: "documented_on",
    ValidationPhase.ASSESS: "assessed_on",
    ValidationPhase.CERTIFY: "certified_on",
}
NEXT_LABELS = {
    ValidationPhase.DOCUMENT: gettext_lazy("Document the skill"),
    ValidationPhase.ASSESS: gettext_lazy("Record the assessment"),
    ValidationPhase.CERTIFY: gettext_lazy("Certify the skill"),
}
PHASE_DONE = {
    ValidationPhase.DOCUMENT: gettext_lazy("The skill is documented."),
    ValidationPhase.ASSESS: gettext_lazy("The assessment was recorded."),
    ValidationPhase.CERTIFY: gettext_lazy(
        "The skill is certified and marked as validated in the profile."
    ),
}


def _next_phase(validation: SkillValidation) -> str | None:
    # A skill that did not pass may be assessed again.
    if (
        validation.phase == ValidationPhase.ASSESS
        and validation.result == SkillValidation.Result.NOT_PASSED
    ):
        return ValidationPhase.ASSESS
    return NEXT_PHASE.get(ValidationPhase(validation.phase))


def _page(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    *,
    start_form: ValidationStartForm | None = None,
    advance_forms: dict[int, ValidationAdvanceForm] | None = None,
    evidence_forms: dict[int, EvidenceForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; the ``*_forms`` hold, per validation, a form that came back with errors."""
    personal = sees_personal_data(request.user, participant)
    can_manage = permissions.can(request.user, Cap.MANAGE_PARTICIPANTS, participant.programme_id)
    validations = list(
        SkillValidation.objects.filter(participant=participant)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch("skill", queryset=Concept.objects.with_labels()),
            Prefetch(
                "evidence",
                queryset=Document.objects.order_by("uploaded_at", "pk"),
                to_attr="evidence_documents",
            ),
        )
    )
    advance_forms = advance_forms or {}
    evidence_forms = evidence_forms or {}
    today = timezone.localdate()
    rows = []
    for validation in validations:
        next_phase = _next_phase(validation)
        done = VALIDATION_PHASES.index(ValidationPhase(validation.phase))
        row: dict[str, Any] = {
            "validation": validation,
            "phases": [
                {
                    "label": phase.label,
                    "reached": i <= done,
                    "on": getattr(validation, DATE_FIELDS[phase]),
                }
                for i, phase in enumerate(VALIDATION_PHASES)
            ],
            "next_phase": next_phase,
        }
        if validation.pk in advance_forms:
            # The form that came back, even for a step that is no longer possible: it says why.
            form = advance_forms[validation.pk]
            row |= {"form": form, "open": True}
            next_phase = next_phase or form.fields["phase"].initial
        elif can_manage and next_phase:
            row["form"] = ValidationAdvanceForm(
                phase=next_phase, prefix=f"v{validation.pk}", initial={"on": today}
            )
        if next_phase:
            row["next_label"] = NEXT_LABELS[ValidationPhase(next_phase)]
        if can_manage and validation.phase != ValidationPhase.CERTIFY:
            row["evidence_form"] = evidence_forms.get(validation.pk) or EvidenceForm(
                prefix=f"e{validation.pk}"
            )
            row["evidence_open"] = validation.pk in evidence_forms
        rows.append(row)
    return render(
        request,
        "participants/participant_validation.html",
        {
            "participant": participant,
            "personal": personal,
            "can_manage": can_manage,
            "rows": rows,
            # The certificate lists the certified skills, with the person's name.
            "certified": personal and any(v.phase == ValidationPhase.CERTIFY for v in validations),
            "start_form": (
                start_form
                or ValidationStartForm(participant=participant, initial={"identified_on": today})
            )
            if can_manage
            else None,
        },
        status=status,
    )


def _back(participant: Participant, validation: SkillValidation | None = None) -> HttpResponse:
    url = reverse("participants:participant_validation", kwargs={"pk": participant.pk})
    return redirect(f"{url}#validation-{validation.pk}" if validation else url)


@login_required
@require_GET
def participant_validation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_participant_for_user(request.user, pk))


@login_required
@require_POST
def participant_validation_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = ValidationStartForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            validation = services.validation_start(
                by=request.user,
                participant=participant,
                skill=form.cleaned_data["chosen"],
                identified_on=form.cleaned_data["identified_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The validation started: the skill is identified."))
            return _back(participant, validation)
    return _page(request, participant, start_form=form, status=400)


@login_required
@require_POST
def participant_validation_advance(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    validation = get_object_or_404(SkillValidation, participant=participant, pk=item)
    # The phase the form was made for: a second click after a step is refused, not repeated.
    phase = request.POST.get(f"v{validation.pk}-phase", "")
    if phase not in NEXT_PHASE.values():
        phase = _next_phase(validation) or ValidationPhase.CERTIFY
    form = ValidationAdvanceForm(
        request.POST, request.FILES, phase=phase, prefix=f"v{validation.pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.validation_advance(
                by=request.user,
                validation=validation,
                phase=data["phase"],
                on=data["on"],
                result=data.get("result", ""),
                assessor=data.get("assessor", ""),
                upload=data.get("file"),
                description=data.get("description", ""),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, PHASE_DONE[ValidationPhase(data["phase"])])
            return _back(participant, validation)
    return _page(request, participant, advance_forms={validation.pk: form}, status=400)


@login_required
@require_POST
def participant_validation_evidence(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    validation = get_object_or_404(SkillValidation, participant=participant, pk=item)
    form = EvidenceForm(request.POST, request.FILES, prefix=f"e{validation.pk}")
    if form.is_valid():
        try:
            services.validation_add_evidence(
                by=request.user,
                validation=validation,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The evidence was attached."))
            return _back(participant, validation)
    return _page(request, participant, evidence_forms={validation.pk: form}, status=400)
