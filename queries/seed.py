"""Seeding: the reference tables, the demo seizures and their parties and cases, written in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from queries.clock import beijing_now
from queries.control_lists import write_release_entries
from queries.demo import DemoGeography, generate_seizures
from queries.demo_parties import write_demo_parties
from queries.reference import control_announcements, controlled_items
from queries.seizures import insert_seizures
from queries.store import Store, run, write_frame

DEFAULT_ROWS = 20_000
DEFAULT_SEED = 2026


def write_reference(con, geo: DemoGeography) -> None:
    """Write (or refresh) the reference tables: export controls, places and admin units."""
    write_release_reference(con, geo)
    write_frame(con, "upsert_checkpoints", geo.checkpoints)
    write_frame(con, "upsert_processing_hubs", geo.hubs)


def write_release_reference(con, geo: DemoGeography) -> None:
    """Write the reference tables that only a release of Cordon changes (export controls, admin units and
    their names, the entries of China's lists), leaving checkpoints and hubs, which a site's imports may have
    corrected, and list entries a site imported."""
    announcements = control_announcements()
    write_frame(con, "upsert_control_announcements", announcements)
    write_frame(con, "upsert_controlled_items", controlled_items(announcements))
    write_frame(con, "upsert_admin_units", geo.admin_units)
    write_release_entries(con)


def upgrade(store: Store, geo_of: Callable[[], DemoGeography]) -> list[int]:
    """Upgrade an existing store to this release: its schema (the migrations not yet applied, returned)
    and, when any was applied, the release's reference tables (:func:`write_release_reference`), so
    that, for example, county names added by a release reach a store made by an older one. ``geo_of``
    is called only then (loading the geography takes about a second)."""
    applied = store.migrate()
    if applied:
        with store.writing() as con:
            write_release_reference(con, geo_of())
    return applied


def seed(store: Store, geo: DemoGeography, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED,
         end: datetime | None = None) -> int:
    """Refresh the reference tables and replace the demo seizures with their parties and cases
    (queries.demo_parties); real records are kept.

    Returns the number of demo seizures written.
    """
    # here, not at the top: both load the screening's OpenCC and pypinyin (about 0.4 s), which every command
    # importing this module (python -m queries) would pay though only seeding needs them
    from queries.entities import resolve_parties
    from queries.screening_hits import screen_all_parties

    end = end or beijing_now()
    # In time order, as records arrive: DuckDB then skips whole row groups outside a date filter.
    seizures = generate_seizures(geo, rows=rows, seed=seed, end=end).sort_values(
        "occurred_at", kind="stable", ignore_index=True)
    with store.writing() as con:
        write_reference(con, geo)
        run(con, "delete_synthetic_parties")
        run(con, "delete_synthetic_seizures")
        written = insert_seizures(con, seizures)
        write_demo_parties(con, seizures, geo, seed, at=end)
        screen_all_parties(con, at=end)  # the demo's listed-entity variant waits in the review queue
        resolve_parties(con, at=end)  # the demo's double spelling is one company
        return written
