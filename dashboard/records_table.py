"""Seizure records as a readable table in the chosen language (Records page and drill-down)."""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import label, name, t

CODED = (
    "item_group",
    "item",
    "form",
    "channel",
    "agency",
    "destination_iso3",
    "case_status",
    "concealment",
    "detection",
    "geo_precision",
)


# how a time is written at each precision; a week is written by its ISO number (t("when_week"))
WHEN_FORMATS = {"exact": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d", "month": "%Y-%m"}


def when_text(occurred_at: pd.Series, precision: pd.Series, lang: str) -> pd.Series:
    """When each seizure happened, written to the precision its record knows: 2026-12-06 14:32 when
    exact, 2026-12-06 for a day, 2026-12 for a month, the ISO week for a week; never a made-up 00:00."""
    occurred_at = pd.to_datetime(occurred_at)
    weeks = occurred_at.dt.isocalendar()
    week = pd.Series([t("when_week", lang, year=int(y), week=int(w)) if pd.notna(w) else ""
                      for y, w in zip(weeks["year"], weeks["week"])], index=occurred_at.index)
    text = week.where(precision == "week", "")
    for kind, pattern in WHEN_FORMATS.items():
        text = text.where(precision != kind, occurred_at.dt.strftime(pattern))
    return text.fillna("")


def records_frame(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The columns an analyst reads first, labelled and translated; st.dataframe shows text as text.
    How a seizure was concealed and detected: the category (a label) and the post's own words."""
    if records.empty:
        return pd.DataFrame()
    rows = records.copy()
    for column in CODED:
        rows[column] = [label(code, lang) if isinstance(code, str) else "" for code in rows[column]]
    return pd.DataFrame(
        {
            "ID": rows["seizure_id"],
            t("when", lang): when_text(rows["occurred_at"], rows["time_precision"], lang),
            t("mineral_group", lang): rows["item_group"],
            t("item", lang): rows["item"],
            t("form", lang): rows["form"],
            t("kg", lang): rows["quantity_kg"],
            t("value_cny", lang): rows["value_cny"],
            t("channel", lang): rows["channel"],
            t("site", lang): [name(row, lang, "site_en", "site_zh") for row in records.itertuples()],
            t("county", lang): [name(row, lang, "county_en", "county_zh") for row in records.itertuples()],
            t("destination", lang): rows["destination_iso3"],
            t("agency", lang): rows["agency"],
            t("declared_as", lang): rows["declared_as"].fillna(""),  # nothing written: an empty cell, not "None"
            **{t(column, lang): rows[column].fillna("") for column in ("concealment", "concealment_text", "detection",
                                                                         "detection_text")},
            t("status", lang): rows["case_status"],
            t("record", lang): [t("synthetic_record", lang) if flag else "" for flag in rows["is_synthetic"]],
        }
    )


def record_detail(record: pd.Series, lang: str) -> pd.DataFrame:
    """Every field of one record as (field, value) rows, codes labelled."""
    values = [
        (column, label(value, lang) if column in CODED and isinstance(value, str) else value)
        for column, value in record.items()
        if column != "total_rows"
    ]
    return pd.DataFrame({"field": [column for column, _ in values], "value": [str(value) for _, value in values]})
