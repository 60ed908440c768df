"""What a view selects: the filters every page shares and the drill-down focus, as SQL parameters.

Each filter is declared once, in :data:`FILTERS` (a :class:`Filter`: its name, kind, column, URL
parameter and command-line option). From that list come the :class:`Selection` dataclass (one field
per filter) that :class:`Filters` and the dashboard's view extend, the dashboard's URL codec and
sidebar, the brief's filter lines, the exports' provenance and ``python -m geodata``'s options. A
filter's name in both languages is the label of ``filter_<name>`` in queries.labels.

The SQL side is one macro, ``filtered_seizures($filters)`` (queries/sql/macros/filtered_seizures.sql):
every query that reads seizures for a view calls it so, and :meth:`Filters.params` binds ``$filters``
to one struct of every filter's value (and the focus'), so a query file never lists them. Adding a
filter: its line in FILTERS, its predicate in the macro, its name in queries.labels. Times are Beijing
time without a time zone, as the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass, replace
from datetime import datetime, timedelta

from queries.constants import AGENCIES, CASE_STATUSES, CHANNELS, DESTINATIONS, FORMS, ITEM_CODES, ITEM_GROUPS

ANY_BORDER_ZONE = "any"

# Date presets: name -> length of the period ending now (None: all records).
PERIODS: dict[str, timedelta | None] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "1y": timedelta(days=365),
    "all": None,
}


def period_bounds(preset: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """[start, end) of a date preset: its length up to the end of ``now``'s minute, so that a view
    ending now holds every record stamped up to now (the second just gone too), and the bounds, a
    cache key, stay the same for the whole minute (new records reach the caches through the data
    version); (None, None) for all records."""
    if preset not in PERIODS:
        raise ValueError(f"unknown period {preset!r}; known: {', '.join(PERIODS)}")
    length = PERIODS[preset]
    if length is None:
        return None, None
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end - length, end


@dataclass(frozen=True)
class Focus:
    """The records behind one thing on the map: an H3 cell, a checkpoint, a hub or one seizure."""

    kind: str  # 'cell', 'checkpoint', 'hub' or 'seizure'
    key: str  # the cell's hex index, the checkpoint or hub id, the seizure id
    resolution: int | None = None  # H3 resolution of a cell

    KINDS = ("cell", "checkpoint", "hub", "seizure")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"unknown focus kind {self.kind!r}; known: {', '.join(self.KINDS)}")
        if self.kind == "cell":
            int(self.key, 16)  # ValueError when not a hex index
            if self.resolution is None or not 0 <= self.resolution <= 15:
                raise ValueError(f"a cell focus needs a resolution 0-15, got {self.resolution}")
        if self.kind == "seizure":
            int(self.key)

    def params(self) -> dict:
        return {
            "focus_cell": int(self.key, 16) if self.kind == "cell" else None,
            "focus_res": self.resolution if self.kind == "cell" else None,
            "focus_checkpoint": self.key if self.kind == "checkpoint" else None,
            "focus_hub": self.key if self.kind == "hub" else None,
            "focus_seizure": int(self.key) if self.kind == "seizure" else None,
        }


NO_FOCUS = {"focus_cell": None, "focus_res": None, "focus_checkpoint": None, "focus_hub": None, "focus_seizure": None}


KINDS = ("codes", "number", "text")
AREA_CODES = ("provinces", "counties", "zones")  # lists of codes read from the store's admin units


@dataclass(frozen=True)
class Filter:
    """One filter of a view, declared once.

    name: the field of :class:`Selection` and the key of the macro's ``$filters`` struct.
    kind: 'codes' (any of a list of codes), 'number' (at least) or 'text' (contains).
    column: the seizures column the macro selects on (a test checks the macro does).
    url: the dashboard's query parameter; option: ``python -m geodata``'s option.
    codes: the codes a 'codes' filter may take: a tuple, or one of :data:`AREA_CODES` (read from the
    store); also: codes accepted besides those ('any' border zone).
    limit: the largest number, or the longest text; unit: shown after a number.
    """

    name: str
    kind: str
    column: str
    url: str
    option: str
    codes: tuple[str, ...] | str = ()
    also: tuple[str, ...] = ()
    limit: float | None = None
    unit: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"filter {self.name}: unknown kind {self.kind!r}; known: {', '.join(KINDS)}")
        if isinstance(self.codes, str) and self.codes not in AREA_CODES:
            raise ValueError(f"filter {self.name}: unknown list of codes {self.codes!r}; known: {', '.join(AREA_CODES)}")

    @property
    def title(self) -> str:
        """The key of the filter's name in queries.labels (sidebar, brief, command-line help)."""
        return f"filter_{self.name}"

    @property
    def empty(self):
        """The value that selects everything."""
        return () if self.kind == "codes" else None

    def clean(self, value):
        """``value`` as the view holds it: codes as a tuple without repeats, 0 and blank text as "any"."""
        if self.kind == "codes":
            return tuple(dict.fromkeys(value or ()))
        if self.kind == "number":
            return float(value) if value else None
        return (value or "").strip() or None


FILTERS: tuple[Filter, ...] = (
    Filter("item_groups", "codes", "item_group", "group", "--group", ITEM_GROUPS),
    Filter("items", "codes", "item", "item", "--item", ITEM_CODES),
    Filter("channels", "codes", "channel", "channel", "--channel", CHANNELS),
    Filter("zones", "codes", "zone_code", "zone", "--zone", "zones", also=(ANY_BORDER_ZONE,)),
    Filter("provinces", "codes", "province_code", "province", "--province", "provinces"),
    Filter("counties", "codes", "county_code", "county", "--county", "counties"),
    Filter("agencies", "codes", "agency", "agency", "--agency", AGENCIES),
    Filter("forms", "codes", "form", "form", "--form", FORMS),
    Filter("destinations", "codes", "destination_iso3", "destination", "--destination", DESTINATIONS),
    Filter("case_statuses", "codes", "case_status", "status", "--status", CASE_STATUSES),
    Filter("min_kg", "number", "quantity_kg", "min_kg", "--min-kg", limit=10_000_000, unit="kg"),
    Filter("text", "text", "declared_as", "q", "--text", limit=200),
)
FILTER_BY_NAME = {f.name: f for f in FILTERS}
_TYPES = {"codes": tuple[str, ...], "number": float | None, "text": str | None}

Selection = make_dataclass(
    "Selection",
    [(f.name, _TYPES[f.kind], field(default=f.empty)) for f in FILTERS],
    frozen=True,
)
Selection.__module__ = __name__
Selection.__doc__ = "The value of every declared filter (FILTERS); empty tuples and None mean \"any\"."


def narrowing(values: Selection) -> list[tuple[Filter, object]]:
    """The declared filters that narrow ``values`` (a Selection, or a class built on it), each with its value, in
    the order of FILTERS: those whose value, cleaned, is not "any" (an empty list, no number, blank text)."""
    return [(f, getattr(values, f.name)) for f in FILTERS if f.clean(getattr(values, f.name)) != f.empty]


def selection(values: Selection) -> dict:
    """The declared filters' values of ``values`` (a Selection, or a class built on it), by name."""
    return {f.name: getattr(values, f.name) for f in FILTERS}


@dataclass(frozen=True)
class Filters(Selection):
    """The analyst's filters: a period (``end`` exclusive; None: open) and the declared filters."""

    start: datetime | None = None
    end: datetime | None = None

    def params(self, focus: Focus | None = None) -> dict:
        """``$filters``, the one argument of ``filtered_seizures`` (and of every query built on it)."""
        return {"filters": {
            "start_at": self.start,
            "end_before": self.end,
            **{name: list(value) if isinstance(value, tuple) else value for name, value in selection(self).items()},
            **(focus.params() if focus else NO_FOCUS),
        }}

    def previous(self) -> Filters | None:
        """The same filters over the equal period just before this one; None for an open period."""
        if self.start is None or self.end is None:
            return None
        return replace(self, start=self.start - (self.end - self.start), end=self.start)
