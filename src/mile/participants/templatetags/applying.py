"""Links to the public application, for pages that do not come from the participants' views."""

from __future__ import annotations

from django import template
from django.db.models import QuerySet
from django.utils import timezone

from mile.programmes.models import Programme

register = template.Library()


@register.simple_tag
def open_programmes() -> QuerySet[Programme]:
    """Programmes still running, with a site to apply to: anyone may see these."""
    return (
        Programme.objects.filter(ends_on__gte=timezone.localdate(), sites__isnull=False)
        .distinct()
        .order_by("name")
    )
