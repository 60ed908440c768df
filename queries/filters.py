"""What a view selects: the filters every page shares and the drill-down focus, as SQL parameters.

The SQL side is one macro, ``filtered_seizures`` (queries/sql/macros/filtered_seizures.sql); every
query that reads seizures for a view calls it with ``FILTER_ARGS``, and :meth:`Filters.params`
supplies the values. Times are Beijing time without a time zone, as the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

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
    """[start, end) of a date preset ending at ``now``; (None, None) for all records."""
    if preset not in PERIODS:
        raise ValueError(f"unknown period {preset!r}; known: {', '.join(PERIODS)}")
    length = PERIODS[preset]
    return (None, None) if length is None else (now - length, now + timedelta(seconds=1))


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


@dataclass(frozen=True)
class Filters:
    """The analyst's filters. Empty tuples and None mean "any"; ``end`` is exclusive."""

    start: datetime | None = None
    end: datetime | None = None
    item_groups: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    min_kg: float | None = None
    text: str | None = None

    def params(self, focus: Focus | None = None) -> dict:
        """The named parameters of ``filtered_seizures`` (and of every query built on it)."""
        return {
            "start_at": self.start,
            "end_before": self.end,
            "item_groups": list(self.item_groups),
            "items": list(self.items),
            "channels": list(self.channels),
            "zones": list(self.zones),
            "provinces": list(self.provinces),
            "counties": list(self.counties),
            "agencies": list(self.agencies),
            "forms": list(self.forms),
            "min_kg": self.min_kg,
            "search": self.text or None,
            **(focus.params() if focus else NO_FOCUS),
        }

    def previous(self) -> Filters | None:
        """The same filters over the equal period just before this one; None for an open period."""
        if self.start is None or self.end is None:
            return None
        return replace(self, start=self.start - (self.end - self.start), end=self.start)
