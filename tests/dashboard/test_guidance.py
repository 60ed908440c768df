"""Guidance on empty and thin results: the lines built from the view, the region and the result (a plain
function), and a page that shows them."""

from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.guidance import MIN_CELLS, MIN_STEPS, guidance
from dashboard.i18n import t
from queries.filters import Filters
from tests.dashboard.test_app import APP, signed_in

NINETY_DAYS = Filters(start=datetime(2026, 8, 22), end=datetime(2026, 11, 20))


def test_an_empty_view_says_which_filters_are_set_the_period_and_the_region():
    narrowed = Filters(start=NINETY_DAYS.start, end=NINETY_DAYS.end, channels=("postal_express",), min_kg=50.0)
    lines = guidance("seizures", narrowed, "Yunnan", "en", found=0)
    assert lines[0] == "No seizures in this view."
    assert "Filters set: Channels, Minimum quantity. Clear or widen them (Reset filters in the sidebar)." in lines
    assert "Period: 2026-08-22 to 2026-11-19. A longer period may hold more." in lines
    assert lines[-1].startswith("Your account sees only Yunnan: records elsewhere are not counted.")
    # nothing narrowed, everything granted: only the period is left to change
    assert guidance("seizures", NINETY_DAYS, None, "en", found=0) == [
        "No seizures in this view.", "Period: 2026-08-22 to 2026-11-19. A longer period may hold more."]
    assert guidance("seizures", NINETY_DAYS, None, "en", found=12) == []  # something found: nothing to say
    # all the records, nothing narrowed: no period to lengthen either
    assert guidance("seizures", Filters(), None, "en", found=0) == ["No seizures in this view."]


def test_few_time_steps_are_warned_of_whatever_was_found():
    four = guidance("emerging", NINETY_DAYS, None, "en", found=7, steps=4)
    assert four == [t("guide_few_steps", "en", steps=4, least=MIN_STEPS)] and "weekly steps" in four[0]
    assert guidance("emerging", NINETY_DAYS, None, "en", found=7, steps=13) == []  # weekly steps over 90 days
    empty = guidance("emerging", NINETY_DAYS, "Guangxi", "en", found=0, steps=3)
    assert empty[:2] == [t("guide_empty_emerging", "en"), t("guide_few_steps", "en", steps=3, least=MIN_STEPS)]


def test_no_significant_hot_spot_says_whether_the_data_or_the_parameters_are_to_blame():
    thin = guidance("hotspots", NINETY_DAYS, "Yunnan", "en", found=0, cells=12)
    assert thin[1] == t("guide_few_cells", "en", cells=12, least=MIN_CELLS)  # too few hexagons with seizures
    assert not [line for line in thin if "stands out" in line]
    enough = guidance("hotspots", NINETY_DAYS, None, "en", found=0, cells=200)
    assert enough[1].startswith("No hexagon stands out from its neighbours") and "untick" in enough[1]
    assert guidance("hotspots", NINETY_DAYS, None, "en", found=3, cells=12)[0].startswith("Only 12 hexagons")
    assert guidance("clusters", NINETY_DAYS, None, "en", found=0)[1].startswith("No group of seizures is dense enough")


@pytest.mark.parametrize("kind", ["seizures", "hotspots", "emerging", "clusters"])
def test_guidance_is_in_chinese_for_a_chinese_reader(kind):
    lines = guidance(kind, Filters(start=NINETY_DAYS.start, end=NINETY_DAYS.end, provinces=("530000",)), "云南省", "zh",
                     found=0, cells=5, steps=4)
    assert all(any("\u4e00" <= char <= "\u9fff" for char in line) for line in lines)
    assert "已设置的筛选：省份" in " ".join(lines) or "已设置的筛选" in " ".join(lines)
    assert not [line for line in lines if "Period" in line or "Filters" in line]


def test_a_scoped_analyst_with_nothing_in_view_is_told_why_on_the_records_page_and_the_live_map(seeded_db, monkeypatch):
    monkeypatch.setenv("CORDON_DB", str(seeded_db))
    test = signed_in(AppTest.from_file(APP, default_timeout=120), "gx-analyst")
    test.query_params.update({"period": "all", "refresh": "0", "province": "530000"})  # Yunnan: outside Guangxi
    test.run()
    (note,) = [info.value for info in test.info if info.value.startswith("No seizures in this view.")]
    assert "Filters set: Province" in note and "Your account sees only Guangxi" in note
    test.switch_page("screens/records.py").run()
    assert not test.exception
    assert [info.value for info in test.info if info.value.startswith("No seizures in this view.")] == [note]
