"""Drawing the situation brief: one A4 landscape page, PNG or PDF, with matplotlib, offline.

The page: a title with the area and the period (and a SYNTHETIC DEMO DATA stamp when the view holds
synthetic records); the map (``geodata.brief_map``, its labels placed by ``geodata.brief_labels``);
the headline figures against the previous period; the filters and the analysis parameters; the
largest clusters as a table; a footer with Cordon's version, the lake snapshot (none on a file store) and the generation time. Sizes and
colours are ``geodata.brief_style``'s.

Text from records and from users (names, items, the text search) is drawn literally: math text is
off for the whole page (``text.parse_math``), so a ``$...$`` is never parsed, and matplotlib
draws no markup. Chinese needs a CJK font (:func:`cjk_font`); English pages use one too, when it
is installed, for any Chinese a user typed.

The figure is built with matplotlib's object API on an Agg canvas (no pyplot, no global backend),
so the dashboard can render to bytes in its own process.
"""

from __future__ import annotations

import io
import os
import re
import threading
from pathlib import Path

import matplotlib
from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from geodata.brief import FORMATS, Brief, period_label
from geodata.brief_map import MapPanel
from geodata.brief_style import DPI, INK, MARGIN, MUTED, PAGE_INCHES, PANEL, RULE, STAMP
from queries.labels import t

# A wrapped line may break after a space or beside a CJK character or full-width punctuation.
WRAP_TOKENS = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|[\u2e80-\u9fff\uff00-\uffef]\s*|\s+")
# matplotlib's settings (rcParams) are global: one page at a time, as the dashboard's sessions run in threads.
_RENDERING = threading.RLock()
LINE, HEADING = 0.15, 0.22  # inches a text line and a section heading take in the right column

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
    """The file's title and maker and, on a lake, the snapshot it was computed from (PDF Subject, PNG Description)."""
    title = f"{t('brief_title', brief.lang)}: {brief.area.name}, {brief.period_text}"
    pdf = fmt == "pdf"
    metadata = {"Title": title, "Creator" if pdf else "Software": f"Cordon {brief.version}"}
    if brief.snapshot is not None:
        metadata["Subject" if pdf else "Description"] = t("snapshot_of", brief.lang, snapshot=brief.snapshot)
    return metadata


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
        page = Page(figure, brief)
        page.header()
        page.map()
        page.figures()
        page.table()
        page.footer()
        return figure


class Page:
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
        self.text(MARGIN, top - 0.3, self.fit(f"{t('brief_title', lang)} · {brief.area.name}", title_width, 19, "bold"),
                  size=19, weight="bold", color=INK)
        if brief.previous_period:
            compared = t("compared_with", lang, period=period_label(brief.previous_period))
        else:
            compared = t("no_previous", lang)
        cut_off = (t("cut_off_value", lang, time=f"{brief.cut_off:%Y-%m-%d %H:%M}") if brief.cut_off
                   else t("no_data", lang))
        self.text(MARGIN, top - 0.54, self.fit(f"{t('brief_period', lang)} {brief.period_text} ({compared})", title_width,
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
        MapPanel(self).draw()

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
        y = self.heading(left, y - 0.05, t("brief_filters", lang), self.column_floor)
        self.pairs(left, y, width, ((t("brief_period", lang), brief.period_text), *brief.filter_lines))

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
            self.text(MARGIN, y - 0.15, t("brief_no_clusters", lang), size=8.5, color=INK)
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
        snapshot = "" if brief.snapshot is None else " · " + t("snapshot_of", self.lang, snapshot=brief.snapshot)
        text = t("footer", self.lang, version=brief.version, snapshot=snapshot,
                 generated=f"{brief.generated_at:%Y-%m-%d %H:%M}")
        self.text(MARGIN, 0.22, self.fit(text, PAGE_INCHES[0] - 2 * MARGIN, 7), size=7, color=MUTED)


def _trend(change: float | None) -> str:
    """' · ▲ +12 %' for a change against the previous period; '' when there is none to tell."""
    if change is None:
        return ""
    percent = round(change * 100)
    return f" · {'▲' if percent > 0 else '▼'} {percent:+d} %" if percent else " · = 0 %"
