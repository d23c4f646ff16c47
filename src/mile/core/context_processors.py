from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _

from mile.core import permissions
from mile.core.roles import Cap, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


# (label, URL name, capabilities of which one suffices; empty for every signed-in user)
_NAV: list[tuple[Any, str, tuple[Cap, ...]]] = [
    (_("Dashboard"), "core:dashboard", ()),
    (
        _("Participants"),
        "participants:participant_list",
        (Cap.MANAGE_PARTICIPANTS, Cap.VIEW_PSEUDONYMISED_DATA),
    ),
    (_("Programmes"), "programmes:programme_list", (Cap.VIEW_PROGRAMME,)),
    (_("Organisations"), "programmes:organisation_list", (Cap.VIEW_ORGANISATIONS,)),
    (_("Employers"), "employers:employer_list", (Cap.VIEW_EMPLOYERS,)),
    (_("Offers"), "employers:offer_list", (Cap.VIEW_EMPLOYERS,)),
    (_("My company"), "employers:portal", (Cap.MANAGE_OWN_EMPLOYER,)),
    (_("Candidates"), "employers:candidate_list", (Cap.MANAGE_OWN_EMPLOYER,)),
    (_("Placements"), "placements:placement_list", (Cap.MANAGE_PARTICIPANTS,)),
    (_("Placement outcomes"), "placements:outcomes", (Cap.VIEW_INDICATORS,)),
    (_("Activities"), "activities:calendar_month", (Cap.VIEW_ACTIVITIES,)),
    (_("People"), "accounts:member_list", (Cap.VIEW_MEMBERS,)),
    (_("Invitations"), "accounts:invitation_list", (Cap.INVITE_USERS,)),
    (_("ESCO"), "taxonomy:search", ()),
    (_("Audit log"), "privacy:audit_log", (Cap.VIEW_AUDIT,)),
]
# Pages for one role only: coordinators hold every capability, yet the company's own pages
# are not theirs.
_ONLY_FOR_ROLE: dict[str, str] = {
    "employers:portal": Role.EMPLOYER_CONTACT,
    "employers:candidate_list": Role.EMPLOYER_CONTACT,
    # Staff reach the outcomes from the placements' tabs; evaluators read only the rates.
    "placements:outcomes": Role.EVALUATOR,
}


# Pages that light a menu entry other than their own: every activities page lights
# "Activities", every placements page (matching, follow-ups, outcomes) lights "Placements".
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("activities:", "activities:calendar_month"),
    ("placements:", "placements:placement_list"),
)


def _section(view_name: str) -> str:
    return next((entry for prefix, entry in _SECTIONS if view_name.startswith(prefix)), "")


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the shell needs: navigation by role, languages, direction."""
    user = request.user
    nav: list[NavItem] = []
    if user.is_authenticated:
        current = request.resolver_match.view_name if request.resolver_match else ""
        roles = permissions.all_roles(user)
        for label, name, caps in _NAV:
            if name in _ONLY_FOR_ROLE and _ONLY_FOR_ROLE[name] not in roles:
                continue
            if not caps or any(permissions.can(user, cap) for cap in caps):
                # Every activities page (courses, visits, groups, events) lights "Activities".
                active = current == name or _section(current) == name
                nav.append(NavItem(str(label), reverse(name), active))
    return {
        "nav_items": nav,
        "interface_languages": settings.LANGUAGES,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "current_language": get_language(),
        "can_use_api": user.is_authenticated and permissions.can(user, Cap.USE_API),
        "sees_indicators": user.is_authenticated and permissions.can(user, Cap.VIEW_INDICATORS),
    }
