"""Cached loaders: the store (seeded on first start), the base geography and the map's rows.

Connections and the store live in ``st.cache_resource``; query results in ``st.cache_data``, keyed
by the database file's modification time so that new records show on the next run.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from dashboard import style
from dashboard.config import BASE_MAP_EXTENT, POINT_SAMPLE_LIMIT, RECENT_DAYS
from dashboard.tooltips import tooltip_fields
from geodata.demo_geography import demo_geography
from geodata.reference import load_layer
from geodata.shapes import path_records, polygon_records
from queries.seed import beijing_now, seed
from queries.store import Store, run


@st.cache_resource(show_spinner=False)
def get_store(path: str) -> Store:
    """The store at ``path``; on first start, create it and seed the demo data."""
    store = Store(path)
    if not store.exists():
        with st.spinner(f"First start: creating the demo database at {path} (a few seconds)…"):
            seed(store, demo_geography())
    return store


def data_version(path: str) -> int:
    """Changes whenever a writer has committed to the file."""
    return os.stat(path).st_mtime_ns


@st.cache_data(show_spinner=False)
def base_geography() -> dict[str, list[dict]]:
    """The base map as flat records: countries (China and its neighbours), provinces, zones, boundary."""
    countries = load_layer("countries")
    countries["geometry"] = countries.geometry.clip_by_rect(*BASE_MAP_EXTENT)
    countries["fill"] = [list(style.CHINA_FILL if iso == "CHN" else style.NEIGHBOUR_FILL) for iso in countries["iso3"]]
    zones = load_layer("zones")
    zone_records = polygon_records(zones, ["name_en", "name_zh", "province_zh", "neighbour_iso3", "boundary_km"],
                                   tolerance=0.004)
    for record in zone_records:
        record.update(tooltip_fields(
            f"Border zone: {record['name_en']} {record['name_zh']}",
            [("Province", record["province_zh"]), ("Borders", record["neighbour_iso3"]),
             ("Land boundary", f"{record['boundary_km']:.0f} km")],
        ))
    boundary = load_layer("boundary")
    boundary_records = path_records(boundary, ["iso3", "name_en", "length_km"], tolerance=0.004)
    for record in boundary_records:
        record.update(tooltip_fields(f"Land boundary with {record['name_en']}",
                                     [("Length", f"{record['length_km']:,.0f} km")]))
    return {
        "countries": polygon_records(countries, ["iso3", "fill"], tolerance=0.04, decimals=3, min_area=0.02),
        "provinces": polygon_records(load_layer("provinces"), ["code"], tolerance=0.04, decimals=3, min_area=0.01),
        "zones": zone_records,
        "boundary": boundary_records,
    }


@st.cache_data(show_spinner=False, max_entries=8)
def map_rows(path: str, version: int) -> dict[str, pd.DataFrame]:
    """Rows for the map page at one data version: a bounded sample of seizures, places, headline figures."""
    params = {"now": beijing_now(), "recent_days": RECENT_DAYS}
    with Store(path).reading() as con:
        return {
            "points": run(con, "map_seizure_sample", {"limit": POINT_SAMPLE_LIMIT}),
            "checkpoints": run(con, "map_checkpoints", params),
            "hubs": run(con, "map_hubs"),
            "overview": run(con, "overview", params),
        }
