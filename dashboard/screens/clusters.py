"""The clusters section of the Analysis page: parameters, the outlines on a map, the table.

Rendered by ``dashboard.screens.analysis``; every result shows the parameters it was computed with.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import layers
from dashboard.data import base_geography, clusters, data_version
from dashboard.i18n import name, t
from geodata.clusters import DBSCANParams, HDBSCANParams


def cluster_params() -> DBSCANParams | HDBSCANParams | None:
    """The parameters form; the parameters of the last submitted run (None before the first)."""
    lang = st.session_state.get("w_lang", "en")
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
        if st.form_submit_button(t("run", lang)):
            st.session_state["cluster_run"] = True
    if not st.session_state.get("cluster_run"):
        return None
    if method == "hdbscan":
        return HDBSCANParams(min_cluster_size=int(min_count))
    return DBSCANParams(eps_km=float(eps_km), min_count=int(min_count), window_days=float(window) or None)


def render_clusters(path: str, filters, lang: str) -> None:
    st.subheader(t("clusters_title", lang))
    params = cluster_params()
    if params is None:
        st.caption(t("clusters_hint", lang))
        return
    with st.spinner(t("clustering", lang)):
        found = clusters(path, data_version(path), filters, params)
    table = found["table"]
    st.caption(
        t(
            "clusters_summary",
            lang,
            clusters=len(table),
            analysed=found["analysed"],
            left_out=found["left_out"],
            params=", ".join(
                f"{key} = {value}" for key, value in table.attrs.get("params", {}).items() if value is not None
            ),
        )
    )
    if table.empty:
        st.info(t("no_clusters", lang))
        return
    st.pydeck_chart(
        layers.deck([*layers.base_layers(base_geography(lang), True), *layers.cluster_layers(table, lang)]),
        height=520,
        key="cluster_map",
    )
    shown = table.drop(columns="geometry")
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
