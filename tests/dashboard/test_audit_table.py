"""The Audit page's table: events said in the reader's language, not as stored columns, codes and JSON."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.audit_table import audit_frame, details_text


def _rows(*events: tuple[str, str, dict | str]) -> pd.DataFrame:
    return pd.DataFrame({"event_at": pd.Timestamp("2026-12-06 10:00"), "kind": [kind for kind, _, _ in events],
                         "username": "admin", "source": [source for _, source, _ in events],
                         "details": [d if isinstance(d, str) else json.dumps(d) for _, _, d in events]})


def test_an_events_details_read_as_words_with_its_codes_named():
    details = json.dumps({"file": "东兴.csv", "rows": 1200, "by_reason": {"unknown": 3}, "crs": "gcj02",
                          "rehashed": False, "granted": ["province:530000"]})
    assert details_text(details, "en") == ("file: 东兴.csv; rows: 1,200; refused by rule: A value Cordon does not "
                                           "know 3; coordinates: GCJ-02 (Amap, Tencent); password rehashed: no; "
                                           "granted: province:530000")
    assert details_text(json.dumps({"reason": "sign_out"}), "zh") == "原因：退出登录"


def test_details_nobody_named_are_shown_as_stored():
    assert details_text(json.dumps({"colour": "land_port_x"}), "en") == "colour: land_port_x"
    assert details_text("not json {", "en") == "not json {"
    assert details_text(None, "en") == ""


def test_the_table_names_its_columns_and_values_in_either_language():
    rows = _rows(("sign_out", "dashboard", {"reason": "sign_out"}), ("user_added", "cli", {"user": "li", "role": "analyst"}))
    english = audit_frame(rows, "en")
    assert english.columns.tolist() == ["When", "Event", "User name", "Through", "Details"]
    assert english["Through"].tolist() == ["Dashboard", "Command line"]
    chinese = audit_frame(rows, "zh")
    assert chinese.columns.tolist() == ["时间", "事件", "用户名", "途径", "详情"]
    assert chinese["事件"].tolist() == ["退出登录", "新增用户"] and "角色：分析员" in chinese["详情"].iloc[1]


def test_an_exports_filters_name_only_what_was_set_and_a_refused_page_by_its_title():
    from datetime import datetime

    from dashboard.audit_table import ACTION_TITLES
    from geodata.export_sources import filters_to_dict
    from queries.access.roles import PERMISSIONS
    from queries.filters import Filters

    filters = filters_to_dict(Filters(start=datetime(2026, 1, 1), items=("Ga",)))
    assert details_text(json.dumps({"filters": filters}), "en") == "filters: Items Gallium, from 2026-01-01"
    assert details_text(json.dumps({"filters": filters}), "zh") == "筛选条件：品目 镓, 自 2026-01-01"
    assert details_text(json.dumps({"filters": filters_to_dict(Filters())}), "en") == "filters: —"
    assert details_text(json.dumps({"page": "live_map", "role": "display"}), "zh") == "页面：实时地图；角色：大屏展示"
    assert set(ACTION_TITLES) == set(PERMISSIONS)  # every page or action a refusal may name
