"""Access control and audit: accounts, roles, region scopes, sign-in and the audit trail.

The store side of Cordon's access control; the dashboard builds sign-in, page gating and the audit
page on it. All of it is plain functions and values over a :class:`~queries.store.Store`, one job a module:

* :mod:`~queries.access.roles`: the roles (``queries.constants.ROLES``, lowest first) and what each may do,
  :data:`PERMISSIONS`, defined once; :func:`may` answers for a page or an action.
* :mod:`~queries.access.policy`: the sign-in and session limits (:class:`AccessPolicy`) and their variables.
* :mod:`~queries.access.passwords`: argon2id hashes, kept to :func:`check_password`'s policy; a hash made
  with older parameters is replaced at the next sign-in.
* :mod:`~queries.access.regions`: the provinces and border zones granted (:class:`Grant`) and the
  :class:`Scope` that ``Store.reading(scope=...)`` sets on a connection.
* :mod:`~queries.access.accounts`: accounts (:class:`User`) and each change to them.
* :mod:`~queries.access.signin`: :func:`authenticate`, account lockout and the per-client throttle.
* :mod:`~queries.access.audit`: the append-only audit trail (:func:`record_event`).

Times are Beijing time without a time zone, as the store keeps them; callers pass ``now``.
This package's names are importable from ``queries.access`` itself, as callers import them.
"""

from queries.access.accounts import (
    ADMIN_USERNAME,
    USERNAME_PATTERN,
    User,
    add_user,
    change_grants,
    ensure_admin,
    get_user,
    list_users,
    read_user,
    set_active,
    set_password,
    set_personal_data,
    set_role,
)
from queries.access.audit import AUDIT_KINDS, AUDIT_SOURCES, os_actor, read_audit, record_cli_event, record_event
from queries.access.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, check_password
from queries.access.policy import (
    CLIENT_ATTEMPTS_ENV,
    DISPLAY_SESSION_MAX_ENV,
    LOCK_MIN_ENV,
    MAX_FAILURES_ENV,
    SESSION_IDLE_ENV,
    SESSION_MAX_ENV,
    AccessPolicy,
    session_expired,
)
from queries.access.regions import (
    GRANT_KINDS,
    Grant,
    Scope,
    grant_labels,
    grantable_regions,
    read_admin_units,
    region_line,
    resolve_grant,
)
from queries.access.roles import PERMISSIONS, ROLE_RANKS, may
from queries.access.signin import ATTEMPTED_NAME_CHARS, SIGN_IN_OUTCOMES, ClientThrottle, SignIn, authenticate

__all__ = [
    "ADMIN_USERNAME", "ATTEMPTED_NAME_CHARS", "AUDIT_KINDS", "AUDIT_SOURCES", "CLIENT_ATTEMPTS_ENV", "DISPLAY_SESSION_MAX_ENV",
    "GRANT_KINDS",
    "LOCK_MIN_ENV", "MAX_FAILURES_ENV", "MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "PERMISSIONS", "ROLE_RANKS",
    "SESSION_IDLE_ENV", "SESSION_MAX_ENV", "SIGN_IN_OUTCOMES", "USERNAME_PATTERN",
    "AccessPolicy", "ClientThrottle", "Grant", "Scope", "SignIn", "User",
    "add_user", "authenticate", "change_grants", "check_password", "ensure_admin", "get_user", "grant_labels",
    "grantable_regions", "list_users", "may", "os_actor", "read_admin_units", "read_audit", "read_user",
    "record_cli_event", "record_event", "region_line", "resolve_grant", "session_expired", "set_active",
    "set_password", "set_personal_data", "set_role",
]
