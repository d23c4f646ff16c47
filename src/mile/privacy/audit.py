"""The audit trail: every change (django-auditlog) and every view of a sensitive record.

Later apps call ``log_sensitive_view`` whenever they show a field that ``Cap.VIEW_SENSITIVE_DATA``
guards (protection status, nationality …); the entry lands in the same log as the changes,
with action *access*, so one page answers "who saw or changed this person's record?".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from mile.core import permissions
from mile.core.roles import Cap


def mask_entirely(value: str) -> str:
    """What the audit log shows of a masked value: that it changed, nothing of it."""
    return "••••••"


def log_sensitive_view(
    *, user: Any, instance: models.Model, fields: Iterable[str], remote_addr: str | None = None
) -> LogEntry:
    """Record that ``user`` was shown the named sensitive ``fields`` of ``instance``."""
    get_extra = getattr(instance, "get_additional_data", None)
    extra: dict[str, Any] = dict(get_extra() or {}) if callable(get_extra) else {}
    extra["fields"] = sorted(fields)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=str(instance)[:200],
        action=LogEntry.Action.ACCESS,
        actor=user if getattr(user, "is_authenticated", False) else None,
        remote_addr=remote_addr,
        additional_data=extra,
    )


def entries_for_user(user: Any) -> models.QuerySet[Any]:
    """The audit entries a reader may see: those about their programmes' records."""
    entries: models.QuerySet[Any] = LogEntry.objects.select_related("actor", "content_type")
    if not user.is_authenticated:
        return entries.none()
    # Platform administrators see the whole trail.
    if permissions.is_platform_admin(user):
        return entries.all()
    programme_ids = sorted(permissions.programme_ids_with(user, Cap.VIEW_AUDIT))
    if not programme_ids:
        return entries.none()
    # Records that belong to one programme carry its id.
    scoped = Q(additional_data__programme__in=programme_ids)
    # People and organisations span programmes: visible when the record itself is in scope.
    from mile.accounts.models import User
    from mile.programmes.models import Organisation

    for model in (User, Organisation):
        visible = [str(pk) for pk in model.objects.for_user(user).values_list("pk", flat=True)]
        scoped |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=visible)
    return entries.filter(scoped)
