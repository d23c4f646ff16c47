"""Courses: the list, a course and its sessions, enrolment by staff, registration online.

Every member of a programme reads its courses (no personal data); those who run a course see
who is enrolled and on the waiting list, and enrol or withdraw people. A published course
open to registration online has a public page anyone may register on, without an account.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mile.activities import services
from mile.activities.access import get_course_for_user, runs
from mile.activities.forms_courses import (
    CourseFilterForm,
    CourseForm,
    EnrolMemberForm,
    EnrolOutsideForm,
    EnrolParticipantForm,
    RegistrationForm,
    SessionForm,
    members_seen_by,
)
from mile.activities.models import (
    Course,
    CourseSession,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    Topic,
    runs_scope,
)
from mile.core import permissions
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.core.languages import language_name
from mile.core.roles import Cap
from mile.participants.models import Participant
from mile.programmes.models import Organisation, Programme
from mile.taxonomy.forms import concept_search_requested
from mile.taxonomy.models import Concept

PAGE_SIZE = 25
# Participants listed at once in the enrolment form; a search finds the others.
PARTICIPANT_CHOICES = 50
REGISTERED = "activities:course_registered"


# --- Loading -----------------------------------------------------------------------------------


def _readable(user: Any) -> QuerySet[Course]:
    """The courses ``user`` reads: those of their programmes, drafts only where they run them."""
    courses = Course.objects.for_user(user)
    # Platform administrators read every draft too.
    if permissions.is_platform_admin(user):
        return courses
    # A draft is for those who run it (its trainer too) until it is published.
    return courses.filter(~Q(status=CourseStatus.DRAFT) | runs_scope(user) | Q(trainer=user))


def _course(user: Any, pk: int, *, write: bool = False) -> Course:
    course = get_course_for_user(user, pk, write=write)
    # A draft is unknown to those who do not run it, as if it did not exist.
    if course.status == CourseStatus.DRAFT and not runs(user, course):
        raise Http404
    return course


def _with_figures(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Each course's first and last session and its places taken and waiting, in one query."""
    sessions = CourseSession.objects.filter(course=OuterRef("pk"))

    def counted(status: str) -> Coalesce:
        rows = (
            Enrolment.objects.filter(course=OuterRef("pk"), status=status)
            .order_by()
            .values("course")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    return courses.annotate(
        first_starts=Subquery(sessions.order_by("starts_at").values("starts_at")[:1]),
        last_ends=Subquery(sessions.order_by("-ends_at").values("ends_at")[:1]),
        taken=counted(EnrolmentStatus.ENROLLED),
        waiting=counted(EnrolmentStatus.WAITING),
    )


def _attendance_section(request: HttpRequest, course: Course) -> dict[str, Any]:
    # The roll-call, completion and survey belong to the attendance part of the app.
    try:
        from mile.activities.views.attendance import course_attendance_section
    except ImportError:
        return {}
    section: dict[str, Any] = course_attendance_section(request, course)
    return section


# --- The list ----------------------------------------------------------------------------------


@login_required
@require_GET
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # Every member of a programme reads its courses; participants' own accounts do not.
    if not permissions.can(user, Cap.VIEW_ACTIVITIES):
        raise PermissionDenied
    courses = _readable(user)
    programmes = Programme.objects.filter(pk__in=courses.values("programme_id")).order_by("name")
    form = CourseFilterForm(request.GET or None, programmes=programmes)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        courses = _filtered(courses, form.cleaned_data)
    # Latest first; courses without a session yet (being prepared) on top.
    courses = (
        _with_figures(courses)
        .select_related("programme", "site")
        .order_by(F("first_starts").desc(nulls_first=True), "-pk")
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    for course in page:
        course.topic_labels = _topic_labels(course)  # type: ignore[attr-defined]
    return render(
        request,
        "activities/course_list.html#results" if request.htmx else "activities/course_list.html",
        {
            "form": form,
            "page": page,
            "can_create": permissions.can(user, Cap.MANAGE_ACTIVITIES),
        },
        status=status,
    )


def _topic_labels(course: Course) -> list[str]:
    return [str(label) for value, label in Topic.choices if value in (course.topics or [])]


def _filtered(courses: QuerySet[Course], data: dict[str, Any]) -> QuerySet[Course]:
    if q := data.get("q"):
        courses = courses.filter(
            Q(title__icontains=q)
            | Q(description__icontains=q)
            | Q(place__icontains=q)
            | Q(trainer_name__icontains=q)
        )
    if programme := data.get("programme"):
        courses = courses.filter(programme=programme)
    if site := data.get("site"):
        courses = courses.filter(site=site)
    if audience := data.get("audience"):
        courses = courses.filter(audience=audience)
    if topic := data.get("topic"):
        # The topics are a JSON list of codes; a quoted code matches one element exactly.
        courses = courses.filter(topics__icontains=f'"{topic}"')
    if status := data.get("status"):
        courses = courses.filter(status=status)
    if when := data.get("when"):
        now = timezone.now()
        any_session = Exists(CourseSession.objects.filter(course=OuterRef("pk")))
        to_come = Exists(CourseSession.objects.filter(course=OuterRef("pk"), ends_at__gte=now))
        # Finished: it had sessions and none is still to come; the rest is upcoming or running.
        finished = any_session & ~to_come
        courses = courses.filter(finished if when == "past" else ~finished)
    return courses


# --- Creating and correcting a course ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Courses are created by those who run activities somewhere.
    if not permissions.can(request.user, Cap.MANAGE_ACTIVITIES):
        raise PermissionDenied
    return _course_form(request, Course(created_by=request.user))


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _course(request.user, pk, write=True)
    return _course_form(request, course)


def _course_form(request: AuthenticatedHttpRequest, course: Course) -> HttpResponse:
    new = course.pk is None
    form = CourseForm(
        request.POST if request.method == "POST" else None, instance=course, user=request.user
    )
    status = 200
    # "Find or add" in the ESCO picker brings the form back with the matches, saving nothing.
    if request.method == "POST" and not concept_search_requested(form):
        if form.is_valid():
            try:
                saved = services.course_save(
                    by=request.user,
                    course=course,
                    fields=form.simple_data(),
                    skills=list(form.cleaned_data["skills"]),
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The course was created. Add its sessions now.")
                    if new
                    else _("The changes were saved."),
                )
                return redirect("activities:course_detail", pk=saved.pk)
        status = 400
    return render(
        request,
        "activities/course_form.html",
        {"form": form, "course": None if new else course},
        status=status,
    )


# --- One course --------------------------------------------------------------------------------


@login_required
@require_GET
def course_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    course = _course(user, pk)
    runs_it = runs(user, course)
    sessions = list(course.sessions.all())
    counts = dict(
        course.enrolments.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    organiser = _organiser(course)
    language = get_language() or "en"
    skills = sorted(
        (
            c.label(language)
            for c in Concept.objects.with_labels(language).filter(pk__in=course.skills.values("pk"))
        ),
        key=str.casefold,
    )
    context: dict[str, Any] = {
        "course": course,
        "runs": runs_it,
        "sessions": sessions,
        "total_hours": sum((s.hours for s in sessions), Decimal(0)),
        "taken": counts.get(EnrolmentStatus.ENROLLED, 0),
        "waiting_count": counts.get(EnrolmentStatus.WAITING, 0),
        "topic_labels": _topic_labels(course),
        "teaching_language": language_name(course.language),
        "skills": skills,
        "organiser": organiser.name if organiser else course.programme.name,
        **_attendance_section(request, course),
    }
    if runs_it:
        context.update(_people(user, course))
        if course.public_registration:
            context["public_url"] = request.build_absolute_uri(
                reverse("activities:course_register", kwargs={"pk": course.pk})
            )
    else:
        # A member enrolled themself sees their own place, no one else's.
        context["own"] = Enrolment.objects.for_user(user).filter(course=course, user=user).first()
    return render(request, "activities/course_detail.html", context)


def _people(user: Any, course: Course) -> dict[str, Any]:
    """Who is enrolled, waiting and withdrawn, for those who run the course."""
    enrolments = list(
        Enrolment.objects.for_user(user)
        .filter(course=course)
        .select_related("participant", "user", "organisation")
        .order_by("created_at", "pk")
    )
    # A name links to the participant's record only for those who may open it.
    followed = set(
        Participant.objects.for_user(user)
        .filter(pk__in=[e.participant_id for e in enrolments if e.participant_id])
        .values_list("pk", flat=True)
    )
    if not permissions.can(user, Cap.VIEW_PERSONAL_DATA, course.programme_id):
        followed = set()
    for enrolment in enrolments:
        enrolment.record_url = (
            reverse("participants:participant_detail", kwargs={"pk": enrolment.participant_id})
            if enrolment.participant_id in followed
            else ""
        )
    return {
        "enrolled": [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED],
        "waiting": [e for e in enrolments if e.status == EnrolmentStatus.WAITING],
        "withdrawn": [e for e in enrolments if e.status == EnrolmentStatus.WITHDRAWN],
    }


def _organiser(course: Course) -> Organisation | None:
    """The partner who runs the course: the site's lead partner, or the programme's."""
    if course.site is not None:
        return course.site.lead_partner
    return course.programme.lead_partner


def _public_context(course: Course, sessions: list[CourseSession]) -> dict[str, Any]:
    """What the public pages show of a course (activities/_course_public_info.html)."""
    organiser = _organiser(course)
    return {
        "course": course,
        "sessions": sessions,
        "teaching_language": language_name(course.language),
        "organiser": organiser.name if organiser else course.programme.name,
        "organiser_website": organiser.website if organiser else "",
    }


# --- Sessions ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    course = _course(request.user, pk, write=True)
    return _session_form(request, course, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    course = _course(request.user, pk, write=True)
    session = get_object_or_404(course.sessions, pk=item)
    return _session_form(request, course, session)


def _session_form(
    request: AuthenticatedHttpRequest, course: Course, session: CourseSession | None
) -> HttpResponse:
    form = SessionForm(request.POST if request.method == "POST" else None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                by=request.user, course=course, session=session, fields=form.session_fields()
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("The session was changed.") if session else _("The session was added."),
            )
            return redirect(reverse("activities:course_detail", args=[course.pk]) + "#sessions")
    return render(
        request,
        "activities/session_form.html",
        {"form": form, "course": course, "session": session},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_delete(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    course = _course(request.user, pk, write=True)
    session = get_object_or_404(course.sessions, pk=item)
    try:
        services.session_delete(by=request.user, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The session was deleted."))
    return redirect(reverse("activities:course_detail", args=[course.pk]) + "#sessions")


# --- Enrolment by staff ------------------------------------------------------------------------

_KINDS = ("participant", "member", "outside")


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    course = _course(user, pk, write=True)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:100]
    kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms, listed, more = _enrol_forms(user, course, q=q, kind=kind, data=request.POST)
    status = 200
    if request.method == "POST":
        status = 400
        form: Any = forms.get(kind)
        if form is None:
            messages.error(request, _("Choose whom to enrol."))
        elif course.status == CourseStatus.CANCELLED:
            form.add_error(None, _("The course is cancelled: nobody can be enrolled."))
        elif form.is_valid():
            try:
                enrolment = services.enrolment_add(
                    by=user, course=course, fields=form.enrolment_fields()
                )
            except ValidationError as error:
                form_errors(form, error)
            except IntegrityError:
                # The same person withdrawn earlier: their entry is still on the course.
                form.add_error(None, _("This person was registered for the course before."))
            else:
                messages.success(request, _enrolled_message(enrolment))
                return redirect(
                    reverse("activities:course_detail", args=[course.pk]) + "#enrolments"
                )
    return render(
        request,
        "activities/enrolment_form.html",
        {
            "course": course,
            "q": q,
            "sent": kind,
            "no_participant_listed": not listed,
            "more_participants": more,
            "participant_form": forms.get("participant"),
            "member_form": forms["member"],
            "outside_form": forms["outside"],
        },
        status=status,
    )


def _enrol_forms(
    user: Any, course: Course, *, q: str, kind: str, data: Any
) -> tuple[dict[str, BaseForm], int, bool]:
    """The three ways to enrol someone (only the one sent is bound), how many participants are
    listed, and whether the list is cut short."""

    def bound(name: str) -> Any:
        return data if kind == name else None

    forms: dict[str, BaseForm] = {}
    listed: list[Participant] = []
    more = False
    # Participants only for those who see their names in the course's programme.
    if permissions.can(user, Cap.VIEW_PERSONAL_DATA, course.programme_id):
        scope = (
            Participant.objects.for_user(user)
            .filter(programme_id=course.programme_id)
            .select_related("site")
        )
        # Those already enrolled or waiting are left out of the list.
        shown = scope.exclude(
            pk__in=course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
            .filter(participant__isnull=False)
            .values("participant_id")
        )
        if q:
            terms = (
                Q(given_names__icontains=q) | Q(family_name__icontains=q) | Q(email__icontains=q)
            )
            if q.upper().startswith("P-") and q[2:].isdigit():
                terms |= Q(pk=int(q[2:]))
            shown = shown.filter(terms)
        listed = list(shown.order_by("family_name", "given_names", "pk")[: PARTICIPANT_CHOICES + 1])
        more = len(listed) > PARTICIPANT_CHOICES
        forms["participant"] = EnrolParticipantForm(
            bound("participant"),
            prefix="participant",
            participants=scope,
            shown=listed[:PARTICIPANT_CHOICES],
        )
    forms["member"] = EnrolMemberForm(
        bound("member"),
        prefix="member",
        users=members_seen_by(user, [course.programme_id]),
        programme=course.programme,
    )
    forms["outside"] = EnrolOutsideForm(bound("outside"), prefix="outside")
    return forms, len(listed[:PARTICIPANT_CHOICES]), more


def _enrolled_message(enrolment: Enrolment) -> str:
    if enrolment.status == EnrolmentStatus.WAITING:
        return _("The course is full: %(name)s is on the waiting list.") % {
            "name": enrolment.display_name
        }
    return _("%(name)s is enrolled.") % {"name": enrolment.display_name}


@login_required
@require_POST
def enrolment_withdraw(request: AuthenticatedHttpRequest, pk: int, item: int) -> HttpResponse:
    user = request.user
    course = _course(user, pk, write=True)
    enrolment = get_object_or_404(
        Enrolment.objects.for_user(user)
        .filter(course=course)
        .select_related("participant", "user"),
        pk=item,
    )
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        messages.info(
            request, _("%(name)s had already withdrawn.") % {"name": enrolment.display_name}
        )
    else:
        moved = services.enrolment_withdraw(by=user, enrolment=enrolment)
        messages.success(request, _("%(name)s was withdrawn.") % {"name": enrolment.display_name})
        if moved is not None:
            messages.success(
                request,
                _("%(name)s moved up from the waiting list and is now enrolled.")
                % {"name": moved.display_name},
            )
    return redirect(reverse("activities:course_detail", args=[course.pk]) + "#enrolments")


# --- Registration online -----------------------------------------------------------------------


def _open_course(pk: int) -> Course:
    # Public: a published course open to registration is no secret, so no for_user here.
    course: Course = get_object_or_404(
        Course.objects.select_related("programme", "site__lead_partner"),
        pk=pk,
        status=CourseStatus.PUBLISHED,
        public_registration=True,
    )
    return course


def _closed(course: Course, sessions: list[CourseSession]) -> str:
    """Why registering is no longer possible, or "" while it is."""
    closes = course.registration_closes_on
    if closes and timezone.localdate() > closes:
        return _("Registration for this course closed on %(date)s.") % {
            "date": date_format(closes, "DATE_FORMAT")
        }
    if sessions and sessions[-1].ends_at < timezone.now():
        return _("This course has ended: registration is closed.")
    return ""


@require_http_methods(["GET", "POST"])
def course_register(request: HttpRequest, pk: int) -> HttpResponse:
    course = _open_course(pk)
    sessions = list(course.sessions.all())
    closed = _closed(course, sessions)
    initial = {}
    if request.user.is_authenticated:
        initial = {"full_name": request.user.get_full_name(), "email": request.user.email}
    form = RegistrationForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_spam:
            # Robots fill the hidden field; they are told nothing, and nothing is kept.
            request.session[REGISTERED] = {"course": course.pk, "waiting": False}
            return redirect("activities:course_register_done", pk=course.pk)
        if closed:
            form.add_error(None, closed)
        elif form.is_valid():
            try:
                enrolment = services.enrolment_add(
                    by=request.user, course=course, fields=form.enrolment_fields(), public=True
                )
            except ValidationError as error:
                if _email_taken(course, form.cleaned_data["email"]):
                    form.add_error("email", _already_registered())
                else:
                    form_errors(form, error)
            except IntegrityError:
                form.add_error("email", _already_registered())
            else:
                request.session[REGISTERED] = {
                    "course": course.pk,
                    "waiting": enrolment.status == EnrolmentStatus.WAITING,
                }
                return redirect("activities:course_register_done", pk=course.pk)
        status = 400
    taken = course.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    return render(
        request,
        "activities/course_register.html",
        {
            **_public_context(course, sessions),
            "closed": closed,
            "form": form,
            "full": taken >= course.capacity,
            "places_left": max(course.capacity - taken, 0),
        },
        status=status,
    )


def _email_taken(course: Course, email: str) -> bool:
    return bool(email) and course.enrolments.filter(email__iexact=email).exists()


def _already_registered() -> str:
    return _(
        "This e-mail address is already registered for this course. If you want to change or "
        "cancel your registration, please write to the organiser."
    )


@require_GET
def course_register_done(request: HttpRequest, pk: int) -> HttpResponse:
    course = _open_course(pk)
    sent = request.session.get(REGISTERED) or {}
    return render(
        request,
        "activities/course_register_done.html",
        {
            **_public_context(course, list(course.sessions.all())),
            "registered": sent.get("course") == course.pk,
            "waiting": bool(sent.get("waiting")),
        },
    )
