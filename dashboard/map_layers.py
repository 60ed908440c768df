"""What every map of Cordon draws, the live map, the sign-in map and the analyses' maps alike: the base
map, the checkpoints, text (names and place symbols) and H3 hexagons as polygons.

Every pickable record carries its own escaped tooltip (``title``/``detail``) and the key that the
drill-down needs (``hex``, ``checkpoint_id``…). Frames in, ``pdk.Layer`` out; no tiles, no network.
"""

from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk

from dashboard import style
from dashboard.i18n import label, name, t
from dashboard.pydeck_adapters import PIXELS, frame_layer
from dashboard.tooltips import tooltip_fields
from queries.cells import cell_outlines

FONT = pdk.types.String('"Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif')
# the base map's line segments: a province line (no kind), a zone's outline or the land boundary
ZONE_LINE, BOUNDARY_LINE = 1, 2
LINE_COLOUR = "kind=={}?{}:kind=={}?{}:{}".format(
    *(json.dumps(value, separators=(",", ":")) for value in
      (BOUNDARY_LINE, style.BOUNDARY, ZONE_LINE, style.ZONE_LINE, style.PROVINCE_LINE))
)
LINE_WIDTH = f"kind=={BOUNDARY_LINE}?2.5:1"
# Place symbols are characters of every Chinese font (GB 2312 has them), drawn by the labels' own layer type.
CHECKPOINT_MARK, HUB_MARK = "◆", "▲"
LABEL_COLOUR = (230, 237, 246)


def with_tips(data: pd.DataFrame, tips: list[dict]) -> pd.DataFrame:
    """``data`` with the ``title`` and ``detail`` of each row's tooltip (``tooltips.tooltip_fields``)."""
    return pd.concat([data.reset_index(drop=True), pd.DataFrame(tips, columns=["title", "detail"])], axis=1)


def base_layers(base: dict[str, str], show_zones: bool) -> list[pdk.Layer]:
    """The base map in three layers: areas (neighbours, China and, if asked, the border zones; pickable for
    their names), lines (province lines and, with the zones, their outlines and the land boundary) and
    the names of the countries and provinces.
    ``base`` holds each set of records as JSON text or a :class:`DataURL` (``dashboard.startup.base_map``).
    Lines are a LineLayer of straight segments: software WebGL draws one in a fraction of a PathLayer's
    time."""
    return [
        frame_layer(
            "SolidPolygonLayer",
            base["areas_and_zones" if show_zones else "areas"],
            id="areas",
            get_polygon="polygon",
            get_fill_color="fill",
            pickable=True,
        ),
        frame_layer(
            "LineLayer",
            base["lines_and_zones" if show_zones else "lines"],
            id="lines",
            get_source_position="s",
            get_target_position="t",
            get_color=LINE_COLOUR,
            get_width=LINE_WIDTH,
            width_units=PIXELS,
        ),
        _text_layer(base["names"], "names", pickable=False),
    ]


def hexagon_rings(cells) -> list[list[list[float]]]:
    """Each H3 cell (hex string) as its outer ring of [lon, lat] (5 decimals, about 1 m)."""
    return [[[round(lon, 5), round(lat, 5)] for lon, lat in ring] for ring in cell_outlines(cells)]


def hexagon_polygons(data: pd.DataFrame, layer_id: str) -> pdk.Layer:
    """H3 hexagons (``hex``) filled with their ``colour``, pickable. Drawn as plain polygons by the same
    layer type and inputs as the base map's areas, so that software WebGL compiles nothing more for them
    (deck.gl's H3HexagonLayer would add a column or path layer's shaders)."""
    return frame_layer(
        "SolidPolygonLayer",
        data.assign(polygon=hexagon_rings(data["hex"])),
        id=layer_id,
        get_polygon="polygon",
        get_fill_color="colour",
        pickable=True,
    )


def checkpoint_layers(checkpoints: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Checkpoints as white diamonds with their names beside them (both pickable)."""
    tips = [
        tooltip_fields(
            f"{row.name_en} {row.name_zh}",
            [
                (t("kind", lang), label(row.kind, lang)),
                (t("county", lang), name(row, lang, "county_en", "county_zh")),
                (t("across_border", lang), _counterpart(row, lang)),
                (t("in_view", lang), f"{row.seizures:,}"),
                (t("location_known_to", lang), label(row.geo_precision, lang)),
            ],
        )
        for row in checkpoints.itertuples()
    ]
    places = with_tips(checkpoints[["checkpoint_id", "lon", "lat"]], tips)
    names = [name(row, lang) for row in checkpoints.itertuples()]
    return [place_layer(pd.concat([text_rows(places, CHECKPOINT_MARK, style.CHECKPOINT, 16),
                                   text_rows(places, names, LABEL_COLOUR, 12, "start", [9, 0])]), "checkpoints")]


def _counterpart(row, lang: str) -> str | None:
    """The crossing on the other side of the border, with its country when known; None when there is none."""
    if not isinstance(row.counterpart, str) or not row.counterpart:
        return None
    country = label(row.counterpart_iso3, lang)
    return f"{row.counterpart} ({country})" if country else row.counterpart


def text_rows(places: pd.DataFrame, text, colour, size: float, anchor: str = "middle", offset=(0, 0)) -> pd.DataFrame:
    """Rows of a text layer (the places', the base map's names): ``text`` (one string for all, or one per
    place) at each place of ``places`` (``lon``, ``lat``)."""
    return places.assign(text=text, colour=[list(colour)] * len(places), size=size, anchor=anchor,
                         offset=[list(offset)] * len(places))


def place_layer(rows: pd.DataFrame, layer_id: str) -> pdk.Layer:
    """Places as text, symbols and names alike, pickable."""
    return _text_layer(rows.reset_index(drop=True), layer_id, pickable=True)


def _text_layer(rows: pd.DataFrame | str, layer_id: str, pickable: bool) -> pdk.Layer:
    """Text outlined in the sea's colour to stand out, from rows with ``lon``, ``lat``, ``text``, ``colour``,
    ``size``, ``anchor`` and ``offset``. One layer type with the same inputs for the places and the base
    map's names: where WebGL runs in software each layer type costs its own shader work, which the
    sign-in map, with the names, does before the live map needs it (an IconLayer would also draw again
    once its images load)."""
    return frame_layer(
        "TextLayer",
        rows,
        id=layer_id,
        get_position=["lon", "lat"],
        get_text="text",
        get_color="colour",
        get_size="size",
        get_text_anchor="anchor",
        get_pixel_offset="offset",
        get_alignment_baseline=pdk.types.String("center"),
        font_family=FONT,
        character_set=pdk.types.String("auto"),
        outline_width=2,
        outline_color=[*style.SEA, 255],
        font_settings={"sdf": True},
        pickable=pickable,
    )
