"""What every map of Cordon draws, the live map, the sign-in map and the analyses' maps alike: the base
map, the checkpoints, text (names and place symbols) and H3 hexagons as polygons.

Every pickable record carries its own escaped tooltip (``title``/``detail``) and the key that the
drill-down needs (``hex``, ``checkpoint_id``…). Frames in, ``pdk.Layer`` out; no tiles, no network.
"""

from __future__ import annotations

import functools
import json
import re

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard import style
from dashboard.config import LIVE_MAP_HEIGHT, LIVE_MAP_WIDTH
from dashboard.i18n import label, name, t
from dashboard.pydeck_adapters import PIXELS, deck, frame_layer, layer_rows
from dashboard.tooltips import tooltip_fields
from geodata.label_placement import (
    HALO_PX,
    Viewport,
    area_name_points,
    fit_view,
    mark_boxes,
    place,
    text_boxes,
    text_width,
)
from geodata.reference import load_layer
from queries.cells import cell_outlines

FONT = pdk.types.String('"Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif')
# the base map's line segments: a province line (no kind), a zone's outline or the land boundary
ZONE_LINE, BOUNDARY_LINE = 1, 2
LINE_COLOUR = "kind=={}?{}:kind=={}?{}:{}".format(
    *(json.dumps(value, separators=(",", ":")) for value in
      (BOUNDARY_LINE, style.BOUNDARY, ZONE_LINE, style.ZONE_LINE, style.PROVINCE_LINE))
)
LINE_WIDTH = f"kind=={BOUNDARY_LINE}?2.5:1"
# Glyphs drawn from a signed distance field rendered at 80 px (sharp strokes in Chinese at 12 px) whose
# reach (radius, and the buffer round each glyph that holds it) gives the halo about 2.5 px at 12 px:
# deck.gl's default buffer of 4 px at 64 px leaves it under a pixel.
FONT_SETTINGS = {"sdf": True, "fontSize": 80, "buffer": 20, "radius": 24, "smoothing": 0.1}
FONT_WEIGHT = 600
# Place symbols are characters of every Chinese font (GB 2312 has them), drawn by the labels' own layer type.
CHECKPOINT_MARK, HUB_MARK = "◆", "▲"
LABEL_COLOUR = (230, 237, 246)
# Which labels give way (geodata.label_placement.place): marks never; then the main places' names (class-1
# land ports, sea ports, postal hubs), the neighbours' (which have room to move), the provinces', the
# other places'.
MARK, MAIN_PLACE, COUNTRY, PROVINCE, OTHER_PLACE = range(5)
MAIN_PLACE_KINDS = ("land_port_class1", "sea_port", "postal_hub")
NAME_GAP_PX = 10  # from the centre of a place's mark to its name
# Where a place's name may go, in order of preference: right, left, above, below its mark.
NAME_SIDES = (("start", [NAME_GAP_PX, 0]), ("end", [-NAME_GAP_PX, 0]), ("middle", [0, -NAME_GAP_PX - 4]),
              ("middle", [0, NAME_GAP_PX + 4]))
PARENTHETICAL = re.compile(r"\s*[(（][^()（）]*[)）]$")
VIEW_PADDING_PX = 30  # room around the border region in a map's first view
COUNTRY_SIZE, PROVINCE_SIZE, PLACE_SIZE = 15, 13, 12


@functools.cache
def border_bounds() -> tuple[float, float, float, float]:
    """West, south, east and north of the border zones (degrees): what every map's first view shows."""
    return tuple(float(value) for value in load_layer("zones").total_bounds)


def framed_view(bounds, width: int, height: int) -> Viewport:
    """The first view of a ``width`` × ``height`` map on ``bounds`` together with the whole border region."""
    west, south, east, north = border_bounds()
    union = (min(bounds[0], west), min(bounds[1], south), max(bounds[2], east), max(bounds[3], north))
    return fit_view(union, width, height, VIEW_PADDING_PX)


@functools.cache
def live_view() -> Viewport:
    """The live map's (and the sign-in map's) first view: the whole Guangxi–Yunnan border region."""
    return framed_view(border_bounds(), LIVE_MAP_WIDTH, LIVE_MAP_HEIGHT)


def view_state(view: Viewport) -> pdk.ViewState:
    """``view`` as pydeck's initial view (zoom from 3 to 13)."""
    return pdk.ViewState(longitude=view.lon, latitude=view.lat, zoom=view.zoom, min_zoom=3, max_zoom=13)


def labelled_deck(layers: list[pdk.Layer], view: Viewport | None = None) -> pdk.Deck:
    """The deck of ``layers`` opening on ``view`` (the live map's by default) with the labels of its text
    layers placed there (:func:`geodata.label_placement.place`): no two overlap, none is cut at the map's
    edge, the less important give way. Done on the server, where it can be tested, rather than by
    deck.gl's CollisionFilterExtension, which decides on the GPU (an extra pass on every frame where WebGL
    runs in software), cannot keep a label inside the map and leaves no trace to check. The placement is
    the first view's: zooming in spreads the names kept but brings back none left out (their marks and
    tooltips stay), since nothing in the deck's JSON can follow the zoom (no minZoom outside tile layers,
    no layerFilter through st.pydeck_chart, no zoom in DataFilterExtension)."""
    view = view or live_view()
    texts = [(layer, rows) for layer in layers if (rows := layer_rows(layer)) is not None and "rank" in rows]
    if texts:
        rows = pd.concat([frame for _, frame in texts], keys=range(len(texts)))
        x, y = view.pixels(rows["lon"].to_numpy(float), rows["lat"].to_numpy(float))
        marks = (rows["rank"] == MARK).to_numpy()
        boxes = np.where(marks[:, None], mark_boxes(x, y, rows["size"]),
                         text_boxes(x, y, rows["text"], rows["size"], rows["anchor"], rows["offset"]))
        slots = list(zip(rows.index.get_level_values(0), rows["slot"]))
        kept = place(boxes, slots, rows["rank"].to_numpy(), view.width, view.height)
        for number, (layer, frame) in enumerate(texts):
            shown = kept[rows.index.get_level_values(0) == number]
            layer_rows(layer, frame[shown].drop(columns=["slot", "rank"]))
    return deck(layers, view_state(view))


def with_tips(data: pd.DataFrame, tips: list[dict]) -> pd.DataFrame:
    """``data`` with the ``title`` and ``detail`` of each row's tooltip (``tooltips.tooltip_fields``)."""
    return pd.concat([data.reset_index(drop=True), pd.DataFrame(tips, columns=["title", "detail"])], axis=1)


def base_layers(base: dict[str, str], show_zones: bool, lang: str, view: Viewport | None = None) -> list[pdk.Layer]:
    """The base map in three layers: areas (neighbours, China and, if asked, the border zones; pickable for
    their names), lines (province lines and, with the zones, their outlines and the land boundary) and
    the names of the countries and provinces in ``lang`` where ``view`` (the live map's by default) shows them.
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
        _text_layer(base_names(lang, view or live_view()), "names", pickable=False),
    ]


@functools.lru_cache(maxsize=16)
def base_names(lang: str, view: Viewport) -> pd.DataFrame:
    """The names of China's neighbours (in capitals in English) and of the provinces, as candidate rows of
    :func:`text_rows`: places inside each one's part that ``view`` shows (the deepest first), so that
    Myanmar, Laos and Viet Nam are named wherever the view cuts them."""
    countries = load_layer("countries")
    neighbours = countries[countries["iso3"] != "CHN"]
    provinces = load_layer("provinces")
    sets = [
        (neighbours, [label(iso3, lang).upper() for iso3 in neighbours["iso3"]], style.COUNTRY_NAME, COUNTRY_SIZE, COUNTRY),
        (provinces, provinces["name_zh" if lang == "zh" else "name_en"].tolist(), style.PROVINCE_NAME, PROVINCE_SIZE,
         PROVINCE),
    ]
    rows = []
    for areas, texts, colour, size, rank in sets:
        named = [(lon, lat, text) for area, text in zip(areas.geometry, texts)
                 for lon, lat in area_name_points([area], view, text_width(text, size) + 2 * HALO_PX, size + 2 * HALO_PX)[0]]
        places = pd.DataFrame(named, columns=["lon", "lat", "text"])
        rows.append(text_rows(places[["lon", "lat"]], places["text"].tolist(), colour, size, rank=rank,
                              slot=places["text"].tolist()))
    return pd.concat(rows, ignore_index=True)


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
    """Checkpoints as white diamonds with their names beside them, on the first side of ``NAME_SIDES`` where
    they fit (both pickable); the main places' names first, the busiest first (:func:`labelled_deck` places
    them)."""
    checkpoints = checkpoints.assign(rank=checkpoints["kind"].isin(MAIN_PLACE_KINDS).map({True: MAIN_PLACE,
                                                                                           False: OTHER_PLACE}))
    checkpoints = checkpoints.sort_values(["rank", "seizures"], ascending=[True, False], kind="stable")
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
    names = [map_name(name(row, lang)) for row in checkpoints.itertuples()]
    ranks, slots = checkpoints["rank"].to_numpy(), checkpoints["checkpoint_id"].to_numpy()
    sides = [text_rows(places, names, LABEL_COLOUR, PLACE_SIZE, anchor, offset, ranks, slots)
             for anchor, offset in NAME_SIDES]
    labels = pd.concat(sides).sort_index(kind="stable")  # each place's candidates together, in NAME_SIDES' order
    return [place_layer(pd.concat([text_rows(places, CHECKPOINT_MARK, style.CHECKPOINT, 16, rank=MARK, slot=slots),
                                   labels]), "checkpoints")]


def map_name(full: str) -> str:
    """A place's name as the map writes it: without a closing qualifier in brackets ("Ruili (Jiegao)" is
    "Ruili", "凭祥(铁路)" is "凭祥"), which the tooltip gives, so that more names find room.

    >>> map_name("Youyiguan (Friendship Pass)"), map_name("瑞丽(姐告)"), map_name("Hekou")
    ('Youyiguan', '瑞丽', 'Hekou')
    """
    return PARENTHETICAL.sub("", full) or full


def _counterpart(row, lang: str) -> str | None:
    """The crossing on the other side of the border, with its country when known; None when there is none."""
    if not isinstance(row.counterpart, str) or not row.counterpart:
        return None
    country = label(row.counterpart_iso3, lang)
    return f"{row.counterpart} ({country})" if country else row.counterpart


def text_rows(places: pd.DataFrame, text, colour, size: float, anchor: str = "middle", offset=(0, 0),
              rank=MARK, slot=None) -> pd.DataFrame:
    """Rows of a text layer (the places', the base map's names): ``text`` (one string for all, or one per
    place) at each place of ``places`` (``lon``, ``lat``), with the ``rank`` and ``slot`` (label) by which
    :func:`labelled_deck` places them (a mark's slot is its row)."""
    return places.assign(text=text, colour=[list(colour)] * len(places), size=size, anchor=anchor,
                         offset=[list(offset)] * len(places), rank=rank,
                         slot=range(len(places)) if slot is None else slot)


def place_layer(rows: pd.DataFrame, layer_id: str) -> pdk.Layer:
    """Places as text, symbols and names alike, pickable."""
    return _text_layer(rows.reset_index(drop=True), layer_id, pickable=True)


def _text_layer(rows: pd.DataFrame, layer_id: str, pickable: bool) -> pdk.Layer:
    """Text with a halo in the sea's colour to stand out, from rows with ``lon``, ``lat``, ``text``, ``colour``,
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
        font_weight=FONT_WEIGHT,
        outline_width=1,  # a fraction of the SDF's reach (FONT_SETTINGS), not pixels: its whole reach
        outline_color=[*style.SEA, 255],
        font_settings=FONT_SETTINGS,
        pickable=pickable,
    )
