"""The skills profile beyond languages and skills: education, work experience, availability and
preferences, documents (CV upload and download), and the ESCO skills suggested from them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.participants import services
from mile.participants.access import get_participant_for_user, sees_personal_data
from mile.participants.documents import document_bytes, document_delete, document_store
from mile.participants.forms import (
    DocumentForm,
    EducationForm,
    PreferencesForm,
    SkillChoiceForm,
    WorkExperienceForm,
)
from mile.participants.models import (
    Document,
    DocumentKind,
    Education,
    Participant,
    ParticipantSkill,
    WorkExperience,
)
from mile.participants.suggest import (
    SkillSuggestion,
    suggest_for_document,
    suggest_for_experience,
)
from mile.privacy.audit import log_sensitive_view
from mile.programmes.models import NaceSection
from mile.taxonomy.models import Concept


def profile_context(
    participant: Participant,
    *,
    personal: bool,
    can_manage: bool,
    education_form: EducationForm | None = None,
    experience_form: WorkExperienceForm | None = None,
    document_form: DocumentForm | None = None,
) -> dict[str, Any]:
    """What the detail page shows of this part of the profile, and its forms for staff."""
    return {
        "education": participant.education.all(),
        "experience": participant.work_experience.prefetch_related(
            Prefetch("occupation", queryset=Concept.objects.with_labels())
        ),
        "preferred_occupations": participant.preferred_occupations.with_labels(),
        "preferred_sectors": [
            NaceSection(code).label for code in participant.preferred_sectors if code in NaceSection
        ],
        # Documents are personal: evaluators do not see that they exist.
        "documents": participant.documents.select_related("uploaded_by") if personal else None,
        "education_form": education_form
        or (EducationForm(instance=Education(participant=participant)) if can_manage else None),
        "experience_form": experience_form
        or (
            WorkExperienceForm(instance=WorkExperience(participant=participant))
            if can_manage
            else None
        ),
        "document_form": document_form or (DocumentForm() if can_manage else None),
    }


def _detail(
    request: AuthenticatedHttpRequest, participant: Participant, **forms: Any
) -> HttpResponse:
    from mile.participants.views.records import _detail as detail

    return detail(request, participant, status=400, **forms)


def _posted(request: AuthenticatedHttpRequest) -> Any:
    # An empty POST (every box unticked) is still a POST: bind the form to it.
    return request.POST if request.method == "POST" else None


def _to_profile(participant: Participant) -> HttpResponse:
    return redirect("participants:participant_detail", pk=participant.pk)


def _edit_page(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    form: Any,
    *,
    title: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "participants/participant_profile_form.html",
        {
            "participant": participant,
            "personal": sees_personal_data(request.user, participant),
            "form": form,
            "title": title,
        },
        status=status,
    )


# --- Education ---------------------------------------------------------------------------------


@login_required
@require_POST
def participant_education_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = EducationForm(request.POST, instance=Education(participant=participant))
    if not form.is_valid():
        return _detail(request, participant, education_form=form)
    form.save()
    messages.success(request, _("The education was added to the profile."))
    return _to_profile(participant)


@login_required
@require_http_methods(["GET", "POST"])
def participant_education_edit(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    education = get_object_or_404(participant.education, pk=item)
    form = EducationForm(_posted(request), instance=education)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The changes were saved."))
            return _to_profile(participant)
        return _edit_page(request, participant, form, title=_("Edit education"), status=400)
    return _edit_page(request, participant, form, title=_("Edit education"))


@login_required
@require_POST
def participant_education_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    get_object_or_404(participant.education, pk=item).delete()
    messages.success(request, _("The education was removed from the profile."))
    return _to_profile(participant)


# --- Work experience ---------------------------------------------------------------------------


def _after_experience(participant: Participant, experience: WorkExperience) -> HttpResponse:
    # Tasks or an ESCO occupation give skills to suggest: offer them at once.
    if experience.tasks.strip() or experience.occupation_id:
        return redirect(
            "participants:participant_experience_skills", pk=participant.pk, item=experience.pk
        )
    return _to_profile(participant)


@login_required
@require_POST
def participant_experience_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = WorkExperienceForm(request.POST, instance=WorkExperience(participant=participant))
    if not form.is_valid():
        return _detail(request, participant, experience_form=form)
    experience = form.save()
    messages.success(request, _("The work experience was added to the profile."))
    return _after_experience(participant, experience)


@login_required
@require_http_methods(["GET", "POST"])
def participant_experience_edit(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    experience = get_object_or_404(participant.work_experience, pk=item)
    form = WorkExperienceForm(_posted(request), instance=experience)
    title = _("Edit work experience")
    if request.method == "POST":
        if form.is_valid():
            experience = form.save()
            messages.success(request, _("The changes were saved."))
            return _after_experience(participant, experience)
        return _edit_page(request, participant, form, title=title, status=400)
    return _edit_page(request, participant, form, title=title)


@login_required
@require_POST
def participant_experience_delete(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    get_object_or_404(participant.work_experience, pk=item).delete()
    messages.success(request, _("The work experience was removed from the profile."))
    return _to_profile(participant)


# --- Suggested skills --------------------------------------------------------------------------


def _choose_skills(
    request: AuthenticatedHttpRequest,
    participant: Participant,
    suggestions: list[SkillSuggestion],
    *,
    origin: str,
    source: str,
) -> HttpResponse:
    """Show suggested skills with a box each; add the ticked ones to the profile."""
    choices = [(s.concept.uri, s.concept.label()) for s in suggestions]
    form = SkillChoiceForm(_posted(request), choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = Concept.objects.filter(uri__in=form.cleaned_data["skills"]).order_by("uri")
        added = services.participant_skills_accept(
            by=request.user, participant=participant, skills=list(chosen), origin=origin
        )
        messages.success(
            request,
            ngettext(
                "%(count)d skill was added to the profile.",
                "%(count)d skills were added to the profile.",
                len(added),
            )
            % {"count": len(added)},
        )
        return _to_profile(participant)
    return render(
        request,
        "participants/participant_suggestions.html",
        {
            "participant": participant,
            "personal": sees_personal_data(request.user, participant),
            "form": form,
            "rows": list(zip(suggestions, form["skills"], strict=True)),
            "source": source,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_experience_skills(
    request: AuthenticatedHttpRequest, pk: int, item: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    experience = get_object_or_404(participant.work_experience, pk=item)
    suggestions = suggest_for_experience(experience, language=get_language() or "en")
    return _choose_skills(
        request,
        participant,
        suggestions,
        origin=ParticipantSkill.Origin.WORK_EXPERIENCE,
        source=experience.job_title,
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_document_skills(
    request: AuthenticatedHttpRequest, pk: int, doc: int
) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    document = get_object_or_404(participant.documents, pk=doc)
    suggestions = suggest_for_document(document, language=get_language() or "en")
    return _choose_skills(
        request,
        participant,
        suggestions,
        origin=ParticipantSkill.Origin.CV,
        source=document.original_name,
    )


# --- Availability and preferences --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_preferences(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = PreferencesForm(_posted(request), instance=participant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The changes were saved."))
        return _to_profile(participant)
    return render(
        request,
        "participants/participant_preferences.html",
        {
            "participant": participant,
            "personal": sees_personal_data(request.user, participant),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# --- Documents ---------------------------------------------------------------------------------


@login_required
@require_POST
def participant_document_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_store(
                by=request.user,
                participant=participant,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The document was stored."))
            if document.kind == DocumentKind.CV and document.text:
                return redirect(
                    "participants:participant_document_skills", pk=participant.pk, doc=document.pk
                )
            return _to_profile(participant)
    return _detail(request, participant, document_form=form)


def _document_for(
    request: AuthenticatedHttpRequest, pk: int, doc: int, *, write: bool = False
) -> Document:
    participant = get_participant_for_user(request.user, pk, write=write)
    # Documents are personal data: for the pseudonymised view they do not exist.
    if not sees_personal_data(request.user, participant):
        raise Http404
    document: Document = get_object_or_404(participant.documents, pk=doc)
    return document


@login_required
@require_GET
def participant_document(request: AuthenticatedHttpRequest, pk: int, doc: int) -> HttpResponse:
    """The decrypted file, as a download; each download is on the audit record."""
    document = _document_for(request, pk, doc)
    data = document_bytes(document)
    log_sensitive_view(
        user=request.user,
        instance=document,
        fields=["file"],
        remote_addr=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def participant_document_delete(
    request: AuthenticatedHttpRequest, pk: int, doc: int
) -> HttpResponse:
    document = _document_for(request, pk, doc, write=True)
    document_delete(by=request.user, document=document)
    messages.success(request, _("The document was deleted."))
    return redirect("participants:participant_detail", pk=pk)
