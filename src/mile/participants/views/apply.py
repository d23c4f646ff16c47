"""The public application: short steps, answers kept in the session, no JavaScript needed.

Anyone may apply, so nothing here needs signing in. The programme and site come from the URL;
the language from its prefix, as everywhere. Answers live in the server-side session until the
last step sends them (``services.participant_apply``); Back keeps what was typed.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mile.core.languages import language_name
from mile.participants import services
from mile.participants.consent import WORDINGS
from mile.participants.forms_apply import (
    LEVELS,
    OTHER_LANGUAGES,
    AboutForm,
    ApplyStepForm,
    ConsentForm,
    LanguagesForm,
    SituationForm,
)
from mile.participants.models import Gender, ResidenceStatus, WorkAuthorisation
from mile.programmes.models import Programme, Site

logger = logging.getLogger(__name__)

STEPS = ("about", "situation", "languages", "consent", "review")
TITLES = {
    "about": _("About you"),
    "situation": _("Your situation"),
    "languages": _("Languages you speak"),
    "consent": _("How we use your data"),
    "review": _("Check and send"),
}
FORMS: dict[str, type[ApplyStepForm]] = {
    "about": AboutForm,
    "situation": SituationForm,
    "languages": LanguagesForm,
    "consent": ConsentForm,
}
SENT = "apply:sent"


def _programme(slug: str) -> Programme:
    # Public: a programme's name and sites are no secret, so no for_user here.
    return get_object_or_404(Programme, slug=slug)


def _is_open(programme: Programme) -> bool:
    return programme.ends_on >= timezone.localdate()


def _site(programme: Programme, pk: int) -> Site:
    site: Site = get_object_or_404(programme.sites.select_related("lead_partner"), pk=pk)
    return site


def _key(site: Site) -> str:
    return f"apply:{site.programme_id}:{site.pk}"


def _answers(request: HttpRequest, site: Site) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = request.session.get(_key(site), {})
    return answers


def _form(
    step: str, answers: dict[str, dict[str, str]], *, data: dict[str, str] | None = None
) -> ApplyStepForm:
    """The step's form, bound to ``data``, or to the saved answers when data is None."""
    bound = answers.get(step, {}) if data is None else data
    if step == "situation":
        about = AboutForm(answers.get("about", {}))
        birth_date = about.cleaned_data.get("birth_date") if about.is_valid() else None
        return SituationForm(bound, birth_date=birth_date)
    return FORMS[step](bound)


def _first_incomplete(answers: dict[str, dict[str, str]], before: str) -> str | None:
    for step in STEPS[: STEPS.index(before)]:
        if step in FORMS and not _form(step, answers).is_valid():
            return step
    return None


def _step_url(programme: Programme, site: Site, step: str) -> str:
    from django.urls import reverse

    return reverse(
        "participants:apply_step",
        kwargs={"programme": programme.slug, "site": site.pk, "step": step},
    )


@require_GET
def apply_programme(request: HttpRequest, programme: str) -> HttpResponse:
    """The programme's door: what applying means, and the choice of site."""
    found = _programme(programme)
    return render(
        request,
        "participants/apply/programme.html",
        {
            "programme": found,
            "open": _is_open(found),
            "sites": found.sites.select_related("lead_partner").order_by("city"),
            "steps": len(STEPS),
        },
    )


@require_GET
def apply_privacy(request: HttpRequest, programme: str) -> HttpResponse:
    found = _programme(programme)
    return render(
        request,
        "participants/apply/privacy.html",
        {
            "programme": found,
            "wordings": WORDINGS,
            "sites": found.sites.select_related("lead_partner").order_by("city"),
        },
    )


@require_http_methods(["GET", "POST"])
def apply_step(request: HttpRequest, programme: str, site: int, step: str) -> HttpResponse:
    found = _programme(programme)
    place = _site(found, site)
    if step not in STEPS:
        raise Http404
    if not _is_open(found):
        return redirect("participants:apply_programme", programme=found.slug)
    answers = _answers(request, place)
    index = STEPS.index(step)
    if request.method == "POST" and "back" in request.POST and index > 0:
        if step in FORMS:
            # Going back keeps what was typed here, even if it is not complete yet.
            answers[step] = _posted(FORMS[step], request)
            request.session[_key(place)] = answers
        return redirect(_step_url(found, place, STEPS[index - 1]))
    missing = _first_incomplete(answers, step)
    if missing is not None:
        return redirect(_step_url(found, place, missing))
    if step == "review":
        return _review(request, found, place, answers)
    status = 200
    if request.method == "POST":
        posted = _posted(FORMS[step], request)
        form = _form(step, answers, data=posted)
        if form.is_spam:
            return _refuse_robot(request, found, place)
        answers[step] = posted
        request.session[_key(place)] = answers
        if form.is_valid():
            return redirect(_step_url(found, place, STEPS[index + 1]))
        status = 400
    else:
        # What was typed before comes back as it was, without errors until it is sent again.
        form = FORMS[step](initial=answers.get(step, {}))
    return render(
        request,
        "participants/apply/step.html",
        _context(found, place, step, form=form),
        status=status,
    )


def _posted(form_class: type[forms.Form], request: HttpRequest) -> dict[str, str]:
    names = list(form_class().fields)
    return {name: request.POST.get(name, "") for name in names}


def _refuse_robot(request: HttpRequest, programme: Programme, site: Site) -> HttpResponse:
    # Robots fill the hidden field; they are told nothing, and nothing is kept.
    logger.info("Application to %s refused: the hidden field was filled.", programme.slug)
    request.session.pop(_key(site), None)
    request.session[SENT] = {"programme": programme.pk, "site": site.city}
    return redirect("participants:apply_done", programme=programme.slug)


def _context(programme: Programme, site: Site, step: str, **extra: Any) -> dict[str, Any]:
    index = STEPS.index(step)
    return {
        "programme": programme,
        "site": site,
        "step": step,
        "number": index + 1,
        "total": len(STEPS),
        "title": TITLES[step],
        "previous": STEPS[index - 1] if index else None,
        "segments": range(1, len(STEPS) + 1),
        "levels": LEVELS,
        **extra,
    }


def _review(
    request: HttpRequest, programme: Programme, site: Site, answers: dict[str, dict[str, str]]
) -> HttpResponse:
    forms_ = {step: _form(step, answers) for step in FORMS}
    for step, form in forms_.items():
        if not form.is_valid():
            return redirect(_step_url(programme, site, step))
    status = 200
    error = ""
    if request.method == "POST":
        if request.POST.get("website"):
            return _refuse_robot(request, programme, site)
        about = forms_["about"].cleaned_data
        situation: SituationForm = forms_["situation"]  # type: ignore[assignment]
        languages: LanguagesForm = forms_["languages"]  # type: ignore[assignment]
        consent: ConsentForm = forms_["consent"]  # type: ignore[assignment]
        fields = {
            name: about[name]
            for name in ("given_names", "family_name", "birth_date", "gender", "email", "phone")
        }
        fields |= situation.participant_fields()
        fields["language_skills"] = languages.language_skills()
        try:
            services.participant_apply(
                programme=programme,
                site=site,
                fields=fields,
                consents=consent.consents(),
                language=get_language() or "en",
            )
        except ValidationError as failure:
            error = " ".join(failure.messages)
            status = 400
        else:
            request.session.pop(_key(site), None)
            request.session[SENT] = {"programme": programme.pk, "site": site.city}
            return redirect("participants:apply_done", programme=programme.slug)
    return render(
        request,
        "participants/apply/review.html",
        _context(programme, site, "review", summary=_summary(forms_), error=error),
        status=status,
    )


def _summary(forms_: dict[str, ApplyStepForm]) -> list[dict[str, Any]]:
    """The answers as the applicant will read them, step by step, with a link to change each."""
    about = forms_["about"].cleaned_data
    situation = forms_["situation"].cleaned_data
    languages = forms_["languages"].cleaned_data
    consent = forms_["consent"].cleaned_data
    from django_countries import countries

    def country(code: str) -> str:
        return str(countries.name(code)) if code else "—"

    def day(value: Any) -> str:
        return date_format(value, "DATE_FORMAT") if value else "—"

    levels = dict(LEVELS)
    spoken = [
        _("%(language)s: mother tongue") % {"language": language_name(languages["mother_tongue"])}
    ]
    spoken += [
        _("%(language)s: %(level)s")
        % {
            "language": language_name(languages[f"language_{n}"]),
            "level": levels[languages[f"level_{n}"]],
        }
        for n in range(1, OTHER_LANGUAGES + 1)
        if languages.get(f"language_{n}")
    ]
    return [
        {
            "step": "about",
            "title": TITLES["about"],
            "rows": [
                (_("Given names"), about["given_names"]),
                (_("Family name"), about["family_name"]),
                (_("Date of birth"), day(about["birth_date"])),
                (_("Gender"), Gender(about["gender"]).label),
                (_("E-mail address"), about["email"] or "—"),
                (_("Phone"), about["phone"] or "—"),
            ],
        },
        {
            "step": "situation",
            "title": TITLES["situation"],
            "rows": [
                (
                    _("Nationality"),
                    ", ".join(
                        country(c)
                        for c in (situation["nationality"], situation["second_nationality"])
                        if c
                    ),
                ),
                (_("Country of birth"), country(situation["country_of_birth"])),
                (_("Arrival in the country"), day(situation["arrival_date"])),
                (
                    _("Residence or protection status"),
                    ResidenceStatus(situation["residence_status"]).label,
                ),
                (
                    _("Work authorisation"),
                    WorkAuthorisation(situation["work_authorisation"]).label,
                ),
                (_("Allowed to work until"), day(situation["work_authorisation_expires"])),
            ],
        },
        {"step": "languages", "title": TITLES["languages"], "rows": [(_("Languages"), spoken)]},
        {
            "step": "consent",
            "title": TITLES["consent"],
            "rows": [
                (w.label, _("Yes") if consent[w.purpose] == "yes" else _("No")) for w in WORDINGS
            ],
        },
    ]


@require_GET
def apply_done(request: HttpRequest, programme: str) -> HttpResponse:
    found = _programme(programme)
    sent = request.session.get(SENT) or {}
    return render(
        request,
        "participants/apply/done.html",
        {"programme": found, "site": sent.get("site") if sent.get("programme") == found.pk else ""},
    )
