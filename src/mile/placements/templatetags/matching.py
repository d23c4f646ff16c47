"""Matching in templates: shares as percentages, and whether the reader may match.

``may_match`` only decides whether a link is shown on pages of other apps (an offer, a
participant); the matching views check the permission again themselves.
"""

from __future__ import annotations

from typing import Any

from django import template

from mile.placements import access

register = template.Library()


@register.filter
def percent(value: Any) -> float | str:
    """A share (0–1) as a number of percent, for ``floatformat``; empty when there is none."""
    if value is None or value == "":
        return ""
    try:
        # Rounded: 0.2 of 1.2 − 1.0 would otherwise show as 20.0 rather than 20.
        return round(float(value) * 100, 6)
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def may_match(context: template.Context, programme_id: int) -> bool:
    """May the reader run matching and propose candidates in the programme?"""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and access.may_match(user, programme_id)
