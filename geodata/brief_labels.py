"""Map labels that do not collide: each beside its point, or farther out with a leader line, or left out.

A label is placed where its box (the text as matplotlib lays it out, with its background box or its
halo and a small gap) meets no other label, leader line, blocked box (legend, scale bar, north
arrow) or marker, and stays inside the map; its leader line, when it has one, crosses no other
label, leader line or marker either. Labels that must show (cluster numbers) may cover a marker when
nothing else is free; others are left out.
"""

from __future__ import annotations

import math

import shapely
from matplotlib import patheffects
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from geodata.brief_style import MUTED

HALO_POINTS = 1.1  # the white outline around a label's letters (half of withStroke's linewidth)
GAP_POINTS = 1.0  # kept free around every label
LEADER_POINTS = 9  # offsets farther than this from the point get a leader line
LEADER_SHRINK_POINTS = 3  # the leader stops this short of its point (shrinkB), beside the point's marker


class LabelPlacer:
    """Places map labels (in pixels of the figure's renderer) where they collide with nothing placed
    or blocked before them."""

    OFFSETS = ((6, 0), (-6, 0), (0, 6), (0, -6), (5, 5), (-5, 5), (5, -5), (-5, -5))  # points, by preference
    RINGS = (1, 2.4, 4, 6, 8.5, 12)

    def __init__(self, ax, renderer):
        self.ax = ax
        self.renderer = renderer
        self.points = ax.figure.dpi / 72  # pixels per point
        self.labels: list[shapely.Polygon] = []  # label boxes and blocked boxes: nothing may touch them
        self.leaders: list[shapely.LineString] = []
        self.markers: list[shapely.Polygon] = []  # labels that must show may cover these when nothing is free
        x0, y0, x1, y1 = ax.get_window_extent(renderer).extents
        self.frame = shapely.box(x0 + 2, y0 + 2, x1 - 2, y1 - 2)

    def block(self, box) -> None:
        """Keep labels and leader lines off ``box`` (pixels: x0, y0, x1, y1 or a Bbox)."""
        self.labels.append(shapely.box(*(box.extents if hasattr(box, "extents") else box)))

    def blocked(self, box) -> bool:
        """Whether ``box`` (a Bbox) overlaps a label or a blocked box."""
        return any(shapely.box(*box.extents).intersects(other) for other in self.labels)

    def block_markers(self, xs, ys, size: float) -> None:
        """Keep labels off the markers drawn at the map points (xs, ys), of area ``size`` (scatter's s, points²)."""
        half = math.sqrt(size) * self.points / 2
        for px, py in self.ax.transData.transform(list(zip(xs, ys, strict=True))) if len(xs) else ():
            self.markers.append(shapely.box(px - half, py - half, px + half, py + half))

    def add(self, x: float, y: float, text: str, size: float, color: str, weight: str = "normal",
            style: str = "normal", box: str | None = None, halo: bool = False, centred: bool = False,
            required: bool = False) -> bool:
        """Label the map point (x, y) with ``text``: ``box`` a background colour, ``halo`` a white
        outline, ``centred`` on the point rather than beside it. True when the label was placed."""
        if not text:
            return False
        px, py = self.ax.transData.transform((x, y))
        if not self.frame.contains(shapely.Point(px, py)):
            return False
        pad = 3 if box else (HALO_POINTS if halo else 0)
        width, height = self._size(text, size, weight, style)
        margin = (pad + GAP_POINTS) * self.points
        candidates = [(0, 0)] if centred else [(dx * ring, dy * ring) for ring in self.RINGS for dx, dy in self.OFFSETS]
        fallback = None
        for dx, dy in candidates:
            cx, cy = px + dx * self.points, py + dy * self.points
            left = cx - width / 2 if dx == 0 else (cx if dx > 0 else cx - width)
            bottom = cy - height / 2 if dy == 0 else (cy if dy > 0 else cy - height)
            rect = shapely.box(left - margin, bottom - margin, left + width + margin, bottom + height + margin)
            leader = self._leader(rect, px, py) if math.hypot(dx, dy) > LEADER_POINTS else None
            if not self._free(rect, leader):
                continue
            if not self._covers_marker(rect, leader, shapely.Point(px, py)):
                break
            fallback = fallback or (dx, dy, rect, leader)
        else:
            if not (required and fallback):
                return False
            dx, dy, rect, leader = fallback
        self.labels.append(rect)
        if leader is not None:
            self.leaders.append(leader)
        self._draw(x, y, dx, dy, text, size, color, weight, style, box, pad, halo, leader is not None)
        return True

    def _size(self, text: str, size: float, weight: str, style: str) -> tuple[float, float]:
        """The width and height (pixels) of ``text`` as matplotlib lays it out on the map."""
        probe = Text(0, 0, text, fontproperties=FontProperties(size=size, weight=weight, style=style),
                     figure=self.ax.figure)
        extent = probe.get_window_extent(self.renderer)
        return extent.width, extent.height

    def _leader(self, rect: shapely.Polygon, px: float, py: float) -> shapely.LineString:
        """The leader line from the label's box towards its point, as matplotlib draws it (from the
        box's centre, cut at the box, stopping short of the point)."""
        centre = rect.centroid
        length = math.hypot(px - centre.x, py - centre.y)
        stop = max(0.0, 1 - LEADER_SHRINK_POINTS * self.points / length)
        line = shapely.LineString([(centre.x, centre.y),
                                   (centre.x + (px - centre.x) * stop, centre.y + (py - centre.y) * stop)])
        return line.difference(rect)

    def _free(self, rect: shapely.Polygon, leader) -> bool:
        """Whether a label box and its leader line stay inside the map and off every label and leader."""
        if not self.frame.contains(rect):
            return False
        if any(rect.intersects(other) for other in (*self.labels, *self.leaders)):
            return False
        return leader is None or leader.is_empty or not any(
            leader.intersects(other) for other in (*self.labels, *self.leaders))

    def _covers_marker(self, rect: shapely.Polygon, leader, point: shapely.Point) -> bool:
        """Whether a label box covers a marker, or its leader line one other than those on its own point."""
        return any(rect.intersects(marker) or (leader is not None and not marker.contains(point)
                                               and leader.intersects(marker))
                   for marker in self.markers)

    def _draw(self, x, y, dx, dy, text, size, color, weight, style, box, pad, halo, leader: bool) -> None:
        self.ax.annotate(
            text, xy=(x, y), xytext=(dx, dy), textcoords="offset points", size=size, color=color,
            ha="center" if dx == 0 else ("left" if dx > 0 else "right"),
            va="center" if dy == 0 else ("bottom" if dy > 0 else "top"),
            weight=weight, style=style, zorder=12 if box else 11, annotation_clip=True,
            bbox={"boxstyle": f"round,pad={pad / size:.2f}", "facecolor": box, "edgecolor": "white", "linewidth": 0.6}
            if box else None,
            arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.7, "shrinkA": 0,
                        "shrinkB": LEADER_SHRINK_POINTS} if leader else None,
            path_effects=[patheffects.withStroke(linewidth=2 * HALO_POINTS, foreground="white")] if halo else None)
