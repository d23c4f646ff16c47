"""The placements API: live matches, proposals from them, placements and their follow-ups.

Staff who propose candidates (``may_match``) rank the open offers for a person or the people
for an offer, with the reasons in the reader's language, and propose a pair. Placements are
read by whoever reads the proposal they came from: staff who follow the person, the
company's contacts (who see the candidate under the proposal's pseudonym only) and the
person themself; only staff who do case work start, end and follow them up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from mile.accounts.models import User
from mile.core import permissions
from mile.core.roles import Cap
from mile.employers.access import get_offer_for_user
from mile.employers.models import Offer, Proposal
from mile.participants.access import get_participant_for_user
from mile.participants.models import Participant
from mile.placements import matching, services
from mile.placements.access import get_placement_for_user, may_manage_placement, may_match
from mile.placements.explain import ReasonLike, concept_labels, explanation, uris_of
from mile.placements.models import (
    FOLLOW_UP_MONTHS,
    FollowUp,
    LeftReason,
    Outcome,
    Placement,
    PlacementStatus,
)
from mile.programmes.api import ID_PATTERN, MAX_ID
from mile.programmes.models import Programme

MAX_MATCHES = 50


class KnownId(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An id among the reader's records; an id no database can hold is unknown, not a crash."""

    def to_internal_value(self, data: Any) -> Model:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not str(data).isdigit():
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 0 < int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        found: Model = super().to_internal_value(int(data))
        return found


def _reasons(reasons: Iterable[ReasonLike]) -> list[dict[str, Any]]:
    return [{"code": code, "params": params} for code, params in reasons]


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text=_("What the reason is about, such as essential."))
    params = serializers.DictField(help_text=_("The figures and ESCO URIs of the reason."))


# --- Matches -----------------------------------------------------------------------------------


class MatchQuerySerializer(serializers.Serializer[Any]):
    """Either a person (their best offers) or an offer (its best candidates)."""

    participant = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Rank the open offers for this person."),
    )
    offer = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Rank the people who could take this offer."),
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_MATCHES, default=10)
    min_score = serializers.FloatField(
        min_value=0.0, max_value=1.0, default=0.0, help_text=_("The lowest fit listed, 0 to 1.")
    )

    def validate_min_score(self, value: float) -> float:
        # "nan" passes both bounds, being neither below nor above them.
        if not math.isfinite(value):
            raise serializers.ValidationError(_("Give a fit between 0 and 1."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("participant" in attrs) == ("offer" in attrs):
            message = _("Give either a participant or an offer.")
            raise serializers.ValidationError({"participant": [message], "offer": [message]})
        return attrs


class MatchSerializer(serializers.Serializer[Any]):
    participant = serializers.IntegerField()
    offer = serializers.IntegerField()
    score = serializers.FloatField(help_text=_("The fit, from 0 to 1."))
    parts = serializers.DictField(
        child=serializers.FloatField(), help_text=_("The fit of each part, from 0 to 1.")
    )
    reasons = ReasonSerializer(many=True)
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text=_("The reasons as sentences.")
    )


class ProposeSerializer(serializers.Serializer[Any]):
    participant = KnownId(
        queryset=Participant.objects.none(),
        error_messages={"does_not_exist": _("Unknown participant: choose someone you follow.")},
    )
    offer = KnownId(
        queryset=Offer.objects.none(),
        error_messages={"does_not_exist": _("Unknown offer: choose one you can see.")},
    )
    note = serializers.CharField(
        allow_blank=True, required=False, default="", help_text=_("Why this candidate.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the OpenAPI schema describes the fields without a reader
            return
        fields: Any = self.fields
        fields["participant"].queryset = Participant.objects.for_user(request.user)
        fields["offer"].queryset = Offer.objects.for_user(request.user).select_related(
            "employer__organisation", "occupation"
        )


class ProposedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text=_("The candidate's pseudonym for the employer."))
    participant = serializers.IntegerField()
    offer = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    reasons = ReasonSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())


def _may_match_or_refuse(user: Any, programme_id: int) -> None:
    # Ranking people for offers is for those who propose candidates in the programme.
    if not may_match(user, programme_id):
        raise PermissionDenied


class MatchViewSet(viewsets.ViewSet):
    """Live rankings: the best open offers for a person, or the best people for an offer.

    Not paginated: ``limit`` (at most 50) bounds the list. ``propose/`` proposes a pair to the
    employer, keeping its fit and reasons.
    """

    @extend_schema(parameters=[MatchQuerySerializer], responses=MatchSerializer(many=True))
    def list(self, request: Request) -> Response:
        user = request.user
        # Only those who propose candidates somewhere rank people and offers.
        if not permissions.can(user, Cap.MANAGE_EMPLOYERS):
            raise PermissionDenied
        query = MatchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        limit, min_score = wanted["limit"], wanted["min_score"]
        if "participant" in wanted:
            participant = get_participant_for_user(user, wanted["participant"])
            _may_match_or_refuse(user, participant.programme_id)
            found = matching.offers_for(user, participant, k=limit, min_score=min_score)
        else:
            offer = get_offer_for_user(user, wanted["offer"])
            _may_match_or_refuse(user, offer.employer.programme_id)
            found = matching.candidates_for(user, offer, k=limit, min_score=min_score)
        # One query for every skill named, whatever the number of matches.
        labels = concept_labels(set().union(*(uris_of(m.reasons) for m in found)))
        items = [
            {
                "participant": m.participant_id,
                "offer": m.offer_id,
                "score": m.score,
                "parts": m.parts,
                "reasons": _reasons(m.reasons),
                "explanation": explanation(m.reasons, labels),
            }
            for m in found
        ]
        return Response(MatchSerializer(items, many=True).data)

    @extend_schema(request=ProposeSerializer, responses={201: ProposedSerializer})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        """Propose the person for the offer; the fit and the reasons are computed now and kept."""
        user = request.user
        # Proposing candidates takes the right to do so somewhere, before anything is looked up.
        if not permissions.can(user, Cap.MANAGE_EMPLOYERS):
            raise PermissionDenied
        serializer = ProposeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        offer: Offer = data["offer"]
        _may_match_or_refuse(user, offer.employer.programme_id)
        proposal = services.proposal_from_match(
            by=user, offer=offer, participant=data["participant"], note=data["note"]
        )
        reasons: list[ReasonLike] = [tuple(r) for r in proposal.reasons]
        body = {
            "id": proposal.pk,
            "reference": proposal.reference,
            "participant": proposal.participant_id,
            "offer": proposal.offer_id,
            "score": proposal.score,
            "reasons": _reasons(reasons),
            "explanation": explanation(reasons),
        }
        return Response(ProposedSerializer(body).data, status=status.HTTP_201_CREATED)


# --- Placements: reading -----------------------------------------------------------------------


class FollowUpSerializer(serializers.ModelSerializer[FollowUp]):
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "months", "due_on", "done_on", "outcome", "left_reason", "with_employer",
            "with_participant", "notes", "overdue",
        ]  # fmt: skip


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    """A placement; the person's id and the notes only for staff who follow the person."""

    candidate = serializers.CharField(
        source="proposal.reference",
        read_only=True,
        help_text=_("The candidate's pseudonym, as the employer knows them."),
    )
    participant = serializers.IntegerField(source="participant_id", read_only=True)
    offer_title = serializers.CharField(source="offer.title", read_only=True)
    employer = serializers.IntegerField(source="offer.employer_id", read_only=True)
    employer_name = serializers.CharField(source="offer.employer.organisation.name", read_only=True)
    site = serializers.IntegerField(
        source="offer.site_id", read_only=True, help_text=_("The site that follows the offer.")
    )
    programme_tutor_name = serializers.CharField(source="programme_tutor.full_name", read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    PRIVATE = ("participant", "end_note")

    class Meta:
        model = Placement
        fields = [
            "id", "proposal", "candidate", "participant", "offer", "offer_title", "employer",
            "employer_name", "site", "starts_on", "ends_on", "hours_per_week", "company_tutor",
            "company_tutor_email", "company_tutor_phone", "programme_tutor",
            "programme_tutor_name", "status", "ended_on", "end_reason", "end_note",
            "follow_ups", "created_at",
        ]  # fmt: skip

    def to_representation(self, instance: Placement) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        user = self.context["request"].user
        # Employer contacts, evaluators and the person see the candidate by pseudonym only, and
        # no case notes: those are for the staff who follow the person.
        if not (
            getattr(instance, "followed", False)
            and permissions.can(user, Cap.VIEW_PERSONAL_DATA, instance.participant.programme_id)
        ):
            for name in self.PRIVATE:
                data.pop(name, None)
            data["follow_ups"] = [
                {k: v for k, v in item.items() if k != "notes"} for item in data["follow_ups"]
            ]
        return data


class PlacementFilter(filters.FilterSet):  # type: ignore[misc]
    status = filters.ChoiceFilter(choices=PlacementStatus.choices)
    site = filters.NumberFilter(
        field_name="offer__site", min_value=1, max_value=MAX_ID, label="The offer's site"
    )
    employer = filters.NumberFilter(field_name="offer__employer", min_value=1, max_value=MAX_ID)

    class Meta:
        model = Placement
        fields = ["status", "site", "employer"]


# --- Placements: writing -----------------------------------------------------------------------


class PlacementCreateSerializer(serializers.ModelSerializer[Placement]):
    """What staff send to start the placement of a proposal both sides accepted."""

    proposal = KnownId(
        queryset=Proposal.objects.none(),
        error_messages={"does_not_exist": _("Unknown proposal: choose one you can see.")},
    )
    programme_tutor = KnownId(
        queryset=User.objects.none(),
        help_text=_("A user of MILE who works with participants in the programme."),
        error_messages={"does_not_exist": _("Unknown user: choose a member of the programme.")},
    )

    class Meta:
        model = Placement
        fields = [
            "proposal", "starts_on", "ends_on", "hours_per_week", "company_tutor",
            "company_tutor_email", "company_tutor_phone", "programme_tutor",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the OpenAPI schema describes the fields without a reader
            return
        fields: Any = self.fields
        fields["proposal"].queryset = Proposal.objects.for_user(request.user).select_related(
            "offer__employer__organisation", "participant"
        )
        fields["programme_tutor"].queryset = User.objects.filter(
            memberships__is_active=True,
            memberships__programme__in=Programme.objects.for_user(request.user),
        ).distinct()


class PlacementEndSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=LeftReason.choices)
    note = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text=_("Needed when the reason is other."),
    )


class FollowUpRecordSerializer(serializers.Serializer[Any]):
    done_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    left_reason = serializers.ChoiceField(
        choices=LeftReason.choices,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("Needed when the person left."),
    )
    notes = serializers.CharField(allow_blank=True, required=False, default="")
    with_employer = serializers.BooleanField(required=False, default=True)
    with_participant = serializers.BooleanField(required=False, default=True)


def _as_sent(error: DjangoValidationError, names: dict[str, str]) -> serializers.ValidationError:
    """The model's refusal, under the names of the fields the client sent."""
    if not hasattr(error, "error_dict"):
        return serializers.ValidationError({"non_field_errors": error.messages})
    names = {"__all__": "non_field_errors", **names}
    return serializers.ValidationError(
        {names.get(field, field): messages for field, messages in error.message_dict.items()}
    )


MONTHS = OpenApiParameter(
    "months",
    int,
    OpenApiParameter.PATH,
    enum=list(FOLLOW_UP_MONTHS),
    description="Months after the start: 1, 3, 6 or 12.",
)


class PlacementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Placement],
):
    """Placements the reader sees through their proposals, each with its follow-ups.

    Staff who do case work start a placement (POST, from a proposal both sides accepted),
    end it (``end/``) and record each check-in (``follow-ups/<months>/``).
    """

    serializer_class = PlacementSerializer
    filterset_class = PlacementFilter
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Placement]:
        user = self.request.user
        followed = Participant.objects.for_user(user).filter(pk=OuterRef("participant_id"))
        return (
            Placement.objects.for_user(user)
            .select_related(
                "proposal", "participant", "offer__employer__organisation", "programme_tutor"
            )
            .prefetch_related(
                Prefetch("follow_ups", queryset=FollowUp.objects.order_by("months", "pk"))
            )
            .annotate(followed=Exists(followed))
            .order_by("-starts_on", "-pk")
        )

    def _read(self, placement: Placement) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=placement.pk)
        return dict(self.get_serializer(fresh).data)

    @extend_schema(request=PlacementCreateSerializer, responses={201: PlacementSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        # Starting placements is case work, whatever the data says.
        if not (
            permissions.can(user, Cap.MANAGE_PARTICIPANTS)
            and permissions.can(user, Cap.MANAGE_EMPLOYERS)
        ):
            raise PermissionDenied
        serializer = PlacementCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        proposal: Proposal = data.pop("proposal")
        # In the programme of the proposal, not only somewhere.
        if not may_manage_placement(user, proposal.offer.employer.programme_id):
            raise PermissionDenied
        placement = services.placement_start(by=user, proposal=proposal, fields=data)
        return Response(self._read(placement), status=status.HTTP_201_CREATED)

    @extend_schema(request=PlacementEndSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End the placement, as planned (reason "ended") or early, with the reason."""
        placement = get_placement_for_user(request.user, pk, write=True)
        serializer = PlacementEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.placement_end(
                by=request.user,
                placement=placement,
                ended_on=data["ended_on"],
                reason=data["reason"],
                note=data["note"],
            )
        except DjangoValidationError as refusal:
            raise _as_sent(refusal, {"end_reason": "reason", "end_note": "note"}) from None
        return Response(self._read(placement))

    @extend_schema(
        request=FollowUpRecordSerializer, responses=PlacementSerializer, parameters=[MONTHS]
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"follow-ups/(?P<months>[0-9]{1,2})",
        url_name="follow-up",
    )
    def follow_up(self, request: Request, pk: str | None = None, months: str = "") -> Response:
        """Record the check-in some months after the start; "left" ends the placement."""
        placement = get_placement_for_user(request.user, pk, write=True)
        # Check-ins are at 1, 3, 6 and 12 months; those after someone left are dropped.
        follow_up = placement.follow_ups.filter(months=int(months)).first()
        if follow_up is None:
            raise Http404
        follow_up.placement = placement
        serializer = FollowUpRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.follow_up_record(
                by=request.user, follow_up=follow_up, **serializer.validated_data
            )
        except DjangoValidationError as refusal:
            names = {"ended_on": "done_on", "end_reason": "left_reason", "end_note": "notes"}
            raise _as_sent(refusal, names) from None
        return Response(self._read(placement))
