from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from mile.core import permissions
from mile.core.roles import Cap
from mile.programmes.models import Involvement, Organisation, Programme


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
