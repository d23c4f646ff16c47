"""Loading employers, offers and proposals for a user: the object, 404, or 403 on a write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from mile.core import permissions
from mile.core.access import get_for_user_or_404
from mile.core.roles import Cap, Role
from mile.employers.models import Employer, Offer, Proposal


def is_contact_of(user: Any, employer: Employer) -> bool:
    """Is ``user`` an active employer contact of this company in its programme?"""
    return (
        user.is_authenticated
        and permissions.can(user, Cap.MANAGE_OWN_EMPLOYER, employer.programme_id)
        and user.memberships.filter(
            is_active=True,
            role=Role.EMPLOYER_CONTACT,
            programme_id=employer.programme_id,
            organisation_id=employer.organisation_id,
        ).exists()
    )


def is_staff_of(user: Any, employer: Employer) -> bool:
    """Does ``user`` read the employer as programme staff (not as its own contact)?"""
    return permissions.can(user, Cap.VIEW_EMPLOYERS, employer.programme_id)


def may_edit(user: Any, employer: Employer) -> bool:
    # Partner staff and coordinators keep the employers of their scope.
    if permissions.can(user, Cap.MANAGE_EMPLOYERS, employer.programme_id):
        return True
    # An employer contact keeps their own company's profile, needs and offers.
    return is_contact_of(user, employer)


def get_employer_for_user(user: Any, pk: Any, *, write: bool = False) -> Employer:
    employer = get_for_user_or_404(
        Employer.objects.select_related("programme", "organisation", "site"), user, pk
    )
    # Evaluators read employers; changing one takes staff rights or being its contact.
    if write and not may_edit(user, employer):
        raise PermissionDenied
    return employer


def get_offer_for_user(user: Any, pk: Any, *, write: bool = False) -> Offer:
    offer = get_for_user_or_404(
        Offer.objects.select_related(
            "employer__programme", "employer__organisation", "site", "occupation"
        ),
        user,
        pk,
    )
    # The same rule as for the offer's employer.
    if write and not may_edit(user, offer.employer):
        raise PermissionDenied
    return offer


def get_proposal_for_user(
    user: Any, pk: Any, *, decide: bool = False, write: bool = False
) -> Proposal:
    proposal = get_for_user_or_404(
        Proposal.objects.select_related(
            "offer__employer__organisation", "offer__employer__programme", "participant"
        ),
        user,
        pk,
    )
    # Only the company's own contacts answer for the company.
    if decide and not is_contact_of(user, proposal.offer.employer):
        raise PermissionDenied
    # Staff who may manage employers withdraw or record on the candidate's behalf.
    if write and not permissions.can(
        user, Cap.MANAGE_EMPLOYERS, proposal.offer.employer.programme_id
    ):
        raise PermissionDenied
    return proposal
