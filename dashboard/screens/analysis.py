"""Analysis: the period against the one before it, by border zone and crossing, and over time."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import series_chart
from dashboard.context import PageContext, current_context, minute_now
from dashboard.controls import show_url_problems
from dashboard.data import Source, analysis, control_dates, data_version
from dashboard.figures import metric_delta, show_figures
from dashboard.guidance import show_guidance
from dashboard.i18n import label, name, t
from dashboard.results import ShownLayer
from dashboard.screens.clusters import render_clusters
from dashboard.screens.exports import render_exports
from dashboard.screens.hotspots import render_emerging, render_hot_spots
from dashboard.tables import show_table
from queries.views import bucket_for


def render(ctx: PageContext) -> None:
    lang = ctx.view.lang
    st.title(t("analysis_title", lang))
    show_url_problems(lang)
    version = data_version(ctx.path)
    filters = ctx.view.filters(minute_now())
    bucket = bucket_for(filters, ctx.extent["first_occurred"], ctx.extent["last_occurred"])
    found = analysis(ctx.source, version, filters, bucket)
    show_figures(st.columns(3), found["summary"], found["previous"], lang)
    if not found["summary"]["seizures"]:
        show_guidance("seizures", filters, lang, found=0)
        return

    series_charts(found["series"], control_dates(ctx.path, version), lang)
    # one above the other: side by side, half the page cut their last columns off
    st.subheader(t("by_zone", lang))
    show_table(zone_table(found["zones"], lang), "zones_table")
    st.subheader(t("busiest", lang))
    show_table(crossing_table(found["crossings"], lang), "crossings_table")
    shown = render_hot_spot_analyses(ctx.source, filters, lang, ctx.user.username)
    render_exports(ctx, filters, shown)


def series_charts(series, dates, lang: str) -> None:
    """Seizures over time by mineral group and by channel, side by side, with the export-control dates."""
    left, right = st.columns(2)
    with left:
        st.subheader(t("by_group", lang))
        st.altair_chart(series_chart(series, "item_group", lang, dates), width="stretch")
    with right:
        st.subheader(t("by_channel", lang))
        st.altair_chart(series_chart(series, "channel", lang, dates), width="stretch")
    st.caption(t("control_dates", lang))


def previous_column(counts, lang: str) -> dict[str, list]:
    """The counts of the period before (0 where nothing was seized then); no column when the period has none before it
    (all of the record): an empty cell reads "None"."""
    return {t("previous", lang): counts.fillna(0).astype(int).tolist()} if counts.notna().any() else {}


def zone_table(zones, lang: str) -> dict[str, list]:
    """The border zones with seizures in the period or the one before, with both counts."""
    zones = zones[(zones["seizures"] > 0) | (zones["previous_seizures"].fillna(0) > 0)]
    return {
        t("zone", lang): [name(row, lang) for row in zones.itertuples()],
        t("province", lang): [name(row, lang, "province_en", "province_zh") for row in zones.itertuples()],
        t("seizures", lang): zones["seizures"].tolist(),
        **previous_column(zones["previous_seizures"], lang),
        t("kg", lang): zones["kg"].round(0).tolist(),
        t("value_cny", lang): zones["value_cny"].round(0).tolist(),
    }


def crossing_table(crossings, lang: str) -> dict[str, list]:
    """The crossings with seizures in the period, against the one before."""
    crossings = crossings[crossings["seizures"] > 0]
    return {
        t("checkpoint", lang): [name(row, lang) for row in crossings.itertuples()],
        t("kind", lang): [label(kind, lang) for kind in crossings["kind"]],
        t("seizures", lang): crossings["seizures"].tolist(),
        **previous_column(crossings["previous_seizures"], lang),
        t("change", lang): [metric_delta(now, before) or ""
                            for now, before in zip(crossings["seizures"], crossings["previous_seizures"])],
    }


ANALYSES = {"hotspots": render_hot_spots, "emerging": render_emerging, "clusters": render_clusters}


def render_hot_spot_analyses(source: Source, filters, lang: str, user: str) -> ShownLayer | None:
    """The chosen hot-spot analysis of the filtered seizures (Gi* first: "where, and is it real?") for
    ``user`` (one analysis at a time each); the layer it shows."""
    st.subheader(t("analysis_method", lang))
    chosen = st.segmented_control(
        t("analysis_method", lang),
        tuple(ANALYSES),
        default="hotspots",
        required=True,
        key="a_method",
        format_func=lambda kind: t(f"analysis_{kind}", lang),
        label_visibility="collapsed",
    )
    return ANALYSES[chosen or "hotspots"](source, filters, lang, user)


if __name__ == "__main__":  # run as a page by st.navigation
    render(current_context())
