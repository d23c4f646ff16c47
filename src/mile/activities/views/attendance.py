"""Roll-call of a course session, certificates of attendance and the survey after a course.

The roll-call is made for a phone in the training room: one big row per enrolled person, one
Save button, no JavaScript needed. Those who run the course (coordinators, partner staff of
its site, its trainer) take it; the course page shows them the attendance so far, who
completed, certificates and the survey's results (``course_attendance_section``).

The survey needs no account (people from outside have none): its link carries the enrolment
signed with the secret key, and one answer is kept per enrolment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, Max, Min, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mile.activities import pdf, services
from mile.activities.access import get_course_for_user, get_enrolment_for_user, runs
from mile.activities.forms_attendance import RollCallForm, SurveyForm
from mile.activities.models import (
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    EnrolmentStatus,
    SurveyResponse,
)
from mile.core.forms import form_errors
from mile.core.http import AuthenticatedHttpRequest
from mile.participants.models import Participant

SURVEY_SALT = "activities.survey"


def _share(attended: int, sessions: int) -> Decimal:
    """The share of sessions attended, 0–100, as ``services.attendance_share`` counts it."""
    if not sessions:
        return Decimal(0)
    return (Decimal(attended * 100) / Decimal(sessions)).quantize(Decimal("0.1"))


def _course_page(course: Course) -> str | None:
    # The course page belongs to the courses part; without it the link is left out.
    try:
        return reverse("activities:course_detail", kwargs={"pk": course.pk})
    except NoReverseMatch:
        return None


# --- Roll-call ---------------------------------------------------------------------------------


def _session_for_user(user: Any, pk: int) -> CourseSession:
    """The session if ``user`` runs its course; 404 out of scope, 403 for mere readers."""
    try:
        course_id = CourseSession.objects.values_list("course_id", flat=True).get(pk=pk)
    except (CourseSession.DoesNotExist, OverflowError):
        raise Http404 from None
    course = get_course_for_user(user, course_id, write=True)
    session = course.sessions.get(pk=pk)
    session.course = course
    return session


def _enrolled(user: Any, course: Course) -> list[Enrolment]:
    enrolled = Enrolment.objects.for_user(user).filter(
        course=course, status=EnrolmentStatus.ENROLLED
    )
    rows = list(enrolled.select_related("participant", "user"))
    return sorted(rows, key=lambda e: (e.display_name.casefold(), e.pk))


def _rollcall_page(
    request: AuthenticatedHttpRequest,
    session: CourseSession,
    enrolled: list[Enrolment],
    form: RollCallForm | None = None,
    status: int = 200,
) -> HttpResponse:
    earlier = Attendance.objects.filter(session=session, enrolment__in=enrolled)
    last = earlier.select_related("recorded_by").order_by("-recorded_at", "-pk").first()
    if form is not None:
        ticked = {str(value) for value in form["present"].value() or []}
    else:
        ticked = {
            str(pk) for pk in earlier.filter(present=True).values_list("enrolment_id", flat=True)
        }
    rows = [{"enrolment": e, "checked": str(e.pk) in ticked} for e in enrolled]
    return render(
        request,
        "activities/session_rollcall.html",
        {
            "session": session,
            "course": session.course,
            "course_url": _course_page(session.course),
            "rows": rows,
            "form": form or RollCallForm(enrolled=enrolled),
            "last": last,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_rollcall(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session_for_user(request.user, pk)
    enrolled = _enrolled(request.user, session.course)
    if request.method != "POST":
        return _rollcall_page(request, session, enrolled)
    form = RollCallForm(request.POST, enrolled=enrolled)
    if form.is_valid():
        present: set[int] = set(form.cleaned_data["present"])
        # The "everyone is here" button saves the whole list as present.
        if request.POST.get("everyone"):
            present = {e.pk for e in enrolled}
        try:
            completed = services.attendance_record(
                by=request.user, session=session, present=present
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            total = len(enrolled)
            messages.success(
                request,
                ngettext(
                    "Attendance saved: %(present)d of %(total)d present.",
                    "Attendance saved: %(present)d of %(total)d present.",
                    total,
                )
                % {"present": len(present), "total": total},
            )
            if completed:
                messages.success(
                    request,
                    ngettext(
                        "%(names)s completed the course.",
                        "%(names)s completed the course.",
                        len(completed),
                    )
                    % {"names": ", ".join(e.display_name for e in completed)},
                )
            return redirect("activities:session_rollcall", pk=session.pk)
    return _rollcall_page(request, session, enrolled, form=form, status=400)


# --- The course page's attendance section ------------------------------------------------------


@dataclass(frozen=True)
class AttendeeRow:
    enrolment: Enrolment
    marks: list[bool | None]  # per session: present, absent, or not recorded (None)
    share: Decimal
    certificate_url: str | None
    survey_url: str | None


def course_attendance_section(request: HttpRequest, course: Course) -> dict[str, Any]:
    """What the course page shows those who run it: sessions × attendees, completion, survey.

    ``{"attendance_section": None}`` for everyone else; the page includes
    ``activities/_course_attendance.html`` either way.
    """
    user = request.user
    # Who attended is personal data: only for those who run the course.
    if not runs(user, course):
        return {"attendance_section": None}
    sessions = list(course.sessions.all())
    enrolled = (
        Enrolment.objects.for_user(user)
        .filter(course=course, status=EnrolmentStatus.ENROLLED)
        .select_related("participant__user", "user")
        .prefetch_related("attendance")
    )
    survey_open = _survey_open(sessions)
    rows = []
    for enrolment in sorted(enrolled, key=lambda e: (e.display_name.casefold(), e.pk)):
        by_session = {a.session_id: a.present for a in enrolment.attendance.all()}
        attended = sum(1 for present in by_session.values() if present)
        rows.append(
            AttendeeRow(
                enrolment=enrolment,
                marks=[by_session.get(s.pk) for s in sessions],
                share=_share(attended, len(sessions)),
                certificate_url=(
                    reverse("activities:enrolment_certificate", kwargs={"pk": enrolment.pk})
                    if enrolment.completed_at
                    else None
                ),
                survey_url=(
                    request.build_absolute_uri(survey_url(enrolment)) if survey_open else None
                ),
            )
        )
    answers = SurveyResponse.objects.filter(enrolment__course=course)
    summary = answers.aggregate(
        count=Count("pk"),
        overall=Avg("overall"),
        usefulness=Avg("usefulness"),
        trainer=Avg("trainer"),
    )
    comments = list(
        answers.exclude(comments="")
        .order_by("submitted_at", "pk")
        .values_list("comments", flat=True)
    )
    return {
        "attendance_section": {
            "course": course,
            "sessions": sessions,
            "rows": rows,
            "completed": sum(1 for row in rows if row.enrolment.completed_at),
            "survey_open": survey_open,
            "survey": summary,
            "comments": comments,
        }
    }


# --- Certificate of attendance -----------------------------------------------------------------


@login_required
@require_GET
@never_cache
def enrolment_certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The person themself or those who run the course.
    enrolment = get_enrolment_for_user(request.user, pk)
    # Only a completed course has a certificate.
    if enrolment.completed_at is None:
        raise Http404
    language = pdf.attendee_language(enrolment)
    content = pdf.certificate_pdf(enrolment, language=language)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{enrolment.certificate_number}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- Survey after the course -------------------------------------------------------------------


def survey_token(enrolment: Enrolment) -> str:
    return signing.dumps(enrolment.pk, salt=SURVEY_SALT)


def survey_url(enrolment: Enrolment) -> str:
    """The survey's address, in the attendee's language, to send them or show on their page."""
    with translation.override(pdf.attendee_language(enrolment)):
        return reverse("activities:enrolment_survey", kwargs={"token": survey_token(enrolment)})


def _survey_open(sessions: list[CourseSession]) -> bool:
    # The survey opens once the last session has started; a course without sessions never.
    return bool(sessions) and sessions[-1].starts_at <= timezone.now()


def _enrolment_from_token(token: str) -> Enrolment:
    try:
        pk = signing.loads(token, salt=SURVEY_SALT)
    except signing.BadSignature:
        raise Http404 from None
    enrolment: Enrolment | None = (
        Enrolment.objects.select_related("course")
        .filter(pk=pk, status=EnrolmentStatus.ENROLLED)
        .first()
    )
    # Someone withdrawn or still waiting did not take the course.
    if enrolment is None:
        raise Http404
    return enrolment


@never_cache
@require_http_methods(["GET", "POST"])
def enrolment_survey(request: HttpRequest, token: str) -> HttpResponse:
    enrolment = _enrolment_from_token(token)
    course = enrolment.course
    context: dict[str, Any] = {"course": course}
    if SurveyResponse.objects.filter(enrolment=enrolment).exists():
        return render(request, "activities/survey_done.html", {**context, "already": True})
    if not _survey_open(list(course.sessions.all())):
        status = 400 if request.method == "POST" else 200
        return render(
            request, "activities/survey_form.html", {**context, "closed": True}, status=status
        )
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        answer = form.save(commit=False)
        answer.enrolment = enrolment
        try:
            with transaction.atomic():
                answer.save()
        except IntegrityError:
            # Sent twice at once: the first answer counts.
            return render(request, "activities/survey_done.html", {**context, "already": True})
        return render(request, "activities/survey_done.html", {**context, "already": False})
    return render(
        request,
        "activities/survey_form.html",
        {**context, "form": form, "closed": False},
        status=400 if form.errors else 200,
    )


# --- The participant's own page ----------------------------------------------------------------


@dataclass(frozen=True)
class OwnCourse:
    enrolment: Enrolment
    first_day: Any
    last_day: Any
    share: Decimal
    certificate_url: str | None
    survey_url: str | None
    answered: bool


def own_courses(user: Any, participant: Participant) -> list[OwnCourse]:
    """The participant's courses for their own page, in one query."""
    enrolments = (
        Enrolment.objects.for_user(user)
        .filter(participant=participant)
        .select_related("course", "participant__user")
        .annotate(
            session_count=Count("course__sessions", distinct=True),
            attended=Count("attendance", filter=Q(attendance__present=True), distinct=True),
            first_start=Min("course__sessions__starts_at"),
            last_start=Max("course__sessions__starts_at"),
            answered=Exists(SurveyResponse.objects.filter(enrolment=OuterRef("pk"))),
        )
        .order_by("-first_start", "-pk")
    )
    now = timezone.now()
    courses = []
    for e in enrolments:
        enrolment: Any = e
        survey_open = (
            enrolment.status == EnrolmentStatus.ENROLLED
            and enrolment.last_start is not None
            and enrolment.last_start <= now
        )
        courses.append(
            OwnCourse(
                enrolment=enrolment,
                first_day=enrolment.first_start,
                last_day=enrolment.last_start,
                share=_share(enrolment.attended, enrolment.session_count),
                certificate_url=(
                    reverse("activities:enrolment_certificate", kwargs={"pk": enrolment.pk})
                    if enrolment.completed_at
                    else None
                ),
                survey_url=survey_url(enrolment)
                if survey_open and not enrolment.answered
                else None,
                answered=enrolment.answered,
            )
        )
    return courses
