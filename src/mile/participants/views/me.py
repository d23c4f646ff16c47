"""The participant's own pages: their plan, services and profile, in their language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.accounts.forms import AcceptInvitationForm
from mile.activities.views.attendance import own_courses
from mile.core.http import AuthenticatedHttpRequest
from mile.participants import accounts, services
from mile.participants.access import get_participant_for_user
from mile.participants.consent import current_consents
from mile.participants.forms import OwnProfileForm
from mile.participants.models import IntegrationPlan, Participant


def _own_record(request: AuthenticatedHttpRequest) -> Participant:
    """The one record tied to the signed-in account; staff accounts have none."""
    participant = (
        Participant.objects.select_related("programme", "site", "track")
        .filter(user=request.user)
        .first()
    )
    if participant is None:
        raise Http404
    return participant


@login_required
@require_GET
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    participant = _own_record(request)
    plan = IntegrationPlan.objects.filter(participant=participant).first()
    return render(
        request,
        "participants/me/home.html",
        {
            "participant": participant,
            "plan": plan,
            "planned": plan.services.all() if plan else [],
            "services": participant.services.all(),
            "languages": participant.language_skills.all(),
            "skills": participant.skills.select_related("skill"),
            "education": participant.education.all(),
            "experience": participant.work_experience.select_related("occupation"),
            "changes": participant.status_changes.all(),
            # Their courses: attendance, certificate and survey (activities/views/attendance.py).
            "courses": own_courses(request.user, participant),
            "consents": current_consents(participant),
            # Offers staff proposed the person for; the name goes to a company only if they agree.
            "proposals": participant.proposals.select_related(
                "offer__employer__organisation"
            ).order_by("-proposed_at", "-pk"),
        },
    )


@login_required
@require_POST
def me_consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person gives or withdraws one consent themselves; earlier answers stay on record."""
    participant = _own_record(request)
    answer = request.POST.get("given")
    if answer not in {"yes", "no"}:
        messages.error(request, _("Choose yes or no."))
        return redirect("participants:me")
    try:
        services.consent_record(
            by=request.user,
            participant=participant,
            purpose=request.POST.get("purpose", ""),
            given=answer == "yes",
            language=get_language(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your choice was saved."))
    return redirect("participants:me")


@login_required
@require_http_methods(["GET", "POST"])
def me_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    participant = _own_record(request)
    form = OwnProfileForm(request.POST or None, instance=participant)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your changes were saved."))
            return redirect("participants:me")
        return render(request, "participants/me/edit.html", {"form": form}, status=400)
    return render(request, "participants/me/edit.html", {"form": form})


class _PasswordForm(AcceptInvitationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The name is already on the record.
        del self.fields["full_name"]


@require_http_methods(["GET", "POST"])
def me_welcome(request: HttpRequest, token: str) -> HttpResponse:
    """Create one's own account from the link a case worker sent."""
    try:
        participant = accounts.participant_from_account_token(token)
    except ValidationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": error.messages[0]}, status=410
        )
    form = _PasswordForm(request.POST or None, email=participant.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.participant_account_create(
                participant=participant,
                password=form.cleaned_data["password1"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Welcome. This is your page."))
            return redirect("participants:me")
    return render(
        request,
        "participants/me/welcome.html",
        {"form": form, "participant": participant},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def participant_account_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for_user(request.user, pk, write=True)
    try:
        accounts.participant_account_invite(
            by=request.user, participant=participant, language=request.POST.get("language", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The link to sign in was sent to %(email)s.") % {"email": participant.email}
        )
    return redirect("participants:participant_detail", pk=participant.pk)
