"""The Gi* and emerging hot-spot sections of the Analysis page: parameters with their help, the
hexagons on a map with a legend, the significant ones in a table with their nearest checkpoint.

Each form runs with its defaults at once and again on every submit; the result is cached per view
and parameters (``dashboard.data``), and its caption gives the parameters it was computed with.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import layers, style
from dashboard.data import Source
from dashboard.i18n import label, name, t
from dashboard.results import ShownLayer, analysis_result, gap_filter, params_text, result_map, shown_layer
from dashboard.state import HEX_RESOLUTIONS, WEIGHTS
from geodata.emerging import CATEGORIES, NO_PATTERN, STEPS, EmergingParams
from geodata.hotspots import HotSpotParams


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


def _nearest(frame: pd.DataFrame, lang: str) -> dict:
    """The nearest-checkpoint columns of a result table."""
    return {
        t("checkpoint", lang): [name(row, lang, "checkpoint_en", "checkpoint_zh") for row in frame.itertuples()],
        t("distance_km", lang): frame["checkpoint_km"].round(1).tolist(),
    }


def render_hot_spots(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    st.caption(t("hotspots_hint", lang))
    params, submitted = hot_spot_params(lang)
    found = analysis_result("hotspots", source, filters, params, user, lang, submitted)
    if found is None:
        return None
    cells = found["layer"]
    st.caption(
        t(
            "hotspots_summary",
            lang,
            hot=int((cells["bin"] > 0).sum()),
            cold=int((cells["bin"] < 0).sum()),
            cells=len(cells),
            analysed=found["analysed"],
            left_out=found["left_out"],
            params=params_text(cells.attrs["params"]),
        )
    )
    if cells.empty:
        st.info(t("no_records", lang))
        return None
    gap_km, hot = gap_filter(cells[cells["bin"] > 0], lang, "h_gap_km")
    shown = hot if gap_km else cells
    result_map(
        source,
        filters,
        lang,
        layers.hot_spot_layers(shown, lang),
        hot if len(hot) else cells,
        style.analysis_legend_html(lang, "hotspots"),
        "hotspot_map",
    )
    st.caption(t("bins_help", lang))
    top = hot if gap_km else hot.sort_values("z", ascending=False)
    st.dataframe(
        pd.DataFrame(
            {
                t("confidence", lang): [t(f"bin_{b}", lang) for b in top["bin"]],
                t("seizures", lang): top["seizures"].tolist(),
                t("kg", lang): top["kg"].round(0).tolist(),
                t("value_cny", lang): top["value_cny"].round(0).tolist(),
                t("z_score", lang): top["z"].round(2).tolist(),
                t("q_value", lang): [f"{q:.2g}" for q in top["q"]],
                **_nearest(top, lang),
                t("hexagon_id", lang): top["cell"].tolist(),
            }
        ),
        hide_index=True,
        key="hotspot_table",
    )
    return shown_layer("hotspots", cells, gap_km, hot)


def render_emerging(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    st.caption(t("emerging_hint", lang))
    params, submitted = emerging_params(lang)
    found = analysis_result("emerging", source, filters, params, user, lang, submitted)
    if found is None:
        return None
    cells = found["layer"]
    patterned = cells[cells["category"] != NO_PATTERN]
    st.caption(
        t(
            "emerging_summary",
            lang,
            patterns=len(patterned),
            cells=len(cells),
            steps=int(cells["steps"].iloc[0]) if len(cells) else 0,
            first=cells.attrs["first_step"][:10],
            last=cells.attrs["last_step"][:10],
            analysed=found["analysed"],
            left_out=found["left_out"],
            params=params_text(cells.attrs["params"]),
        )
    )
    gap_km, hot = gap_filter(patterned[patterned["category"].str.endswith("hot spot")], lang, "e_gap_km")
    shown = hot if gap_km else cells
    result_map(
        source,
        filters,
        lang,
        layers.emerging_layers(shown, lang),
        patterned if len(patterned) else cells,
        style.analysis_legend_html(lang, "emerging", tuple(patterned["category"].unique())),
        "emerging_map",
    )
    table = hot if gap_km else patterned.sort_values(
        ["category", "seizures"], key=lambda column: column.map(CATEGORIES.index) if column.name == "category" else -column
    )
    st.dataframe(
        pd.DataFrame(
            {
                t("category", lang): [label(c, lang) for c in table["category"]],
                t("seizures", lang): table["seizures"].tolist(),
                t("hot_steps", lang): [f"{h} / {s}" for h, s in zip(table["hot_steps"], table["steps"])],
                t("trend_z", lang): table["trend_z"].round(2).tolist(),
                **_nearest(table, lang),
                t("hexagon_id", lang): table["cell"].tolist(),
            }
        ),
        hide_index=True,
        key="emerging_table",
    )
    return shown_layer("emerging", cells, gap_km, hot)
