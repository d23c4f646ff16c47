"""Documents about one participant: skills profile PDF, certificate PDF, JSON of everything held.

Each names the person, so each needs the right to see personal data: evaluators, who read
pseudonymised records, are refused (403). Nationality and residence status never appear in
the PDFs; the JSON carries them only for readers who may see them, and logs the export.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mile.core.http import AuthenticatedHttpRequest
from mile.participants import dossier, pdf
from mile.participants.access import (
    get_participant_for_user,
    sees_personal_data,
    sees_sensitive_data,
)
from mile.participants.forms import DocumentLanguageForm
from mile.participants.models import SENSITIVE_FIELDS, Participant
from mile.privacy.audit import log_sensitive_view

INTERFACE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _load(request: AuthenticatedHttpRequest, pk: int) -> Participant:
    participant = get_participant_for_user(request.user, pk)
    # Every document here names the person: pseudonymised readers get none.
    if not sees_personal_data(request.user, participant):
        raise PermissionDenied
    return participant


def _page(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    *,
    profile_form: DocumentLanguageForm | None = None,
    certificate_form: DocumentLanguageForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    likely = pdf.likely_language(participant, INTERFACE_LANGUAGES)
    return render(
        request,
        "participants/pdf/exports.html",
        {
            "participant": participant,
            "personal": True,
            "profile_form": profile_form
            or DocumentLanguageForm(initial={"lang": get_language()}, auto_id="profile_%s"),
            "certificate_form": certificate_form
            or DocumentLanguageForm(initial={"lang": likely}, auto_id="certificate_%s"),
            "certified_count": pdf.certified(participant).count(),
            "refusal": refusal,
        },
        status=status,
    )


def _language(
    request: AuthenticatedHttpRequest, default: str, auto_id: str
) -> tuple[DocumentLanguageForm, str | None]:
    form = DocumentLanguageForm(
        request.GET if "lang" in request.GET else {"lang": default}, auto_id=auto_id
    )
    return form, form.cleaned_data["lang"] if form.is_valid() else None


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
@never_cache
def participant_exports(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _page(request, _load(request, pk))


@login_required
@require_GET
@never_cache
def participant_profile_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _load(request, pk)
    form, language = _language(request, get_language() or "en", "profile_%s")
    if language is None:
        return _page(request, participant, profile_form=form, status=400)
    # Nationality and residence status stay out: the profile is made to leave the platform.
    context = pdf.profile_context(
        participant, language=language, personal=sees_personal_data(request.user, participant)
    )
    content = pdf.render_pdf("participants/pdf/profile.html", context, language=language)
    return _pdf(content, f"{participant.reference}-profile-{language}.pdf")


@login_required
@require_GET
@never_cache
def participant_certificate_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _load(request, pk)
    likely = pdf.likely_language(participant, INTERFACE_LANGUAGES)
    form, language = _language(request, likely, "certificate_%s")
    if language is None:
        return _page(request, participant, certificate_form=form, status=400)
    validations = list(pdf.certified(participant))
    if not validations:
        return _page(
            request,
            participant,
            certificate_form=form,
            refusal=_(
                "No skill is certified yet, so there is no certificate. "
                "Take a skill through the four steps of validation first."
            ),
            status=409,
        )
    context = pdf.certificate_context(participant, validations, language=language)
    content = pdf.render_pdf("participants/pdf/certificate.html", context, language=language)
    return _pdf(content, f"{participant.reference}-certificate-{language}.pdf")


@login_required
@require_GET
@never_cache
def participant_export_json(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = _load(request, pk)
    sensitive = sees_sensitive_data(request.user, participant)
    # The file leaves the platform with the whole record: it is on the record who took it.
    log_sensitive_view(
        user=request.user,
        instance=participant,
        fields=["export", *(SENSITIVE_FIELDS if sensitive else ())],
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    # Case and service notes: for the roles that read them on the record page.
    notes = sees_personal_data(request.user, participant)
    data = dossier.build(participant, sensitive=sensitive, notes=notes)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{participant.reference}.json"'
    return response
