from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from mile.participants.access import sees_personal_data, sees_sensitive_data
from mile.participants.models import SENSITIVE_FIELDS, Participant, Status
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


class ParticipantFilter(filters.FilterSet):  # type: ignore[misc]
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Participant
        fields = ["site", "status"]


class ParticipantViewSet(viewsets.ReadOnlyModelViewSet[Participant]):
    """Participants in the reader's scope; evaluators get pseudonymised records.

    Nationality and protection status come only with a single record, and each such read is
    written to the audit log.
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
