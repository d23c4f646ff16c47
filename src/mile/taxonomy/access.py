from __future__ import annotations

from typing import Any

from mile.core.access import get_for_user_or_404
from mile.taxonomy.models import Concept


def get_concept_for_user(user: Any, pk: Any, *, write: bool = False) -> Concept:
    # ESCO is read-only reference data; changes come only from imports.
    return get_for_user_or_404(Concept.objects.all(), user, pk)
