"""Staff pages for consent answers, possible duplicates and merging two records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mile.core.http import AuthenticatedHttpRequest
from mile.participants import services
from mile.participants.access import get_participant_for_user, sees_sensitive_data
from mile.participants.consent import current_consents
from mile.participants.duplicates import participant_duplicates, participant_merge
from mile.participants.forms_apply import ConsentChangeForm
from mile.participants.models import SENSITIVE_FIELDS, Participant, Source, Status
from mile.privacy.audit import log_sensitive_view


def detail_context(
    user: Any, participant: Participant, *, personal: bool, can_manage: bool
) -> dict[str, Any]:
    """What the record page shows of consents and possible duplicates."""
    duplicates: list[Participant] = []
    # An online application may be someone staff already know: say so when they open it.
    if (
        can_manage
        and participant.source == Source.ONLINE
        and participant.status == Status.APPLICANT
    ):
        duplicates = participant_duplicates(
            user=user,
            fields={
                "given_names": participant.given_names,
                "family_name": participant.family_name,
                "birth_date": participant.birth_date,
                "nationalities": participant.nationalities,
            },
            exclude=participant.pk,
        )
    return {
        "consents": current_consents(participant),
        "consent_form": ConsentChangeForm() if can_manage else None,
        "duplicates": duplicates,
    }


@login_required
@require_POST
def participant_consent_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    form = ConsentChangeForm(request.POST)
    if form.is_valid():
        services.consent_record(
            by=request.user,
            participant=participant,
            purpose=form.cleaned_data["purpose"],
            given=form.cleaned_data["given"] == "yes",
            language=get_language() or "en",
        )
        messages.success(request, _("The answer was recorded."))
    else:
        messages.error(request, _("Choose a purpose and an answer."))
    return redirect(f"{participant_url(participant)}#consents")


def participant_url(participant: Participant) -> str:
    from django.urls import reverse

    return reverse("participants:participant_detail", kwargs={"pk": participant.pk})


# The fields shown side by side before a merge, in order.
COMPARED = (
    "given_names", "family_name", "birth_date", "gender", "country_of_birth", "arrival_date",
    "work_authorisation", "work_authorisation_expires", "email", "phone", "site", "track",
    "status", "source", "created_at",
)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def participant_merge_view(
    request: AuthenticatedHttpRequest, pk: int, duplicate: int
) -> HttpResponse:
    """Confirm, then merge ``duplicate`` into the record ``pk``; both must be editable."""
    survivor = get_participant_for_user(request.user, pk, write=True)
    other = get_participant_for_user(request.user, duplicate, write=True)
    error = ""
    if request.method == "POST":
        try:
            participant_merge(by=request.user, survivor=survivor, duplicate=other)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into this record.") % {"duplicate": other.reference},
            )
            return redirect("participants:participant_detail", pk=survivor.pk)
    sensitive = sees_sensitive_data(request.user, survivor) and sees_sensitive_data(
        request.user, other
    )
    if sensitive:
        for person in (survivor, other):
            log_sensitive_view(
                user=request.user,
                instance=person,
                fields=SENSITIVE_FIELDS,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
    rows = [
        (
            _label(name),
            _display(survivor, name),
            _display(other, name),
        )
        for name in COMPARED
    ]
    if sensitive:
        rows += [
            (
                _label(name),
                _display(survivor, name),
                _display(other, name),
            )
            for name in SENSITIVE_FIELDS
        ]
    linked = [
        (
            relation.related_model._meta.verbose_name_plural,
            _count(relation, survivor),
            _count(relation, other),
        )
        for relation in Participant._meta.related_objects
    ]
    return render(
        request,
        "participants/merge.html",
        {
            "survivor": survivor,
            "duplicate": other,
            "rows": rows,
            "linked": linked,
            "error": error,
        },
        status=400 if error else 200,
    )


def _label(name: str) -> Any:
    return getattr(Participant._meta.get_field(name), "verbose_name", name)


def _display(participant: Participant, name: str) -> str:
    from django.utils.formats import date_format

    value = getattr(participant, name)
    display = getattr(participant, f"get_{name}_display", None)
    if name == "nationalities":
        return ", ".join(str(c.name) for c in value) or "—"
    if name == "country_of_birth":
        return str(value.name) if value else "—"
    if callable(display):
        return str(display()) or "—"
    if hasattr(value, "isoformat"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value) if value not in (None, "") else "—"


def _count(relation: Any, participant: Participant) -> int:
    return int(
        relation.related_model._default_manager.filter(**{relation.field.name: participant}).count()
    )
