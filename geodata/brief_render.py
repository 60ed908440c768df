"""Drawing the situation brief: one A4 landscape page, PNG or PDF, with matplotlib, offline.

The page: a title with the area and the period (and a SYNTHETIC DEMO DATA stamp when the view holds
synthetic records); a map drawn only from Cordon's reference layers (neighbouring countries,
provinces, counties, border zones, the land boundary, checkpoints and hubs; no tiles), in
``METRIC_CRS`` so that the scale bar is true, with the Gi* hexagons coloured by confidence bin,
the cluster outlines and their numbers, a legend, a scale bar and a north arrow; the headline
figures against the previous period; the filters and the analysis parameters; the largest
clusters as a table; a footer with Cordon's version and the generation time.

Text from records and from users (names, items, the text search) is drawn literally: math text is
off for the whole page (``text.parse_math``), so a ``$...$`` is never parsed, and matplotlib
draws no markup. Chinese needs a CJK font (:func:`cjk_font`); English pages use one too, when it
is installed, for any Chinese a user typed.

The figure is built with matplotlib's object API on an Agg canvas (no pyplot, no global backend),
so the dashboard can render to bytes in its own process.
"""

from __future__ import annotations

import io
import math
import os
import re
import threading
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import font_manager, patheffects, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from pyproj import Transformer

from geodata.brief import FORMATS, Brief, period_label, place_name, t
from geodata.crs import METRIC_CRS, WGS84
from geodata.palette import BIN_COLOURS
from geodata.reference import load_layer

PAGE_INCHES = (297 / 25.4, 210 / 25.4)  # A4 landscape
DPI = 150
MARGIN = 0.35  # inches
MIN_HEXAGON_PIXELS = 8  # below this a significant hexagon also gets a dot
# A wrapped line may break after a space or beside a CJK character or full-width punctuation.
WRAP_TOKENS = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|[\u2e80-\u9fff\uff00-\uffef]\s*|\s+")
PROVINCE_NAMES_KM = 300  # narrower maps show a county or two: a province's name would sit on them
COUNTY_LINES_KM = 900  # wider maps leave out the county lines
# matplotlib's settings (rcParams) are global: one page at a time, as the dashboard's sessions run in threads.
_RENDERING = threading.RLock()
LINE, HEADING = 0.15, 0.22  # inches a text line and a section heading take in the right column

# Print palette (light paper). Hot and cold bins take geodata.palette's colours, as the dashboard and
# the KML exports do; the border zones, boundary, checkpoints and hubs echo the dashboard's map on paper.
HOT_SPOT_COLOURS = {level: tuple(channel / 255 for channel in rgb) for level, rgb in BIN_COLOURS.items()}
NOT_SIGNIFICANT_ALPHA = 0.35  # grey hexagons that held seizures but are no hot or cold spot: background
INK = "#1f2933"
MUTED = "#66717e"
SEA = "#dce8f1"
NEIGHBOUR_FILL = "#e3e0d8"
CHINA_FILL = "#f1efe9"
AREA_FILL = "#ffffff"
PROVINCE_LINE = "#98a3af"
COUNTY_LINE = "#ccd2d8"
ZONE_COLOUR = "#e8590c"
ZONE_ALPHA = 0.09
BOUNDARY = "#c92a2a"
CHECKPOINT_EDGE = "#1f2933"
HUB = "#f59f00"
CLUSTER_LINE = "#212529"
RULE = "#d5d9de"
PANEL = "#f4f5f7"
STAMP = "#c92a2a"

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN")



def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def font_families(lang: str) -> list[str]:
    """Fonts in order of use: for Chinese a CJK font first (a clear error when there is none), for
    English DejaVu Sans with a CJK font behind it for any Chinese in the text."""
    cjk = cjk_font()
    if lang == "zh" and cjk is None:
        raise ValueError(
            "a Chinese brief (lang='zh') needs a font with Chinese glyphs and none is installed; install one "
            "(Debian: apt-get install fonts-noto-cjk), then delete matplotlib's font cache "
            f"({matplotlib.get_cachedir()}) so that it finds the new font")
    if cjk is None:
        return ["DejaVu Sans"]
    return [cjk, "DejaVu Sans"] if lang == "zh" else ["DejaVu Sans", cjk]


def output_format(out, fmt: str | None = None) -> str:
    """The format to write: ``fmt`` when given, else from the suffix of the path ``out``."""
    if fmt is None:
        if not isinstance(out, str | os.PathLike):
            raise ValueError("fmt ('png' or 'pdf') is needed when writing to a buffer")
        fmt = Path(out).suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise ValueError(f"the brief is written as .png or .pdf, got {Path(out).name!r}")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return fmt


def render_brief(brief: Brief, out, fmt: str | None = None, dpi: int = DPI) -> None:
    """Draw ``brief`` on one A4 landscape page and write it to ``out`` (a path, or a binary buffer
    with ``fmt``) as PNG (``dpi`` dots per inch) or PDF.

    Examples
    --------
    >>> render_brief(brief, "brief.pdf")                         # doctest: +SKIP
    >>> buffer = io.BytesIO(); render_brief(brief, buffer, "png")  # doctest: +SKIP
    """
    if not isinstance(brief, Brief):
        raise TypeError(f"brief must be a geodata.brief.Brief, got {type(brief).__name__}")
    fmt = output_format(out, fmt)
    if dpi < 50:
        raise ValueError(f"dpi must be 50 or more, got {dpi}")
    with _RENDERING, _page_style(brief.lang):
        figure = brief_figure(brief, dpi)
        with rc_context({"pdf.fonttype": _pdf_font_type(figure)}):
            figure.savefig(out, format=fmt, dpi=dpi, facecolor="white", metadata=_metadata(brief, fmt))


def brief_bytes(brief: Brief, fmt: str = "png", dpi: int = DPI) -> bytes:
    """The rendered page as bytes (for a download button)."""
    buffer = io.BytesIO()
    render_brief(brief, buffer, fmt, dpi)
    return buffer.getvalue()


def _metadata(brief: Brief, fmt: str) -> dict:
    title = f"{t('title', brief.lang)}: {brief.area.name}, {brief.period_text}"
    if fmt == "pdf":
        return {"Title": title, "Creator": f"Cordon {brief.version}"}
    return {"Title": title, "Software": f"Cordon {brief.version}"}


def _page_style(lang: str):
    """matplotlib settings for drawing and saving the page: no math text, the fonts for ``lang``."""
    return rc_context({"text.parse_math": False, "font.family": font_families(lang), "font.size": 8,
                       "axes.unicode_minus": False})


def _pdf_font_type(figure: Figure) -> int:
    """42 (TrueType: the PDF's text can be searched and copied) when DejaVu Sans has every character
    on the page, else 3 (glyphs as drawings): matplotlib writes broken TrueType for CJK fonts with
    CFF outlines such as Noto Sans CJK (matplotlib issue 20870)."""
    dejavu = set(font_manager.get_font(font_manager.findfont("DejaVu Sans")).get_charmap())
    used = {ord(character) for text in figure.findobj(Text) for character in text.get_text()}
    return 42 if used <= dejavu else 3


def brief_figure(brief: Brief, dpi: int = DPI) -> Figure:
    """The page as a matplotlib Figure (on an Agg canvas), with every text drawn literally."""
    with _RENDERING, _page_style(brief.lang):
        figure = Figure(figsize=PAGE_INCHES, dpi=dpi, facecolor="white")
        FigureCanvasAgg(figure)
        page = _Page(figure, brief)
        page.header()
        page.map()
        page.figures()
        page.table()
        page.footer()
        return figure


class _Page:
    """Places the parts of the brief on the figure; positions are in inches from the bottom left."""

    def __init__(self, figure: Figure, brief: Brief):
        self.figure = figure
        self.brief = brief
        self.lang = brief.lang
        self.renderer = figure.canvas.get_renderer()
        width, height = PAGE_INCHES
        self.right_column = (7.55, width - MARGIN)  # x from, x to
        self.map_box = (MARGIN, 2.35, 7.55 - 0.2 - MARGIN, height - 1.2 - 2.35)  # x, y, width, height
        self.column_floor = self.map_box[1]  # the right column ends where the table begins

    # --- text helpers -------------------------------------------------------------------------
    def text(self, x: float, y: float, text: str, **style):
        """Figure text at (x, y) inches."""
        width, height = PAGE_INCHES
        return self.figure.text(x / width, y / height, text, **style)

    def width_of(self, text: str, size: float, weight: str = "normal") -> float:
        """The drawn width of ``text`` in inches."""
        prop = FontProperties(size=size, weight=weight)
        pixels, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return pixels / self.figure.dpi

    def wrap(self, text: str, width: float, size: float, weight: str = "normal") -> list[str]:
        """``text`` broken into lines no wider than ``width`` inches: between words, and between
        any two Chinese characters."""
        lines, line = [], ""
        for token in WRAP_TOKENS.findall(text):
            if line.strip() and self.width_of(line + token.rstrip(), size, weight) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line.rstrip()] if line.strip() else lines

    def fit(self, text: str, width: float, size: float, weight: str = "normal") -> str:
        """``text`` cut with an ellipsis to fit ``width`` inches."""
        if self.width_of(text, size, weight) <= width:
            return text
        while text and self.width_of(text + "…", size, weight) > width:
            text = text[:-1]
        return text.rstrip(" ,") + "…"

    # --- parts --------------------------------------------------------------------------------
    def header(self) -> None:
        brief, lang = self.brief, self.lang
        width, height = PAGE_INCHES
        top = height - MARGIN
        stamp_width = 3.0 if brief.synthetic else 0.0
        title_width = width - 2 * MARGIN - stamp_width - 0.3
        self.text(MARGIN, top - 0.3, self.fit(f"{t('title', lang)} · {brief.area.name}", title_width, 19, "bold"),
                  size=19, weight="bold", color=INK)
        if brief.previous_period:
            compared = t("compared_with", lang, period=period_label(brief.previous_period))
        else:
            compared = t("no_previous", lang)
        cut_off = (t("cut_off_value", lang, time=f"{brief.cut_off:%Y-%m-%d %H:%M}") if brief.cut_off
                   else t("no_data", lang))
        self.text(MARGIN, top - 0.54, self.fit(f"{t('period', lang)} {brief.period_text} ({compared})", title_width,
                                               10), size=10, color=INK)
        self.text(MARGIN, top - 0.72, f"{t('cut_off', lang)}: {cut_off}", size=8.5, color=MUTED)
        if brief.synthetic:
            x = width - MARGIN - stamp_width
            self.figure.patches.append(Rectangle(
                (x / width, (top - 0.66) / height), stamp_width / width, 0.62 / height,
                transform=self.figure.transFigure, facecolor="white", edgecolor=STAMP, linewidth=2))
            self.text(x + stamp_width / 2, top - 0.28, t("synthetic", lang), size=15, weight="bold",
                      color=STAMP, ha="center")
            detail = ("synthetic_all" if brief.synthetic == brief.seizures else "synthetic_some")
            self.text(x + stamp_width / 2, top - 0.53,
                      t(detail, lang, synthetic=brief.synthetic, count=brief.seizures), size=8, color=STAMP,
                      ha="center")
        line_y = (top - 0.8) / height
        self.figure.add_artist(Line2D([MARGIN / width, 1 - MARGIN / width], [line_y, line_y], color=INK,
                                      linewidth=0.8, transform=self.figure.transFigure))

    def map(self) -> None:
        _MapPanel(self).draw()

    def figures(self) -> None:
        """The right column: headline figures, the hot-spot and cluster summary, the analysis
        parameters and the filters."""
        brief, lang = self.brief, self.lang
        left, right = self.right_column
        width = right - left
        y = PAGE_INCHES[1] - 1.2
        y = self.heading(left, y, t("figures", lang), self.column_floor)
        for kpi in brief.kpis:
            scale = 1e6 if kpi.field == "value_cny" else 1
            shown = "{:,.1f}" if kpi.field == "value_cny" else "{:,.0f}"
            self.figure.patches.append(Rectangle(
                (left / PAGE_INCHES[0], (y - 0.46) / PAGE_INCHES[1]), width / PAGE_INCHES[0], 0.42 / PAGE_INCHES[1],
                transform=self.figure.transFigure, facecolor=PANEL, edgecolor="none"))
            self.text(left + 0.08, y - 0.17, t(f"kpi_{kpi.field}", lang), size=8.5, color=MUTED)
            self.text(right - 0.08, y - 0.25, shown.format(kpi.value / scale), size=16, weight="bold", color=INK,
                      ha="right", va="center")
            if kpi.previous is not None:
                self.text(left + 0.08, y - 0.36,
                          t("previous_value", lang, value=shown.format(kpi.previous / scale)) + _trend(kpi.change),
                          size=8, color=INK)
            y -= 0.5
        y = self.heading(left, y - 0.05, t("analysis_summary", lang), self.column_floor)
        bins = brief.hot_spots["bin"].value_counts() if not brief.hot_spots.empty else {}
        count = {level: int(bins.get(level, 0)) for level in range(-3, 4)}
        for line in (t("hot_summary", lang, hot=count[1] + count[2] + count[3], h3=count[3], h2=count[2],
                           h1=count[1], cold=count[-1] + count[-2] + count[-3], cells=len(brief.hot_spots)),
                     t("cluster_summary", lang, clusters=len(brief.clusters))):
            y = self.paragraph(left, y, line, width)
        # The filters come last: a long list of them is what may have to be cut at the table.
        y = self.heading(left, y - 0.05, t("parameters", lang), self.column_floor)
        y = self.pairs(left, y, width, brief.parameter_lines)
        y = self.heading(left, y - 0.05, t("filters", lang), self.column_floor)
        self.pairs(left, y, width, ((t("period", lang), brief.period_text), *brief.filter_lines))

    def heading(self, x: float, y: float, text: str, floor: float = 0.0) -> float:
        """A section heading at ``y``, if a line of text still fits under it above ``floor``."""
        if y - HEADING - LINE < floor:
            return y
        self.text(x, y - 0.14, text.upper() if self.lang == "en" else text, size=8, weight="bold", color=MUTED)
        return y - HEADING

    def paragraph(self, x: float, y: float, text: str, width: float, size: float = 8) -> float:
        """``text`` wrapped to ``width`` from ``y`` down; lines that would reach the table are left
        out and the last one shown ends in an ellipsis."""
        lines = self.wrap(text, width, size)
        room = max(0, int((y - self.column_floor) / LINE))
        if len(lines) > room:
            lines = lines[:room]
            lines[-1:] = [self.fit(line + "…", width, size) for line in lines[-1:]]
        for line in lines:
            self.text(x, y - 0.12, line, size=size, color=INK)
            y -= LINE
        return y

    def pairs(self, x: float, y: float, width: float, pairs) -> float:
        """(label, value) lines: the label bold, the value wrapped beside it."""
        key_width = max(self.width_of(key, 8, "bold") for key, _ in pairs) + 0.1
        key_width = min(key_width, width * 0.38)
        for key, value in pairs:
            if y - LINE < self.column_floor:
                break
            self.text(x, y - 0.12, self.fit(key, key_width - 0.05, 8, "bold"), size=8, weight="bold", color=INK)
            y = self.paragraph(x + key_width, y, value, width - key_width)
        return y

    def table(self) -> None:
        """The largest clusters, ranked as numbered on the map."""
        brief, lang = self.brief, self.lang
        width = PAGE_INCHES[0] - 2 * MARGIN
        top = self.map_box[1] - 0.12
        y = self.heading(MARGIN, top, t("top_title", lang))
        rows = brief.top_clusters
        if rows.empty:
            self.text(MARGIN, y - 0.15, t("no_clusters", lang), size=8.5, color=INK)
            return
        columns = (("col_rank", 0.45, "right"), ("col_seizures", 0.75, "right"), ("col_kg", 1.0, "right"),
                   ("col_value", 0.75, "right"), ("col_items", 3.6, "left"), ("col_zone", 1.25, "left"),
                   ("col_checkpoint", 2.5, "left"), ("col_km", 0.55, "right"))
        scale = width / sum(w for _, w, _ in columns)
        cells = [[f"{row.rank}", f"{row.seizures:,}", f"{row.kg:,.0f}", f"{row.value_cny / 1e6:,.1f}",
                  str(row.main_items), str(row.zone), str(row.checkpoint), f"{row.checkpoint_km:,.1f}"]
                 for row in rows.itertuples()]
        row_height = min(0.19, (y - 0.62) / (len(cells) + 1))
        x = MARGIN
        for index, (key, column_width, align) in enumerate(columns):
            column_width *= scale
            anchor = x + column_width - 0.08 if align == "right" else x + 0.08
            self.text(anchor, y - row_height * 0.7, t(key, lang), size=8, weight="bold", color=INK, ha=align)
            for number, row in enumerate(cells, start=1):
                self.text(anchor, y - row_height * (number + 0.7), self.fit(row[index], column_width - 0.16, 8),
                          size=8, color=INK, ha=align, weight="bold" if index == 0 else "normal")
            x += column_width
        page_width, page_height = PAGE_INCHES
        for number in range(len(cells) + 1):
            line_y = (y - row_height * (number + 1)) / page_height
            self.figure.add_artist(Line2D([MARGIN / page_width, (MARGIN + width) / page_width], [line_y, line_y],
                                          transform=self.figure.transFigure, color=INK if number == 0 else RULE,
                                          linewidth=0.8 if number == 0 else 0.5))

    def footer(self) -> None:
        brief = self.brief
        text = t("footer", self.lang, version=brief.version, generated=f"{brief.generated_at:%Y-%m-%d %H:%M}")
        self.text(MARGIN, 0.22, self.fit(text, PAGE_INCHES[0] - 2 * MARGIN, 7), size=7, color=MUTED)


class _MapPanel:
    """The map: reference layers, hexagons, clusters, places, labels, legend, scale bar, north arrow."""

    def __init__(self, page: _Page):
        self.page = page
        self.brief = page.brief
        self.lang = page.lang
        x, y, width, height = page.map_box
        page_width, page_height = PAGE_INCHES
        self.ax = page.figure.add_axes((x / page_width, y / page_height, width / page_width, height / page_height))
        self.extent = _extent(self.brief.area.bounds, width / height)
        self.ax.set_xlim(self.extent[0], self.extent[2])
        self.ax.set_ylim(self.extent[1], self.extent[3])
        self.ax.set_axis_off()
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor=SEA, edgecolor="none",
                                    zorder=-10))
        self.ax.add_patch(Rectangle((0, 0), 1, 1, transform=self.ax.transAxes, facecolor="none", edgecolor=INK,
                                    linewidth=0.8, zorder=30, clip_on=False))
        self.labels = _LabelPlacer(self.ax, page.renderer)

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
                         edgecolor="none", label=t(f"bin_{level}", lang))
                   for level in sorted(BIN_COLOURS, reverse=True)]
        handles += [
            Patch(facecolor="none", edgecolor=CLUSTER_LINE, label=t("legend_clusters", lang)),
            Patch(facecolor=AREA_FILL, edgecolor=INK, linewidth=1.3, label=t("legend_area", lang)),
            Patch(facecolor=to_rgba(ZONE_COLOUR, ZONE_ALPHA), edgecolor=ZONE_COLOUR, label=t("legend_zone", lang)),
            Line2D([], [], color=BOUNDARY, linewidth=1.4, label=t("legend_boundary", lang)),
            Line2D([], [], marker="D", linestyle="none", markersize=5, markerfacecolor="white",
                   markeredgecolor=CHECKPOINT_EDGE, label=t("legend_checkpoint", lang)),
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
        length = _nice_length((east - west) / 5)
        x0 = east - (east - west) * 0.04 - length
        y0 = south + (north - south) * 0.04
        height = (north - south) * 0.008
        for part in range(2):
            self.ax.add_patch(Rectangle((x0 + part * length / 2, y0), length / 2, height, zorder=15,
                                        facecolor=INK if part == 0 else "white", edgecolor=INK, linewidth=0.6))
        text = f"{length / 1000:g} km" if self.lang == "en" else f"{length / 1000:g} 千米"
        self.ax.text(x0 + length / 2, y0 + height * 2, text, ha="center", va="bottom", size=7, color=INK, zorder=15,
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


def _trend(change: float | None) -> str:
    """' · ▲ +12 %' for a change against the previous period; '' when there is none to tell."""
    if change is None:
        return ""
    percent = round(change * 100)
    return f" · {'▲' if percent > 0 else '▼'} {percent:+d} %" if percent else " · = 0 %"


def _extent(bounds, aspect: float) -> tuple[float, float, float, float]:
    """``bounds`` (METRIC_CRS) with a margin, widened or heightened to the map's ``aspect`` (width / height)."""
    west, south, east, north = bounds
    width = max(east - west, 10_000) * 1.1
    height = max(north - south, 10_000) * 1.1
    width, height = max(width, height * aspect), max(height, width / aspect)
    x, y = (west + east) / 2, (south + north) / 2
    return x - width / 2, y - height / 2, x + width / 2, y + height / 2


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 x 10^k metres not above ``metres``."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


class _LabelPlacer:
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
            overlap = sum(_overlap(rect, other) for other in self.taken) + (0 if inside else 1e9)
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


def _overlap(a, b) -> float:
    """Area (pixels²) shared by two boxes (x0, y0, x1, y1)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
