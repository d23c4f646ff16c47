"""Offers: the site's list, one offer, writing it, its skills, languages, status and copies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.roles import Cap
from mile.employers import services
from mile.employers.access import get_employer_for_user, get_offer_for_user, is_contact_of, may_edit
from mile.employers.forms_offers import (
    OfferFilterForm,
    OfferForm,
    OfferLanguageFormSet,
    ProposedSkillsForm,
    SkillAddForm,
)
from mile.employers.models import OFFER_TRANSITIONS, Employer, Offer, OfferSkill, OfferStatus
from mile.employers.views.candidates import offer_candidates_section
from mile.programmes.models import Site

PAGE_SIZE = 25
# What the buttons say for each move, in the order they are shown.
MOVE_LABELS: dict[str, Any] = {
    OfferStatus.OPEN: gettext_lazy("Publish"),
    OfferStatus.FILLED: gettext_lazy("Mark as filled"),
    OfferStatus.CLOSED: gettext_lazy("Close"),
}


def _reads_offers(user: Any) -> bool:
    # Staff read the offers of their scope; an employer contact those of their company.
    return permissions.can(user, Cap.VIEW_EMPLOYERS) or permissions.can(
        user, Cap.MANAGE_OWN_EMPLOYER
    )


@login_required
@require_GET
def offer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _reads_offers(request.user):
        raise PermissionDenied
    offers = Offer.objects.for_user(request.user)
    sites = (
        Site.objects.for_user(request.user)
        .filter(pk__in=offers.values("site_id"))
        .select_related("programme")
    )
    form = OfferFilterForm(request.GET or None, sites=sites)
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            offers = offers.filter(
                Q(title__icontains=q) | Q(employer__organisation__name__icontains=q)
            )
        if status := form.cleaned_data["status"]:
            offers = offers.filter(status=status)
        if kind := form.cleaned_data["kind"]:
            offers = offers.filter(kind=kind)
        if site := form.cleaned_data["site"]:
            offers = offers.filter(site=site)
    offers = (
        offers.select_related("employer__organisation", "site")
        .annotate(candidates=Count("proposals", distinct=True))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_occupation_labels(page.object_list)
    return render(
        request,
        "employers/offer_list.html#results" if request.htmx else "employers/offer_list.html",
        {"form": form, "page": page},
    )


def _with_occupation_labels(offers: Any) -> None:
    """Each offer's occupation label in the reader's language, in one query for the page."""
    from mile.taxonomy.models import Concept

    ids = {o.occupation_id for o in offers if o.occupation_id}
    concepts = Concept.objects.with_labels().in_bulk(ids) if ids else {}
    for offer in offers:
        concept = concepts.get(offer.occupation_id)
        offer.occupation_label = concept.label() if concept else ""


@login_required
@require_GET
def offer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk)
    editable = may_edit(request.user, offer.employer)
    skills = list(
        offer.skills.select_related("skill").prefetch_related(_preferred_labels("skill__labels"))
    )
    context = {
        "offer": offer,
        "employer": offer.employer,
        "occupation_label": offer.occupation.label() if offer.occupation else "",
        "essential_skills": [s for s in skills if s.essential],
        "optional_skills": [s for s in skills if not s.essential],
        "languages": list(offer.languages.all()),
        "can_edit": editable,
        "is_contact": is_contact_of(request.user, offer.employer),
        "moves": _moves(offer) if editable else [],
        **offer_candidates_section(request, offer),
    }
    return render(request, "employers/offer_detail.html", context)


def _moves(offer: Offer) -> list[tuple[str, Any]]:
    """The status buttons: a filled offer is reopened rather than published again."""
    return [
        (status, _("Reopen") if offer.published_at and status == OfferStatus.OPEN else label)
        for status in OFFER_TRANSITIONS[offer.status]
        if (label := MOVE_LABELS.get(status))
    ]


def _preferred_labels(path: str) -> Any:
    from django.db.models import Prefetch

    from mile.taxonomy.models import Label

    # Concept.label() reads the labels from ``preferred_labels`` when they were prefetched.
    return Prefetch(
        path,
        queryset=Label.objects.filter(
            kind=Label.Kind.PREFERRED, language__in={get_language() or "en", "en"}
        ),
        to_attr="preferred_labels",
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    employer = get_employer_for_user(request.user, pk, write=True)
    form = OfferForm(
        request.POST or None,
        programme_id=employer.programme_id,
        initial={"site": employer.site_id, "places": 1},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OfferForm.Meta.fields}
        try:
            offer = services.offer_create(by=request.user, employer=employer, fields=fields)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The offer was saved as a draft."))
            return _after_content(offer)
    return _form_page(request, form, employer=employer, offer=None)


def _after_content(offer: Offer) -> HttpResponse:
    # With an occupation or a description there are skills to propose; otherwise the offer.
    if offer.occupation_id or offer.description.strip():
        return redirect("employers:offer_skills", pk=offer.pk)
    return redirect("employers:offer_detail", pk=offer.pk)


def _form_page(
    request: HttpRequest, form: OfferForm, *, employer: Employer, offer: Offer | None
) -> HttpResponse:
    return render(
        request,
        "employers/offer_form.html",
        {"form": form, "employer": employer, "offer": offer},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk, write=True)
    if offer.status == OfferStatus.CLOSED:
        messages.error(request, _("A closed offer is kept as it was; duplicate it to reuse it."))
        return redirect("employers:offer_detail", pk=offer.pk)
    before = (offer.occupation_id, offer.description)
    form = OfferForm(request.POST or None, instance=offer, programme_id=offer.employer.programme_id)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OfferForm.Meta.fields}
        try:
            services.offer_update(by=request.user, offer=offer, fields=fields)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            if (offer.occupation_id, offer.description) != before:
                return _after_content(offer)
            return redirect("employers:offer_detail", pk=offer.pk)
    return _form_page(request, form, employer=offer.employer, offer=offer)


@login_required
@require_http_methods(["GET", "POST"])
def offer_skills(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The skills proposed from the occupation and the description, to keep or drop."""
    offer = get_offer_for_user(request.user, pk, write=True)
    proposed = services.offer_skills_proposed(offer, language=get_language() or "en")
    action = request.POST.get("action")
    proposed_form = ProposedSkillsForm(
        request.POST if action == "accept" else None, proposed=proposed
    )
    add_form = SkillAddForm(request.POST if action == "add" else None, offer=offer)
    if action == "accept" and proposed_form.is_valid():
        try:
            kept = services.offer_skills_accept(
                by=request.user, offer=offer, accepted=proposed_form.accepted()
            )
        except ValidationError as error:
            form_errors(proposed_form, error)
        else:
            messages.success(
                request,
                _("%(count)s skills were added to the offer.") % {"count": len(kept)},
            )
            return redirect("employers:offer_detail", pk=offer.pk)
    if action == "add" and add_form.is_valid():
        try:
            services.offer_skills_accept(
                by=request.user,
                offer=offer,
                accepted=[
                    (
                        add_form.cleaned_data["skill"],
                        add_form.cleaned_data["essential"],
                        OfferSkill.Origin.MANUAL,
                    )
                ],
            )
        except ValidationError as error:
            form_errors(add_form, error)
        else:
            messages.success(request, _("The skill was added."))
            return redirect("employers:offer_skills", pk=offer.pk)
    current = offer.skills.select_related("skill").prefetch_related(
        _preferred_labels("skill__labels")
    )
    return render(
        request,
        "employers/offer_skills.html",
        {
            "offer": offer,
            "proposed_form": proposed_form,
            "add_form": add_form,
            "current": current,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def offer_skill_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk, write=True)
    skill = get_object_or_404(OfferSkill, offer=offer, pk=item)
    skill.delete()
    messages.success(request, _("The skill was removed from the offer."))
    back = (
        "employers:offer_skills"
        if request.POST.get("next") == "skills"
        else "employers:offer_detail"
    )
    return redirect(back, pk=offer.pk)


@login_required
@require_http_methods(["GET", "POST"])
def offer_languages(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk, write=True)
    formset = OfferLanguageFormSet(request.POST or None, instance=offer, prefix="languages")
    if request.method == "POST":
        if formset.is_valid():
            services.offer_languages_save(by=request.user, offer=offer, formset=formset)
            messages.success(request, _("The language requirements were saved."))
            return redirect("employers:offer_detail", pk=offer.pk)
        return render(
            request,
            "employers/offer_languages.html",
            {"offer": offer, "formset": formset},
            status=400,
        )
    return render(request, "employers/offer_languages.html", {"offer": offer, "formset": formset})


@login_required
@require_POST
def offer_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk, write=True)
    status = request.POST.get("status", "")
    if status not in OfferStatus.values:
        messages.error(request, _("Choose a status of the list."))
        return redirect("employers:offer_detail", pk=offer.pk)
    try:
        services.offer_move(by=request.user, offer=offer, status=status)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The offer is now: %(status)s.") % {"status": offer.get_status_display()},
        )
    return redirect("employers:offer_detail", pk=offer.pk)


@login_required
@require_POST
def offer_duplicate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_offer_for_user(request.user, pk, write=True)
    copy = services.offer_duplicate(by=request.user, offer=offer)
    messages.success(request, _("A copy was made as a draft: give it its dates."))
    return redirect("employers:offer_edit", pk=copy.pk)


def offers_section(request: HttpRequest, employer: Employer) -> dict[str, Any]:
    """What the employer page shows of the offers (template employers/_offers.html)."""
    offers = list(
        Offer.objects.for_user(request.user)
        .filter(employer=employer)
        .select_related("site")
        .annotate(candidates=Count("proposals", distinct=True))
        .order_by("-created_at", "-pk")
    )
    _with_occupation_labels(offers)
    return {"offers": offers, "can_add_offer": may_edit(request.user, employer)}
