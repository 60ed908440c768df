"""The brief's map: Cordon's reference layers (no tiles) in ``METRIC_CRS``, so that the scale bar is true, with
the Gi* hexagons by confidence bin, the cluster outlines and numbers, checkpoints and hubs, place names, a legend,
a scale bar and a north arrow."""

from __future__ import annotations

import math
from typing import Protocol

import geopandas as gpd
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from pyproj import Transformer

from geodata.brief import Brief
from geodata.brief_labels import LabelPlacer
from geodata.brief_style import (
    AREA_FILL,
    BOUNDARY,
    CHECKPOINT_EDGE,
    CHINA_FILL,
    CLUSTER_LINE,
    COUNTY_LINE,
    HOT_SPOT_COLOURS,
    HUB,
    INK,
    MUTED,
    NEIGHBOUR_FILL,
    NOT_SIGNIFICANT_ALPHA,
    PAGE_INCHES,
    PROVINCE_LINE,
    SEA,
    ZONE_ALPHA,
    ZONE_COLOUR,
)
from geodata.crs import METRIC_CRS, WGS84
from geodata.palette import BIN_COLOURS
from geodata.reference import load_layer
from queries.labels import name as place_name
from queries.labels import t

MIN_HEXAGON_PIXELS = 8  # below this a significant hexagon also gets a dot
PROVINCE_NAMES_KM = 300  # narrower maps show a county or two: a province's name would sit on them
COUNTY_LINES_KM = 900  # wider maps leave out the county lines


class Page(Protocol):
    """What the map takes from the page it is drawn on (``geodata.brief_render``'s page)."""

    figure: Figure
    brief: Brief
    lang: str
    renderer: object
    map_box: tuple[float, float, float, float]  # x, y, width, height in inches from the bottom left


class MapPanel:
    """The map: reference layers, hexagons, clusters, places, labels, legend, scale bar, north arrow."""

    def __init__(self, page: Page):
        self.page = page
        self.brief = page.brief
        self.lang = page.lang
        x, y, width, height = page.map_box
        page_width, page_height = PAGE_INCHES
        self.ax = page.figure.add_axes((x / page_width, y / page_height, width / page_width, height / page_height))
        self.extent = map_extent(self.brief.area.bounds, width / height)
        self.ax.set_xlim(self.extent[0], self.extent[2])
        self.ax.set_ylim(self.extent[1], self.extent[3])
        self.ax.set_axis_off()
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor=SEA, edgecolor="none",
                                    zorder=-10))
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor="none", edgecolor=INK,
                                    linewidth=0.8, zorder=30, clip_on=False))
        self.labels = LabelPlacer(self.ax, page.renderer)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Reference layer ``name`` clipped to the map (with a margin), in METRIC_CRS."""
        west, south, east, north = self.extent
        pad = 0.1 * max(east - west, north - south)
        window = gpd.GeoSeries([shapely.box(west - pad, south - pad, east + pad, north + pad)], crs=METRIC_CRS)
        return gpd.clip(load_layer(name), window.to_crs(WGS84).total_bounds).to_crs(METRIC_CRS)

    def draw(self) -> None:
        ax, brief = self.ax, self.brief
        countries = self.layer("countries")
        countries[countries["iso3"] != "CHN"].plot(ax=ax, color=NEIGHBOUR_FILL, edgecolor=PROVINCE_LINE, linewidth=0.4)
        provinces = self.layer("provinces")
        provinces.plot(ax=ax, color=CHINA_FILL, edgecolor=PROVINCE_LINE, linewidth=0.6)
        area = brief.area.shapes.to_crs(METRIC_CRS)
        if not area.empty:
            area.plot(ax=ax, color=AREA_FILL, edgecolor="none")
        if self.size_km < COUNTY_LINES_KM:
            self.layer("counties").plot(ax=ax, facecolor="none", edgecolor=COUNTY_LINE, linewidth=0.35)
        zones = self.layer("zones")
        zones.plot(ax=ax, color=ZONE_COLOUR, alpha=ZONE_ALPHA, edgecolor="none")
        zones.plot(ax=ax, facecolor="none", edgecolor=ZONE_COLOUR, linewidth=0.6, alpha=0.7)
        if not area.empty:
            area.plot(ax=ax, facecolor="none", edgecolor=INK, linewidth=1.3)
        self.layer("boundary").plot(ax=ax, color=BOUNDARY, linewidth=1.4)
        self.legend()
        self.scale_bar()
        self.north_arrow()
        self.hexagons()
        self.clusters()
        self.places()
        self.place_names(countries, provinces, zones)

    @property
    def size_km(self) -> float:
        west, _, east, _ = self.extent
        return (east - west) / 1000

    def hexagons(self) -> None:
        """The Gi* hexagons by bin; where a hexagon is too small to see at the map's scale, its bin
        colour is repeated as a dot on it, so that a province-wide map still shows the hot spots."""
        cells = self.brief.hot_spots
        if cells.empty:
            return
        cells = cells.to_crs(METRIC_CRS).sort_values("bin", key=np.abs)  # significant cells drawn on top
        colours = [(*HOT_SPOT_COLOURS[level], NOT_SIGNIFICANT_ALPHA if level == 0 else 0.9) for level in cells["bin"]]
        cells.plot(ax=self.ax, color=colours, edgecolor=colours, linewidth=0.5)
        across = np.sqrt(cells.geometry.area.median())
        pixels = abs(self.ax.transData.transform((across, 0))[0] - self.ax.transData.transform((0, 0))[0])
        significant = cells[cells["bin"] != 0]
        if pixels < MIN_HEXAGON_PIXELS and not significant.empty:
            centres = significant.geometry.centroid
            colours = [HOT_SPOT_COLOURS[level] for level in significant["bin"]]
            self.ax.scatter(centres.x, centres.y, s=110, color=colours, edgecolors=INK, linewidths=0.5, zorder=7)

    def clusters(self) -> None:
        clusters = self.brief.clusters
        if clusters.empty:
            return
        clusters.to_crs(METRIC_CRS).plot(ax=self.ax, facecolor="none", edgecolor=CLUSTER_LINE, linewidth=1.0)
        ranked = set(self.brief.top_clusters["rank"])
        centres = gpd.GeoSeries(gpd.points_from_xy(clusters["lon"], clusters["lat"]), crs=WGS84).to_crs(METRIC_CRS)
        self.ax.scatter(centres.x, centres.y, s=9, color=CLUSTER_LINE, zorder=6, linewidths=0)
        for x, y, rank in sorted(zip(centres.x, centres.y, clusters["cluster"] + 1), key=lambda centre: centre[2]):
            if rank in ranked:
                self.labels.add(x, y, str(rank), size=8.5, weight="bold", color="white", box=CLUSTER_LINE,
                                required=True)

    def places(self) -> None:
        checkpoints = self.layer("checkpoints")
        hubs = self.layer("hubs")
        self.ax.scatter(hubs.geometry.x, hubs.geometry.y, marker="^", s=34, color=HUB, edgecolors=INK,
                        linewidths=0.5, zorder=7)
        self.ax.scatter(checkpoints.geometry.x, checkpoints.geometry.y, marker="D", s=26, color="white",
                        edgecolors=CHECKPOINT_EDGE, linewidths=0.9, zorder=8)
        for _, row in checkpoints.iterrows():
            self.labels.add(row.geometry.x, row.geometry.y, place_name(row, self.lang), size=7, color=INK,
                            halo=True)

    def place_names(self, countries, provinces, zones) -> None:
        """Names of neighbouring countries, provinces (on maps wider than a few counties) and border
        zones, where there is room."""
        view = shapely.box(*self.extent)
        view_area = view.area
        # (places, font size, colour, style, the least share of the map a place must cover to be named)
        layers = [(countries[countries["iso3"] != "CHN"], 10, MUTED, "normal", 0.02),
                  (zones, 6.5, ZONE_COLOUR, "italic", 0.002)]
        if self.size_km > PROVINCE_NAMES_KM:
            layers.insert(1, (provinces, 8.5, MUTED, "normal", 0.03))
        for frame, size, colour, style, least in layers:
            for _, row in frame.iterrows():
                shown = row.geometry.intersection(view)
                if shown.is_empty or shown.area < least * view_area:
                    continue
                point = shown.representative_point()
                self.labels.add(point.x, point.y, place_name(row, self.lang), size=size, color=colour, style=style,
                                halo=True, centred=True)

    def legend(self) -> None:
        """Every symbol of the map, in the left corner that hides the fewest hot spots, clusters and checkpoints."""
        lang = self.lang
        handles = [Patch(facecolor=(*HOT_SPOT_COLOURS[level], NOT_SIGNIFICANT_ALPHA if level == 0 else 0.9),
                         edgecolor="none", label=t(f"brief_bin_{level}", lang))
                   for level in sorted(BIN_COLOURS, reverse=True)]
        handles += [
            Patch(facecolor="none", edgecolor=CLUSTER_LINE, label=t("legend_clusters", lang)),
            Patch(facecolor=AREA_FILL, edgecolor=INK, linewidth=1.3, label=t("legend_area", lang)),
            Patch(facecolor=to_rgba(ZONE_COLOUR, ZONE_ALPHA), edgecolor=ZONE_COLOUR, label=t("brief_legend_zone", lang)),
            Line2D([], [], color=BOUNDARY, linewidth=1.4, label=t("brief_legend_boundary", lang)),
            Line2D([], [], marker="D", linestyle="none", markersize=5, markerfacecolor="white",
                   markeredgecolor=CHECKPOINT_EDGE, label=t("brief_legend_checkpoint", lang)),
            Line2D([], [], marker="^", linestyle="none", markersize=6, markerfacecolor=HUB, markeredgecolor=INK,
                   markeredgewidth=0.5, label=t("legend_hub", lang)),
        ]
        interest = self._interest_pixels()
        crowding = {}
        for corner in ("upper left", "lower left"):  # the scale bar and the north arrow hold the right
            legend = Legend(self.ax, handles, [handle.get_label() for handle in handles], loc=corner, fontsize=6.5,
                            title=t("legend", lang), title_fontsize=7, frameon=True, framealpha=0.92,
                            edgecolor=PROVINCE_LINE, ncols=2, handlelength=1.6, borderpad=0.5, labelspacing=0.3,
                            columnspacing=1.0)
            box = legend.get_window_extent(self.page.renderer)
            hidden = ((interest[:, 0] >= box.x0) & (interest[:, 0] <= box.x1)
                      & (interest[:, 1] >= box.y0) & (interest[:, 1] <= box.y1))
            crowding[corner] = (int(hidden.sum()), legend, box)
        _, legend, box = min(crowding.values(), key=lambda entry: entry[0])
        self.ax.add_artist(legend)
        legend.set_zorder(20)
        self.labels.block(box)

    def _interest_pixels(self) -> np.ndarray:
        """Pixel positions of what the legend should not hide: hot and cold spots, clusters, checkpoints."""
        brief, checkpoints = self.brief, load_layer("checkpoints")
        cells = brief.hot_spots[brief.hot_spots["bin"] != 0].to_crs(METRIC_CRS).geometry.centroid
        places = gpd.GeoSeries(gpd.points_from_xy([*brief.clusters["lon"], *checkpoints["lon"]],
                                                  [*brief.clusters["lat"], *checkpoints["lat"]]), crs=WGS84)
        places = places.to_crs(METRIC_CRS)
        xy = np.column_stack([np.concatenate([cells.x, places.x]), np.concatenate([cells.y, places.y])])
        return self.ax.transData.transform(xy)

    def scale_bar(self) -> None:
        """A bar of a round length, about a fifth of the map's width, in its lower right corner."""
        west, south, east, north = self.extent
        length = nice_length((east - west) / 5)
        x0 = east - (east - west) * 0.04 - length
        y0 = south + (north - south) * 0.04
        height = (north - south) * 0.008
        for part in range(2):
            self.ax.add_patch(Rectangle((x0 + part * length / 2, y0), length / 2, height, zorder=15,
                                        facecolor=INK if part == 0 else "white", edgecolor=INK, linewidth=0.6))
        self.ax.text(x0 + length / 2, y0 + height * 2, t("brief_scale_km", self.lang, km=length / 1000), ha="center", va="bottom", size=7, color=INK, zorder=15,
                     path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        self.labels.block(self._box_pixels(x0, y0, x0 + length, y0 + height * 6))

    def north_arrow(self) -> None:
        """An arrow to true north at the map's centre (the projection turns it a little off vertical)."""
        west, south, east, north = self.extent
        to_wgs84 = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
        to_metric = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
        lon, lat = to_wgs84.transform((west + east) / 2, (south + north) / 2)
        (x1, x2), (y1, y2) = to_metric.transform([lon, lon], [lat, min(lat + 0.1, 89.9)])
        angle = math.atan2(x2 - x1, y2 - y1)  # clockwise from the map's up
        size = (north - south) * 0.06
        tip_x, tip_y = east - (east - west) * 0.05, north - (north - south) * 0.05
        base_x, base_y = tip_x - size * math.sin(angle), tip_y - size * math.cos(angle)
        self.ax.annotate("", xy=(tip_x, tip_y), xytext=(base_x, base_y), zorder=15,
                         arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.3", "color": INK,
                                     "linewidth": 1.6})
        self.ax.text(base_x, base_y - size * 0.12, t("north", self.lang), ha="center", va="top", size=9,
                     weight="bold", color=INK, zorder=15,
                     path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
        self.labels.block(self._box_pixels(tip_x - size * 0.4, base_y - size * 0.5, tip_x + size * 0.4, tip_y))

    def _box_pixels(self, x0, y0, x1, y1):
        """A box in map metres as pixels (x0, y0, x1, y1)."""
        (px0, py0), (px1, py1) = self.ax.transData.transform([(x0, y0), (x1, y1)])
        return (min(px0, px1), min(py0, py1), max(px0, px1), max(py0, py1))


def map_extent(bounds, aspect: float) -> tuple[float, float, float, float]:
    """``bounds`` (METRIC_CRS) with a margin, widened or heightened to the map's ``aspect`` (width / height)."""
    west, south, east, north = bounds
    width = max(east - west, 10_000) * 1.1
    height = max(north - south, 10_000) * 1.1
    width, height = max(width, height * aspect), max(height, width / aspect)
    x, y = (west + east) / 2, (south + north) / 2
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


def nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not above ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)
