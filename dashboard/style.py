"""Colours of the map and its legend: one colour per mineral group, a warm ramp for density."""

from __future__ import annotations

import html
import math

import numpy as np

from dashboard.i18n import label, t
from geodata.emerging import NO_PATTERN
from geodata.palette import BIN_COLOURS, CATEGORY_COLOURS

GROUP_COLOURS = {
    "REE_heavy": (255, 92, 92),
    "REE_light": (247, 131, 172),
    "Ga": (77, 171, 247),
    "Ge": (151, 117, 250),
    "Sb": (255, 212, 59),
    "graphite": (173, 181, 189),
    "W": (105, 219, 124),
    "Te": (56, 217, 169),
    "Bi": (255, 169, 77),
    "Mo": (169, 227, 75),
    "In": (102, 217, 232),
    "superhard": (229, 153, 247),
}

# Base map: sea, neighbours, China, border zones and the land boundary.
SEA = (14, 22, 36)
# The page's scroll area keeps the room of its scroll bar whether it scrolls or not, so that the map is as
# wide on the short sign-in page as on the long live page where scroll bars take room (Windows, Linux): a
# map that changes width draws again (dashboard/screens/sign_in.py).
# The period buttons stay on one row in the sidebar (SIDEBAR_PX wide), in English and Chinese: tighter
# than Streamlit's own.
SIDEBAR_PX = 340
PAGE_CSS = (
    "<style>[data-testid='stMain'] { scrollbar-gutter: stable; }"
    " .st-key-w_period [role='radiogroup'] { flex-wrap: nowrap !important; }"
    " .st-key-w_period button { padding: 0 0.35rem !important; min-width: 0 !important; }</style>"
)
NEIGHBOUR_FILL = (46, 54, 68)
CHINA_FILL = (34, 48, 72)
PROVINCE_LINE = (90, 110, 140)
COUNTRY_NAME = (150, 162, 180)  # the base map's names: quieter than the places' white
PROVINCE_NAME = (128, 150, 182)
ZONE_FILL = (232, 89, 12, 40)
ZONE_LINE = (232, 89, 12, 200)
BOUNDARY = (255, 80, 60)
CHECKPOINT = (255, 255, 255)
HUB = (255, 196, 0)
NEW_RING = (0, 255, 200)
ALERT = (255, 64, 255)
ARC_SOURCE = (255, 196, 0)
ARC_TARGET = (255, 80, 60)

# One colour per cluster, in turn.
CLUSTER_COLOURS = [
    (255, 92, 92),
    (77, 171, 247),
    (255, 212, 59),
    (151, 117, 250),
    (105, 219, 124),
    (255, 169, 77),
    (56, 217, 169),
    (247, 131, 172),
]

# Density of seizures on hexagons, low to high (ColorBrewer YlOrRd, 7 classes).
DENSITY_RAMP = np.array(
    [(255, 255, 178), (254, 217, 118), (254, 178, 76), (253, 141, 60), (252, 78, 42), (227, 26, 28), (177, 0, 38)]
)


def hex_colour(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def density_colours(weights, alpha: int = 165) -> list[list[int]]:
    """A ramp colour per weight on a log scale from 0 to the largest weight, so that both a handful
    of cases and thousands read as different."""
    weights = np.asarray(weights, dtype=float)
    if weights.size == 0:
        return []
    rgb = DENSITY_RAMP[density_class(weights, float(weights.max()))]
    return np.column_stack([rgb, np.full(len(rgb), alpha)]).tolist()


def density_class(weights, top: float) -> np.ndarray:
    """The colour (index in ``DENSITY_RAMP``) of each weight when the largest weight shown is ``top``."""
    scale = np.log1p(max(top, 1e-9))
    position = np.clip(np.log1p(np.maximum(np.asarray(weights, dtype=float), 0)) / scale, 0, 1) * (len(DENSITY_RAMP) - 1)
    return np.round(position).astype(int)


def density_ranges(top: float, whole: bool) -> list[tuple[int, float, float]]:
    """What each colour of :func:`density_colours` stands for when the largest weight shown is ``top``:
    (colour index, lowest, highest weight) for each colour that some weight from 0 to ``top`` takes
    (whole numbers from 1 only when ``whole``: counts). The legend writes them beside the colours."""
    steps = len(DENSITY_RAMP) - 1
    edges = np.expm1(np.log1p(max(top, 1e-9)) * (np.arange(steps) + 0.5) / steps)  # where each colour starts but the first
    lows, highs = np.concatenate([[1.0 if whole else 0.0], edges]), np.concatenate([edges, [top]])  # a count is 1 or more
    ranges = []
    for index, (low, high) in enumerate(zip(lows, highs)):
        if whole:
            low = math.ceil(low - 1e-9)
            high = min(math.ceil(high - 1e-9) - (index < steps), top)  # the edge itself belongs to the next colour
            if low > high:
                continue
        ranges.append((index, float(low), float(high)))
    return ranges


def _row(symbol: str, text: str) -> str:
    return f'<div style="margin:2px 0">{symbol}{html.escape(text)}</div>'


def _square(rgb: tuple[int, ...]) -> str:
    return (
        f'<span style="display:inline-block;width:12px;height:12px;background:{hex_colour(rgb)};'
        'margin-right:5px;vertical-align:-1px"></span>'
    )


def _ring(rgb: tuple[int, ...]) -> str:
    return (
        f'<span style="display:inline-block;width:9px;height:9px;border:2px solid {hex_colour(rgb)};'
        'border-radius:50%;margin-right:5px;vertical-align:-1px"></span>'
    )


def _outline(rgb: tuple[int, ...]) -> str:
    return (
        f'<span style="display:inline-block;width:9px;height:9px;border:2px solid {hex_colour(rgb)};'
        'margin-right:5px;vertical-align:-1px"></span>'
    )


def _range_text(low: float, high: float) -> str:
    """"12" or "3–11" (thousands separated, whole units)."""
    low_text, high_text = f"{low:,.0f}", f"{high:,.0f}"
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def _legend(parts: list[str]) -> str:
    return f'<div style="font-size:0.85rem;line-height:1.35">{"".join(parts)}</div>'


def analysis_legend_html(lang: str, kind: str, categories: tuple[str, ...] = ()) -> str:
    """The legend of an analysis map: ``kind`` "hotspots" (every confidence bin), "emerging" (the
    ``categories`` present, in the order of ``CATEGORY_COLOURS``) or "clusters"; labels escaped."""
    if kind == "hotspots":
        parts = [f"<b>{html.escape(t('legend_hotspots', lang))}</b>"]
        parts += [_row(_square(rgb), t(f"bin_{b}", lang)) for b, rgb in BIN_COLOURS.items()]
    elif kind == "emerging":
        parts = [f"<b>{html.escape(t('legend_emerging', lang))}</b>"]
        present = set(categories) | {NO_PATTERN}
        parts += [_row(_square(rgb), label(c, lang)) for c, rgb in CATEGORY_COLOURS.items() if c in present]
    elif kind == "clusters":
        parts = [_row("".join(_square(rgb) for rgb in CLUSTER_COLOURS[:3]), t("legend_cluster", lang))]
    else:
        raise ValueError(f"kind must be hotspots, emerging or clusters, got {kind!r}")
    parts.append(_row(_outline(CHECKPOINT), t("legend_checkpoint", lang)))
    return _legend(parts)


def legend_html(lang: str, layers: tuple[str, ...], density: str, weight_label: str, alerts: bool = False,
                density_top: float | None = None, whole: bool = True) -> str:
    """The map legend for the layers shown (and the alert outline when ``alerts``), as HTML; every label is escaped.
    With hexagons and ``density_top`` (their largest weight), each colour with the weights it stands for
    (:func:`density_ranges`; ``whole``: counts)."""
    parts = []
    if alerts:
        parts.append(_row(_ring(ALERT), t("legend_alert", lang)))
    if "points" in layers:
        swatch = (
            '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{};'
            'margin-right:5px"></span>'
        )
        parts.append(f"<b>{html.escape(t('legend_minerals', lang))}</b> ({html.escape(t('legend_size', lang))})")
        parts += [_row(swatch.format(hex_colour(rgb)), label(code, lang)) for code, rgb in GROUP_COLOURS.items()]
        parts.append(
            _row(
                f'<span style="display:inline-block;width:9px;height:9px;border-radius:50%;border:2px solid '
                f'{hex_colour(NEW_RING)};margin-right:5px"></span>',
                t("legend_new", lang),
            )
        )
    if density == "hexagons" and density_top:
        parts.append(f'<div style="margin-top:6px"><b>{html.escape(t("legend_density", lang, weight=weight_label))}</b></div>')
        parts += [_row(_square(tuple(DENSITY_RAMP[index])), _range_text(low, high)) for index, low, high in
                  density_ranges(density_top, whole)]
    elif density != "none":
        ramp = "".join(
            f'<span style="display:inline-block;width:14px;height:10px;background:{hex_colour(rgb)}"></span>'
            for rgb in DENSITY_RAMP
        )
        parts.append(
            f'<div style="margin-top:6px"><b>{html.escape(t("legend_density", lang, weight=weight_label))}'
            f"</b><div>{ramp}</div></div>"
        )
    places = []
    if "zones" in layers:
        places += [
            _row(
                f'<span style="display:inline-block;width:18px;border-top:3px solid {hex_colour(BOUNDARY)};'
                'margin:0 5px 3px 0"></span>',
                t("legend_boundary", lang),
            ),
            _row(
                '<span style="display:inline-block;width:12px;height:12px;background:rgba(232,89,12,0.25);'
                f'border:1px solid {hex_colour(ZONE_LINE)};margin-right:5px"></span>',
                t("legend_zone", lang),
            ),
        ]
    if "places" in layers:
        places += [
            _row(
                f'<span style="display:inline-block;width:10px;height:10px;background:{hex_colour(CHECKPOINT)};'
                'transform:rotate(45deg);margin:0 7px 0 2px"></span>',
                t("legend_checkpoint", lang),
            ),
            _row(
                '<span style="display:inline-block;width:0;height:0;border-left:6px solid transparent;border-right:6px '
                f'solid transparent;border-bottom:11px solid {hex_colour(HUB)};margin-right:5px"></span>',
                t("legend_hub", lang),
            ),
        ]
    if "arcs" in layers:
        places.append(
            _row(
                f'<span style="display:inline-block;width:18px;height:3px;background:linear-gradient(90deg,'
                f'{hex_colour(ARC_SOURCE)},{hex_colour(ARC_TARGET)});margin:0 5px 3px 0"></span>',
                t("legend_arcs", lang),
            )
        )
    if places:
        parts.append(f'<div style="margin-top:6px"><b>{html.escape(t("legend_places", lang))}</b></div>')
        parts += places
    return _legend(parts)
