"""Altair charts: seizures over time by mineral group or channel, with export-control dates marked."""

from __future__ import annotations

import altair as alt
import pandas as pd
from babel.dates import get_day_names, get_month_names, get_period_names

from dashboard import style
from dashboard.i18n import label, t
from queries.constants import CHANNELS, ITEM_GROUPS

CHANNEL_COLOURS = ("#4dabf7", "#ff6b6b", "#ffd43b", "#38d9a9", "#da77f2", "#ffa94d")
# A legend under a half-page chart (about 400 px wide on a laptop) in as many columns as fit there, its entries
# filling rows left to right, each column as wide as its longest name: sizes of Vega's 11 px labels, in px.
LEGEND_PX, LATIN_PX, CJK_PX, SYMBOL_PX = 400, 6.2, 11, 28


def _cldr_names(names: dict[int, str], first: int = 0) -> list[str]:
    """Babel's (CLDR's) names in their order, starting at ``first`` (d3 starts the week on Sunday, CLDR on Monday)."""
    ordered = [names[key] for key in sorted(names)]
    return ordered[first:] + ordered[:first]


# Vega's names of months and days in Chinese, from the Unicode CLDR through Babel (as d3-time-format's zh-CN)
CHINESE_TIME = alt.TimeLocale(
    dateTime="%x %A %X", date="%Y/%-m/%-d", time="%H:%M:%S",
    periods=[get_period_names("abbreviated", "format", locale="zh_CN")[period] for period in ("am", "pm")],
    days=_cldr_names(get_day_names("wide", locale="zh_CN"), first=6),
    shortDays=_cldr_names(get_day_names("abbreviated", locale="zh_CN"), first=6),
    months=_cldr_names(get_month_names("wide", locale="zh_CN")),
    shortMonths=_cldr_names(get_month_names("abbreviated", locale="zh_CN")))
NUMBERS = alt.NumberLocale(decimal=".", thousands=",", grouping=[3], currency=["¥", ""])


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """``chart`` with Vega's names of months and days and its number format in ``lang``."""
    if lang != "zh":
        return chart
    return chart.configure(locale=alt.Locale(number=NUMBERS, time=CHINESE_TIME))


def _time_labels(lang: str) -> str:
    """A Vega expression naming each tick of a time axis as precisely as it needs, in ``lang`` (the catalogue's
    formats): the year on its first day, the month on its first day, else the day, the time of day when not midnight."""
    year, month, day, hour = (t(f"chart_axis_{unit}", lang) for unit in ("year", "month", "day", "hour"))
    return (f"hours(datum.value) || minutes(datum.value) ? timeFormat(datum.value, '{hour}') : "
            f"date(datum.value) == 1 && month(datum.value) == 0 ? timeFormat(datum.value, '{year}') : "
            f"date(datum.value) == 1 ? timeFormat(datum.value, '{month}') : timeFormat(datum.value, '{day}')")


def legend_columns(names: list[str]) -> int:
    """The most columns (at most 4) in which a legend of ``names`` fits :data:`LEGEND_PX` without cutting a name."""
    def width(text: str) -> float:
        return SYMBOL_PX + sum(CJK_PX if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else LATIN_PX
                               for ch in text)

    def fits(columns: int) -> bool:
        return sum(max((width(name) for name in names[column::columns]), default=0)
                   for column in range(columns)) <= LEGEND_PX

    return next((columns for columns in (4, 3, 2) if fits(columns)), 1)


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
    dashed rule at each export-control date inside the period; dates, names and axis titles in ``lang``."""
    rows = series[series["dimension"] == dimension].copy()
    rows["name"] = [label(key, lang) for key in rows["key"]]
    scale = _scale(dimension, lang)
    bars = (
        alt.Chart(rows)
        .mark_bar()
        .encode(
            x=alt.X("bucket:T", title=None, axis=alt.Axis(labelExpr=_time_labels(lang))),
            y=alt.Y("seizures:Q", title=t("seizures", lang), stack=True),
            color=alt.Color(
                "name:N", scale=scale, title=None,
                legend=alt.Legend(orient="bottom", columns=legend_columns(scale.domain), labelLimit=0, labelFontSize=11,
                                  symbolLimit=0),
            ),
            tooltip=[
                alt.Tooltip("bucket:T", title=t("when", lang), format=t("chart_date", lang)),
                alt.Tooltip("name:N", title=t("channel" if dimension == "channel" else "mineral_group", lang)),
                alt.Tooltip("seizures:Q", title=t("seizures", lang)),
                alt.Tooltip("kg:Q", title="kg", format=",.0f"),
            ],
        )
    )
    if rows.empty:
        return localised(alt.layer(bars).properties(height=height), lang)
    first, last = rows["bucket"].min(), rows["bucket"].max()
    dates = control_dates[
        (pd.to_datetime(control_dates["effective_on"]) >= first)
        & (pd.to_datetime(control_dates["effective_on"]) <= last)
    ]
    if dates.empty:
        return localised(alt.layer(bars).properties(height=height), lang)
    rules = (
        alt.Chart(dates)
        .mark_rule(strokeDash=[4, 3], color="#e6edf6", opacity=0.7)
        .encode(x="effective_on:T", tooltip=[alt.Tooltip("announcement:N", title=t("chart_control", lang)),
                                             alt.Tooltip("effective_on:T", title=t("chart_effective", lang),
                                                         format=t("chart_date", lang))])
    )
    return localised(alt.layer(bars, rules).properties(height=height), lang)


def mix_chart(mix: pd.DataFrame, lang: str, height: int = 220) -> alt.Chart:
    """Seizures by mineral group (horizontal bars, group colours)."""
    by_group = mix.groupby("item_group", as_index=False)[["seizures", "kg"]].sum()
    by_group["name"] = [label(code, lang) for code in by_group["item_group"]]
    return localised(
        alt.Chart(by_group)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None),
            x=alt.X("seizures:Q", title=t("seizures", lang)),
            color=alt.Color("name:N", scale=_scale("item_group", lang), legend=None),
            tooltip=[
                alt.Tooltip("name:N", title=t("mineral_group", lang)),
                alt.Tooltip("seizures:Q", title=t("seizures", lang)),
                alt.Tooltip("kg:Q", title="kg", format=",.1f"),
            ],
        )
        .properties(height=height),
        lang,
    )
