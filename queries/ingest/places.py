"""Where an import's records are: the places of the store its rows may name, and geodata's locator handed in.

queries never imports geodata: a composition root (the command line, the dashboard's start-up) hands
an :class:`ImportGeography` in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from queries.ingest.fields import CRS_NAMES
from queries.ingest.files import IngestError
from queries.ingest.rules import ToWgs84
from queries.ingest.values import normalise
from queries.store import Store, run


@dataclass(frozen=True)
class ImportGeography:
    """What an import needs from geodata, handed in by a composition root (queries never imports it).

    locate(lon, lat): country_iso3, province_code, county_code, zone_code for WGS84 points
    (``geodata.locate.locate``). converters: coordinate system name ('gcj02', 'bd09') → a function
    to WGS84 (``geodata.coords.gcj02_to_wgs84``, ``bd09_to_wgs84``).
    """

    locate: Callable[[np.ndarray, np.ndarray], pd.DataFrame]
    converters: dict[str, ToWgs84] = field(default_factory=dict)

    def to_wgs84(self, crs: str) -> ToWgs84 | None:
        if crs not in CRS_NAMES:
            raise IngestError(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_NAMES)}")
        if crs == "wgs84":
            return None
        if crs not in self.converters:
            raise IngestError(f"no conversion from {crs} to WGS84 was handed to the import")
        return self.converters[crs]


@dataclass(frozen=True)
class KnownPlaces:
    """What of the store an import's rows may name: checkpoints and hubs (spelling → id), the
    checkpoints' points (id → lon, lat) and counties (spelling → code, and code → its anchor's lon
    and lat)."""

    checkpoints: dict[str, str] = field(default_factory=dict)
    hubs: dict[str, str] = field(default_factory=dict)
    checkpoint_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    counties: dict[str, str] = field(default_factory=dict)
    county_anchors: dict[str, tuple[float, float]] = field(default_factory=dict)


# A county's short name, without 县/市/区 or 自治县 and its peoples: 凭祥市 is 凭祥, 河口瑶族自治县 is 河口.
_COUNTY_SHORT = re.compile(r"(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,2}族)*自治县|[县市区])")


def known_places(store: Store | None) -> KnownPlaces:
    """The store's checkpoints and hubs (ids, names, names without a bracket; the checkpoints'
    points) and counties (codes, names, Chinese names without 县/市/区 or 自治县, when that names one
    county only)."""
    if store is None or not store.exists():
        return KnownPlaces()
    with store.reading() as con:
        places = run(con, "ingest_known_places")
        counties = run(con, "ingest_known_counties")
    found: dict[str, dict[str, str]] = {"checkpoint": {}, "hub": {}}
    for kind, place_id, *names, _, _ in places.itertuples(index=False):
        for spelling in (place_id, *names, *(re.sub(r"\s*[(（].*?[)）]\s*", "", n) for n in names)):
            if spelling:
                found[kind].setdefault(normalise(spelling), place_id)
    points = {place_id: (float(lon), float(lat)) for kind, place_id, _, _, lon, lat in places.itertuples(index=False)
              if kind == "checkpoint"}
    short: dict[str, set[str]] = {}
    for code, name_zh, *_ in counties.itertuples(index=False):
        stem = _COUNTY_SHORT.fullmatch(name_zh)
        if stem:
            short.setdefault(normalise(stem.group(1)), set()).add(code)
    spellings = {key: next(iter(codes)) for key, codes in short.items() if len(codes) == 1}
    for code, name_zh, name_en, *_ in counties.itertuples(index=False):
        for spelling in (code, name_zh, name_en):
            spellings[normalise(spelling)] = code
    anchors = {code: (float(lon), float(lat)) for code, _, _, lon, lat in counties.itertuples(index=False)}
    return KnownPlaces(found["checkpoint"], found["hub"], points, spellings, anchors)
