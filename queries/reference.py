"""The export-control reference: announcements from the project's copy of the facts, and items.

``queries/reference/controlled_items.csv`` is a copy of the shared facts file (one row per
announcement, with its sources' caveats in ``note``); the item catalogue in
``queries.constants.ITEMS`` links each item the seizures record to the announcement that first
controlled it; its names are its code's labels in the catalogue (``queries.labels``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from queries.constants import ITEM_GROUPS, ITEMS
from queries.labels import label

ANNOUNCEMENTS_CSV = Path(__file__).parent / "reference" / "controlled_items.csv"
DESTINATIONS_CSV = Path(__file__).parent / "reference" / "destinations.csv"


def _split(value: object) -> list[str]:
    return [part.strip() for part in str(value).split(";") if part.strip()] if pd.notna(value) else []


def control_announcements(path: Path = ANNOUNCEMENTS_CSV) -> pd.DataFrame:
    """Rows for ``control_announcements``, read from the facts CSV at ``path``.

    Raises ``ValueError`` naming the line when a date cannot be read or a group is unknown.
    """
    raw = pd.read_csv(path, dtype=str)
    rows = []
    for line, record in enumerate(raw.to_dict("records"), start=2):
        groups = _split(record["group"])
        # REE_equipment, REE_content and battery are announcement scopes, not seizure groups;
        # they stay in the announcement's groups so its scope reads as the facts state it.
        unknown = [g for g in groups if g not in ITEM_GROUPS and g not in ("REE_equipment", "REE_content", "battery")]
        if unknown:
            raise ValueError(f"{path.name} line {line}: unknown item group(s) {unknown}")
        try:
            dates = {
                column: (pd.Timestamp(record[column]).date() if pd.notna(record[column]) else None)
                for column in ("announced", "effective", "suspended_from", "suspended_until")
            }
        except ValueError as error:
            raise ValueError(f"{path.name} line {line}: {error}") from error
        rows.append(
            {
                "announcement": record["announcement"],
                "announced_on": dates["announced"],
                "effective_on": dates["effective"],
                "suspended_from": dates["suspended_from"],
                "suspended_until": dates["suspended_until"],
                "item_groups": groups,
                "items_text": record["items"],
                "hs_codes": _split(record["hs_codes_known"]),
                "note": record["note"] if pd.notna(record["note"]) else None,
            }
        )
    return pd.DataFrame(rows)


def controlled_items(announcements: pd.DataFrame) -> pd.DataFrame:
    """Rows for ``controlled_items``: the catalogue, with each item's effective control date."""
    effective = dict(zip(announcements["announcement"], announcements["effective_on"]))
    missing = {item.announcement for item in ITEMS if item.announcement and item.announcement not in effective}
    if missing:
        raise ValueError(f"items refer to announcements not in the reference: {sorted(missing)}")
    return pd.DataFrame(
        {
            "item": [item.code for item in ITEMS],
            "item_group": [item.group for item in ITEMS],
            "name_en": [label(item.code, "en") for item in ITEMS],
            "name_zh": [label(item.code, "zh") for item in ITEMS],
            "announcement": [item.announcement for item in ITEMS],
            "effective_on": [effective.get(item.announcement) for item in ITEMS],
            "note": [None if item.announcement else "not itemised in the announcements on file" for item in ITEMS],
        }
    )


def item_effective_dates(path: Path = ANNOUNCEMENTS_CSV) -> dict[str, object]:
    """Item code → the date its first control took effect (None where not itemised)."""
    items = controlled_items(control_announcements(path))
    return dict(zip(items["item"], items["effective_on"]))


def destinations(path: Path = DESTINATIONS_CSV) -> pd.DataFrame:
    """Where flows to each destination country are drawn: one city per ISO3 code (a drawing anchor,
    not a claim about where goods went), indexed by iso3."""
    return pd.read_csv(path, dtype={"iso3": str, "place": str}).set_index("iso3")
