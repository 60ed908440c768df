"""The analyses' results as map layers: Gi* and emerging hot-spot hexagons, clusters, and the live map's
alerts (hexagons that have just become a hot spot). Frames from geodata in, ``pdk.Layer`` out.

Every feature's tooltip says where it is, by its county and nearest checkpoint (:func:`place_line`); its
hexagon (``hex``) or cluster is the key that a click on it gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard import style
from dashboard.i18n import label, name, t
from dashboard.map_layers import hexagon_polygons, with_tips
from dashboard.pydeck_adapters import PIXELS, frame_layer
from dashboard.tooltips import tooltip_fields
from geodata.emerging import NO_PATTERN
from geodata.palette import BIN_COLOURS, CATEGORY_COLOURS
from geodata.shapes import polygon_records
from queries.cells import cell_centres


def place_line(row, lang: str) -> tuple[str, str]:
    """The "place" tooltip line of an analysis feature: its county and nearest checkpoint (``geodata.places``)."""
    return t("place", lang), name(row, lang, "place_en", "place_zh")


def _with_centres(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with the ``lon`` and ``lat`` of the centre of its hexagon (``hex``)."""
    centres = cell_centres(data["hex"])
    return data.assign(lon=centres[:, 0], lat=centres[:, 1])


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
                    place_line(row, lang),
                    (t("seizures", lang), f"{int(row['seizures']):,}"),
                    (t("quantity", lang), f"{row['kg']:,.0f} kg"),
                    (t("main_items", lang), row["main_items"]),
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
    data = with_tips(pd.DataFrame({"hex": cells["cell"].to_numpy(), "colour": colours}), tips)
    markers = frame_layer(
        "ScatterplotLayer",
        _with_centres(data[marked]).drop(columns="hex"),
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
    return [hexagon_polygons(data, layer_id), markers]


def hot_spot_layers(cells: pd.DataFrame, lang: str) -> list[pdk.Layer]:
    """Gi* hexagons (geodata.hotspots.hot_spots) coloured by confidence bin, the not significant ones
    faint, the significant ones marked."""
    colours = [[*BIN_COLOURS[b], 60 if b == 0 else 200] for b in cells["bin"].tolist()]
    tips = [
        tooltip_fields(
            t(f"bin_{row.bin}", lang),
            [
                place_line(row, lang),
                (t("seizures", lang), f"{row.seizures:,}"),
                (t("quantity", lang), f"{row.kg:,.0f} kg"),
                (t("z_score", lang), f"{row.z:.2f}"),
                (t("q_value", lang), f"{row.q:.2g}"),
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
                place_line(row, lang),
                (t("seizures", lang), f"{row.seizures:,}"),
                (t("hot_steps", lang), f"{row.hot_steps} / {row.steps}"),
                (t("trend_z", lang), f"{row.trend_z:+.2f} (p {row.trend_p:.3g})"),
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
            [place_line(row, lang), (t("seizures", lang), f"{row.seizures:,}")],
        )
        for row in alerts.itertuples()
    ]
    data = with_tips(pd.DataFrame({"hex": alerts["cell"].to_numpy()}), tips)
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
        _with_centres(data),
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
