"""The employers API: employers and their offers, read and written with the pages' rules.

Staff read the employers of their scope, evaluators read without writing, an employer contact
reads and keeps their own company and its offers; stakeholders and participants see none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mile.core import permissions
from mile.core.roles import Cap
from mile.employers import services
from mile.employers.access import may_edit
from mile.employers.models import (
    Employer,
    EmployerStatus,
    NeedsAssessment,
    Obstacle,
    Offer,
    OfferKind,
    OfferLanguage,
    OfferSkill,
    OfferStatus,
    Support,
    Workplace,
)
from mile.programmes.api import ID_PATTERN, MAX_ID
from mile.programmes.models import (
    NaceSection,
    Organisation,
    OrganisationType,
    Programme,
    Site,
    SizeBand,
)
from mile.taxonomy.models import Concept, Kind, Label

ORGANISATION_FIELDS = ["name", "country", "city", "website", "nace_section", "size_band"]


# --- Employers: reading ------------------------------------------------------------------------


class EmployerOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Organisation
        fields = ["id", *ORGANISATION_FIELDS]


class WorkplaceSerializer(serializers.ModelSerializer[Workplace]):
    country = serializers.CharField(source="country.code")

    class Meta:
        model = Workplace
        fields = ["id", "name", "street", "postcode", "city", "country", "latitude", "longitude"]


class NeedsSerializer(serializers.ModelSerializer[NeedsAssessment]):
    obstacles = serializers.ListField(child=serializers.ChoiceField(choices=Obstacle.choices))
    support = serializers.ListField(child=serializers.ChoiceField(choices=Support.choices))
    occupations: Any = serializers.SlugRelatedField(many=True, slug_field="uri", read_only=True)
    skills: Any = serializers.SlugRelatedField(many=True, slug_field="uri", read_only=True)

    class Meta:
        model = NeedsAssessment
        fields = ["assessed_on", "obstacles", "support", "occupations", "skills", "planned_hires"]


class EmployerSerializer(serializers.ModelSerializer[Employer]):
    organisation = EmployerOrganisationSerializer(read_only=True)
    workplaces = WorkplaceSerializer(many=True, read_only=True)
    latest_needs = serializers.SerializerMethodField()
    open_offers = serializers.IntegerField(read_only=True)

    class Meta:
        model = Employer
        fields = [
            "id", "programme", "site", "organisation", "status", "diversity_charter",
            "hosts_placements", "mentors", "description", "workplaces", "latest_needs",
            "open_offers", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(NeedsSerializer(allow_null=True))
    def get_latest_needs(self, employer: Employer) -> dict[str, Any] | None:
        # Prefetched newest first by the view, so a list costs no query per employer.
        needs: list[NeedsAssessment] = getattr(employer, "needs_newest_first", None) or list(
            employer.needs_assessments.all()[:1]
        )
        return dict(NeedsSerializer(needs[0]).data) if needs else None


# --- Employers: writing ------------------------------------------------------------------------


def _country_code(value: str) -> str:
    from django_countries import countries

    code = value.strip().upper()
    if code not in countries:
        raise serializers.ValidationError(_("Give the country as a two-letter ISO code."))
    return code


class OrganisationFieldsSerializer(serializers.ModelSerializer[Organisation]):
    """A company's own fields, as its profile changes them."""

    country = serializers.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))

    def validate_country(self, value: str) -> str:
        return _country_code(value)

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        # The model checks that name and country stay unique, leaving the company itself out.
        validators: list[Any] = []


class NewOrganisationSerializer(serializers.ModelSerializer[Organisation]):
    """A company not yet known to the platform."""

    country = serializers.CharField(max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))

    def validate_country(self, value: str) -> str:
        return _country_code(value)

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 1, "description": "An organisation of type employer."},
            {
                "type": "object",
                "description": "A new organisation of type employer.",
                "properties": {
                    "name": {"type": "string", "maxLength": 200},
                    "country": {"type": "string", "description": "ISO 3166-1 alpha-2 code."},
                    "city": {"type": "string", "maxLength": 120},
                    "website": {"type": "string", "format": "uri"},
                    "nace_section": {"type": "string", "enum": ["", *NaceSection.values]},
                    "size_band": {"type": "string", "enum": ["", *SizeBand.values]},
                },
                "required": ["name", "country"],
            },
        ]
    }
)
class OrganisationChoiceField(serializers.Field):  # type: ignore[type-arg]
    """An existing employer organisation by id, or the fields of a new one."""

    default_error_messages = {
        "invalid": _("Give the id of an organisation or the fields of a new one."),
        "unknown": _("Unknown organisation: choose a company you can see."),
    }

    def to_internal_value(self, data: Any) -> Organisation | dict[str, Any]:
        if isinstance(data, dict):
            new = NewOrganisationSerializer(data=data)
            if not new.is_valid():
                raise serializers.ValidationError(new.errors)
            return dict(new.validated_data)
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if not str(data).isdigit() or not 0 < int(data) <= MAX_ID:
            self.fail("invalid")
        request = self.context["request"]
        # A company the author can see that already is an employer somewhere.
        found = (
            Organisation.objects.for_user(request.user)
            .filter(type=OrganisationType.EMPLOYER, pk=int(data))
            .first()
        )
        if found is None:
            self.fail("unknown")
        return found

    def to_representation(self, value: Any) -> Any:
        return value.pk if isinstance(value, Organisation) else value


class EmployerCreateSerializer(serializers.ModelSerializer[Employer]):
    """What staff send to add a company to a programme; the reply is the employer as read."""

    organisation = OrganisationChoiceField()

    class Meta:
        model = Employer
        fields = [
            "programme", "site", "organisation", "status", "diversity_charter",
            "hosts_placements", "mentors", "description",
        ]  # fmt: skip
        validators: list[Any] = []  # checked in validate(), the organisation may be new

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the OpenAPI schema describes the fields without a reader
            return
        fields: Any = self.fields
        fields["programme"].queryset = Programme.objects.for_user(request.user)
        fields["site"].queryset = Site.objects.for_user(request.user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        organisation = attrs.get("organisation")
        if (
            isinstance(organisation, Organisation)
            and Employer.objects.filter(
                programme=attrs["programme"], organisation=organisation
            ).exists()
        ):
            raise serializers.ValidationError(
                {"organisation": _("This company already is an employer of the programme.")}
            )
        return attrs


class EmployerUpdateSerializer(serializers.ModelSerializer[Employer]):
    """A change to the profile; only staff change the status or the site."""

    organisation = OrganisationFieldsSerializer(required=False)

    class Meta:
        model = Employer
        fields = [
            "site", "organisation", "status", "diversity_charter", "hosts_placements",
            "mentors", "description",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        fields: Any = self.fields
        fields["site"].queryset = Site.objects.for_user(request.user)


class EmployerFilter(filters.FilterSet):  # type: ignore[misc]
    q = filters.CharFilter(
        field_name="organisation__name", lookup_expr="icontains", label="Search in the name"
    )
    programme = filters.NumberFilter(field_name="programme", min_value=1, max_value=MAX_ID)
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=EmployerStatus.choices)
    nace_section = filters.ChoiceFilter(
        field_name="organisation__nace_section", choices=NaceSection.choices
    )

    class Meta:
        model = Employer
        fields = ["q", "programme", "site", "status", "nace_section"]


def _in_scope_or_refuse(user: Any, employer: Employer) -> None:
    """Refuse a site whose employers the author does not follow: they would lose the company."""
    if not Employer.objects.for_user(user).filter(pk=employer.pk).exists():
        raise DjangoValidationError({"site": _("Choose a site whose employers you look after.")})


class EmployerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Employer],
):
    """Employers in the reader's scope, with their latest needs and their open offers.

    Staff who manage employers add them with POST; staff and the company's own contacts change
    the profile with PATCH (contacts neither the status nor the site: 403).
    """

    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Employer]:
        needs = NeedsAssessment.objects.order_by("-assessed_on", "-pk").prefetch_related(
            "occupations", "skills"
        )
        return (
            Employer.objects.for_user(self.request.user)
            .select_related("organisation")
            .prefetch_related(
                "workplaces",
                Prefetch("needs_assessments", queryset=needs, to_attr="needs_newest_first"),
            )
            .annotate(open_offers=Count("offers", filter=Q(offers__status=OfferStatus.OPEN)))
            .order_by("organisation__name", "pk")
        )

    def _read(self, employer: Employer) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=employer.pk)
        return dict(self.get_serializer(fresh).data)

    @extend_schema(request=EmployerCreateSerializer, responses={201: EmployerSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Adding companies is for staff who manage employers, whatever the data says.
        if not permissions.can(request.user, Cap.MANAGE_EMPLOYERS):
            raise PermissionDenied
        serializer = EmployerCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme, site = data.pop("programme"), data.pop("site")
        organisation = data.pop("organisation")
        known = organisation if isinstance(organisation, Organisation) else None
        with transaction.atomic():
            employer = services.employer_create(
                by=request.user,
                programme=programme,
                site=site,
                organisation=known,
                organisation_fields=None if known else organisation,
                fields=data,
            )
            _in_scope_or_refuse(request.user, employer)
        return Response(self._read(employer), status=status.HTTP_201_CREATED)

    @extend_schema(request=EmployerUpdateSerializer, responses=EmployerSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        employer = self.get_object()
        # Evaluators read employers; changing one takes staff rights or being its contact.
        if not may_edit(request.user, employer):
            raise PermissionDenied
        serializer = EmployerUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation_fields = data.pop("organisation", None)
        with transaction.atomic():
            services.employer_update(
                by=request.user,
                employer=employer,
                organisation_fields=dict(organisation_fields) if organisation_fields else None,
                fields=data,
            )
            _in_scope_or_refuse(request.user, employer)
        return Response(self._read(employer))


# --- Offers ------------------------------------------------------------------------------------


class OfferSkillSerializer(serializers.ModelSerializer[OfferSkill]):
    uri = serializers.CharField(source="skill.uri", max_length=255)
    # DRF moves declared fields off the class; the stubs see Field.label.
    label = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = OfferSkill
        fields = ["uri", "label", "essential", "origin"]
        validators: list[Any] = []

    def get_label(self, offer_skill: OfferSkill) -> str:
        """The skill's name in the reader's language, else in English."""
        return offer_skill.skill.label()


class OfferLanguageSerializer(serializers.ModelSerializer[OfferLanguage]):
    class Meta:
        model = OfferLanguage
        fields = ["language", "min_level"]
        validators: list[Any] = []


def _current(kinds: tuple[str, ...]) -> QuerySet[Concept]:
    return Concept.objects.filter(kind__in=kinds, obsolete=False)


class OfferSerializer(serializers.ModelSerializer[Offer]):
    """An offer; skills and languages sent replace the offer's own, occupation by ESCO URI."""

    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.none(),
        error_messages={"does_not_exist": _("Unknown employer: choose one of yours.")},
    )
    site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(),
        required=False,
        help_text=_("The employer's site when left out."),
    )
    occupation = serializers.SlugRelatedField(
        slug_field="uri",
        queryset=_current((Kind.OCCUPATION,)),
        allow_null=True,
        required=False,
        error_messages={"does_not_exist": _("No current ESCO occupation has the URI {value}.")},
    )
    skills = OfferSkillSerializer(many=True, required=False)
    languages = OfferLanguageSerializer(many=True, required=False)

    class Meta:
        model = Offer
        fields = [
            "id", "employer", "kind", "title", "occupation", "description", "site", "address",
            "latitude", "longitude", "remote_possible", "hours_per_week", "starts_on",
            "ends_on", "places", "paid", "contract_type", "driving_licence",
            "other_requirements", "tutor_name", "tutor_email", "tutor_phone", "status",
            "published_at", "skills", "languages",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "published_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # The choices matter to writes only; the OpenAPI schema describes them without a reader.
        if request is None or self.instance is not None:
            return
        fields: Any = self.fields
        if not fields["employer"].read_only:
            fields["employer"].queryset = Employer.objects.for_user(request.user)
        fields["site"].queryset = Site.objects.for_user(request.user)

    def validate_skills(self, value: list[dict[str, Any]]) -> list[tuple[Concept, bool, str]]:
        # A PATCH leaves out what is missing, even inside the list: each skill needs its URI.
        if any("uri" not in item.get("skill", {}) for item in value):
            raise serializers.ValidationError(_("Give the URI of each skill."))
        uris = [item["skill"]["uri"] for item in value]
        found = _current((Kind.SKILL, Kind.SKILL_GROUP)).in_bulk(uris, field_name="uri")
        unknown = sorted({uri for uri in uris if uri not in found})
        if unknown:
            raise serializers.ValidationError(
                _("Not a current ESCO skill: %(uris)s.") % {"uris": ", ".join(unknown)}
            )
        if len(set(uris)) != len(uris):
            raise serializers.ValidationError(_("List each skill once."))
        return [
            (
                found[item["skill"]["uri"]],
                item.get("essential", True),
                item.get("origin", OfferSkill.Origin.MANUAL),
            )
            for item in value
        ]

    def validate_languages(self, value: list[dict[str, Any]]) -> list[tuple[str, str]]:
        from mile.core.languages import unknown_language_codes

        if any({"language", "min_level"} - item.keys() for item in value):
            raise serializers.ValidationError(_("Give each language with its minimum level."))
        codes = [item["language"] for item in value]
        unknown = unknown_language_codes(codes)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        if len(set(codes)) != len(codes):
            raise serializers.ValidationError(_("List each language once."))
        return [(item["language"], item["min_level"]) for item in value]


class OfferUpdateSerializer(OfferSerializer):
    """A change to an offer; it stays with its employer."""

    employer = serializers.PrimaryKeyRelatedField(read_only=True)


class OfferStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=OfferStatus.choices)


class OfferFilter(filters.FilterSet):  # type: ignore[misc]
    status = filters.ChoiceFilter(choices=OfferStatus.choices)
    kind = filters.ChoiceFilter(choices=OfferKind.choices)
    site = filters.NumberFilter(field_name="site", min_value=1, max_value=MAX_ID)
    employer = filters.NumberFilter(field_name="employer", min_value=1, max_value=MAX_ID)
    programme = filters.NumberFilter(
        field_name="employer__programme", min_value=1, max_value=MAX_ID
    )
    occupation = filters.CharFilter(field_name="occupation__uri", label="ESCO occupation URI")

    class Meta:
        model = Offer
        fields = ["status", "kind", "site", "employer", "programme", "occupation"]


def _site_allowed(user: Any, employer: Employer, site: Site | None, current: Site) -> None:
    """Only staff choose which of the programme's sites follows an offer."""
    if (
        site is not None
        and site != current
        and not permissions.can(user, Cap.MANAGE_EMPLOYERS, employer.programme_id)
    ):
        raise serializers.ValidationError(
            {"site": _("The programme decides which of its sites follows the offer.")}
        )


class OfferViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Offer],
):
    """Offers of the employers in the reader's scope, with their skills and languages.

    Staff who manage employers and the company's own contacts add offers (as drafts) and change
    them; the status changes through ``status/``, and ``duplicate/`` copies an offer.
    """

    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Offer]:
        language = get_language() or "en"
        labels = Prefetch(
            "skill__labels",
            queryset=Label.objects.filter(kind=Label.Kind.PREFERRED, language__in={language, "en"}),
            to_attr="preferred_labels",
        )
        skills = Prefetch(
            "skills", queryset=OfferSkill.objects.select_related("skill").prefetch_related(labels)
        )
        return (
            Offer.objects.for_user(self.request.user)
            .select_related("employer", "occupation")
            .prefetch_related(skills, "languages")
            .order_by("-created_at", "-pk")
        )

    def _read(self, offer: Offer) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=offer.pk)
        return dict(OfferSerializer(fresh, context=self.get_serializer_context()).data)

    def _writable_object(self) -> Offer:
        offer = self.get_object()
        # Evaluators read offers; changing one takes staff rights or being the company's contact.
        if not may_edit(self.request.user, offer.employer):
            raise PermissionDenied
        return offer

    @extend_schema(request=OfferSerializer, responses={201: OfferSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        # Offers are added by staff who manage employers and by employer contacts.
        if not (
            permissions.can(user, Cap.MANAGE_EMPLOYERS)
            or permissions.can(user, Cap.MANAGE_OWN_EMPLOYER)
        ):
            raise PermissionDenied
        serializer = OfferSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        employer: Employer = data.pop("employer")
        skills, languages = data.pop("skills", None), data.pop("languages", None)
        if not may_edit(user, employer):
            raise PermissionDenied
        _site_allowed(user, employer, data.get("site"), employer.site)
        data.setdefault("site", employer.site)
        with transaction.atomic():
            offer = services.offer_create(by=user, employer=employer, fields=data)
            if skills is not None or languages is not None:
                services.offer_requirements_set(
                    by=user, offer=offer, skills=skills, languages=languages
                )
        return Response(self._read(offer), status=status.HTTP_201_CREATED)

    @extend_schema(request=OfferUpdateSerializer, responses=OfferSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        offer = self._writable_object()
        serializer = OfferUpdateSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        skills, languages = data.pop("skills", None), data.pop("languages", None)
        _site_allowed(request.user, offer.employer, data.get("site"), offer.site)
        with transaction.atomic():
            services.offer_update(by=request.user, offer=offer, fields=data)
            if skills is not None or languages is not None:
                services.offer_requirements_set(
                    by=request.user, offer=offer, skills=skills, languages=languages
                )
        return Response(self._read(offer))

    @extend_schema(request=OfferStatusSerializer, responses=OfferSerializer)
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Publish, mark filled, reopen or close; a refusal says why, under ``status``."""
        offer = self._writable_object()
        serializer = OfferStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.offer_move(
                by=request.user, offer=offer, status=serializer.validated_data["status"]
            )
        except DjangoValidationError as refusal:
            raise serializers.ValidationError({"status": refusal.messages}) from None
        return Response(self._read(offer))

    @extend_schema(request=None, responses={201: OfferSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, pk: str | None = None) -> Response:
        """A new draft with the same content, skills and languages, without dates."""
        copy = services.offer_duplicate(by=request.user, offer=self._writable_object())
        return Response(self._read(copy), status=status.HTTP_201_CREATED)
