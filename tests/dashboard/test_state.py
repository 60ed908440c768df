"""The view round-trips through the URL; a wrong parameter is reported and the rest is kept."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from dashboard.state import CUSTOM, AreaCodes, View, decode, encode
from queries.filters import Focus

AREAS = AreaCodes(provinces=frozenset({"450000", "530000"}), counties=frozenset({"451481", "450681", "530102"}),
                  zones=frozenset({"451481", "450681"}))


@pytest.mark.parametrize("view", [
    View(),
    View(period="7d", item_groups=("Ga", "Ge"), lang="zh"),
    View(period=CUSTOM, start_day=date(2025, 1, 1), end_day=date(2025, 3, 31), items=("antimony",),
         channels=("postal_express", "air_cargo"), zones=("any", "451481"), provinces=("450000",),
         counties=("450681",), agencies=("customs",), forms=("oxide", "metal"), min_kg=12.5, text="铅精矿 & <b>",
         layers=("points", "arcs"), density="hexagons", hex_res=7, weight="value", refresh=0,
         focus=Focus("cell", "86415bd57ffffff", 6)),
    View(focus=Focus("checkpoint", "youyiguan"), layers=()),
    View(focus=Focus("seizure", "42")),
])
def test_a_view_survives_the_url(view):
    decoded, problems = decode(encode(view), AREAS)
    assert problems == [] and decoded == view


def test_the_default_view_has_an_empty_url():
    assert encode(View()) == {}


def test_bad_parameters_are_reported_and_the_valid_ones_kept():
    view, problems = decode({
        "group": "Ga,XX", "period": "fortnight", "hex": "12", "min_kg": "-3", "q": "x" * 500, "lang": "fr",
        "focus": "cell:nothex@6", "county": "999999,450681", "refresh": "1", "from": "2025-13-01", "evil": "<script>",
        "channel": ["land_port", "sea_port"],  # a repeated parameter: the last one counts
        "weight": "kg",
    }, AREAS)
    assert view == View(item_groups=("Ga",), counties=("450681",), channels=("sea_port",), weight="kg")
    reasons = {problem.name: problem.reason for problem in problems}
    assert set(reasons) == {"group", "period", "hex", "min_kg", "q", "lang", "focus", "county", "refresh", "from",
                            "evil"}
    assert reasons["group"] == "unknown code(s)" and "YYYY-MM-DD" in reasons["from"]
    assert all(len(problem.value) <= 80 for problem in problems)


def test_a_custom_period_needs_both_ends_in_order():
    view, problems = decode({"from": "2025-05-01", "to": "2025-04-01"}, AREAS)
    assert view.period == View().period and problems[0].name == "from/to"
    view, problems = decode({"from": "2025-04-01"}, AREAS)
    assert view.period == View().period and problems
    view, problems = decode({"from": "2025-04-01", "to": "2025-04-01"}, AREAS)
    assert not problems and view.filters(datetime(2026, 1, 1)).start == datetime(2025, 4, 1)
    assert view.filters(datetime(2026, 1, 1)).end == datetime(2025, 4, 2)


def test_presets_hold_every_record_up_to_now_and_all_is_open():
    """A preset ends with the minute of now, so that a record stamped a second ago is in the view (issue
    19), and its bounds, a cache key, are the same all minute long."""
    now = datetime(2026, 11, 20, 12, 0, 41)
    filters = View(period="24h").filters(now)
    assert now < filters.end == datetime(2026, 11, 20, 12, 1) and filters.end - filters.start == timedelta(hours=24)
    assert View(period="24h").filters(datetime(2026, 11, 20, 12, 0)) == filters
    assert View(period="all").filters(now).start is None


def test_destination_countries_travel_in_the_url():
    view = View(destinations=("VNM", "MMR"))
    assert encode(view) == {"destination": "VNM,MMR"}
    assert decode({"destination": "VNM,MMR"}, AREAS) == (view, [])
    decoded, problems = decode({"destination": "VNM,XXX"}, AREAS)
    assert decoded.destinations == ("VNM",) and [(p.name, p.value) for p in problems] == [("destination", "XXX")]


def test_case_statuses_travel_in_the_url_beside_the_other_filters():
    view = View(case_statuses=("open", "under_investigation"), destinations=("MMR",), period="30d")
    assert encode(view) == {"status": "open,under_investigation", "destination": "MMR", "period": "30d"}
    assert decode({"status": "open,under_investigation", "destination": "MMR", "period": "30d"}, AREAS) == (view, [])
    decoded, problems = decode({"status": "open,shut"}, AREAS)
    assert decoded.case_statuses == ("open",) and [(p.name, p.value) for p in problems] == [("status", "shut")]
