"""pydeck layer builders: frames from queries.views in, ``pdk.Layer`` out; no tiles, no network.

Every pickable record carries its own escaped tooltip (``title``/``detail``) and the key that the
drill-down needs (``hex``, ``seizure_id``, ``checkpoint_id`` or ``hub_id``).
"""

from __future__ import annotations

import json

import h3
import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import style
from dashboard.i18n import label, name, t
from dashboard.tooltips import TOOLTIP, tooltip_fields, tooltip_frame
from geodata.emerging import NO_PATTERN
from geodata.palette import BIN_COLOURS, CATEGORY_COLOURS
from geodata.shapes import polygon_records
from queries.cells import cell_hex
from queries.reference import destinations

# pydeck reads a plain string prop as an expression ("pixels" would be a variable): wrap constants.
PIXELS = pdk.types.String("pixels")
INITIAL_VIEW = pdk.ViewState(longitude=103.9, latitude=23.8, zoom=5.35, min_zoom=3, max_zoom=13)
FONT = pdk.types.String('"Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif')
# the base map's line segments: a province line (no kind), a zone's outline or the land boundary
ZONE_LINE, BOUNDARY_LINE = 1, 2
LINE_COLOUR = "kind=={}?{}:kind=={}?{}:{}".format(
    *(json.dumps(value, separators=(",", ":")) for value in
      (BOUNDARY_LINE, style.BOUNDARY, ZONE_LINE, style.ZONE_LINE, style.PROVINCE_LINE))
)
LINE_WIDTH = f"kind=={BOUNDARY_LINE}?2.5:1"
WEIGHT_COLUMNS = {"count": "seizures", "kg": "kg", "value": "value_cny"}


def _with_tips(data: pd.DataFrame, tips: list[dict]) -> pd.DataFrame:
    return pd.concat([data.reset_index(drop=True), pd.DataFrame(tips, columns=["title", "detail"])], axis=1)


def base_layers(base: dict[str, str], show_zones: bool) -> list[pdk.Layer]:
    """The base map in three layers: areas (neighbours, China and, if asked, the border zones; pickable for
    their names), lines (province lines and, with the zones, their outlines and the land boundary) and
    the names of the countries and provinces.
    ``base`` holds each set of records as JSON text or a :class:`DataURL` (``dashboard.data.base_map``).
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


def weight_label(weight: str, lang: str) -> str:
    return t(f"weight_{weight}", lang)


def hexagon_layer(hexagons: pd.DataFrame, weight: str, lang: str) -> pdk.Layer:
    """Seizure density on H3 cells, coloured on a log ramp of the chosen weight (count, kg or value)."""
    values = hexagons[WEIGHT_COLUMNS[weight]].to_numpy(float)
    tips = [
        tooltip_fields(
            f"{row.seizures:,} · {t('seizures', lang)}",
            [
                (t("quantity", lang), f"{row.kg:,.0f} kg"),
                (t("value", lang), f"¥{row.value_cny:,.0f}"),
                (t("largest_seizure", lang), label(row.largest_group, lang)),
                (t("last_seizure", lang), f"{row.last_occurred:%Y-%m-%d}"),
            ],
        )
        for row in hexagons.astype(object).itertuples()
    ]
    data = _with_tips(pd.DataFrame({"hex": cell_hex(hexagons["cell"]), "colour": style.density_colours(values)}), tips)
    return _h3_layer(data, "hexagons")


def hexagon_rings(cells) -> list[list[list[float]]]:
    """Each H3 cell (hex string) as its outer ring of [lon, lat] (5 decimals, about 1 m)."""
    return [[[round(lon, 5), round(lat, 5)] for lat, lon in h3.cell_to_boundary(cell)] for cell in cells]


def _h3_layer(data: pd.DataFrame, layer_id: str) -> pdk.Layer:
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


def heatmap_layer(hexagons: pd.DataFrame, weight: str) -> pdk.Layer:
    """A heatmap drawn from the hexagons' centres and weights (already aggregated on the server)."""
    centres = np.array([h3.cell_to_latlng(cell) for cell in cell_hex(hexagons["cell"])]).reshape(-1, 2)
    data = pd.DataFrame(
        {
            "lon": centres[:, 1].round(4),
            "lat": centres[:, 0].round(4),
            "w": hexagons[WEIGHT_COLUMNS[weight]].to_numpy(float).round(1),
        }
    )
    return frame_layer(
        "HeatmapLayer",
        data,
        id="heatmap",
        get_position=["lon", "lat"],
        get_weight="w",
        radius_pixels=45,
        intensity=2.5,
        threshold=0.03,
        aggregation=pdk.types.String("SUM"),
        color_range=style.DENSITY_RAMP.tolist(),
        weights_texture_size=512,
    )


def seizure_radius_px(quantity_kg) -> np.ndarray:
    """Point radius in pixels: grows with the order of magnitude of the quantity (1 kg ≈ 2.5 px, 10 t ≈ 8 px)."""
    return np.round(2.0 + 1.6 * np.log10(1.0 + np.asarray(quantity_kg, dtype=float)), 1)


def _when(points: pd.DataFrame, lang: str) -> pd.Series:
    """When each seizure happened, to the precision the record knows."""
    exact = points["occurred_at"].dt.strftime("%Y-%m-%d %H:%M")
    day = (
        points["occurred_at"].dt.strftime("%Y-%m-%d")
        + " ("
        + points["time_precision"].map(lambda p: label(p, lang))
        + ")"
    )
    return exact.where(points["time_precision"] == "exact", day)


def _labels(codes: pd.Series, lang: str) -> pd.Series:
    return codes.map(lambda code: label(code, lang) if isinstance(code, str) else None)


def _names(frame: pd.DataFrame, lang: str, en: str, zh: str) -> pd.Series:
    first, second = (frame[zh], frame[en]) if lang == "zh" else (frame[en], frame[zh])
    return first.where(first.notna(), second)


def seizure_records(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One record per seizure for the points layer: id, position, colour by group, radius by quantity, tooltip."""
    colour = [[*style.GROUP_COLOURS.get(g, (200, 200, 200)), 210] for g in points["item_group"]]
    site = _names(points, lang, "checkpoint_en", "checkpoint_zh")
    tips = tooltip_frame(
        _labels(points["item_group"], lang)
        + ": "
        + _labels(points["item"], lang)
        + " ("
        + _labels(points["form"], lang)
        + ")",
        {
            t("when", lang): _when(points, lang),
            t("quantity", lang): points["quantity_kg"].map(lambda kg: f"{kg:,.3g} kg"),
            t("value", lang): points["value_cny"].map(lambda cny: None if pd.isna(cny) else f"¥{cny:,.0f}"),
            t("channel", lang): _labels(points["channel"], lang),
            t("site", lang): site.where(site.notna(), _names(points, lang, "hub_en", "hub_zh")),
            t("county", lang): _names(points, lang, "county_en", "county_zh"),
            t("destination", lang): _labels(points["destination_iso3"], lang),
            t("location_known_to", lang): _labels(points["geo_precision"], lang),
            t("record", lang): points["is_synthetic"].map(
                lambda synthetic: t("synthetic_record", lang) if synthetic else None
            ),
        },
    )
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "seizure_id": points["seizure_id"].astype(int),
                    "lon": points["lon"].round(5),
                    "lat": points["lat"].round(5),
                    "colour": colour,
                    "radius": seizure_radius_px(points["quantity_kg"]),
                }
            ).reset_index(drop=True),
            tips,
        ],
        axis=1,
    )


def seizure_layers(points: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Seizures coloured by mineral group and sized by quantity, and a bright ring round the new ones."""
    data = seizure_records(points, lang)
    layers = [
        frame_layer(
            "ScatterplotLayer",
            data,
            id="seizures",
            get_position=["lon", "lat"],
            get_fill_color="colour",
            get_radius="radius",
            radius_units=PIXELS,
            stroked=True,
            get_line_color=[14, 22, 36, 180],
            line_width_min_pixels=0.5,
            pickable=True,
        )
    ]
    new = data[points["is_new"].to_numpy(bool)] if "is_new" in points else data.iloc[0:0]
    if len(new):
        layers.append(
            frame_layer(
                "ScatterplotLayer",
                new[["lon", "lat", "radius"]],
                id="new-seizures",
                get_position=["lon", "lat"],
                get_radius="radius + 6",
                radius_units=PIXELS,
                filled=False,
                stroked=True,
                get_line_color=[*style.NEW_RING, 255],
                line_width_min_pixels=2.5,
                pickable=False,
            )
        )
    return layers


def arc_layer(arcs: pd.DataFrame, destinations: pd.DataFrame, lang: str) -> pdk.Layer:
    """Cross-border flows from where goods were stopped to the destination country, width by count."""
    arcs = arcs[arcs["destination_iso3"].isin(destinations.index)]
    target = destinations.loc[arcs["destination_iso3"]]
    tips = [
        tooltip_fields(
            t(
                "flow",
                lang,
                origin=name(row, lang, "origin_en", "origin_zh"),
                destination=label(row.destination_iso3, lang),
            ),
            [(t("seizures", lang), f"{row.seizures:,}"), (t("quantity", lang), f"{row.kg:,.0f} kg")],
        )
        for row in arcs.itertuples()
    ]
    width = np.clip(0.5 + np.log10(arcs["seizures"].to_numpy(float)), 0.5, 3.5).round(1)
    data = _with_tips(
        pd.DataFrame(
            {
                "from": np.column_stack([arcs["origin_lon"].round(4), arcs["origin_lat"].round(4)]).tolist(),
                "to": np.column_stack([target["lon"], target["lat"]]).tolist(),
                "width": width,
            }
        ),
        tips,
    )
    return pdk.Layer(
        "ArcLayer",
        id="arcs",
        data=data,
        get_source_position="from",
        get_target_position="to",
        get_source_color=[*style.ARC_SOURCE, 170],
        get_target_color=[*style.ARC_TARGET, 110],
        get_width="width",
        width_units=PIXELS,
        get_height=0.4,
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
    places = _with_tips(checkpoints[["checkpoint_id", "lon", "lat"]], tips)
    names = [name(row, lang) for row in checkpoints.itertuples()]
    return [_place_layer(pd.concat([text_rows(places, CHECKPOINT_MARK, style.CHECKPOINT, 16),
                                    text_rows(places, names, LABEL_COLOUR, 12, "start", [9, 0])]), "checkpoints")]


def _counterpart(row, lang: str) -> str | None:
    """The crossing on the other side of the border, with its country when known; None when there is none."""
    if not isinstance(row.counterpart, str) or not row.counterpart:
        return None
    country = label(row.counterpart_iso3, lang)
    return f"{row.counterpart} ({country})" if country else row.counterpart


# Place symbols are characters of every Chinese font (GB 2312 has them), drawn by the labels' own layer type.
CHECKPOINT_MARK, HUB_MARK = "◆", "▲"
LABEL_COLOUR = (230, 237, 246)


def text_rows(places: pd.DataFrame, text, colour, size: float, anchor: str = "middle", offset=(0, 0)) -> pd.DataFrame:
    """Rows of a text layer (the places', the base map's names): ``text`` (one string for all, or one per
    place) at each place of ``places`` (``lon``, ``lat``)."""
    return places.assign(text=text, colour=[list(colour)] * len(places), size=size, anchor=anchor,
                         offset=[list(offset)] * len(places))


def _place_layer(rows: pd.DataFrame, layer_id: str) -> pdk.Layer:
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


def hub_layer(hubs: pd.DataFrame, lang: str) -> pdk.Layer:
    """Processing hubs as amber triangles."""
    tips = [
        tooltip_fields(
            f"{row.name_en} {row.name_zh}",
            [
                (t("kind", lang), label(row.kind, lang)),
                (t("handles", lang), ", ".join(label(g, lang) for g in row.item_groups)),
                (t("country", lang), label(row.country_iso3, lang)),
                (t("in_view", lang), f"{row.seizures:,}"),
                (t("note", lang), row.note),
            ],
        )
        for row in hubs.itertuples()
    ]
    return _place_layer(text_rows(_with_tips(hubs[["hub_id", "lon", "lat"]], tips), HUB_MARK, style.HUB, 17), "hubs")


def cluster_layers(table, lang: str) -> list[pdk.Layer]:
    """Clusters (geodata.clusters.find_clusters' table) as their outlines, and a marker per cluster sized by its
    seizures: the outlines are a few km across, the markers keep them visible at the zone's zoom."""
    outlines = polygon_records(table, ["cluster"], tolerance=0.0005)
    rows = table.set_index("cluster")
    for record in outlines:
        row = rows.loc[record["cluster"]]
        record["fill"] = [*style.CLUSTER_COLOURS[int(record["cluster"]) % len(style.CLUSTER_COLOURS)], 170]
        record.update(
            tooltip_fields(
                t("cluster_label", lang, number=int(record["cluster"]) + 1),
                [
                    (t("seizures", lang), f"{int(row['seizures']):,}"),
                    (t("quantity", lang), f"{row['kg']:,.0f} kg"),
                    (t("main_items", lang), row["main_items"]),
                    (t("checkpoint", lang), name(row, lang, "checkpoint_en", "checkpoint_zh")),
                    (t("distance_km", lang), f"{row['checkpoint_km']:,.1f} km"),
                ],
            )
        )
    cluster_layer = frame_layer(
        "PolygonLayer",
        pd.DataFrame(outlines),
        id="clusters",
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color=[230, 237, 246, 220],
        stroked=True,
        line_width_units=PIXELS,
        get_line_width=1.5,
        pickable=True,
    )
    # the outlines are a few km across: a marker per cluster keeps them visible at the zone's zoom
    centres = pd.DataFrame(outlines)[["cluster", "fill", "title", "detail"]].merge(
        table[["cluster", "lon", "lat", "seizures"]], on="cluster"
    )
    centres["radius"] = (3 + 2.5 * np.log10(centres["seizures"].clip(lower=1))).round(1)
    centre_layer = frame_layer(
        "ScatterplotLayer",
        centres,
        id="cluster-centres",
        get_position=["lon", "lat"],
        get_fill_color="fill",
        get_radius="radius",
        radius_units=PIXELS,
        stroked=True,
        get_line_color=[230, 237, 246, 230],
        line_width_min_pixels=1,
        pickable=True,
    )
    return [cluster_layer, centre_layer]


def _class_hexagons(
    cells: pd.DataFrame, colours: list[list[int]], tips: list[dict], layer_id: str, marked: np.ndarray
) -> list[pdk.Layer]:
    """Analysis hexagons (hex-string ``cell``) filled with one colour each, with their tooltips, and a
    dot on each ``marked`` one: hexagons of a few km² vanish at the zoom of a whole border zone."""
    data = _with_tips(pd.DataFrame({"hex": cells["cell"].to_numpy(), "colour": colours}), tips)
    hexagons = _h3_layer(data, layer_id)
    centres = [h3.cell_to_latlng(cell) for cell in cells["cell"].to_numpy()[marked]]
    dots = data[marked].assign(lat=[lat for lat, _ in centres], lon=[lon for _, lon in centres])
    markers = frame_layer(
        "ScatterplotLayer",
        dots.drop(columns="hex"),
        id=f"{layer_id}-markers",
        get_position=["lon", "lat"],
        get_fill_color="colour",
        get_radius=400,
        radius_min_pixels=6,
        stroked=True,
        get_line_color=[255, 255, 255, 230],
        line_width_min_pixels=1.2,
        pickable=True,
    )
    return [hexagons, markers]


def _nearest_line(row, lang: str) -> tuple[str, str | None]:
    """The "nearest checkpoint" tooltip line of an analysis feature that carries ``CHECKPOINT_COLUMNS``."""
    if not isinstance(getattr(row, "checkpoint_id", None), str):
        return t("checkpoint", lang), None
    return t("checkpoint", lang), f"{name(row, lang, 'checkpoint_en', 'checkpoint_zh')}, {row.checkpoint_km:,.1f} km"


def hot_spot_layers(cells: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Gi* hexagons (geodata.hotspots.hot_spots) coloured by confidence bin, the not significant ones
    faint, the significant ones marked."""
    colours = [[*BIN_COLOURS[b], 60 if b == 0 else 200] for b in cells["bin"].tolist()]
    tips = [
        tooltip_fields(
            t(f"bin_{row.bin}", lang),
            [
                (t("seizures", lang), f"{row.seizures:,}"),
                (t("quantity", lang), f"{row.kg:,.0f} kg"),
                (t("z_score", lang), f"{row.z:.2f}"),
                (t("q_value", lang), f"{row.q:.2g}"),
                _nearest_line(row, lang),
            ],
        )
        for row in cells.itertuples()
    ]
    return _class_hexagons(cells, colours, tips, "hot-spots", cells["bin"].to_numpy() != 0)


def emerging_layers(cells: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Emerging hot-spot hexagons (geodata.emerging.emerging_hot_spots) coloured by category, those with
    a pattern marked."""
    colours = [[*CATEGORY_COLOURS[c], 50 if c == NO_PATTERN else 210] for c in cells["category"].tolist()]
    tips = [
        tooltip_fields(
            label(row.category, lang),
            [
                (t("seizures", lang), f"{row.seizures:,}"),
                (t("hot_steps", lang), f"{row.hot_steps} / {row.steps}"),
                (t("trend_z", lang), f"{row.trend_z:+.2f} (p {row.trend_p:.3g})"),
                _nearest_line(row, lang),
            ],
        )
        for row in cells.itertuples()
    ]
    return _class_hexagons(cells, colours, tips, "emerging", cells["category"].to_numpy() != NO_PATTERN)


def alert_layers(alerts: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Hexagons that have just become a new or intensifying hot spot: a bright outline, and a ring around
    it that stays visible at the zoom of the whole border (where the hexagon is a few pixels)."""
    tips = [
        tooltip_fields(
            f"⚠ {label(row.category, lang)}",
            [(t("seizures", lang), f"{row.seizures:,}"), _nearest_line(row, lang)],
        )
        for row in alerts.itertuples()
    ]
    data = _with_tips(pd.DataFrame({"hex": alerts["cell"].to_numpy()}), tips)
    centres = [h3.cell_to_latlng(cell) for cell in data["hex"]]
    outline = frame_layer(
        "H3HexagonLayer",
        data,
        id="alerts",
        get_hexagon="hex",
        filled=True,
        get_fill_color=[*style.ALERT, 60],
        stroked=True,
        get_line_color=[*style.ALERT, 255],
        line_width_units=PIXELS,
        get_line_width=3,
        extruded=False,
        pickable=True,
    )
    ring = frame_layer(
        "ScatterplotLayer",
        data.assign(lat=[lat for lat, _ in centres], lon=[lon for _, lon in centres]),
        id="alerts-rings",
        get_position=["lon", "lat"],
        get_radius=4000,
        radius_min_pixels=16,
        filled=False,
        stroked=True,
        get_line_color=[*style.ALERT, 255],
        line_width_units=PIXELS,
        get_line_width=3,
        pickable=True,
    )
    return [outline, ring]


class FrameData:
    """A layer's rows kept as a DataFrame until the deck is serialized, when pandas writes them as JSON
    in C; pydeck would first turn every row into a Python dict (most of the cost of a map rebuild)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def json(self) -> str:
        return self.frame.to_json(orient="records", force_ascii=False, double_precision=6)


class JSONData:
    """A layer's rows already serialized (the base geography, the same on every run: serialized once)."""

    def __init__(self, text: str):
        self.text = text

    def json(self) -> str:
        return self.text


class DataURL(str):
    """A layer's rows as a file that the browser fetches from this server (an absolute path) and keeps in
    its cache, instead of rows sent inside the deck (``dashboard.data.base_map``)."""


def frame_layer(layer_type: str, frame: pd.DataFrame | str, **props) -> pdk.Layer:
    """``pdk.Layer(layer_type, data=frame, **props)`` with the rows serialized by pandas; when ``frame``
    is a JSON string of records, taken as they are; when a :class:`DataURL`, left for the browser to fetch."""
    if isinstance(frame, DataURL):
        return pdk.Layer(layer_type, data=str(frame), **props)
    layer = pdk.Layer(layer_type, data=None, **props)
    layer._data = JSONData(frame) if isinstance(frame, str) else FrameData(frame.reset_index(drop=True))
    return layer


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which more than doubles
    what st.pydeck_chart sends to the browser (9.0 MB against 3.4 MB for the live map), and keeps Chinese
    text as UTF-8 rather than \\uXXXX escapes (3 bytes a character instead of 6). Layers made by
    :func:`frame_layer` have their rows written by ``DataFrame.to_json``."""

    def to_json(self) -> str:
        frames: list[FrameData | JSONData] = []

        def default(value):
            if isinstance(value, FrameData | JSONData):
                frames.append(value)
                return f"@@frame{len(frames) - 1}@@"
            return default_serialize(value)

        text = json.dumps(self, sort_keys=True, default=default, separators=(",", ":"), ensure_ascii=False)
        for index, frame in enumerate(frames):
            text = text.replace(f'"@@frame{index}@@"', frame.json(), 1)
        return text


class PrebuiltDeck(CompactDeck):
    """A deck whose JSON was built (and cached) before: st.pydeck_chart reads only its JSON and tooltip,
    so an unchanged view costs no layer building on a rerun."""

    def __init__(self, spec: str):
        super().__init__(layers=[], initial_view_state=INITIAL_VIEW, map_provider=None, tooltip=TOOLTIP)
        self._spec = spec

    def to_json(self) -> str:
        return self._spec


def live_map_deck(
    data: dict,
    base: dict[str, str],
    shown: tuple[str, ...],
    density: str,
    weight: str,
    lang: str,
    alerts: pd.DataFrame | None = None,
) -> pdk.Deck:
    """The live map for one view: base geography, density (heatmap or hexagons), flows, points, places,
    and the ``alerts`` outlined on top."""
    deck_layers = base_layers(base, "zones" in shown)
    hexagons, arcs, points = data.get("hexagons"), data.get("arcs"), data.get("points")
    if density == "heatmap" and hexagons is not None and len(hexagons):
        deck_layers.append(heatmap_layer(hexagons, weight))
    if density == "hexagons" and hexagons is not None and len(hexagons):
        deck_layers.append(hexagon_layer(hexagons, weight, lang))
    if "arcs" in shown and arcs is not None and len(arcs):
        deck_layers.append(arc_layer(arcs, destinations(), lang))
    if "points" in shown and points is not None and len(points):
        deck_layers += seizure_layers(points, lang)
    if "places" in shown:
        deck_layers += [hub_layer(data["hubs"], lang), *checkpoint_layers(data["checkpoints"], lang)]
    if alerts is not None and len(alerts):
        deck_layers += alert_layers(alerts, lang)
    return deck(deck_layers)


def deck(layers: list[pdk.Layer], view: pdk.ViewState = INITIAL_VIEW) -> pdk.Deck:
    """An offline deck: no map provider, so pydeck leaves the style at its "no base map" sentinel and
    Streamlit draws no MapLibre map and fetches no style or tile (with any other empty style it puts
    in Carto's, from the internet). The sea is the page's background (the theme's backgroundColor)
    through the deck's transparent canvas: one WebGL canvas to draw instead of two."""
    return CompactDeck(layers=layers, initial_view_state=view, map_provider=None, tooltip=TOOLTIP)
