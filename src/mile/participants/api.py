from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mile.participants import services
from mile.participants.access import sees_personal_data, sees_sensitive_data
from mile.participants.models import (
    SENSITIVE_FIELDS,
    Education,
    IntegrationPlan,
    LanguageSkill,
    Participant,
    ParticipantSkill,
    PlannedService,
    ServiceRecord,
    Status,
    WorkExperience,
)
from mile.privacy.audit import log_sensitive_view
from mile.programmes.api import ID_PATTERN, MAX_ID

PSEUDONYMOUS = [
    "id",
    "reference",
    "programme",
    "site",
    "track",
    "status",
    "status_changed_at",
    "gender",
    "age",
]
PERSONAL = ["given_names", "family_name", "birth_date", "email", "phone", "arrival_date",
            "country_of_birth", "work_authorisation", "work_authorisation_expires"]  # fmt: skip


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    reference = serializers.CharField(read_only=True)
    age = serializers.IntegerField(read_only=True)
    country_of_birth = serializers.CharField(source="country_of_birth.code", read_only=True)
    nationalities = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [*PSEUDONYMOUS, *PERSONAL, *SENSITIVE_FIELDS]

    def get_nationalities(self, participant: Participant) -> list[str]:
        return [c.code for c in participant.nationalities]

    def to_representation(self, instance: Participant) -> dict[str, Any]:
        data = super().to_representation(instance)
        user = self.context["request"].user
        sensitive = self.context.get("with_sensitive", False) and sees_sensitive_data(
            user, instance
        )
        personal = sees_personal_data(user, instance)
        # What the reader's role may not see is left out, not blanked.
        allowed = (
            set(PSEUDONYMOUS)
            | (set(PERSONAL) if personal else set())
            | (set(SENSITIVE_FIELDS) if sensitive else set())
        )
        return {key: value for key, value in data.items() if key in allowed}


class IntakeSerializer(serializers.ModelSerializer[Participant]):
    """What staff send to register a person at intake; the reply is the record as read."""

    nationalities = serializers.ListField(child=serializers.CharField(max_length=2))

    class Meta:
        model = Participant
        fields = [
            "programme", "site", "organisation", "track", "given_names", "family_name",
            "birth_date", "gender", "nationalities", "country_of_birth", "arrival_date",
            "residence_status", "work_authorisation", "work_authorisation_expires",
            "email", "phone",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the OpenAPI schema describes the fields without a reader
            return
        from mile.participants.forms import intake_querysets

        # The same choices as the intake form: partner staff, their own site and organisation.
        fields: Any = self.fields
        for name, queryset in intake_querysets(request.user).items():
            fields[name].queryset = queryset


class LanguageSkillSerializer(serializers.ModelSerializer[LanguageSkill]):
    class Meta:
        model = LanguageSkill
        fields = ["language", "listening", "reading", "spoken_interaction",
                  "spoken_production", "writing", "assessment"]  # fmt: skip


class SkillSerializer(serializers.ModelSerializer[ParticipantSkill]):
    uri = serializers.CharField(source="skill.uri")
    name = serializers.CharField(source="skill.label")

    class Meta:
        model = ParticipantSkill
        fields = ["uri", "name", "evidence", "origin"]


class EducationSerializer(serializers.ModelSerializer[Education]):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Education
        fields = ["level", "field", "title", "institution", "country", "start_year",
                  "end_year", "recognition"]  # fmt: skip


class WorkExperienceSerializer(serializers.ModelSerializer[WorkExperience]):
    occupation = serializers.CharField(source="occupation.uri", default=None)
    country = serializers.CharField(source="country.code")

    class Meta:
        model = WorkExperience
        fields = ["occupation", "job_title", "employer", "country", "started_on", "ended_on",
                  "tasks"]  # fmt: skip


class ProfileSerializer(serializers.ModelSerializer[Participant]):
    languages = LanguageSkillSerializer(source="language_skills", many=True)
    skills = SkillSerializer(many=True)
    education = EducationSerializer(many=True)
    work_experience = WorkExperienceSerializer(many=True)
    preferred_occupations: Any = serializers.SlugRelatedField(
        many=True, slug_field="uri", read_only=True
    )

    class Meta:
        model = Participant
        fields = [
            "id", "languages", "skills", "education", "work_experience", "digital_level",
            "driving_licences", "available_from", "hours_per_week", "preferred_hours",
            "preferred_occupations", "preferred_sectors", "preferred_places",
        ]  # fmt: skip


# Free text that may name people or places: not for pseudonymised readers.
PROFILE_FREE_TEXT = {"institution", "employer", "tasks", "title", "job_title"}


class PlannedServiceSerializer(serializers.ModelSerializer[PlannedService]):
    class Meta:
        model = PlannedService
        fields = ["id", "service_type", "description", "responsible", "starts_on", "ends_on",
                  "hours", "state"]  # fmt: skip


class PlanSerializer(serializers.ModelSerializer[IntegrationPlan]):
    services = PlannedServiceSerializer(many=True)

    class Meta:
        model = IntegrationPlan
        fields = ["goals", "agreed_on", "updated_at", "services"]


class ServiceRecordSerializer(serializers.ModelSerializer[ServiceRecord]):
    class Meta:
        model = ServiceRecord
        fields = ["id", "service_type", "title", "started_on", "ended_on", "hours", "provider",
                  "outcome", "planned", "recorded_at"]  # fmt: skip
        read_only_fields = ["id", "recorded_at"]


class ParticipantFilter(filters.FilterSet):  # type: ignore[misc]
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Participant
        fields = ["site", "status"]


class ParticipantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Participant],
):
    """Participants in the reader's scope; evaluators get pseudonymised records.

    Nationality and protection status come only with a single record, and each such read is
    written to the audit log. Staff who manage participants register people with POST.
    """

    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Participant]:
        return Participant.objects.for_user(self.request.user).order_by("pk")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self.get_object()
        serializer = self.get_serializer(
            participant, context={"request": request, "with_sensitive": True}
        )
        if sees_sensitive_data(request.user, participant):
            log_sensitive_view(
                user=request.user,
                instance=participant,
                fields=SENSITIVE_FIELDS,
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        return Response(serializer.data)

    @extend_schema(request=IntakeSerializer, responses={201: ParticipantSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        intake = IntakeSerializer(data=request.data, context={"request": request})
        intake.is_valid(raise_exception=True)
        participant = services.participant_register(
            by=request.user, fields=dict(intake.validated_data)
        )
        serializer = self.get_serializer(participant, context={"request": request})
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ProfileSerializer)
    @action(detail=True)
    def profile(self, request: Request, pk: str | None = None) -> Response:
        """The skills profile: languages, ESCO skills, education, work experience, preferences."""
        participant = self.get_object()
        data = ProfileSerializer(participant, context={"request": request}).data
        if not sees_personal_data(request.user, participant):
            for key in ("education", "work_experience"):
                data[key] = [
                    {k: v for k, v in item.items() if k not in PROFILE_FREE_TEXT}
                    for item in data[key]
                ]
        return Response(data)

    @extend_schema(responses=PlanSerializer)
    @action(detail=True)
    def plan(self, request: Request, pk: str | None = None) -> Response:
        """The integration plan: goals and planned services (empty until one is made)."""
        participant = self.get_object()
        plan = IntegrationPlan.objects.filter(participant=participant).first()
        if plan is None:
            return Response({"goals": "", "agreed_on": None, "updated_at": None, "services": []})
        data = PlanSerializer(plan).data
        if not sees_personal_data(request.user, participant):
            data["goals"] = ""
        return Response(data)

    @extend_schema(responses=ServiceRecordSerializer(many=True))
    @action(detail=True)
    def services(self, request: Request, pk: str | None = None) -> Response:
        """What was done with the person, newest first, a page at a time."""
        participant = self.get_object()
        records = participant.services.order_by("-started_on", "-pk")
        page = self.paginate_queryset(records)  # type: ignore[arg-type]
        data = ServiceRecordSerializer(page, many=True).data  # type: ignore[arg-type]
        return self.get_paginated_response(data)
