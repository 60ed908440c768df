"""The brief's map: Cordon's reference layers (no tiles) in ``METRIC_CRS``, so that the scale bar is true, with
the Gi* hexagons by confidence bin, the cluster outlines and numbers, checkpoints and hubs, place names, a legend,
a scale bar and a north arrow. It frames the brief's area and the results close to it
(``geodata.brief_frame``); the layers are simplified to what the printed scale can show (``DETAIL_POINTS``), so
that the PDF holds a few hundred kB of drawing rather than every vertex of the borders."""

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
from matplotlib.offsetbox import AnchoredOffsetbox, TextArea, VPacker
from matplotlib.patches import Patch, Rectangle
from pyproj import Transformer

from geodata.brief import Brief
from geodata.brief_frame import beyond_map, far_place_text, map_frame
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
NAME_GRID = 7  # an area's name is tried at up to NAME_GRID² points inside it
DETAIL_POINTS = 0.5  # layers are simplified to this tolerance on paper (points: 1/72 inch)
FAR_PLACES = 4  # places beyond the map named in its box; the others are counted
BEYOND_INCHES = 2.3  # the width of that box's lines
# Corners for the box of results beyond the map, with where it is anchored (axes fraction) when not in the
# corner itself: left of the north arrow, above the scale bar.
BEYOND_ANCHORS = {"upper right": (0.9, 1.0), "lower right": (1.0, 0.12), "upper left": None, "lower left": None}
CHECKPOINT_SIZE, HUB_SIZE, CLUSTER_SIZE, HOT_DOT_SIZE = 26, 34, 9, 110  # markers' areas (scatter's s, points²)


class Page(Protocol):
    """What the map takes from the page it is drawn on (``geodata.brief_render``'s page)."""

    figure: Figure
    brief: Brief
    lang: str
    renderer: object
    map_box: tuple[float, float, float, float]  # x, y, width, height in inches from the bottom left

    def wrap(self, text: str, width: float, size: float, weight: str = "normal") -> list[str]: ...


class MapPanel:
    """The map: reference layers, hexagons, clusters, places, labels, legend, scale bar, north arrow."""

    def __init__(self, page: Page):
        self.page = page
        self.brief = page.brief
        self.lang = page.lang
        x, y, width, height = page.map_box
        page_width, page_height = PAGE_INCHES
        self.ax = page.figure.add_axes((x / page_width, y / page_height, width / page_width, height / page_height))
        self.extent = map_extent(map_frame(self.brief), width / height)
        self.beyond = beyond_map(self.brief, self.extent)  # results the map does not show, listed in a box
        self.metres_per_point = (self.extent[2] - self.extent[0]) / (width * 72)
        self.ax.set_xlim(self.extent[0], self.extent[2])
        self.ax.set_ylim(self.extent[1], self.extent[3])
        self.ax.set_axis_off()
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor=SEA, edgecolor="none",
                                    zorder=-10))
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor="none", edgecolor=INK,
                                    linewidth=0.8, zorder=30, clip_on=False))
        self.labels = LabelPlacer(self.ax, page.renderer)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Reference layer ``name`` clipped to the map (with a margin), in METRIC_CRS, simplified to
        ``DETAIL_POINTS`` on paper."""
        west, south, east, north = self.extent
        pad = 0.1 * max(east - west, north - south)
        window = gpd.GeoSeries([shapely.box(west - pad, south - pad, east + pad, north + pad)], crs=METRIC_CRS)
        return self.on_paper(gpd.clip(load_layer(name), window.to_crs(WGS84).total_bounds))

    def on_paper(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """``frame`` in METRIC_CRS with no more detail than the printed map shows (``DETAIL_POINTS``)."""
        frame = frame.to_crs(METRIC_CRS)
        return frame.set_geometry(frame.geometry.simplify(self.metres_per_point * DETAIL_POINTS))

    def draw(self) -> None:
        ax, brief = self.ax, self.brief
        countries = self.layer("countries")
        countries[countries["iso3"] != "CHN"].plot(ax=ax, color=NEIGHBOUR_FILL, edgecolor=PROVINCE_LINE, linewidth=0.4)
        provinces = self.layer("provinces")
        provinces.plot(ax=ax, color=CHINA_FILL, edgecolor=PROVINCE_LINE, linewidth=0.6)
        area = self.on_paper(brief.area.shapes)
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
        self.scale_bar()
        self.north_arrow()
        self.legend()
        self.beyond_box()
        self.hexagons()
        self.clusters()
        checkpoints = self.places()
        # Labels after every marker, so that none hides one: cluster numbers first (they must show).
        self.cluster_numbers()
        self.checkpoint_names(checkpoints)
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
        cells = cells.to_crs(METRIC_CRS)
        # One shape a bin (a hexagon's neighbours of the same bin share its edges), significant bins on top.
        bins = self.on_paper(cells[["bin", "geometry"]].dissolve("bin").reset_index().sort_values("bin", key=np.abs))
        colours = [(*HOT_SPOT_COLOURS[level], NOT_SIGNIFICANT_ALPHA if level == 0 else 0.9) for level in bins["bin"]]
        bins.plot(ax=self.ax, color=colours, edgecolor=colours, linewidth=0.5)
        across = np.sqrt(cells.geometry.area.median())
        pixels = abs(self.ax.transData.transform((across, 0))[0] - self.ax.transData.transform((0, 0))[0])
        significant = cells[cells["bin"] != 0]
        if pixels < MIN_HEXAGON_PIXELS and not significant.empty:
            centres = significant.geometry.centroid
            colours = [HOT_SPOT_COLOURS[level] for level in significant["bin"]]
            self.ax.scatter(centres.x, centres.y, s=HOT_DOT_SIZE, color=colours, edgecolors=INK, linewidths=0.5,
                            zorder=7)
            self.labels.block_markers(centres.x, centres.y, HOT_DOT_SIZE)

    def _cluster_centres(self) -> gpd.GeoSeries:
        clusters = self.brief.clusters
        return gpd.GeoSeries(gpd.points_from_xy(clusters["lon"], clusters["lat"]), crs=WGS84).to_crs(METRIC_CRS)

    def clusters(self) -> None:
        clusters = self.brief.clusters
        if clusters.empty:
            return
        self.on_paper(clusters).plot(ax=self.ax, facecolor="none", edgecolor=CLUSTER_LINE, linewidth=1.0)
        centres = self._cluster_centres()
        self.ax.scatter(centres.x, centres.y, s=CLUSTER_SIZE, color=CLUSTER_LINE, zorder=6, linewidths=0)
        self.labels.block_markers(centres.x, centres.y, CLUSTER_SIZE)

    def cluster_numbers(self) -> None:
        """The numbers of the largest clusters (the table's ranks), in rank order."""
        ranked = set(self.brief.top_clusters["rank"])
        centres = self._cluster_centres()
        for x, y, rank in sorted(zip(centres.x, centres.y, self.brief.clusters["cluster"] + 1),
                                 key=lambda centre: centre[2]):
            if rank in ranked:
                self.labels.add(x, y, str(rank), size=8.5, weight="bold", color="white", box=CLUSTER_LINE,
                                required=True)

    def places(self) -> gpd.GeoDataFrame:
        """The hubs and checkpoints as markers; returns the checkpoints, to be named."""
        checkpoints = self.layer("checkpoints")
        hubs = self.layer("hubs")
        self.ax.scatter(hubs.geometry.x, hubs.geometry.y, marker="^", s=HUB_SIZE, color=HUB, edgecolors=INK,
                        linewidths=0.5, zorder=7)
        self.ax.scatter(checkpoints.geometry.x, checkpoints.geometry.y, marker="D", s=CHECKPOINT_SIZE, color="white",
                        edgecolors=CHECKPOINT_EDGE, linewidths=0.9, zorder=8)
        for frame, size in ((hubs, HUB_SIZE), (checkpoints, CHECKPOINT_SIZE)):
            self.labels.block_markers(frame.geometry.x, frame.geometry.y, size)
        return checkpoints

    def checkpoint_names(self, checkpoints: gpd.GeoDataFrame) -> None:
        """Checkpoint names, those of the table's clusters first (in rank order), where there is room."""
        named = list(self.brief.top_clusters["checkpoint"])
        order = [named.index(place_name(row, self.lang)) if place_name(row, self.lang) in named else len(named)
                 for _, row in checkpoints.iterrows()]
        for _, row in checkpoints.iloc[np.argsort(order, kind="stable")].iterrows():
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
                for point in name_points(shown):
                    if self.labels.add(point.x, point.y, place_name(row, self.lang), size=size, color=colour,
                                       style=style, halo=True, centred=True):
                        break

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
        self._in_corner(lambda corner: Legend(
            self.ax, handles, [handle.get_label() for handle in handles], loc=corner, fontsize=6.5,
            title=t("legend", lang), title_fontsize=7, frameon=True, framealpha=0.92, edgecolor=PROVINCE_LINE,
            ncols=2, handlelength=1.6, borderpad=0.5, labelspacing=0.3, columnspacing=1.0),
            ("upper left", "lower left"))  # the scale bar and the north arrow hold the right

    def beyond_box(self) -> None:
        """The results beyond the map (``self.beyond``, far from the brief's area), place by place, in
        the free corner that hides the fewest hot spots, clusters and checkpoints."""
        if not self.beyond:
            return
        lang, size = self.lang, 6.5
        lines = [far_place_text(place, lang) for place in self.beyond[:FAR_PLACES]]
        if len(self.beyond) > FAR_PLACES:
            lines.append(t("beyond_more", lang, count=len(self.beyond) - FAR_PLACES))
        wrapped = ["\n".join(self.page.wrap(line, BEYOND_INCHES, size)) for line in lines]
        title = TextArea(t("beyond_map", lang), textprops={"size": 7, "weight": "bold", "color": INK})
        body = [TextArea(line, textprops={"size": size, "color": INK}) for line in wrapped]
        panel = VPacker(children=[title, *body], pad=0, sep=2.5)

        def boxed(corner: str) -> AnchoredOffsetbox:
            anchor = BEYOND_ANCHORS[corner]
            box = AnchoredOffsetbox(loc=corner, child=panel, pad=0.4, borderpad=0.5, frameon=True,
                                    bbox_to_anchor=anchor and (*anchor, 0, 0), bbox_transform=self.ax.transAxes)
            box.patch.set(facecolor="white", alpha=0.92, edgecolor=PROVINCE_LINE)
            box.axes = self.ax
            box.set_figure(self.ax.figure)
            return box

        self._in_corner(boxed, tuple(BEYOND_ANCHORS))

    def _in_corner(self, make, corners) -> None:
        """Add ``make(corner)`` (a legend or a box) in the one of ``corners`` that overlaps nothing
        placed before it and hides the fewest hot spots, clusters and checkpoints; keep labels off it."""
        interest = self._interest_pixels()
        crowding = []
        for corner in corners:
            artist = make(corner)
            box = artist.get_window_extent(self.page.renderer)
            if self.labels.blocked(box):
                continue
            hidden = ((interest[:, 0] >= box.x0) & (interest[:, 0] <= box.x1)
                      & (interest[:, 1] >= box.y0) & (interest[:, 1] <= box.y1))
            crowding.append((int(hidden.sum()), artist, box))
        if not crowding:
            return
        _, artist, box = min(crowding, key=lambda entry: entry[0])
        self.ax.add_artist(artist)
        artist.set_zorder(20)
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


def name_points(shape, across: int = NAME_GRID) -> list:
    """Where an area's name may go: its representative point, then points of a grid inside it, the
    nearest to that point first (when the middle is taken, the name moves within the area)."""
    middle = shape.representative_point()
    west, south, east, north = shape.bounds
    grid = shapely.points([(west + (east - west) * (i + 0.5) / across, south + (north - south) * (j + 0.5) / across)
                           for i in range(across) for j in range(across)])
    inside = grid[shapely.contains(shape, grid)]
    return [middle, *sorted(inside, key=middle.distance)]


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
