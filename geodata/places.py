"""Where a result is, in words people read: "Pingxiang, 3 km from Youyiguan" / "凭祥市，距友谊关 3 公里".

A hot-spot hexagon or a cluster is named by the county it lies in (a province or a neighbouring
country beyond the counties layer) and its nearest checkpoint with the distance, the one
:func:`place_name` for both languages. :func:`with_places` gives an analysis's features their
names, ``place_en`` and ``place_zh``; the hexagon id or cluster number stays the key, but it is
the name that tables, tooltips and exports show.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.coverage import CHECKPOINT_COLUMNS, nearest_checkpoints
from geodata.crs import WGS84
from geodata.locate import locate
from geodata.reference import load_layer
from geodata.romanise import SUFFIXES, split_name
from queries.cells import cell_outlines
from queries.labels import LANGUAGES, t

PLACE_COLUMNS = ("county_code", "place_en", "place_zh")


def place_name(area: str | None, checkpoint: str | None, km: float | None, lang: str) -> str:
    """A place in ``lang``: its ``area`` (county) and its nearest ``checkpoint`` ``km`` away, in whole km ("at" the
    checkpoint when that is 0: it lies in or beside the place); either may be missing, and the area is
    left out when the checkpoint bears its name.

    Examples
    --------
    >>> place_name("Pingxiang", "Youyiguan", 3.2, "en"), place_name("凭祥市", "友谊关", 3.2, "zh")
    ('Pingxiang, 3 km from Youyiguan', '凭祥市，距友谊关 3 公里')
    """
    area, checkpoint = (None if value is None or pd.isna(value) else value for value in (area, checkpoint))
    if not checkpoint or km is None or pd.isna(km):
        return area or ""
    whole = int(km + 0.5)
    if not area or named_after(checkpoint, area):  # "Dongxing, at Dongxing" would say the name twice
        return t("place_beside" if whole == 0 else "place_off", lang, checkpoint=checkpoint, km=f"{whole:,}")
    if whole == 0:
        return t("place_at", lang, place=area, checkpoint=checkpoint)
    return t("place_near", lang, place=area, checkpoint=checkpoint, km=f"{whole:,}")


def named_after(checkpoint: str, area: str) -> bool:
    """Whether ``checkpoint`` bears the name of ``area`` (a county without its administrative suffix,
    in either language: 东兴 of 东兴市, 河口 of 河口瑶族自治县, Hekou of Hekou Autonomous County).

    >>> named_after("河口", "河口瑶族自治县"), named_after("Hekou", "Hekou Autonomous County"), named_after("友谊关", "凭祥市")
    (True, True, False)
    """
    stem = next((area[:-len(suffix)] for _, english in SUFFIXES for suffix in [f" {english}"]
                 if area.endswith(suffix)), None) or split_name(area)[0]
    return checkpoint.startswith(stem)


def area_names(lon, lat) -> pd.DataFrame:
    """The county each point lies in (its code, ``area_en``, ``area_zh``), else its province, else its country."""
    where = locate(lon, lat)
    countries = load_layer("countries").set_index("iso3")
    names = {}
    for lang in LANGUAGES:
        country = countries[f"name_{lang}"].reindex(where["country_iso3"]).to_numpy(object)
        names[f"area_{lang}"] = where[f"county_{lang}"].fillna(where[f"province_{lang}"]).fillna(
            pd.Series(country, dtype=object))
    return pd.DataFrame({"county_code": where["county_code"], **names})


def with_places(features: gpd.GeoDataFrame, checkpoints: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """``features`` with their nearest checkpoint (``CHECKPOINT_COLUMNS``, when they have none yet, measured
    from their geometry) and their names (``PLACE_COLUMNS``). A feature lies where its ``lon``/``lat``
    say (a cluster's centre), else at its geometry's centroid (a hexagon's centre)."""
    if "checkpoint_km" not in features.columns:
        near = nearest_checkpoints(features.geometry, checkpoints)
        features = features.assign(**{name: near[name].to_numpy() for name in CHECKPOINT_COLUMNS})
    if features.empty:
        return features.assign(**{name: pd.Series(dtype=object) for name in PLACE_COLUMNS})
    if {"lon", "lat"} <= set(features.columns):
        lon, lat = features["lon"].to_numpy(float), features["lat"].to_numpy(float)
    else:
        lon, lat = shapely.get_coordinates(shapely.centroid(features.geometry.to_crs(WGS84).values)).T
    areas = area_names(lon, lat)
    whole_km = np.floor(features["checkpoint_km"].to_numpy(float) + 0.5)
    names = {}
    for lang in LANGUAGES:
        parts = pd.DataFrame({"area": areas[f"area_{lang}"].to_numpy(object),
                              "checkpoint": features[f"checkpoint_{lang}"].to_numpy(object), "km": whole_km})
        distinct = parts.drop_duplicates()  # hexagons share a few names: each is worded once
        distinct = distinct.assign(name=[place_name(*row, lang) for row in distinct.itertuples(index=False)])
        names[f"place_{lang}"] = parts.merge(distinct, how="left", on=["area", "checkpoint", "km"])["name"].to_numpy(object)
    return features.assign(county_code=areas["county_code"].to_numpy(object), **names)


def cell_place(cell, lang: str) -> str:
    """The place of one H3 hexagon (hex string or uint64) in ``lang``, as :func:`with_places` names it."""
    hexagon = gpd.GeoDataFrame(geometry=[shapely.Polygon(cell_outlines([cell])[0])], crs=WGS84)
    return with_places(hexagon)[f"place_{lang}"].iloc[0]
