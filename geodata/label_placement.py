"""Where a map opens and which of its labels it writes there, computed on the server in Web-Mercator
pixels (deck.gl's: the world is 512 px wide at zoom 0), so that no two labels overlap and none is cut
at the map's edge.

A map's labels come as candidate boxes: each label (a ``slot``) may have several candidate places
(beside, above or below its mark; points inside a country's visible part), and a ``rank`` (0 is a mark,
always drawn; then the lower the rank, the more important). :func:`place` takes the labels in order of
rank and keeps, for each, the first candidate that lies inside the map and clear of every box kept
before (marks included). Marks are never dropped: a place whose name does not fit keeps its mark and
its tooltip.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

import numpy as np
import shapely
import shapely.ops

TILE_PX = 512  # deck.gl's world width at zoom 0
HALO_PX = 2.0  # room of a label's halo (outline) on each side, kept clear of other labels
MARK_INK = 0.75  # a symbol's ink across, in ems (◆ and ▲ of the CJK fonts: about 0.6)
# Width of a character in ems, on the generous side of Noto Sans and the CJK fonts (the browser test
# measures the real widths): CJK and other wide characters are one em.
NARROW, WIDE_LATIN, UPPER, OTHER = 0.34, 0.95, 0.72, 0.66
NARROW_CHARS = set(" .,:;'!|()[]/-ijlIft")
WIDE_CHARS = set("mwMW")


@dataclass(frozen=True)
class Viewport:
    """A map view: its centre, zoom and the canvas's size in CSS pixels."""

    lon: float
    lat: float
    zoom: float
    width: int
    height: int

    @property
    def scale(self) -> float:
        """Pixels per radian of longitude at this zoom."""
        return TILE_PX * 2**self.zoom / (2 * math.pi)

    def pixels(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Canvas pixels (x right, y down from the top left) of points in degrees."""
        x, y = _world(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), self.scale)
        cx, cy = _world(np.asarray(self.lon), np.asarray(self.lat), self.scale)
        return x - cx + self.width / 2, y - cy + self.height / 2

    def degrees(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Longitude and latitude of canvas pixels (the inverse of :meth:`pixels`)."""
        cx, cy = _world(np.asarray(self.lon), np.asarray(self.lat), self.scale)
        return _degrees(np.asarray(x, dtype=float) - self.width / 2 + cx, np.asarray(y, dtype=float) - self.height / 2 + cy,
                        self.scale)

    def to_pixels(self, geometry):
        """A shapely geometry in degrees as the same geometry in canvas pixels."""
        return shapely.transform(geometry, lambda xy: np.column_stack(self.pixels(xy[:, 0], xy[:, 1])))


def _world(lon: np.ndarray, lat: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator world pixels of points at the zoom of ``scale``."""
    lat = np.clip(lat, -85.05, 85.05)
    return scale * (np.radians(lon) + math.pi), scale * (math.pi - np.log(np.tan(math.pi / 4 + np.radians(lat) / 2)))


def _degrees(x: np.ndarray, y: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of Web-Mercator world pixels (the inverse of :func:`_world`)."""
    return np.degrees(x / scale - math.pi), np.degrees(2 * np.arctan(np.exp(math.pi - y / scale)) - math.pi / 2)


def fit_view(bounds, width: int, height: int, padding_px: float) -> Viewport:
    """The view of a ``width`` × ``height`` canvas centred on ``bounds`` (west, south, east, north, in
    degrees) at the largest zoom that shows them whole with ``padding_px`` to spare on every side.

    >>> view = fit_view((100, 20, 110, 30), 600, 600, 20)
    >>> x, y = view.pixels([100, 110], [30, 20])
    >>> bool(min(x.min(), y.min()) >= 20 and max(x.max(), y.max()) <= 580)
    True
    """
    west, south, east, north = bounds
    scale0 = TILE_PX / (2 * math.pi)
    (x0, x1), (top, bottom) = _world(np.array([west, east]), np.array([north, south]), scale0)
    zoom = math.log2(min((width - 2 * padding_px) / max(x1 - x0, 1e-9), (height - 2 * padding_px) / max(bottom - top, 1e-9)))
    lon, lat = _degrees(np.asarray((x0 + x1) / 2), np.asarray((top + bottom) / 2), scale0)
    return Viewport(round(float(lon), 4), round(float(lat), 4), math.floor(zoom * 1000) / 1000, width, height)


def text_width(text: str, size: float) -> float:
    """The width in pixels of ``text`` at ``size`` px, on the generous side (a wide character is one em).

    >>> text_width("河口", 12), text_width("Hekou", 10) < 40
    (24.0, True)
    """
    ems = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in "WFA" and not char.isascii():
            ems += 1.0
        elif char in NARROW_CHARS:
            ems += NARROW
        elif char in WIDE_CHARS:
            ems += WIDE_LATIN
        elif char.isupper() or char.isdigit():
            ems += UPPER
        else:
            ems += OTHER
    return ems * size


def text_boxes(x, y, texts, sizes, anchors, offsets) -> np.ndarray:
    """The boxes ``[x0, y0, x1, y1]`` of texts drawn as deck.gl's TextLayer draws them at canvas pixels
    ``x``, ``y``: vertically centred, ``anchors`` start, middle or end, moved by ``offsets`` (px) and
    widened by the halo on every side."""
    widths = np.array([text_width(text, size) for text, size in zip(texts, sizes)])
    sizes = np.asarray(sizes, dtype=float)
    offsets = np.asarray(list(offsets), dtype=float).reshape(-1, 2)
    shift = np.select([np.asarray(anchors) == "start", np.asarray(anchors) == "end"], [0.0, -1.0], -0.5)
    left = np.asarray(x, dtype=float) + offsets[:, 0] + shift * widths
    top = np.asarray(y, dtype=float) + offsets[:, 1] - sizes / 2
    return np.column_stack([left - HALO_PX, top - HALO_PX, left + widths + HALO_PX, top + sizes + HALO_PX])


def mark_boxes(x, y, sizes) -> np.ndarray:
    """The boxes of symbols (◆, ▲) centred at canvas pixels ``x``, ``y``: their ink, ``MARK_INK`` of the
    em, with the halo (the glyph's em square is mostly empty, and close places' marks would otherwise
    leave their names no room)."""
    half = MARK_INK * np.asarray(sizes, dtype=float) / 2 + HALO_PX
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.column_stack([x - half, y - half, x + half, y + half])


def place(boxes: np.ndarray, slots, ranks, width: float, height: float) -> np.ndarray:
    """Which candidate ``boxes`` to draw: every rank-0 box (a mark), then, label by label (``slots``) in
    order of rank (ties in the given order), the first candidate of the label that lies inside the
    ``width`` × ``height`` canvas and overlaps no box kept before but its own mark's (same slot).

    >>> boxes = np.array([[0, 0, 10, 10], [5, 5, 20, 20], [12, 0, 30, 9], [90, 0, 120, 9]])
    >>> place(boxes, ["a", "b", "c", "d"], [1, 1, 2, 1], 100, 100).tolist()
    [True, False, True, False]
    """
    boxes = np.asarray(boxes, dtype=float)
    ranks = np.asarray(ranks)
    numbers: dict = {}
    slots = np.array([numbers.setdefault(slot, len(numbers)) for slot in slots])  # each label by a number
    kept = ranks == 0
    placed_slots = set()
    inside = (boxes[:, 0] >= 0) & (boxes[:, 1] >= 0) & (boxes[:, 2] <= width) & (boxes[:, 3] <= height)
    for index in np.argsort(ranks, kind="stable"):
        slot = slots[index]
        if ranks[index] == 0 or slot in placed_slots or not inside[index]:
            continue
        if _overlaps(boxes[index], boxes[kept & (slots != slot)]):  # a name may touch its own mark
            continue
        kept[index] = True
        placed_slots.add(slot)
    return kept


def _overlaps(box: np.ndarray, others: np.ndarray) -> bool:
    """Whether ``box`` overlaps any of ``others`` (touching edges do not)."""
    return len(others) > 0 and bool(np.any((others[:, 0] < box[2]) & (box[0] < others[:, 2]) & (others[:, 1] < box[3]) & (box[1] < others[:, 3])))


def area_name_points(areas, view: Viewport, box_width: float, box_height: float, count: int = 12) -> list:
    """Candidate places (lon, lat) for the name of each of ``areas`` (shapely geometries in degrees):
    points of the area's part inside the map, far enough from the map's edge for a centred name of
    ``box_width`` × ``box_height`` px to stay inside it; the point farthest from the part's edge first
    (its pole of inaccessibility), then up to ``count`` - 1 others from the deepest inward. An area
    with no such room gets none."""
    inner = shapely.box(box_width / 2, box_height / 2, view.width - box_width / 2, view.height - box_height / 2)
    (west, east), (north, south) = view.degrees([0, view.width], [0, view.height])
    found = []
    for area in areas:
        shown = shapely.clip_by_rect(area, west, south, east, north)  # in degrees first: far areas cost nothing
        room = shapely.Polygon() if shown.is_empty or inner.is_empty else view.to_pixels(shown).intersection(inner)
        room = room.buffer(0)
        if room.is_empty or room.area < box_width * box_height / 4:
            found.append([])
            continue
        shapely.prepare(room)
        best = max(shapely.get_parts(room), key=lambda part: part.area)
        points = [shapely.ops.polylabel(best, 1.0)]
        x0, y0, x1, y1 = room.bounds
        grid = shapely.points(np.array(np.meshgrid(np.arange(x0, x1, box_height), np.arange(y0, y1, box_height))).reshape(2, -1).T)
        grid = grid[shapely.contains(room, grid)]
        depth = shapely.distance(grid, room.boundary)
        points += list(grid[np.argsort(-depth, kind="stable")][: count - 1])
        lon, lat = view.degrees([p.x for p in points], [p.y for p in points])
        found.append(list(zip(np.round(lon, 4).tolist(), np.round(lat, 4).tolist())))
    return found
