"""Region scopes: the provinces and border zones a user is granted, and the :class:`Scope` a connection reads.

A user sees the provinces and border zones granted (:class:`Grant`); admins and users granted ``all``
see everything. ``Store.reading(scope=...)`` sets a :class:`Scope` on the connection and the
``filtered_seizures`` macro applies it to every query that reads seizures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from queries.access.roles import check_role
from queries.store import run

GRANT_KINDS = ("province", "zone", "all")

_CODE = re.compile(r"[0-9]{6}")


@dataclass(frozen=True, order=True)
class Grant:
    """A region a user may see: a province (``province:450000``), a border zone by its county code
    (``zone:451481``) or everything (``all``)."""

    kind: str
    code: str = "*"

    def __post_init__(self):
        if self.kind not in GRANT_KINDS:
            raise ValueError(f"unknown grant kind {self.kind!r}; known: {', '.join(GRANT_KINDS)}")
        if (self.code != "*") if self.kind == "all" else not _CODE.fullmatch(self.code):
            raise ValueError(f"a {self.kind} grant needs {'no code' if self.kind == 'all' else 'a six-digit code'}, "
                             f"got {self.code!r}")

    @classmethod
    def parse(cls, text: str) -> Grant:
        """``all``, ``province:CODE`` or ``zone:CODE``, as the command line and the audit trail write it."""
        if text == "all":
            return cls("all")
        kind, _, code = text.partition(":")
        if kind not in ("province", "zone") or not code:
            raise ValueError(f"a grant is 'all', 'province:CODE' or 'zone:CODE', got {text!r}")
        return cls(kind, code)

    def __str__(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.code}"


def _codes(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError(f"{what} must be a collection of codes, got the string {values!r}")
    codes = tuple(sorted(set(values)))
    bad = [code for code in codes if not (isinstance(code, str) and _CODE.fullmatch(code))]
    if bad:
        raise ValueError(f"{what} must be six-digit codes, got {bad}")
    return codes


@dataclass(frozen=True)
class Scope:
    """What a connection may read: the seizures of the granted provinces or border zones, or all.

    Hashable and ordered (codes sorted), so that the dashboard keys its caches by it: a cache shared
    between scopes would hand one user's rows to another.

    >>> Scope(provinces=["450000"]).everything, Scope.of([Grant("all")], "analyst").everything
    (False, True)
    """

    provinces: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    everything: bool = False

    def __post_init__(self):
        object.__setattr__(self, "provinces", _codes(self.provinces, "provinces"))
        object.__setattr__(self, "zones", _codes(self.zones, "zones"))
        if self.everything and (self.provinces or self.zones):
            raise ValueError(f"a scope of everything lists no regions, got {self.provinces + self.zones}")

    @classmethod
    def of(cls, grants: Iterable[Grant], role: str) -> Scope:
        """The scope of a user with ``role`` and ``grants``: everything for admins and ``all``."""
        check_role(role)
        grants = tuple(grants)
        if role == "admin" or any(grant.kind == "all" for grant in grants):
            return cls(everything=True)
        return cls(provinces=[g.code for g in grants if g.kind == "province"],
                   zones=[g.code for g in grants if g.kind == "zone"])

    def apply(self, con: duckdb.DuckDBPyConnection) -> None:
        """Scope the connection: ``filtered_seizures`` then returns only this scope's rows."""
        if not self.everything:
            run(con, "access_scope_provinces", {"provinces": list(self.provinces)})
            run(con, "access_scope_zones", {"zones": list(self.zones)})
