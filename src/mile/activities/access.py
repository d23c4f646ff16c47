"""Loading activities and who takes part in them: the object, 404, or 403 on a write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from mile.activities.models import (
    Course,
    Enrolment,
    Event,
    StudyVisit,
    WorkingGroup,
    runs_scope,
)
from mile.core import permissions
from mile.core.access import get_for_user_or_404


def runs(user: Any, activity: Any) -> bool:
    """Does ``user`` run this course, visit, group or event (enrol, take attendance, edit)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    # Platform administrators run everything.
    if permissions.is_platform_admin(user):
        return True
    # A course's trainer takes its attendance and enrols people.
    if isinstance(activity, Course) and activity.trainer_id == user.pk:
        return True
    # Coordinators their programmes'; partner staff their site's and the programme-wide ones.
    return bool(type(activity)._default_manager.filter(runs_scope(user), pk=activity.pk).exists())


def _get[M: Model](model: type[M], user: Any, pk: Any, write: bool) -> M:
    queryset: Any = model._default_manager.select_related("programme", "site")
    activity: M = get_for_user_or_404(queryset, user, pk)
    # Members read an activity; running it takes staff rights where it happens.
    if write and not runs(user, activity):
        raise PermissionDenied
    return activity


def get_course_for_user(user: Any, pk: Any, *, write: bool = False) -> Course:
    return _get(Course, user, pk, write)


def get_visit_for_user(user: Any, pk: Any, *, write: bool = False) -> StudyVisit:
    return _get(StudyVisit, user, pk, write)


def get_group_for_user(user: Any, pk: Any, *, write: bool = False) -> WorkingGroup:
    return _get(WorkingGroup, user, pk, write)


def get_event_for_user(user: Any, pk: Any, *, write: bool = False) -> Event:
    return _get(Event, user, pk, write)


def get_enrolment_for_user(user: Any, pk: Any, *, write: bool = False) -> Enrolment:
    enrolment: Enrolment = get_for_user_or_404(
        Enrolment.objects.select_related("course", "participant", "user"), user, pk
    )
    # The person reads their own enrolment; changing it is for those who run the course.
    if write and not runs(user, enrolment.course):
        raise PermissionDenied
    return enrolment
