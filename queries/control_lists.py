"""China's lists of controlled and restricted parties as reference data: MOFCOM's export-control control list
(出口管制管控名单), its watch list (关注名单) and the unreliable entity list (不可靠实体清单).

An entry is one party on one list, with the announcement that put it there and what later announcements did
to it (suspended, removed), so that a record is screened against the lists as they stood on its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LISTS = ("control", "watch", "unreliable_entity")  # control list, watch list, unreliable entity list


@dataclass(frozen=True)
class ListEntry:
    """One party on one list, as published, with its provenance."""

    list_code: str  # one of LISTS
    entry_id: str  # stable within Cordon: the announcement and the entry's place in it
    names_zh: tuple[str, ...]  # as published in Chinese
    names_en: tuple[str, ...]  # as published in English (the announcements' own rendering)
    former_names: tuple[str, ...]  # names it was known by before, in either script
    identifiers: tuple[str, ...]  # registration numbers as published (a USCC for a Chinese company)
    country_iso3: str | None
    announcement: str  # e.g. 商务部公告2025年第13号
    announced_on: date
    effective_from: date
    suspended_from: date | None  # a later announcement suspended the measure from this day…
    suspended_until: date | None  # …until this day (None: not yet lifted)
    removed_on: date | None  # a later announcement took the entry off the list
    source_url: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entry is known by."""
        return self.names_zh + self.names_en + self.former_names

    def in_force(self, on: date) -> bool:
        """Whether the entry applied on ``on``: in effect, not removed, not within a suspension."""
        if on < self.effective_from or (self.removed_on is not None and on >= self.removed_on):
            return False
        suspended = self.suspended_from is not None and on >= self.suspended_from
        return not (suspended and (self.suspended_until is None or on < self.suspended_until))
