"""Map labels that do not overlap: each beside its point, or farther out with a leader line, or left out."""

from __future__ import annotations

import math

from matplotlib import patheffects
from matplotlib.font_manager import FontProperties

from geodata.brief_style import MUTED


class LabelPlacer:
    """Places map labels where they overlap no earlier label or blocked box: beside their point, or
    farther out with a leader line. Labels that must show (cluster ranks) take the least crowded
    place when none is free; others are left out."""

    OFFSETS = ((6, 0), (-6, 0), (0, 6), (0, -6), (5, 5), (-5, 5), (5, -5), (-5, -5))  # points, by preference
    RINGS = (1, 2.4, 4, 6)

    def __init__(self, ax, renderer):
        self.ax = ax
        self.renderer = renderer
        self.taken: list[tuple[float, float, float, float]] = []
        x0, y0, x1, y1 = ax.get_window_extent(renderer).extents
        self.frame = (x0 + 2, y0 + 2, x1 - 2, y1 - 2)

    def block(self, box) -> None:
        """Keep labels off ``box`` (pixels: x0, y0, x1, y1 or a Bbox)."""
        self.taken.append(tuple(box.extents) if hasattr(box, "extents") else tuple(box))

    def add(self, x: float, y: float, text: str, size: float, color: str, weight: str = "normal",
            style: str = "normal", box: str | None = None, halo: bool = False, centred: bool = False,
            required: bool = False) -> None:
        """Label the map point (x, y) with ``text``: ``box`` a background colour, ``halo`` a white
        outline, ``centred`` on the point rather than beside it."""
        if not text:
            return
        px, py = self.ax.transData.transform((x, y))
        x0, y0, x1, y1 = self.frame
        if not (x0 <= px <= x1 and y0 <= py <= y1):
            return
        pad = 3 if box else 1
        prop = FontProperties(size=size, weight=weight, style=style)
        width, height, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        points = self.ax.figure.dpi / 72
        width, height = width + 2 * pad * points, height + 2 * pad * points
        candidates = [(0, 0)] if centred else [(dx * ring, dy * ring) for ring in self.RINGS for dx, dy in self.OFFSETS]
        best, best_overlap = None, math.inf
        for dx, dy in candidates:
            cx, cy = px + dx * points, py + dy * points
            left = cx - width / 2 if dx == 0 else (cx if dx > 0 else cx - width)
            bottom = cy - height / 2 if dy == 0 else (cy if dy > 0 else cy - height)
            rect = (left, bottom, left + width, bottom + height)
            inside = rect[0] >= x0 and rect[1] >= y0 and rect[2] <= x1 and rect[3] <= y1
            overlap = sum(shared_area(rect, other) for other in self.taken) + (0 if inside else 1e9)
            if overlap < best_overlap:
                best, best_overlap = (dx, dy, rect), overlap
            if overlap == 0:
                break
        if best_overlap > 0 and not required:
            return
        dx, dy, rect = best
        self.taken.append(rect)
        ha = "center" if dx == 0 else ("left" if dx > 0 else "right")
        va = "center" if dy == 0 else ("bottom" if dy > 0 else "top")
        far = math.hypot(dx, dy) > 9
        self.ax.annotate(
            text, xy=(x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, size=size, color=color,
            weight=weight, style=style, zorder=12 if box else 11, annotation_clip=True,
            bbox={"boxstyle": f"round,pad={pad / size:.2f}", "facecolor": box, "edgecolor": "white", "linewidth": 0.6}
            if box else None,
            arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.7, "shrinkA": 0, "shrinkB": 2}
            if far else None,
            path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")] if halo else None)


def shared_area(a, b) -> float:
    """Area (pixels²) shared by two boxes (x0, y0, x1, y1)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
