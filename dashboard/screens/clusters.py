"""The clusters section of the Analysis page: parameters, the outlines on a map, the table.

Rendered by ``dashboard.screens.analysis``; the form runs with its defaults at once and again on
every submit, and every result shows the parameters it was computed with.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st

from dashboard import style
from dashboard.analysis_layers import cluster_layers
from dashboard.controls import keep_choice
from dashboard.data import Source, analysis_points, data_version
from dashboard.guidance import show_guidance
from dashboard.i18n import label, t
from dashboard.records_table import WHEN_FORMATS
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
from dashboard.tables import show_table
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
    found = analysis_result("clusters", cluster_params, source, filters, lang, user)
    if found is None:
        return None
    table = found["result"].frame
    st.caption(t("clusters_summary", lang, clusters=len(table), analysed=found["analysed"],
                 left_out=found["left_out"], params=params_text(found["result"].params_record, lang)))
    if table.empty:
        show_guidance("clusters", filters, lang, found=0)
        return None
    gap_km, gaps = gap_filter(table, lang, "c_gap_km")
    shown = labelled(gaps if gap_km else table, lang)
    result_map(source, filters, lang, cluster_layers(shown, lang), shown, style.analysis_legend_html(lang, "clusters"),
               "cluster_map")
    show_table(cluster_table(shown if gap_km else shown.sort_values("cluster"), lang), "cluster_table")
    behind_cluster(shown.sort_values("cluster"), source, filters, lang)
    return shown_layer("clusters", found["result"], gap_km, gaps)


def behind_cluster(clusters: gpd.GeoDataFrame, source: Source, filters, lang: str) -> None:
    """The parties behind a cluster chosen from a list (the Network page's panel, select box ``cluster_parties``):
    those of the analysed seizures that lie within its outline."""
    if clusters.empty:
        return
    places = place_lines(clusters, lang)
    named = {int(number): f"#{number + 1} {place}" for number, place in zip(clusters["cluster"], places, strict=True)}
    keep_choice("cluster_parties", named)
    number = st.selectbox(t("network_cluster", lang), list(named), index=None, key="cluster_parties",
                          placeholder=t("network_choose_cluster", lang), format_func=lambda key: named.get(key, key))
    if number is None:
        return
    points = analysis_points(source, data_version(source.path), filters).points
    outline = clusters.loc[clusters["cluster"] == number, "geometry"].iloc[0]
    inside = shapely.contains_xy(outline, points["lon"].to_numpy(float), points["lat"].to_numpy(float))
    parties_panel(filters, "cluster", seizures=tuple(int(seizure) for seizure in points.loc[inside, "seizure_id"]))


def labelled(clusters: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``clusters`` with their main items and channels named in ``lang`` (codes with shares in the table)."""
    def named(texts) -> list[str]:
        return [labelled_shares(text, lambda code: label(code, lang)) for text in texts]

    return clusters.assign(main_items=named(clusters["main_items"]), main_channels=named(clusters["main_channels"]))


def cluster_table(clusters: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The clusters' table: number, where (county and nearest checkpoint), figures, main items and channels,
    dates (days: a cluster's records mix precisions)."""
    return pd.DataFrame(
        {
            "#": clusters["cluster"] + 1,
            **place_columns(clusters, lang),
            t("seizures", lang): clusters["seizures"],
            t("kg", lang): clusters["kg"].round(0),
            t("value_cny", lang): clusters["value_cny"].round(0),
            t("main_items", lang): clusters["main_items"],
            t("channel", lang): clusters["main_channels"],
            t("first_seen", lang): pd.to_datetime(clusters["first_seen"]).dt.strftime(WHEN_FORMATS["day"]),
            t("last_seen", lang): pd.to_datetime(clusters["last_seen"]).dt.strftime(WHEN_FORMATS["day"]),
        }
    )
