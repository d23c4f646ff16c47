from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.accounts import services
from mile.accounts.access import get_invitation_for_user, get_token_for_user
from mile.accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    MemberFilterForm,
    ProfileForm,
    TokenForm,
)
from mile.accounts.models import ApiToken, Invitation, Membership, User
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap

PAGE_SIZE = 25


def _require(request: HttpRequest, cap: Cap) -> None:
    if not permissions.can(request.user, cap):
        raise PermissionDenied


@login_required
@require_GET
def member_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.VIEW_MEMBERS)
    form = MemberFilterForm(request.GET)
    memberships = (
        Membership.objects.for_user(request.user)
        .active()
        .select_related("user", "organisation", "programme", "site")
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            memberships = memberships.filter(
                Q(user__full_name__icontains=q)
                | Q(user__email__icontains=q)
                | Q(organisation__name__icontains=q)
            )
        if role := form.cleaned_data["role"]:
            memberships = memberships.filter(role=role)
    page = Paginator(memberships.order_by("user__full_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # A search typed with htmx on re-renders the results only; same checks, same scope.
    template = "accounts/member_list.html#results" if request.htmx else "accounts/member_list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
@require_GET
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.INVITE_USERS)
    invitations = Invitation.objects.for_user(request.user).select_related(
        "programme", "organisation", "invited_by"
    )
    page = Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/invitation_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.INVITE_USERS)
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is on its way.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = get_invitation_for_user(request.user, pk)
    try:
        invitation.revoke()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The invitation was revoked."))
    return redirect("accounts:invitation_list")


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"reason": error.messages[0]}, status=410
        )
    user = request.user if request.user.is_authenticated else None
    existing_account = user is None and User.objects.filter(email=invitation.email).exists()
    form = (
        None
        if user or existing_account
        else AcceptInvitationForm(request.POST or None, email=invitation.email)
    )
    if request.method == "POST" and (form is None or form.is_valid()) and not existing_account:
        try:
            accepted_by = services.invitation_accept(
                invitation=invitation,
                user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except ValidationError as error:
            if form is not None:
                form.add_error(None, error)
            else:
                messages.error(request, error.messages[0])
        else:
            if user is None:
                login(
                    request,
                    accepted_by,
                    backend="allauth.account.auth_backends.AuthenticationBackend",
                )
            messages.success(
                request, _("Welcome to %(programme)s.") % {"programme": invitation.programme}
            )
            return redirect("core:dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing_account": existing_account},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile was saved."))
        translation.activate(user.language)
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": TokenForm(),
            "tokens": ApiToken.objects.for_user(request.user),
            "memberships": Membership.objects.filter(user=request.user)
            .active()
            .select_related("programme", "organisation", "site"),
            "can_use_api": permissions.can(request.user, Cap.USE_API),
        },
    )


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request, Cap.USE_API)
    form = TokenForm(request.POST)
    if form.is_valid():
        token, key = services.token_create(user=request.user, name=form.cleaned_data["name"])
        # The key is shown this once; only its hash is kept.
        return render(request, "accounts/token_created.html", {"token": token, "key": key})
    return render(
        request,
        "accounts/profile.html",
        {
            "form": ProfileForm(instance=request.user),
            "token_form": form,
            "tokens": ApiToken.objects.for_user(request.user),
            "memberships": Membership.objects.filter(user=request.user).active(),
            "can_use_api": True,
        },
        status=400,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_token_for_user(request.user, pk)
    token.revoke()
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")
