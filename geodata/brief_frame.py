"""Where the brief's map looks: the brief's area with the results close to it, and what lies beyond.

A map of all China drawn to take in a cluster at Baotou leaves the border a strip at the bottom
where no hot spot can be seen. So the map is framed on the brief's area (for a view of all areas,
the border region: the provinces that hold border zones, with the neighbours' side of the border
``geodata.reference.NEIGHBOUR_KM`` deep), widened only for the hot spots and numbered clusters close
to it (within ``REACH`` of its larger side: the express hubs of Guangzhou and Shenzhen beside
Guangxi). Results farther away are listed beside the map, by the hub or checkpoint nearest to them,
with their direction and distance from the map's edge.

A list rather than an inset map of China: at A4 an inset is a few centimetres wide, its names would
crowd as the big map's did, and what a commander needs of a far place is its name, how far it is
and what was found there, which one line of text says exactly, in either language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from geodata.crs import METRIC_CRS, WGS84
from geodata.reference import Bounds, load_layer
from queries.labels import name as place_name
from queries.labels import t

if TYPE_CHECKING:
    from geodata.brief import Brief

REACH = 0.25  # results within this share of the area's larger side widen the map
COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")  # catalogue keys compass_n, ...


@dataclass(frozen=True)
class FarPlace:
    """Results beyond the map, gathered at the hub or checkpoint nearest to them.

    name: that place, in the brief's language. direction: a COMPASS key, from the map's centre.
    km: from the map's edge. clusters / cluster_seizures: DBSCAN clusters there and their seizures;
    ranks: the numbers of those among the brief's largest clusters (its table). hot / cold: Gi*
    hexagons there that are hot or cold spots.
    """

    name: str
    direction: str
    km: float
    clusters: int
    cluster_seizures: int
    ranks: tuple[int, ...]
    hot: int
    cold: int


def results(brief: Brief) -> gpd.GeoDataFrame:
    """Where the brief's results are, one row each, in METRIC_CRS: kind ("cluster", "hot" or
    "cold"), seizures, rank (its number among the largest clusters, 0 for the others) and leads
    (hot spots and numbered clusters: what the map must show)."""
    clusters, cells = brief.clusters, brief.hot_spots[brief.hot_spots["bin"] != 0]
    ranked = set(brief.top_clusters["rank"])
    rank = [int(number) if number in ranked else 0 for number in clusters["cluster"] + 1]
    frame = pd.DataFrame({
        "kind": ["cluster"] * len(clusters) + ["hot" if level > 0 else "cold" for level in cells["bin"]],
        "seizures": [*clusters["seizures"], *cells["seizures"]],
        "rank": rank + [0] * len(cells),
    })
    frame["leads"] = (frame["kind"] == "hot") | (frame["rank"] > 0)
    centres = gpd.GeoSeries(gpd.points_from_xy(clusters["lon"], clusters["lat"]), crs=WGS84).to_crs(METRIC_CRS)
    cell_centres = cells.geometry.to_crs(METRIC_CRS).centroid
    return gpd.GeoDataFrame(frame, geometry=[*centres, *cell_centres], crs=METRIC_CRS)


def map_frame(brief: Brief) -> Bounds:
    """The part of the map that must show: the brief's area and the hot spots and numbered clusters
    within ``REACH`` of it."""
    west, south, east, north = brief.area.bounds
    reach = REACH * max(east - west, north - south)
    found = results(brief)
    near = found[found["leads"] & found.intersects(shapely.box(west - reach, south - reach, east + reach,
                                                                  north + reach))]
    if near.empty:
        return brief.area.bounds
    x0, y0, x1, y1 = near.total_bounds
    return min(west, x0), min(south, y0), max(east, x1), max(north, y1)


def beyond_map(brief: Brief, extent: Bounds) -> tuple[FarPlace, ...]:
    """The results outside ``extent`` (the map as drawn), by the nearest hub or checkpoint, the
    places with most seizures in clusters first, then those with most hot spots."""
    found = results(brief)
    view = shapely.box(*extent)
    far = found[~found.within(view)]
    if far.empty:
        return ()
    places = pd.concat([load_layer("hubs"), load_layer("checkpoints")], ignore_index=True)
    places = gpd.GeoDataFrame(places[["name_en", "name_zh"]], geometry=places.geometry.to_crs(METRIC_CRS).array)
    nearest = places.sindex.nearest(far.geometry.array, return_all=False)[1]
    far = far.assign(place=nearest)
    centre_x, centre_y = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    gathered = []
    for index, group in far.groupby("place"):
        where = places.geometry.iloc[index]
        clusters = group[group["kind"] == "cluster"]
        angle = math.degrees(math.atan2(where.x - centre_x, where.y - centre_y)) % 360
        gathered.append(FarPlace(
            name=place_name(places.iloc[index], brief.lang), direction=COMPASS[round(angle / 45) % 8],
            km=where.distance(view) / 1000, clusters=len(clusters), cluster_seizures=int(clusters["seizures"].sum()),
            ranks=tuple(sorted(int(rank) for rank in clusters["rank"] if rank)),
            hot=int((group["kind"] == "hot").sum()), cold=int((group["kind"] == "cold").sum())))
    return tuple(sorted(gathered, key=lambda place: (-place.cluster_seizures, -place.hot, place.km)))


def far_place_text(place: FarPlace, lang: str) -> str:
    """One far place in words: where it is and what was found there."""
    found = []
    if place.clusters:
        found.append(t("beyond_clusters", lang, clusters=place.clusters, seizures=f"{place.cluster_seizures:,}"))
    if place.ranks:
        found.append(t("beyond_ranks", lang, ranks=", ".join(map(str, place.ranks))))
    if place.hot:
        found.append(t("beyond_hot", lang, hot=place.hot))
    if place.cold:
        found.append(t("beyond_cold", lang, cold=place.cold))
    return t("beyond_place", lang, place=place.name, km=f"{place.km:,.0f}",
             direction=t(f"compass_{place.direction}", lang), found=("、" if lang == "zh" else ", ").join(found))

