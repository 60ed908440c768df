"""The Gi* and emerging hot-spot sections of the Analysis page: parameters with their help, the
hexagons on a map with a legend, the significant ones in a table with their nearest checkpoint.

Each form runs with its defaults at once and again on every submit; the result is cached per view
and parameters (``dashboard.data``), and its caption gives the parameters it was computed with.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import style
from dashboard.analysis_layers import emerging_layers, hot_spot_layers
from dashboard.controls import keep_choice
from dashboard.data import Source
from dashboard.guidance import show_guidance
from dashboard.i18n import label, t
from dashboard.results import (
    ShownLayer,
    analysis_result,
    gap_filter,
    params_text,
    place_columns,
    result_map,
    shown_layer,
)
from dashboard.screens.network import parties_panel, place_lines
from dashboard.state import HEX_RESOLUTIONS, WEIGHTS
from dashboard.tables import show_table
from geodata.emerging import CATEGORIES, NO_PATTERN, STEPS, EmergingParams
from geodata.hotspots import HotSpotParams
from queries.filters import Focus


def _grid_inputs(lang: str, prefix: str, resolution: int) -> tuple[int, int, str]:
    """Hexagon size, rings and weight: the inputs Gi* and emerging hot spots share."""
    left, middle, right = st.columns(3)
    res = left.selectbox(
        t("hex_size", lang),
        HEX_RESOLUTIONS,
        index=HEX_RESOLUTIONS.index(resolution),
        key=f"{prefix}_res",
        format_func=lambda r: t(f"hex_res_{r}", lang),
    )
    rings = middle.number_input(t("rings", lang), 1, 5, 2, key=f"{prefix}_rings", help=t("rings_help", lang))
    weight = right.selectbox(t("weight", lang), WEIGHTS, key=f"{prefix}_weight", format_func=lambda w: t(f"weight_{w}", lang))
    return int(res), int(rings), weight


def hot_spot_params(lang: str) -> tuple[HotSpotParams, bool]:
    """The Gi* form: the parameters last submitted (the defaults before the first submit), and whether
    they were submitted in this run."""
    with st.form("hotspot_form"):
        res, rings, weight = _grid_inputs(lang, "h", HotSpotParams.resolution)
        left, right = st.columns(2)
        permutations = left.selectbox(
            t("permutations", lang), (0, 99, 999), key="h_permutations", help=t("permutations_help", lang)
        )
        fdr = right.checkbox(t("fdr", lang), True, key="h_fdr", help=t("fdr_help", lang))
        submitted = st.form_submit_button(t("run", lang))
    return HotSpotParams(resolution=res, rings=rings, weight=weight, permutations=int(permutations), fdr=fdr), submitted


def emerging_params(lang: str) -> tuple[EmergingParams, bool]:
    """The emerging hot-spot form: the parameters last submitted (the defaults before the first submit),
    and whether they were submitted in this run."""
    with st.form("emerging_form"):
        res, rings, weight = _grid_inputs(lang, "e", EmergingParams.resolution)
        left, right = st.columns(2)
        step = left.selectbox(
            t("step", lang), STEPS, index=STEPS.index("month"), key="e_step", format_func=lambda s: t(f"step_{s}", lang)
        )
        alpha = right.selectbox(t("alpha", lang), (0.10, 0.05, 0.01), index=1, key="e_alpha", help=t("alpha_help", lang))
        fdr = st.checkbox(t("fdr", lang), False, key="e_fdr", help=t("fdr_help", lang))
        submitted = st.form_submit_button(t("run", lang))
    return EmergingParams(resolution=res, rings=rings, step=step, weight=weight, alpha=float(alpha), fdr=fdr), submitted


def render_hot_spots(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    found = analysis_result("hotspots", hot_spot_params, source, filters, lang, user)
    if found is None:
        return None
    cells = found["result"].frame
    st.caption(hot_spots_summary(found, lang))
    show_guidance("hotspots", filters, lang, found=int((cells["bin"] > 0).sum()), cells=int((cells["seizures"] > 0).sum()))
    if cells.empty:
        return None
    gap_km, hot = gap_filter(cells[cells["bin"] > 0], lang, "h_gap_km")
    result_map(source, filters, lang, hot_spot_layers(hot if gap_km else cells, lang), hot if len(hot) else cells,
               style.analysis_legend_html(lang, "hotspots"), "hotspot_map")
    st.caption(t("bins_help", lang))
    show_table(hot_spot_table(hot if gap_km else hot.sort_values("z", ascending=False), lang), "hotspot_table")
    behind_hot_spot(hot.sort_values("z", ascending=False), found["result"].params.resolution, filters, lang)
    return shown_layer("hotspots", found["result"], gap_km, hot)


def behind_hot_spot(hot: pd.DataFrame, resolution: int, filters, lang: str) -> None:
    """The parties behind a hot spot chosen from a list (the Network page's panel, select box
    ``hotspot_parties``), hottest first."""
    if hot.empty:
        return
    places = place_lines(hot, lang)
    named = dict(zip(hot["cell"], places, strict=True))
    keep_choice("hotspot_parties", named)
    cell = st.selectbox(t("network_hot_spot", lang), list(named), index=None, key="hotspot_parties",
                        placeholder=t("network_choose_hot_spot", lang), format_func=lambda key: named.get(key, key))
    if cell is not None:
        parties_panel(filters, "hotspot", focus=Focus("cell", cell, resolution))


def hot_spots_summary(found: dict, lang: str) -> str:
    """How many hexagons are hot and cold, of how many, from how many seizures, with which parameters."""
    cells = found["result"].frame
    return t("hotspots_summary", lang, hot=int((cells["bin"] > 0).sum()), cold=int((cells["bin"] < 0).sum()),
             cells=len(cells), analysed=found["analysed"], left_out=found["left_out"],
             params=params_text(found["result"].params_record, lang))


def hot_spot_table(hot: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The hot spots' table: where (county and nearest checkpoint; the hexagon id stays in the result and its
    exports), confidence, figures, z and q."""
    return pd.DataFrame(
        {
            **place_columns(hot, lang),
            t("confidence", lang): [t(f"bin_{b}", lang) for b in hot["bin"]],
            t("seizures", lang): hot["seizures"].tolist(),
            t("kg", lang): hot["kg"].round(0).tolist(),
            t("value_cny", lang): hot["value_cny"].round(0).tolist(),
            t("z_score", lang): hot["z"].round(2).tolist(),
            t("q_value", lang): [f"{q:.2g}" for q in hot["q"]],
        }
    )


def render_emerging(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    found = analysis_result("emerging", emerging_params, source, filters, lang, user)
    if found is None:
        return None
    cells = found["result"].frame
    patterned = cells[cells["category"] != NO_PATTERN]
    st.caption(emerging_summary(found, len(patterned), lang))
    show_guidance("emerging", filters, lang, found=len(patterned), steps=int(cells["steps"].iloc[0]) if len(cells) else 0)
    gap_km, hot = gap_filter(patterned[patterned["category"].str.endswith("hot spot")], lang, "e_gap_km")
    result_map(source, filters, lang, emerging_layers(hot if gap_km else cells, lang),
               patterned if len(patterned) else cells,
               style.analysis_legend_html(lang, "emerging", tuple(patterned["category"].unique())), "emerging_map")
    show_table(emerging_table(hot if gap_km else by_category(patterned), lang), "emerging_table")
    return shown_layer("emerging", found["result"], gap_km, hot)


def emerging_summary(found: dict, patterns: int, lang: str) -> str:
    """How many hexagons show a pattern, of how many, over which steps, with which parameters."""
    result = found["result"]
    cells = result.frame
    return t("emerging_summary", lang, patterns=patterns, cells=len(cells),
             steps=int(cells["steps"].iloc[0]) if len(cells) else 0, first=result.first_step[:10],
             last=result.last_step[:10], analysed=found["analysed"], left_out=found["left_out"],
             params=params_text(result.params_record, lang))


def by_category(cells: pd.DataFrame) -> pd.DataFrame:
    """``cells`` in the order of the categories (``CATEGORIES``), the most seizures first within each."""
    return cells.sort_values(
        ["category", "seizures"], key=lambda column: column.map(CATEGORIES.index) if column.name == "category" else -column
    )


def emerging_table(cells: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The emerging hot spots' table: where (county and nearest checkpoint), category, seizures, hot steps, trend."""
    return pd.DataFrame(
        {
            **place_columns(cells, lang),
            t("category", lang): [label(c, lang) for c in cells["category"]],
            t("seizures", lang): cells["seizures"].tolist(),
            t("hot_steps", lang): [f"{h} / {s}" for h, s in zip(cells["hot_steps"], cells["steps"])],
            t("trend_z", lang): cells["trend_z"].round(2).tolist(),
        }
    )
