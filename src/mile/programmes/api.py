from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from mile.programmes.models import Organisation, Programme, Site, Track


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Organisation
        fields = ["id", "name", "type", "country", "city", "website", "nace_section", "size_band"]


class TrackSerializer(serializers.ModelSerializer[Track]):
    class Meta:
        model = Track
        fields = ["id", "name", "description", "target_participants"]


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    countries = serializers.SerializerMethodField()
    tracks = TrackSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id", "name", "slug", "description", "funder", "grant_reference",
            "starts_on", "ends_on", "countries", "languages", "tracks",
        ]  # fmt: skip

    def get_countries(self, programme: Programme) -> list[str]:
        return [c.code for c in programme.countries]


class SiteSerializer(serializers.ModelSerializer[Site]):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Site
        fields = ["id", "programme", "city", "country", "lead_partner"]


# Ids beyond what the databases store are refused as invalid input rather than crashing SQLite.
MAX_ID = 2**63 - 1
ID_PATTERN = r"[0-9]{1,18}"


class OrganisationFilter(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(method="search", label="Search in name and city")
    country = filters.CharFilter(field_name="country")
    programme = filters.NumberFilter(
        field_name="involvements__programme", distinct=True, min_value=1, max_value=MAX_ID
    )

    class Meta:
        model = Organisation
        fields = ["type", "country", "nace_section", "size_band"]

    def search(
        self, queryset: QuerySet[Organisation], name: str, value: str
    ) -> QuerySet[Organisation]:
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value))


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    serializer_class = OrganisationSerializer
    lookup_value_regex = ID_PATTERN
    filterset_class = OrganisationFilter

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.for_user(self.request.user).order_by("name", "pk")


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet[Programme]):
    serializer_class = ProgrammeSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Programme]:
        return (
            Programme.objects.for_user(self.request.user).prefetch_related("tracks").order_by("pk")
        )


class SiteFilter(filters.FilterSet):  # type: ignore[misc]
    programme = filters.NumberFilter(field_name="programme", min_value=1, max_value=MAX_ID)
    country = filters.CharFilter(field_name="country")

    class Meta:
        model = Site
        fields = ["programme", "country"]


class SiteViewSet(viewsets.ReadOnlyModelViewSet[Site]):
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Any]:
        return Site.objects.for_user(self.request.user).order_by("pk")
