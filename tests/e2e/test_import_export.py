"""Files in and out through the browser: a GBK CSV with bad rows and a post's workbook with its own channel
words on the Import page, a GeoJSON from the Export panel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from queries.stores import open_store
from tests.conftest import seeded_copy
from tests.e2e.conftest import sign_in, start_app

pytestmark = pytest.mark.browser

TIMEOUT = 90_000
HOSTILE_NOTE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def import_app(chromium_path, seeded_db, tmp_path_factory):
    """The app on a copy of the seeded database (imports write to it), and that copy's path."""

    path = tmp_path_factory.mktemp("import") / "cordon.duckdb"
    path = seeded_copy(seeded_db, path)
    with start_app(path) as url:
        yield url, path


def _gbk_file_with_bad_rows(folder):
    from tests.queries.ingest_fixtures import seizure_row, write_csv

    rows = [seizure_row(i) for i in range(12)]
    rows[3] = seizure_row(3, lat="108.3", lon="22.8")  # latitude and longitude swapped
    rows[5] = seizure_row(5, item="铀矿")  # not a controlled item Cordon knows
    rows[7] = seizure_row(7, occurred_at="2031-01-01 10:00")  # in the future
    rows[9] = seizure_row(9, 备注=HOSTILE_NOTE)
    return write_csv(folder / "查获记录_gbk.csv", rows, encoding="gbk")


def test_a_gbk_csv_with_bad_rows_lands_its_good_rows_and_lists_the_bad_ones(page, import_app, tmp_path):

    url, path = import_app
    sign_in(page, f"{url}/import")
    page.get_by_text("Import records").first.wait_for(timeout=TIMEOUT)
    page.locator("input[type=file]").last.set_input_files(str(_gbk_file_with_bad_rows(tmp_path)))
    page.get_by_text("9 rows can be imported; 3 would be refused:").wait_for(timeout=TIMEOUT)
    assert page.get_by_text("gb18030").first.is_visible()  # the encoding it was read in
    page.get_by_role("button", name="Import 9 rows of 查获记录_gbk.csv").click()
    page.get_by_text(re.compile(r"9 new, 0 updated, 0 unchanged, 3 refused")).wait_for(timeout=TIMEOUT)
    assert page.get_by_test_id("stException").count() == 0
    with open_store(path).reading() as con:
        landed = con.execute("SELECT source_id, source_ref FROM seizures WHERE source_id LIKE 'R-%' "
                             "ORDER BY source_id").fetchall()
        refused = con.execute("SELECT line, reason FROM rejected_rows ORDER BY line").fetchall()
    assert [row[0] for row in landed] == [f"R-{i}" for i in (0, 1, 10, 11, 2, 4, 6, 8, 9)]
    assert [line for line, _ in refused] == [5, 7, 9]
    assert "latitude and longitude look swapped" in refused[0][1] and "in the future" in refused[2][1]
    assert page.locator("script", has_text="alert(1)").count() == 0  # the note was shown, never run


def _workbook_with_unknown_channels(folder):
    """Two monthly sheets as a border police station keeps them, its channels in its own words (which
    Cordon suggests readings of), one row with a date nobody can read."""
    from tests.queries.test_ingest_layout import APRIL, MARCH, _workbook

    def channel(rows, words):
        return [row[:6] + [words] + row[7:] for row in rows]

    april = [*channel(APRIL, "Courier parcel"), ["R-6", "not a date", 106.712, 21.976, "锑精矿", "3公斤", "邮寄",
                                                 "友谊关", "凭祥海关"]]
    path = folder / "那坡边境检查站2025.xlsx"
    path.write_bytes(_workbook((3, channel(MARCH, "unofficial border path")), (4, april)))
    return path


def test_a_workbooks_unknown_channels_are_accepted_and_its_rows_reach_the_records_page(page, import_app, tmp_path):
    url, _ = import_app
    sign_in(page, f"{url}/import")
    page.get_by_text("Import records").first.wait_for(timeout=TIMEOUT)
    page.locator("input[type=file]").last.set_input_files(str(_workbook_with_unknown_channels(tmp_path)))
    page.get_by_text("0 rows can be imported; 6 would be refused:").wait_for(timeout=TIMEOUT)
    page.get_by_text("Values Cordon does not know").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Accept the ticked values and check again").click()
    page.get_by_text("5 rows can be imported; 1 would be refused:").wait_for(timeout=TIMEOUT)
    accepted = page.get_by_text(re.compile("^Accepted: "))
    assert "unofficial border path → Unofficial border path" in accepted.inner_text()
    assert "Courier parcel → Postal / express" in accepted.inner_text()
    page.get_by_role("button", name="Import 5 rows of 那坡边境检查站2025.xlsx").click()
    page.get_by_text(re.compile(r"5 new, 0 updated, 0 unchanged, 1 refused")).wait_for(timeout=TIMEOUT)
    page.goto(f"{url}/records?period=all&q=那坡边境检查站")
    page.get_by_text("5 records match").wait_for(timeout=TIMEOUT)
    assert page.get_by_test_id("stException").count() == 0


def test_the_export_panel_downloads_the_hot_spots_shown_as_valid_geojson(page, app_url):
    sign_in(page, f"{app_url}/analysis?period=all")
    summary = page.get_by_text(re.compile(r"^\d[\d,]* hot and \d[\d,]* cold hexagons of [\d,]+"))
    summary.wait_for(timeout=TIMEOUT)
    cells = int(re.search(r"hexagons of ([\d,]+)", summary.inner_text()).group(1).replace(",", ""))
    page.get_by_role("button", name="Prepare the file").first.click()  # the layers' form (the network's follows)
    button = page.get_by_role("button", name=re.compile(r"^Download cordon_hotspots.*\.geojson$"))
    button.wait_for(timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as download:
        button.click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == cells
    assert all(feature["geometry"]["type"] == "Polygon" for feature in document["features"])
    assert {"cell", "z", "bin"} <= set(document["features"][0]["properties"])
    provenance = document["cordon_provenance"]
    assert provenance["layer"] == "hotspots" and provenance["crs"] == "EPSG:4326"
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["input_sha256"])
