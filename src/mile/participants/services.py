"""Writes about participants: intake and status changes, atomic and audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mile.core import permissions
from mile.core.roles import Cap
from mile.participants import eligibility
from mile.participants.models import Participant, Status, StatusChange


@transaction.atomic
def participant_register(*, by: Any, fields: dict[str, Any]) -> Participant:
    """Record a person at intake; they start as an applicant."""
    participant = Participant(**fields, created_by=by, status=Status.APPLICANT)
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    participant.full_clean()
    participant.save()
    StatusChange.objects.create(
        participant=participant,
        from_status=Status.APPLICANT,
        to_status=Status.APPLICANT,
        reason=_("Registered at intake"),
        changed_by=by,
    )
    return participant


@transaction.atomic
def participant_change_status(
    *, by: Any, participant: Participant, status: str, reason: str = ""
) -> StatusChange:
    """Move a participant along the pathway; dropping out needs a reason."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not permissions.can(by, Cap.MANAGE_PARTICIPANTS, participant.programme_id):
        raise PermissionDenied
    if not participant.can_move_to(status):
        raise ValidationError(
            {
                "status": _("A participant cannot go from %(old)s to %(new)s.")
                % {
                    "old": participant.get_status_display(),
                    "new": Status(status).label if status in Status.values else status,
                }
            }
        )
    reason = reason.strip()
    if status == Status.DROPPED_OUT and not reason:
        raise ValidationError({"reason": _("Say why the participant dropped out.")})
    if status == Status.ELIGIBLE:
        failed = [c for c in eligibility.check(participant) if not c.passed]
        # A case worker may admit someone the rules do not, but only with a reason on record.
        if failed and not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Not all eligibility checks pass (%(failed)s): give a reason to override."
                    )
                    % {"failed": "; ".join(c.reason for c in failed)}
                }
            )
    change = StatusChange.objects.create(
        participant=participant,
        from_status=participant.status,
        to_status=status,
        reason=reason,
        changed_by=by,
    )
    participant.status = status
    participant.status_changed_at = timezone.now()
    participant.save(update_fields=["status", "status_changed_at", "updated_at"])
    return change
