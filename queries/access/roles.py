"""Roles and what each may do: the one table of permissions, and the question the pages ask of it."""

from __future__ import annotations

from queries.constants import ROLES

ROLE_RANKS = {role: rank for rank, role in enumerate(ROLES)}

# Each page or action, and the lowest role that may use it: a role may do all that the roles below it may.
PERMISSIONS = {
    "live_map": "display",
    "kpis": "display",
    "filters": "analyst",
    "analysis": "analyst",
    "records": "analyst",
    "network": "analyst",
    "screening": "analyst",
    "screening_review": "analyst",
    "screening_run": "admin",
    "typical_cases": "analyst",
    "export": "planner",
    "brief": "planner",
    "users": "admin",
    "imports": "admin",
    "audit": "admin",
}


def check_role(role: str) -> None:
    """Refuse a role that is not one of ``queries.constants.ROLES``, naming the known ones."""
    if role not in ROLE_RANKS:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")


def may(role: str, action: str) -> bool:
    """Whether ``role`` may open the page or take the action ``action`` (a key of :data:`PERMISSIONS`).

    >>> may("analyst", "records"), may("analyst", "export")
    (True, False)
    """
    check_role(role)
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}; known: {', '.join(PERMISSIONS)}")
    return ROLE_RANKS[role] >= ROLE_RANKS[PERMISSIONS[action]]
