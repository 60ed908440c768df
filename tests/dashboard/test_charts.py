"""The charts speak the reader's language: Vega's month and day names and number format in Chinese, time axes
labelled from the catalogue's formats, every tooltip titled, and legends whose names are never cut."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.charts import legend_columns, mix_chart, series_chart
from queries.constants import CHANNELS, ITEM_GROUPS
from queries.labels import label, t

SERIES = pd.DataFrame({"bucket": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01"]),
                       "dimension": ["item_group", "item_group", "channel"], "key": ["Ga", "Sb", "land_port"],
                       "seizures": [3, 4, 5], "kg": [10.0, 20.0, 30.0]})
DATES = pd.DataFrame({"announcement": ["MOFCOM 2025 No.1"], "effective_on": pd.to_datetime(["2025-02-01"])})


def _tooltips(spec: dict) -> list[dict]:
    layers = spec.get("layer", [spec])
    return [tip for layer in layers for tip in layer["encoding"].get("tooltip", [])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_series_chart_names_its_dates_and_tooltips_in_the_readers_language(lang):
    spec = series_chart(SERIES, "item_group", lang, DATES).to_dict()
    locale = spec.get("config", {}).get("locale")
    if lang == "zh":
        assert locale["time"]["shortMonths"][0] == "1月" and locale["time"]["months"][11] == "十二月"
    else:
        assert locale is None  # Vega's own English
    axis = spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
    assert t("chart_axis_month", lang) in axis and t("chart_axis_year", lang) in axis
    tips = _tooltips(spec)
    assert all(tip.get("title") for tip in tips)  # no field's name (announcement, effective_on) in a tooltip
    assert {tip["format"] for tip in tips if tip.get("type") == "temporal"} == {t("chart_date", lang)}
    legend = spec["layer"][0]["encoding"]["color"]["legend"]
    assert legend["labelLimit"] == 0 and legend["columns"] == legend_columns([label(c, lang) for c in ITEM_GROUPS])


def test_the_mix_chart_titles_its_tooltips():
    assert all(tip.get("title") for tip in _tooltips(mix_chart(SERIES.assign(item_group=SERIES["key"]), "zh")
                                                      .to_dict()))


def test_a_legend_takes_as_many_columns_as_its_longest_names_leave_room_for():
    groups_en, groups_zh = ([label(code, lang) for code in ITEM_GROUPS] for lang in ("en", "zh"))
    assert legend_columns(groups_en) < legend_columns(groups_zh) == 4  # "Superhard materials" is wide
    assert legend_columns([label(code, "en") for code in CHANNELS]) == 3
    assert legend_columns(["x" * 200]) == 1 and legend_columns(["Gallium"]) == 4
