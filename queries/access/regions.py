"""Region scopes: the provinces and border zones a user is granted, and the :class:`Scope` a connection reads.

A user sees the provinces and border zones granted (:class:`Grant`); admins and users granted ``all``
see everything. ``Store.reading(scope=...)`` sets a :class:`Scope` on the connection and the
``filtered_seizures`` macro applies it to every query that reads seizures.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from queries.access.roles import check_role
from queries.labels import name, t
from queries.store import Store, run

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


def grantable_regions(units: pd.DataFrame) -> pd.DataFrame:
    """The regions a user can be granted, from ``admin_unit_names`` rows: the provinces, then the border zones,
    each with its grant text (``grant``), kind, code, names and its province's names."""
    provinces = units[units["level"] == "province"].sort_values("code")
    zones = units[(units["level"] == "county") & units["is_border_zone"].fillna(False).astype(bool)]
    zones = zones.merge(provinces[["code", "name_en", "name_zh"]].rename(
        columns={"code": "province_code", "name_en": "province_en", "name_zh": "province_zh"}), on="province_code",
        how="left").sort_values("code")
    regions = pd.concat([provinces.assign(kind="province", province_en=provinces["name_en"],
                                          province_zh=provinces["name_zh"]), zones.assign(kind="zone")])
    regions["grant"] = regions["kind"] + ":" + regions["code"]
    return regions[["grant", "kind", "code", "name_en", "name_zh", "province_en", "province_zh"]].reset_index(drop=True)


def read_admin_units(store: Store) -> pd.DataFrame:
    """Every province and county of the store with its names (``admin_unit_names``), to resolve grants by name."""
    with store.reading() as con:
        return run(con, "admin_unit_names")


def _key(text: str) -> str:
    """A name as compared: case, accents, spaces, hyphens and apostrophes aside (``Lüchun`` = ``luchun``)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\s\-'’·]", "", plain).casefold()


def _described(rows: pd.DataFrame, most: int = 8) -> str:
    """Regions as an error lists them: grant text, Chinese and English names, a zone's province."""
    listed = "; ".join(f"{row.grant} {row.name_zh} {row.name_en}" + (f" (in {row.province_en})" if row.kind == "zone" else "")
                       for row in rows.head(most).itertuples())
    return listed + (f" and {len(rows) - most} more" if len(rows) > most else "")


def resolve_grant(text: str, units: pd.DataFrame) -> Grant:
    """A grant from what an admin types: ``all``, a code (``province:530000``, ``zone:451481``) or a name in
    Chinese or English, whole or its beginning (``广西``, ``Guangxi``, ``province:云南``, ``zone:凭祥``,
    ``zone:Pingxiang``). ``units`` are the ``admin_unit_names`` rows. A name matching none or several
    regions raises a ValueError naming the close ones and how to choose."""
    typed = text.strip().replace("：", ":")
    if typed.casefold() == "all":
        return Grant("all")
    kind, colon, wanted = typed.partition(":")
    if not colon:
        kind, wanted = "", typed
    elif kind not in ("province", "zone"):
        raise ValueError(f"a grant is 'all', a province or a border zone (province:NAME, zone:NAME or a name alone), "
                         f"got {text!r}; python -m queries users regions lists them")
    wanted, every = wanted.strip(), grantable_regions(units)
    if _CODE.fullmatch(wanted) and kind:
        return Grant(kind, wanted)
    regions = every[every["kind"] == kind] if kind else every
    what, whats = {"province": ("province", "provinces"), "zone": ("border zone", "border zones"),
                   "": ("province or border zone", "provinces or border zones")}[kind]
    key = _key(wanted)
    keys = pd.concat([regions["name_en"].map(_key), regions["name_zh"].map(_key)], axis=1)
    exact = regions[(regions["code"] == wanted) | keys.eq(key).any(axis=1)]
    found = exact if len(exact) or not key else regions[keys.apply(lambda column: column.str.startswith(key)).any(axis=1)]
    if len(found) == 1:
        return Grant(found.iloc[0]["kind"], found.iloc[0]["code"])
    if len(found) > 1:
        choose = ("write zone: before a border county's name or province: before a province's (zone:Pingxiang), "
                  "more of the name, or the code" if not kind else "write more of the name or the code")
        raise ValueError(f"{wanted!r} names several {whats}: {_described(found)}; {choose}")
    other = every[(every["kind"] != kind) & (every["name_en"].map(_key).eq(key) | every["name_zh"].map(_key).eq(key))]
    if kind and len(other):
        raise ValueError(f"{wanted!r} is not a {what} but {_described(other)}: write {other.iloc[0]['grant']}")
    county = units[(units["level"] == "county") & (units["name_en"].map(_key).eq(key)
                                                   | units["name_zh"].map(_key).eq(key))]
    if len(county):
        raise ValueError(f"{wanted!r} is a county ({', '.join(county['code'])}) but not a border zone; only provinces "
                         f"and border zones can be granted: python -m queries users regions lists them")
    names = {k: index for column in keys for index, k in keys[column].items()}
    closest = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6 if key.isascii() else 0.4)
    close = regions.loc[list(dict.fromkeys(names[k] for k in closest))]  # the closest first
    hint = f"; did you mean: {_described(close)}" if len(close) else ""
    raise ValueError(f"no {what} is called {wanted!r}{hint}; python -m queries users regions lists them all")


def grant_labels(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Every region a user can be granted, as grant text → its name in ``lang`` (``Province: Yunnan``)."""
    labels = {"all": t("grant_all", lang)}
    for row in grantable_regions(units).itertuples():
        labels[row.grant] = t(f"grant_{row.kind}", lang, name=name(row, lang))
    return labels


def region_line(grants: Iterable[Grant], units: pd.DataFrame, lang: str) -> str:
    """The regions of a scoped user in ``lang``, as the sidebar shows them (``Yunnan, Pingxiang``)."""
    names = {row.grant: name(row, lang) for row in grantable_regions(units).itertuples()}
    grants = [str(grant) for grant in grants]
    if "all" in grants:
        return t("grant_all", lang)
    return t("list_separator", lang).join(names.get(grant, grant) for grant in grants) or t("grant_none", lang)


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
