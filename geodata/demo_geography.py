"""The real places, the locator and the coordinate conversions, shaped for the store's tables, its
demo generator and its imports.

queries does not import geodata; its command line and the dashboard call :func:`demo_geography`
and :func:`import_geography` and hand the result to ``queries.seed`` or ``queries.ingest``.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from geodata.coords import bd09_to_wgs84, gcj02_to_wgs84
from geodata.locate import distance_to_boundary_km, locate
from geodata.reference import load_layer
from queries.demo import DemoGeography
from queries.ingest import ImportGeography


def checkpoint_rows() -> pd.DataFrame:
    """The checkpoints layer as rows of the ``checkpoints`` table."""
    layer = load_layer("checkpoints")
    return pd.DataFrame({
        "checkpoint_id": layer["id"], "name_zh": layer["name_zh"], "name_en": layer["name_en"], "kind": layer["kind"],
        "lon": layer["lon"], "lat": layer["lat"], "geo_precision": layer["precision"],
        "province_code": layer["province_code"], "county_code": layer["county_code"], "zone_code": layer["zone_code"],
        "counterpart": layer["counterpart"], "counterpart_iso3": layer["counterpart_country"],
        "agency": layer["agency"], "source": layer["source"],
    }).replace({"": None})


def hub_rows() -> pd.DataFrame:
    """The hubs layer as rows of the ``processing_hubs`` table; licence, capacity and risk are not known."""
    layer = load_layer("hubs")
    return pd.DataFrame({
        "hub_id": layer["id"], "name_zh": layer["name_zh"], "name_en": layer["name_en"], "kind": layer["kind"],
        "activities": layer["activities"], "item_groups": layer["items"].str.split(";"),
        "lon": layer["lon"], "lat": layer["lat"], "geo_precision": layer["precision"],
        "province_code": layer["province_code"].replace({"": None}),
        "country_iso3": layer["country_iso3"], "licensed": None, "capacity_t_per_year": None, "risk_tier": None,
        "note": layer["note"], "source": layer["source"],
    })


def admin_unit_rows() -> pd.DataFrame:
    """Provinces and counties with a point inside each (the anchor of records known only to that unit)."""
    provinces, counties = load_layer("provinces"), load_layer("counties")
    in_zone = counties["code"].isin(load_layer("zones")["code"])
    rows = []
    for level, layer, parent, zone in (("province", provinces, provinces["code"], False),
                                       ("county", counties, counties["province_code"], in_zone)):
        anchors = layer.geometry.representative_point()
        rows.append(pd.DataFrame({
            "code": layer["code"], "level": level, "name_zh": layer["name_zh"],
            "name_en": layer["name_en"].where(layer["name_en"] != "", layer["name_zh"]),
            "province_code": parent, "is_border_zone": zone, "anchor_lon": anchors.x, "anchor_lat": anchors.y,
        }))
    return pd.concat(rows, ignore_index=True)


@lru_cache(maxsize=1)
def demo_geography() -> DemoGeography:
    """Everything the seeder needs from geodata, built once per process."""
    return DemoGeography(checkpoints=checkpoint_rows(), hubs=hub_rows(), admin_units=admin_unit_rows(),
                         locate=locate, distance_to_boundary_km=distance_to_boundary_km)


def import_geography() -> ImportGeography:
    """The locator and the conversions from GCJ-02 and BD-09 to WGS84, as imports take them."""
    return ImportGeography(locate, {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84})
