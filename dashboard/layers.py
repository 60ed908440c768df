"""pydeck layer builders: plain records in, ``pdk.Layer`` out; no tiles, no network."""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from dashboard import style
from dashboard.config import RECENT_DAYS
from dashboard.tooltips import TOOLTIP, tooltip_fields

# pydeck reads a plain string prop as an expression ("pixels" would be a variable): wrap constants.
PIXELS = pdk.types.String("pixels")
INITIAL_VIEW = pdk.ViewState(longitude=104.6, latitude=23.6, zoom=5.5, min_zoom=3, max_zoom=13)


def _icon(svg: str) -> dict:
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return {"url": url, "width": 64, "height": 64, "anchorY": 32}


CHECKPOINT_ICON = _icon(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect x="14" y="14" width="36" height="36" '
    f'transform="rotate(45 32 32)" fill="{style.hex_colour(style.CHECKPOINT)}" stroke="#0e1624" stroke-width="6"/></svg>'
)
HUB_ICON = _icon(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><polygon points="32,6 60,56 4,56" '
    f'fill="{style.hex_colour(style.HUB)}" stroke="#0e1624" stroke-width="6"/></svg>'
)


def base_layers(countries: list[dict], provinces: list[dict], zones: list[dict], boundary: list[dict]) -> list[pdk.Layer]:
    """Neighbours and China, province outlines, border zones (pickable) and the land boundary."""
    return [
        pdk.Layer("PolygonLayer", id="countries", data=countries, get_polygon="polygon", get_fill_color="fill",
                  stroked=False, filled=True, pickable=False),
        pdk.Layer("PolygonLayer", id="provinces", data=provinces, get_polygon="polygon", filled=False, stroked=True,
                  get_line_color=list(style.PROVINCE_LINE), line_width_units=PIXELS, get_line_width=1),
        pdk.Layer("PolygonLayer", id="zones", data=zones, get_polygon="polygon", filled=True, stroked=True,
                  get_fill_color=list(style.ZONE_FILL), get_line_color=list(style.ZONE_LINE),
                  line_width_units=PIXELS, get_line_width=1, pickable=True, auto_highlight=True,
                  highlight_color=[232, 89, 12, 90]),
        pdk.Layer("PathLayer", id="boundary", data=boundary, get_path="path", get_color=list(style.BOUNDARY),
                  width_units=PIXELS, get_width=2.5, cap_rounded=True, joint_rounded=True, pickable=True),
    ]


def seizure_radius_px(quantity_kg: np.ndarray) -> np.ndarray:
    """Point radius in pixels: grows with the order of magnitude of the quantity (1 kg ≈ 2.5 px, 10 t ≈ 8 px)."""
    return np.round(2.0 + 1.6 * np.log10(1.0 + np.asarray(quantity_kg, dtype=float)), 1)


def seizure_layer(points: pd.DataFrame) -> pdk.Layer:
    """Seizures coloured by mineral group and sized by quantity; records carry their own tooltip."""
    colour = points["item_group"].map(lambda g: [*style.GROUP_COLOURS.get(g, (200, 200, 200)), 200])
    records = pd.DataFrame({
        "lon": points["lon"].round(5), "lat": points["lat"].round(5), "colour": colour,
        "radius": seizure_radius_px(points["quantity_kg"]),
    })
    tips = [
        tooltip_fields(
            f"{style.label(row.item_group)}: {row.item} ({row.form})",
            [("When", f"{row.occurred_at:%Y-%m-%d %H:%M}" if row.time_precision == "exact"
              else f"{row.occurred_at:%Y-%m-%d} ({row.time_precision})"),
             ("Quantity", f"{row.quantity_kg:,.3g} kg"), ("Value", f"¥{row.value_cny:,.0f}"),
             ("Channel", style.label(row.channel)), ("Site", row.site_en), ("County", row.county_en or row.county_zh),
             ("Declared as", row.declared_as), ("Agency", row.agency), ("Destination", row.destination_iso3),
             ("Location known to", row.geo_precision), ("Record", "SYNTHETIC (demo)" if row.is_synthetic else None)],
        )
        for row in points.itertuples()
    ]
    records = pd.concat([records, pd.DataFrame(tips, index=records.index)], axis=1)
    return pdk.Layer("ScatterplotLayer", id="seizures", data=records, get_position=["lon", "lat"],
                     get_fill_color="colour", get_radius="radius", radius_units=PIXELS, stroked=True,
                     get_line_color=[14, 22, 36, 180], line_width_min_pixels=0.5, pickable=True, auto_highlight=True)


def checkpoint_layers(checkpoints: pd.DataFrame) -> list[pdk.Layer]:
    """Checkpoints as white diamonds with their English names beside them."""
    tips = [
        tooltip_fields(
            f"{row.name_en} {row.name_zh}",
            [("Kind", row.kind.replace("_", " ")), ("County", row.county_en or row.county_zh),
             ("Across the border", f"{row.counterpart} ({row.counterpart_iso3})" if row.counterpart else None),
             ("Seizures linked", f"{row.seizures:,} ({row.recent_seizures:,} in the last {RECENT_DAYS} days)"),
             ("Location known to", row.geo_precision)],
        )
        for row in checkpoints.itertuples()
    ]
    data = pd.DataFrame({"lon": checkpoints["lon"], "lat": checkpoints["lat"], "name": checkpoints["name_en"],
                         "icon": [CHECKPOINT_ICON] * len(checkpoints)})
    data = pd.concat([data, pd.DataFrame(tips, index=data.index)], axis=1)
    return [
        pdk.Layer("IconLayer", id="checkpoints", data=data, get_icon="icon", get_position=["lon", "lat"],
                  get_size=15, size_units=PIXELS, pickable=True),
        pdk.Layer("TextLayer", id="checkpoint-labels", data=data, get_position=["lon", "lat"], get_text="name",
                  get_size=12, get_color=[230, 237, 246], get_pixel_offset=[10, 0], get_text_anchor=pdk.types.String("start"),
                  get_alignment_baseline=pdk.types.String("center"), font_family=pdk.types.String('"Noto Sans", "Noto Sans CJK SC", sans-serif')),
    ]


def hub_layer(hubs: pd.DataFrame) -> pdk.Layer:
    """Processing hubs as amber triangles."""
    tips = [
        tooltip_fields(
            f"{row.name_en} {row.name_zh}",
            [("Kind", row.kind.replace("_", " ")), ("Handles", ", ".join(style.label(g) for g in row.item_groups)),
             ("Country", row.country_iso3), ("Seizures linked", f"{row.seizures:,}"), ("Note", row.note)],
        )
        for row in hubs.itertuples()
    ]
    data = pd.DataFrame({"lon": hubs["lon"], "lat": hubs["lat"], "icon": [HUB_ICON] * len(hubs)})
    data = pd.concat([data, pd.DataFrame(tips, index=data.index)], axis=1)
    return pdk.Layer("IconLayer", id="hubs", data=data, get_icon="icon", get_position=["lon", "lat"], get_size=17,
                     size_units=PIXELS, pickable=True)


# Streamlit fills in a Carto basemap style (fetched from the internet) whenever a deck has none;
# this style is a data URL with a single background layer, the sea, so nothing is fetched.
OFFLINE_STYLE = "data:application/json;base64," + base64.b64encode(json.dumps({
    "version": 8, "sources": {},
    "layers": [{"id": "sea", "type": "background", "paint": {"background-color": style.hex_colour(style.SEA)}}],
}).encode()).decode()


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces, which more than doubles
    what st.pydeck_chart sends to the browser (9.0 MB against 3.4 MB for the live map)."""

    def to_json(self) -> str:
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def deck(layers: list[pdk.Layer]) -> pdk.Deck:
    """An offline deck: no map provider and a style that is all sea, so no tile or style is fetched."""
    offline = CompactDeck(layers=layers, initial_view_state=INITIAL_VIEW, map_provider=None, map_style=None,
                          tooltip=TOOLTIP)
    offline.map_style = OFFLINE_STYLE  # set after: pydeck's constructor only takes named or Mapbox styles
    return offline
