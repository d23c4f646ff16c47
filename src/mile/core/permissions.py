"""What a signed-in user may do where: memberships read once per request, asked per capability.

Models build their ``for_user`` querysets from ``programme_ids_with``; views ask ``can``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from mile.core.roles import CAPABILITIES, PROGRAMME_WIDE_ROLES, Cap
from mile.core.roles import requires_mfa as role_requires_mfa

if TYPE_CHECKING:
    from mile.accounts.models import User

_CACHE_ATTR = "_mile_roles_cache"


def _roles_by_programme(user: Any) -> dict[int, set[str]]:
    """{programme id: {role, ...}} of the user's active memberships, cached on the user."""
    cached: dict[int, set[str]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    roles: dict[int, set[str]] = defaultdict(set)
    if user.is_authenticated:
        for programme_id, role in user.memberships.filter(is_active=True).values_list(
            "programme_id", "role"
        ):
            roles[programme_id].add(role)
    result = dict(roles)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user: Any) -> None:
    """Drop the cached roles, after the user's memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_platform_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def roles_in(user: Any, programme_id: int) -> set[str]:
    return _roles_by_programme(user).get(programme_id, set())


def all_roles(user: Any) -> set[str]:
    return set().union(*_roles_by_programme(user).values()) if user.is_authenticated else set()


def can(user: Any, cap: Cap, programme_id: int | None = None) -> bool:
    """May the user use ``cap`` in the programme (or in any of theirs when None)?"""
    if not user.is_authenticated or not user.is_active:
        return False
    # Platform administrators run the installation: every capability everywhere.
    if user.is_superuser:
        return True
    by_programme = _roles_by_programme(user)
    programmes = [programme_id] if programme_id is not None else list(by_programme)
    return any(
        cap in CAPABILITIES.get(role, frozenset())
        for pid in programmes
        for role in by_programme.get(pid, ())
    )


def programme_ids_with(user: Any, cap: Cap) -> set[int]:
    """Programmes in which the user holds ``cap`` (superusers: callers check that first)."""
    return {
        pid
        for pid, roles in _roles_by_programme(user).items()
        if any(cap in CAPABILITIES.get(role, frozenset()) for role in roles)
    }


def programme_wide_ids(user: Any, cap: Cap) -> set[int]:
    """Programmes where the user holds ``cap`` through a role that spans all partners."""
    return {
        pid
        for pid, roles in _roles_by_programme(user).items()
        if any(r in PROGRAMME_WIDE_ROLES and cap in CAPABILITIES.get(r, frozenset()) for r in roles)
    }


def requires_mfa(user: User) -> bool:
    if user.is_superuser:
        return True
    return any(role_requires_mfa(role) for role in all_roles(user))
