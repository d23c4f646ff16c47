from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants.models import ServiceType
from mile.programmes.models import Involvement, Organisation, Programme, Track


@transaction.atomic
def organisation_create(
    *, by: Any, programme: Programme, relation: str, fields: dict[str, Any]
) -> Organisation:
    """Record a new organisation and how it takes part in the programme."""
    if not permissions.can(by, Cap.MANAGE_ORGANISATIONS, programme.pk):
        raise PermissionDenied
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    Involvement.objects.create(programme=programme, organisation=organisation, relation=relation)
    return organisation


# Hours one service of a track may plan: a full-time year is about 1,700.
MAX_TRACK_HOURS = 2000


def clean_track_services(value: Any) -> list[dict[str, Any]]:
    """A track's planned services, checked: ``[{"service": ServiceType, "hours": n or None}]``.

    Each service appears once (hours add up instead); hours are above zero, kept to a tenth,
    and stored as a whole number when they are one. Raises ValidationError otherwise.
    """
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise ValidationError(_("Planned services are a list of services with their hours."))
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"service", "hours"}:
            raise ValidationError(_("Each planned service has a service and its hours."))
        service = entry.get("service")
        if service not in ServiceType.values:
            raise ValidationError(
                _("Unknown service: %(service)s.") % {"service": service}, code="unknown"
            )
        if service in seen:
            raise ValidationError(
                _("%(service)s is planned twice. Add the hours together instead.")
                % {"service": ServiceType(service).label},
                code="duplicate",
            )
        seen.add(service)
        hours = entry.get("hours")
        if hours is not None:
            try:
                number = Decimal(str(hours))
            except InvalidOperation:
                number = Decimal(-1)
            if isinstance(hours, bool) or not 0 < number <= MAX_TRACK_HOURS:
                raise ValidationError(
                    _("Give hours between 0 and %(max)s for %(service)s.")
                    % {"max": MAX_TRACK_HOURS, "service": ServiceType(service).label},
                    code="hours",
                )
            number = number.quantize(Decimal("0.1"))
            hours = int(number) if number == number.to_integral_value() else float(number)
        cleaned.append({"service": service, "hours": hours})
    return cleaned


@transaction.atomic
def track_planned_services_save(*, by: Any, track: Track, services: Any) -> Track:
    """Set the services a participant of the track receives, in the order given."""
    if not permissions.can(by, Cap.MANAGE_PROGRAMME, track.programme_id):
        raise PermissionDenied
    track.planned_services = clean_track_services(services)
    track.save(update_fields=["planned_services"])
    return track
