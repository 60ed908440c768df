"""Altair charts: seizures over time by mineral group or channel, with export-control dates marked."""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard import style
from dashboard.i18n import label, t
from queries.constants import CHANNELS, ITEM_GROUPS

CHANNEL_COLOURS = ("#4dabf7", "#ff6b6b", "#ffd43b", "#38d9a9", "#da77f2", "#ffa94d")


def _scale(dimension: str, lang: str) -> alt.Scale:
    if dimension == "item_group":
        domain = [label(code, lang) for code in ITEM_GROUPS]
        colours = [style.hex_colour(style.GROUP_COLOURS[code]) for code in ITEM_GROUPS]
    else:
        domain = [label(code, lang) for code in CHANNELS]
        colours = list(CHANNEL_COLOURS)
    return alt.Scale(domain=domain, range=colours)


def series_chart(
    series: pd.DataFrame, dimension: str, lang: str, control_dates: pd.DataFrame, height: int = 260
) -> alt.LayerChart:
    """Stacked bars of seizures per time bucket for one dimension ('item_group' or 'channel'), with a
    dashed rule at each export-control date inside the period."""
    rows = series[series["dimension"] == dimension].copy()
    rows["name"] = [label(key, lang) for key in rows["key"]]
    bars = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("bucket:T", title=None),
            y=alt.Y("seizures:Q", title=t("seizures", lang), stack=True),
            color=alt.Color(
                "name:N", scale=_scale(dimension, lang), title=None, legend=alt.Legend(orient="bottom", columns=4)
            ),
            tooltip=[
                alt.Tooltip("bucket:T", title=t("when", lang)),
                alt.Tooltip("name:N", title=t("channel" if dimension == "channel" else "mineral_group", lang)),
                alt.Tooltip("seizures:Q", title=t("seizures", lang)),
                alt.Tooltip("kg:Q", title="kg", format=",.0f"),
            ],
        )
    )
    if rows.empty:
        return alt.layer(bars).properties(height=height)
    first, last = rows["bucket"].min(), rows["bucket"].max()
    dates = control_dates[
        (pd.to_datetime(control_dates["effective_on"]) >= first)
        & (pd.to_datetime(control_dates["effective_on"]) <= last)
    ]
    if dates.empty:
        return alt.layer(bars).properties(height=height)
    rules = (
        alt.Chart(dates)
        .mark_rule(strokeDash=[4, 3], color="#e6edf6", opacity=0.7)
        .encode(x="effective_on:T", tooltip=[alt.Tooltip("announcement:N"), alt.Tooltip("effective_on:T")])
    )
    return alt.layer(bars, rules).properties(height=height)


def mix_chart(mix: pd.DataFrame, lang: str, height: int = 220) -> alt.Chart:
    """Seizures by mineral group (horizontal bars, group colours)."""
    by_group = mix.groupby("item_group", as_index=False)[["seizures", "kg"]].sum()
    by_group["name"] = [label(code, lang) for code in by_group["item_group"]]
    return (
        alt.Chart(by_group)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None),
            x=alt.X("seizures:Q", title=t("seizures", lang)),
            color=alt.Color("name:N", scale=_scale("item_group", lang), legend=None),
            tooltip=[
                alt.Tooltip("name:N", title=t("mineral_group", lang)),
                alt.Tooltip("seizures:Q"),
                alt.Tooltip("kg:Q", format=",.1f"),
            ],
        )
        .properties(height=height)
    )
