"""The shared step of every ``access.py``: load through ``for_user`` or answer 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404


def get_for_user_or_404[M: Model](queryset: QuerySet[M], user: Any, pk: Any) -> M:
    """The object if ``user`` may see it; otherwise 404, so its existence stays unknown."""
    try:
        return queryset.for_user(user).get(pk=pk)  # type: ignore[attr-defined, no-any-return]
    # OverflowError: SQLite refuses integers beyond 64 bits; such an id exists nowhere.
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
