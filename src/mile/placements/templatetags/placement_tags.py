"""The company's placements, for the pages an employer contact lands on (the portal).

The tag reads through ``Placement.objects.for_user``: whoever renders it sees only the
placements in their scope, whatever page includes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from mile.employers.models import Employer
from mile.placements.models import Placement
from mile.privacy.audit import log_sensitive_view

register = template.Library()


@register.inclusion_tag("placements/_company_placements.html", takes_context=True)
def company_placements(context: template.Context, employers: Any) -> dict[str, Any]:
    """The placements at ``employers`` (one or several), the person under the proposal's code
    until they shared their name with the company."""
    request = context.get("request")
    if request is None:
        return {"rows": []}
    user = request.user
    chosen: Iterable[Any] = [employers] if isinstance(employers, Employer) else employers
    placements = list(
        Placement.objects.for_user(user)
        .filter(offer__employer__in=list(chosen))
        .select_related("proposal", "participant", "offer__employer__organisation")
        .order_by("-starts_on", "-pk")
    )
    rows = []
    for placement in placements:
        shared = placement.proposal.identity_shared_at is not None
        if shared:
            # The person agreed; each view of their name by the company is still recorded.
            log_sensitive_view(
                user=user,
                instance=placement.participant,
                fields=("name",),
                remote_addr=request.META.get("REMOTE_ADDR"),
            )
        rows.append((placement, placement.participant.full_name if shared else ""))
    return {"rows": rows}
