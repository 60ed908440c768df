"""The clusters section of the Analysis page: parameters, the outlines on a map, the table.

Rendered by ``dashboard.screens.analysis``; the form runs with its defaults at once and again on
every submit, and every result shows the parameters it was computed with.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import layers, style
from dashboard.data import Source
from dashboard.i18n import label, name, t
from dashboard.results import ShownLayer, analysis_result, gap_filter, params_text, result_map, shown_layer
from geodata.clusters import DBSCANParams, HDBSCANParams, labelled_shares


def cluster_params(lang: str) -> tuple[DBSCANParams | HDBSCANParams, bool]:
    """The parameters form: the parameters last submitted (the defaults before the first submit), and
    whether they were submitted in this run."""
    with st.form("cluster_form"):
        method = st.radio(
            t("cluster_method", lang),
            ("dbscan", "hdbscan"),
            horizontal=True,
            key="c_method",
            format_func=lambda m: t(f"method_{m}", lang),
        )
        left, middle, right = st.columns(3)
        eps_km = left.number_input(t("eps_km", lang), 0.1, 50.0, 1.0, 0.1, key="c_eps", help=t("eps_help", lang))
        min_count = middle.number_input(
            t("min_count", lang), 2, 10_000, 10, key="c_min", help=t("min_count_help", lang)
        )
        window = right.number_input(t("window_days", lang), 0, 3_650, 0, key="c_window", help=t("window_help", lang))
        submitted = st.form_submit_button(t("run", lang))
    if method == "hdbscan":
        return HDBSCANParams(min_cluster_size=int(min_count)), submitted
    return DBSCANParams(eps_km=float(eps_km), min_count=int(min_count), window_days=float(window) or None), submitted


def render_clusters(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    st.caption(t("clusters_hint", lang))
    params, submitted = cluster_params(lang)
    found = analysis_result("clusters", source, filters, params, user, lang, submitted)
    if found is None:
        return None
    table = found["layer"]
    st.caption(
        t(
            "clusters_summary",
            lang,
            clusters=len(table),
            analysed=found["analysed"],
            left_out=found["left_out"],
            params=params_text(table.attrs.get("params", {})),
        )
    )
    if table.empty:
        st.info(t("no_clusters", lang))
        return None
    gap_km, gaps = gap_filter(table, lang, "c_gap_km")
    shown = (gaps if gap_km else table).assign(
        main_items=lambda frame: [labelled_shares(text, lambda code: label(code, lang)) for text in frame["main_items"]],
        main_channels=lambda frame: [
            labelled_shares(text, lambda code: label(code, lang)) for text in frame["main_channels"]
        ],
    )
    result_map(
        source,
        filters,
        lang,
        layers.cluster_layers(shown, lang),
        shown,
        style.analysis_legend_html(lang, "clusters"),
        "cluster_map",
    )
    if not gap_km:
        shown = shown.sort_values("cluster")
    st.dataframe(
        pd.DataFrame(
            {
                "#": shown["cluster"] + 1,
                t("seizures", lang): shown["seizures"],
                t("kg", lang): shown["kg"].round(0),
                t("value_cny", lang): shown["value_cny"].round(0),
                t("main_items", lang): shown["main_items"],
                t("channel", lang): shown["main_channels"],
                t("first_seen", lang): shown["first_seen"],
                t("last_seen", lang): shown["last_seen"],
                t("zone", lang): [name(row, lang, "zone_en", "zone_zh") for row in shown.itertuples()],
                t("checkpoint", lang): [
                    name(row, lang, "checkpoint_en", "checkpoint_zh") for row in shown.itertuples()
                ],
                t("distance_km", lang): shown["checkpoint_km"].round(1),
            }
        ),
        hide_index=True,
        key="cluster_table",
    )
    return shown_layer("clusters", table, gap_km, gaps)
