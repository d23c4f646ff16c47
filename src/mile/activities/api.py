"""The activities API: courses, their sessions, working groups and events.

Every member of a programme reads its activities (titles, dates, places, counts: no personal
data); those who run an activity change it (coordinators; partner staff for their site's and
the programme-wide ones; a course's trainer); those who may run activities somewhere add new
ones, where they run them. The model's own checks answer bad input field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from mile.accounts.models import User
from mile.activities.access import runs
from mile.activities.models import (
    Audience,
    Course,
    CourseSession,
    CourseStatus,
    EnrolmentStatus,
    Event,
    EventKind,
    GroupMember,
    GroupScope,
    GroupTheme,
    Topic,
    WorkingGroup,
    runs_scope,
)
from mile.core import permissions
from mile.core.roles import Cap
from mile.programmes.api import ID_PATTERN, MAX_ID
from mile.programmes.models import Programme, Site
from mile.taxonomy.models import Concept, Kind

# --- Who may call ------------------------------------------------------------------------------


class ReadsActivities(BasePermission):
    """Members of a programme read its activities; participants' own accounts do not."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return permissions.can(request.user, Cap.VIEW_ACTIVITIES)


def _runs_where_it_happens(user: Any, activity: Model) -> bool:
    """Does ``user`` run activities of this programme and site (a trainer's part aside)?"""
    # Platform administrators run everything.
    if permissions.is_platform_admin(user):
        return True
    # Coordinators their programmes'; partner staff their site's and the programme-wide ones.
    manager: Any = type(activity)._default_manager
    return bool(manager.filter(runs_scope(user), pk=activity.pk).exists())


def _full_clean(activity: Model) -> None:
    """The model's checks, and that the site is one of the programme's, field by field."""
    errors: dict[str, list[str]] = {}
    try:
        activity.full_clean()
    except DjangoValidationError as error:
        errors = error.message_dict
    site: Site | None = getattr(activity, "site", None)
    programme_id = getattr(activity, "programme_id", None)
    if site is not None and programme_id and site.programme_id != programme_id:
        errors.setdefault("site", [str(_("The site belongs to another programme."))])
    if errors:
        raise DjangoValidationError(errors)


def _programme_field() -> Any:
    return serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.none(),
        error_messages={"does_not_exist": _("Unknown programme: choose one of yours.")},
    )


def _site_field() -> Any:
    return serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("Empty for an activity of the whole programme."),
        error_messages={"does_not_exist": _("Unknown site: choose one of your programmes'.")},
    )


class _ScopedChoices:
    """Sets the choices of programme and site to those the author sees (writes only)."""

    def _scope_choices(self, fields: Any, context: Mapping[str, Any]) -> None:
        request = context.get("request")
        if request is None:  # the OpenAPI schema describes the fields without a reader
            return
        for name, queryset in (
            ("programme", Programme.objects.for_user(request.user)),
            ("site", Site.objects.for_user(request.user)),
        ):
            if name in fields and not fields[name].read_only:
                fields[name].queryset = queryset


# --- Sessions ----------------------------------------------------------------------------------

SESSION_FIELDS = ["id", "title", "starts_at", "ends_at", "place", "hours"]


class CourseSessionSerializer(serializers.ModelSerializer[CourseSession]):
    """A session as its course lists it."""

    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)

    class Meta:
        model = CourseSession
        fields = SESSION_FIELDS


class SessionSerializer(serializers.ModelSerializer[CourseSession]):
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.none(),
        error_messages={"does_not_exist": _("Unknown course: choose one you can see.")},
    )

    class Meta:
        model = CourseSession
        fields = ["id", "course", *SESSION_FIELDS[1:]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        fields: Any = self.fields
        if request is not None and not fields["course"].read_only:
            fields["course"].queryset = Course.objects.for_user(request.user)


class SessionUpdateSerializer(SessionSerializer):
    """A change to a session; it stays with its course."""

    course = serializers.PrimaryKeyRelatedField(read_only=True)


# --- Courses -----------------------------------------------------------------------------------


class CourseSerializer(_ScopedChoices, serializers.ModelSerializer[Course]):
    """A course with its sessions and how many are enrolled; skills by ESCO URI.

    The trainer is shown only to those who run the course, in a single course.
    """

    programme = _programme_field()
    site = _site_field()
    topics = serializers.ListField(
        child=serializers.ChoiceField(choices=Topic.choices), required=False
    )
    skills: Any = serializers.SlugRelatedField(
        many=True,
        slug_field="uri",
        queryset=Concept.objects.filter(kind__in=(Kind.SKILL, Kind.SKILL_GROUP), obsolete=False),
        required=False,
        help_text=_("ESCO URIs of the skills taught."),
        error_messages={"does_not_exist": _("No current ESCO skill has the URI {value}.")},
    )
    trainer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        allow_null=True,
        required=False,
        help_text=_("A user of MILE, member of the programme."),
        error_messages={"does_not_exist": _("Unknown user: choose a member of the programme.")},
    )
    sessions = CourseSessionSerializer(many=True, read_only=True)
    enrolled = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    PRIVATE: ClassVar[set[str]] = {"trainer", "trainer_name"}

    class Meta:
        model = Course
        fields = [
            "id", "programme", "site", "title", "description", "audience", "topics", "skills",
            "language", "level", "online", "place", "trainer", "trainer_name", "capacity",
            "public_registration", "registration_closes_on", "completion_attendance",
            "status", "sessions", "enrolled", "waiting", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        self._scope_choices(fields, self.context)
        request = self.context.get("request")
        if request is not None:
            fields["trainer"].queryset = User.objects.filter(
                memberships__is_active=True,
                memberships__programme__in=Programme.objects.for_user(request.user),
            ).distinct()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        trainer = attrs.get("trainer")
        programme = attrs.get("programme") or getattr(self.instance, "programme", None)
        if (
            trainer is not None
            and programme is not None
            and not trainer.memberships.filter(programme=programme, is_active=True).exists()
        ):
            raise serializers.ValidationError(
                {"trainer": _("Choose a member of the course's programme.")}
            )
        return attrs

    def to_representation(self, instance: Course) -> dict[str, Any]:
        data = super().to_representation(instance)
        # Who teaches is for those who run the course, never on a list.
        if not self.context.get("runs"):
            for name in self.PRIVATE:
                data.pop(name, None)
        return dict(data)


class CourseUpdateSerializer(CourseSerializer):
    """A change to a course; it stays in its programme."""

    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class CourseFilter(filters.FilterSet):  # type: ignore[misc]
    programme = filters.NumberFilter(field_name="programme", min_value=1, max_value=MAX_ID)
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    audience = filters.ChoiceFilter(choices=Audience.choices)
    status = filters.ChoiceFilter(choices=CourseStatus.choices)

    class Meta:
        model = Course
        fields = ["programme", "site", "audience", "status"]


def _dated(field_name: str) -> Any:
    """Adds the filters ``from`` and ``to`` (days, inclusive), names Python keeps for itself."""

    def decorate(filterset: Any) -> Any:
        for name, lookup, label in (
            ("from", "gte", _("Starting on or after this day")),
            ("to", "lte", _("Starting on or before this day")),
        ):
            found = filters.DateFilter(
                field_name=field_name, lookup_expr=f"date__{lookup}", label=label
            )
            filterset.base_filters[name] = found
            filterset.declared_filters[name] = found
        return filterset

    return decorate


@_dated("starts_at")
class SessionFilter(filters.FilterSet):  # type: ignore[misc]
    course = filters.NumberFilter(field_name="course", min_value=1, max_value=MAX_ID)

    class Meta:
        model = CourseSession
        fields = ["course"]


# --- Working groups ----------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer[GroupMember]):
    name = serializers.CharField(source="display_name")
    organisation = serializers.SerializerMethodField()
    country = serializers.CharField(source="country.code")

    class Meta:
        model = GroupMember
        fields = ["id", "name", "organisation", "country", "joined_on", "left_on"]

    def get_organisation(self, member: GroupMember) -> str:
        return member.organisation.name if member.organisation else member.organisation_name


class WorkingGroupSerializer(_ScopedChoices, serializers.ModelSerializer[WorkingGroup]):
    """A working group; its members are listed, in a single group, to those who run it."""

    programme = _programme_field()
    site = _site_field()
    members_count = serializers.IntegerField(
        read_only=True, help_text=_("Members who have not left.")
    )
    members = serializers.SerializerMethodField()

    class Meta:
        model = WorkingGroup
        fields = [
            "id", "programme", "scope", "site", "theme", "name", "description",
            "members_count", "members",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope_choices(self.fields, self.context)

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, group: WorkingGroup) -> list[dict[str, Any]]:
        request = self.context["request"]
        members = (
            GroupMember.objects.for_user(request.user)
            .filter(group=group)
            .select_related("participant", "user", "organisation")
        )
        return [dict(item) for item in MemberSerializer(members, many=True).data]

    def to_representation(self, instance: WorkingGroup) -> dict[str, Any]:
        # Who takes part is personal: listed to those who run the group, never on a list.
        if not self.context.get("runs"):
            fields: Any = self.fields
            fields.pop("members", None)
        return dict(super().to_representation(instance))


class WorkingGroupUpdateSerializer(WorkingGroupSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


class WorkingGroupFilter(filters.FilterSet):  # type: ignore[misc]
    programme = filters.NumberFilter(field_name="programme", min_value=1, max_value=MAX_ID)
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    scope = filters.ChoiceFilter(choices=GroupScope.choices)
    theme = filters.ChoiceFilter(choices=GroupTheme.choices)

    class Meta:
        model = WorkingGroup
        fields = ["programme", "site", "scope", "theme"]


# --- Events ------------------------------------------------------------------------------------


class EventSerializer(_ScopedChoices, serializers.ModelSerializer[Event]):
    programme = _programme_field()
    site = _site_field()
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False
    )
    registrations = serializers.IntegerField(source="registrations_count", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id", "programme", "site", "title", "kind", "audiences", "description",
            "starts_at", "ends_at", "place", "online", "capacity", "public_registration",
            "registrations",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope_choices(self.fields, self.context)


class EventUpdateSerializer(EventSerializer):
    programme = serializers.PrimaryKeyRelatedField(read_only=True)


@_dated("starts_at")
class EventFilter(filters.FilterSet):  # type: ignore[misc]
    programme = filters.NumberFilter(field_name="programme", min_value=1, max_value=MAX_ID)
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    kind = filters.ChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = Event
        fields = ["programme", "site", "kind"]


# --- Viewsets ----------------------------------------------------------------------------------


class _ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Reading for members; adding where one runs activities; changing what one runs."""

    permission_classes = [IsAuthenticated, ReadsActivities]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]
    model: type[Model]
    update_serializer_class: type[BaseSerializer[Any]]
    many_to_many: tuple[str, ...] = ()

    def _read(self, activity: Model, *, runs_it: bool) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=activity.pk)
        context = {**self.get_serializer_context(), "runs": runs_it}
        return dict(self.get_serializer_class()(fresh, context=context).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        context = {**self.get_serializer_context(), "runs": runs(request.user, activity)}
        return Response(self.get_serializer_class()(activity, context=context).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        # Adding activities is for those who run activities somewhere; evaluators only read.
        if not permissions.can(user, Cap.MANAGE_ACTIVITIES):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        related = {name: data.pop(name) for name in self.many_to_many if name in data}
        activity = self.model(**data, created_by=user)
        with transaction.atomic():
            _full_clean(activity)
            activity.save()
            # Only where the author runs activities: a trainer's part does not count here.
            if not _runs_where_it_happens(user, activity):
                raise PermissionDenied
            for name, values in related.items():
                getattr(activity, name).set(values)
        return Response(self._read(activity, runs_it=True), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        activity = self.get_object()
        # Members read an activity; changing it is for those who run it.
        if not runs(user, activity):
            raise PermissionDenied
        serializer = self.update_serializer_class(
            activity, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        related = {name: data.pop(name) for name in self.many_to_many if name in data}
        moved = "site" in data and data["site"] != getattr(activity, "site", None)
        for name, value in data.items():
            setattr(activity, name, value)
        with transaction.atomic():
            _full_clean(activity)
            activity.save()
            # Moving it to another site: only to one where the author runs activities.
            if moved and not _runs_where_it_happens(user, activity):
                raise PermissionDenied
            for name, values in related.items():
                getattr(activity, name).set(values)
        return Response(self._read(activity, runs_it=runs(user, activity)))


@extend_schema_view(
    create=extend_schema(request=CourseSerializer, responses={201: CourseSerializer}),
    partial_update=extend_schema(request=CourseUpdateSerializer, responses=CourseSerializer),
)
class CourseViewSet(_ActivityViewSet):
    """Courses of the reader's programmes, with their sessions and enrolment counts.

    Those who run activities add courses (POST) where they run them; those who run a course
    change it (PATCH). Skills are ESCO URIs; sessions are written through ``sessions/``.
    """

    serializer_class = CourseSerializer
    update_serializer_class = CourseUpdateSerializer
    filterset_class = CourseFilter
    model = Course
    many_to_many = ("skills",)

    def get_queryset(self) -> QuerySet[Course]:
        sessions = CourseSession.objects.order_by("starts_at", "pk")
        queryset: QuerySet[Course] = (
            Course.objects.for_user(self.request.user)
            .prefetch_related(
                Prefetch("sessions", queryset=sessions),
                Prefetch("skills", queryset=Concept.objects.only("pk", "uri")),
            )
            .annotate(
                enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
                waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)),
            )
            .order_by("-created_at", "-pk")
        )
        return queryset


@extend_schema_view(
    create=extend_schema(request=WorkingGroupSerializer, responses={201: WorkingGroupSerializer}),
    partial_update=extend_schema(
        request=WorkingGroupUpdateSerializer, responses=WorkingGroupSerializer
    ),
)
class WorkingGroupViewSet(_ActivityViewSet):
    """Working groups of the reader's programmes and how many members each has.

    A single group lists its members to those who run it; everyone else sees the count.
    """

    serializer_class = WorkingGroupSerializer
    update_serializer_class = WorkingGroupUpdateSerializer
    filterset_class = WorkingGroupFilter
    model = WorkingGroup

    def get_queryset(self) -> QuerySet[WorkingGroup]:
        today = timezone.localdate()
        current = Q(members__left_on__isnull=True) | Q(members__left_on__gt=today)
        queryset: QuerySet[WorkingGroup] = (
            WorkingGroup.objects.for_user(self.request.user)
            .annotate(members_count=Count("members", filter=current))
            .order_by("programme", "theme", "name", "pk")
        )
        return queryset


@extend_schema_view(
    create=extend_schema(request=EventSerializer, responses={201: EventSerializer}),
    partial_update=extend_schema(request=EventUpdateSerializer, responses=EventSerializer),
)
class EventViewSet(_ActivityViewSet):
    """Events of the reader's programmes and how many registered for each."""

    serializer_class = EventSerializer
    update_serializer_class = EventUpdateSerializer
    filterset_class = EventFilter
    model = Event

    def get_queryset(self) -> QuerySet[Event]:
        queryset: QuerySet[Event] = (
            Event.objects.for_user(self.request.user)
            .annotate(registrations_count=Count("registrations"))
            .order_by("-starts_at", "-pk")
        )
        return queryset


@extend_schema_view(
    create=extend_schema(request=SessionSerializer, responses={201: SessionSerializer}),
    partial_update=extend_schema(request=SessionUpdateSerializer, responses=SessionSerializer),
)
class SessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[CourseSession],
):
    """Sessions of the courses the reader sees, earliest first.

    Those who run a course add, change and remove its sessions; a session whose attendance
    was taken stays (the hours attended count in people's pathways).
    """

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    permission_classes = [IsAuthenticated, ReadsActivities]
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[CourseSession]:
        return CourseSession.objects.filter(
            course__in=Course.objects.for_user(self.request.user)
        ).order_by("starts_at", "pk")

    def _writable_object(self) -> CourseSession:
        session = self.get_object()
        # Members read sessions; changing one is for those who run the course.
        if not runs(self.request.user, session.course):
            raise PermissionDenied
        return session

    def _saved(self, session: CourseSession) -> None:
        with transaction.atomic():
            _full_clean(session)
            session.save()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = CourseSession(**serializer.validated_data)
        # Adding a session is for those who run the course.
        if not runs(request.user, session.course):
            raise PermissionDenied
        self._saved(session)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self._writable_object()
        serializer = SessionUpdateSerializer(
            session, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(session, name, value)
        self._saved(session)
        return Response(self.get_serializer(session).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self._writable_object()
        # Attendance taken counts in people's pathways: such a session is kept.
        if session.attendance.exists():
            raise DjangoValidationError(
                _("Attendance was taken at this session: it cannot be removed.")
            )
        session.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
