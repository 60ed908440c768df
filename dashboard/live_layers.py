"""The live map's own layers (density, seizures, flows, hubs) and its whole deck for one view:
frames from ``queries.views.map_data`` in, ``pdk.Layer`` out.

Every pickable record carries its own escaped tooltip (``title``/``detail``) and the key that the
drill-down needs (``hex``, ``seizure_id`` or ``hub_id``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard import style
from dashboard.analysis_layers import alert_layers
from dashboard.i18n import label, name, names, t
from dashboard.map_layers import (
    HUB_MARK,
    base_layers,
    checkpoint_layers,
    hexagon_polygons,
    labelled_deck,
    place_layer,
    text_rows,
    with_tips,
)
from dashboard.pydeck_adapters import PIXELS, frame_layer
from dashboard.records_table import when_text
from dashboard.tooltips import tooltip_fields, tooltip_frame
from geodata.hotspots import MEASURES
from queries.cells import cell_centres, cell_hex
from queries.reference import destinations


def weight_label(weight: str, lang: str) -> str:
    return t(f"weight_{weight}", lang)


def hexagon_layer(hexagons: pd.DataFrame, weight: str, lang: str) -> pdk.Layer:
    """Seizure density on H3 cells, coloured on a log ramp of the chosen weight (count, kg or value)."""
    values = hexagons[MEASURES[weight]].to_numpy(float)
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
    data = with_tips(pd.DataFrame({"hex": cell_hex(hexagons["cell"]), "colour": style.density_colours(values)}), tips)
    return hexagon_polygons(data, "hexagons")


def density_top(hexagons: pd.DataFrame | None, weight: str) -> float | None:
    """The largest weight of the hexagons shown (what the density legend's numbers are scaled on); None without any."""
    if hexagons is None or not len(hexagons):
        return None
    return float(hexagons[MEASURES[weight]].max())


def heatmap_layer(hexagons: pd.DataFrame, weight: str) -> pdk.Layer:
    """A heatmap drawn from the hexagons' centres and weights (already aggregated on the server)."""
    centres = cell_centres(hexagons["cell"])
    data = pd.DataFrame(
        {
            "lon": centres[:, 0].round(4),
            "lat": centres[:, 1].round(4),
            "w": hexagons[MEASURES[weight]].to_numpy(float).round(1),
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


def _labels(codes: pd.Series, lang: str) -> pd.Series:
    return codes.map(lambda code: label(code, lang) if isinstance(code, str) else None)


def seizure_records(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One record per seizure for the points layer: id, position, colour by group, radius by quantity, tooltip."""
    colour = [[*style.GROUP_COLOURS.get(g, (200, 200, 200)), 210] for g in points["item_group"]]
    site = names(points, lang, "checkpoint_en", "checkpoint_zh")
    tips = tooltip_frame(
        _labels(points["item_group"], lang)
        + ": "
        + _labels(points["item"], lang)
        + " ("
        + _labels(points["form"], lang)
        + ")",
        {
            t("when", lang): when_text(points["occurred_at"], points["time_precision"], lang),
            t("quantity", lang): points["quantity_kg"].map(lambda kg: f"{kg:,.3g} kg"),
            t("value", lang): points["value_cny"].map(lambda cny: None if pd.isna(cny) else f"¥{cny:,.0f}"),
            t("channel", lang): _labels(points["channel"], lang),
            t("site", lang): site.where(site.notna(), names(points, lang, "hub_en", "hub_zh")),
            t("county", lang): names(points, lang, "county_en", "county_zh"),
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
    data = with_tips(
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
    return place_layer(text_rows(with_tips(hubs[["hub_id", "lon", "lat"]], tips), HUB_MARK, style.HUB, 17), "hubs")


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
    deck_layers = base_layers(base, "zones" in shown, lang)
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
    return labelled_deck(deck_layers)
