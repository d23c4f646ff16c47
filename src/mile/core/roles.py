"""Who may do what: the one role → capability table of MILE.

Every permission check in views, APIs and templates asks this table (through
``mile.core.access``), so reading it answers "who can see personal data?" at a glance.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Programme coordinator")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    EMPLOYER_CONTACT = "employer_contact", _("Employer contact")
    STAKEHOLDER = "stakeholder", _("Stakeholder member")
    EVALUATOR = "evaluator", _("Evaluator")


class Cap(StrEnum):
    """A capability; granted to roles within one programme."""

    VIEW_PROGRAMME = "view_programme"
    MANAGE_PROGRAMME = "manage_programme"  # edit programme, sites, partners
    VIEW_ORGANISATIONS = "view_organisations"  # all organisations involved in the programme
    MANAGE_ORGANISATIONS = "manage_organisations"
    VIEW_OWN_ORGANISATION = "view_own_organisation"
    VIEW_MEMBERS = "view_members"  # the people of the programme and their roles
    INVITE_USERS = "invite_users"
    VIEW_AUDIT = "view_audit"
    VIEW_PERSONAL_DATA = "view_personal_data"  # names and contacts of migrants
    VIEW_SENSITIVE_DATA = "view_sensitive_data"  # protection status, nationality
    VIEW_PSEUDONYMISED_DATA = "view_pseudonymised_data"
    MANAGE_PARTICIPANTS = "manage_participants"  # register people, edit records, move status
    VIEW_INDICATORS = "view_indicators"
    VIEW_EMPLOYERS = "view_employers"  # employers' profiles, needs, engagement and offers
    MANAGE_EMPLOYERS = "manage_employers"  # record them, propose candidates
    MANAGE_OWN_EMPLOYER = "manage_own_employer"  # an employer contact keeps their own company
    VIEW_ACTIVITIES = "view_activities"  # courses, visits, groups, events: no personal data
    MANAGE_ACTIVITIES = "manage_activities"  # run them: enrolments, attendance, members
    USE_API = "use_api"


_EVERYONE = frozenset(
    {Cap.VIEW_PROGRAMME, Cap.VIEW_OWN_ORGANISATION, Cap.USE_API, Cap.VIEW_ACTIVITIES}
)

CAPABILITIES: dict[str, frozenset[Cap]] = {
    Role.ADMIN: frozenset(Cap),
    Role.COORDINATOR: frozenset(Cap),
    Role.PARTNER_STAFF: _EVERYONE
    | {
        Cap.VIEW_ORGANISATIONS,
        Cap.VIEW_MEMBERS,
        Cap.VIEW_PERSONAL_DATA,
        Cap.VIEW_SENSITIVE_DATA,
        Cap.VIEW_INDICATORS,
        Cap.MANAGE_PARTICIPANTS,
        Cap.VIEW_EMPLOYERS,
        Cap.MANAGE_EMPLOYERS,
        Cap.MANAGE_ACTIVITIES,
    },
    # Sees the candidates proposed to the company, once they consent: personal data.
    Role.EMPLOYER_CONTACT: _EVERYONE | {Cap.VIEW_PERSONAL_DATA, Cap.MANAGE_OWN_EMPLOYER},
    Role.STAKEHOLDER: _EVERYONE | {Cap.VIEW_ORGANISATIONS},
    # Reads pseudonymised data and indicators only, never a name or a protection status.
    Role.EVALUATOR: _EVERYONE
    | {
        Cap.VIEW_ORGANISATIONS,
        Cap.VIEW_PSEUDONYMISED_DATA,
        Cap.VIEW_INDICATORS,
        Cap.VIEW_EMPLOYERS,
    },
}

# Partner staff see the people of their own organisation only; coordinators all of the programme.
PROGRAMME_WIDE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.EVALUATOR})


def role_can(role: str, cap: Cap) -> bool:
    return cap in CAPABILITIES.get(role, frozenset())


def roles_with(cap: Cap) -> frozenset[str]:
    return frozenset(role for role, caps in CAPABILITIES.items() if cap in caps)


def requires_mfa(role: str) -> bool:
    """Every role that can see personal data signs in with a second factor."""
    return role_can(role, Cap.VIEW_PERSONAL_DATA)
