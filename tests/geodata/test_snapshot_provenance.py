"""Snapshots as provenance (issue 20): every export and brief names the lake snapshot it was computed from, and
``--as-of SNAPSHOT`` makes the same file again after more records were written; a file store names none and
refuses ``--as-of``."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image
from streamlit.testing.v1 import AppTest

from dashboard.data import Source
from dashboard.screens.exports import brief_download, export_download
from geodata.__main__ import main
from geodata.brief import Brief, build_brief
from geodata.brief_render import brief_figure
from geodata.demo_geography import demo_geography
from geodata.export_sources import provenance_for
from queries import sessions
from queries.__main__ import main as queries_main
from queries.access import Grant, Scope, add_user
from queries.clock import beijing_now
from queries.filters import Filters
from queries.labels import t
from queries.lake import LAKE_PREFIX, LakeStore
from queries.operations import maintain
from queries.seed import seed
from queries.seizures import insert_seizures
from queries.store import seizures_claim
from queries.stores import open_store
from tests.conftest import BROWSER, PASSWORD, seizure_row
from tests.dashboard.test_app import APP

GENERATED = datetime(2026, 11, 20, 12, 0)
KML = {"kml": "http://www.opengis.net/kml/2.2"}
EXPORTS = {"seizures": ("csv", ".csv"), "hotspots": ("geojson", ".geojson")}


@dataclass(frozen=True)
class LakeWithAPast:
    """A lake, the snapshot ``then`` it was at when ``exported`` (layer: folder of its files) and ``brief`` were
    made, the page's ``downloads`` then (export, brief), and ``later`` records written since."""

    store: LakeStore
    then: int
    exported: dict[str, Path]
    brief: Brief
    downloads: tuple
    later: int


def page_texts(brief: Brief) -> list[str]:
    return [text.get_text() for text in brief_figure(brief).findobj(Text)]


def export(store: LakeStore, layer: str, folder: Path, *extra: str) -> Path:
    fmt, extension = EXPORTS[layer]
    assert main(["export", "--db", store.path, "--layer", layer, "--format", fmt,
                 "--out", str(folder / f"{layer}{extension}"), *extra]) == 0
    return folder


def provenance(folder: Path, layer: str) -> dict:
    return json.loads((folder / f"{layer}.provenance.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lake(postgres_cluster, tmp_path_factory) -> LakeWithAPast:
    """A seeded lake exported and briefed at one snapshot, then written to: the exports' snapshot is in its past."""
    name = f"test_{uuid.uuid4().hex}"
    store = LakeStore(LAKE_PREFIX + postgres_cluster.create_database(name), tmp_path_factory.mktemp("lake") / "files")
    store.migrate()
    seed(store, demo_geography(), rows=600, seed=7, end=GENERATED)
    then = store.change_marker()
    exported = {layer: export(store, layer, tmp_path_factory.mktemp(f"{layer}-then")) for layer in EXPORTS}
    with store.reading() as con:
        brief = build_brief(con, Filters(), generated_at=GENERATED)
    everyone = Source(store.path, Scope(everything=True))
    downloads = (export_download(everyone, Filters(), "seizures", "kml", None),
                 brief_download(everyone, Filters(), "en", "pdf"))
    later = pd.concat([seizure_row(source_id=f"LATER-{n}", ingested_at=datetime(2026, 11, 21, 9, n))
                       for n in range(25)], ignore_index=True)
    with store.writing(seizures_claim("test")) as con:
        insert_seizures(con, later)
    yield LakeWithAPast(store, then, exported, brief, downloads, len(later))
    store.close()
    postgres_cluster.drop_database(name)


def test_an_export_names_the_snapshot_it_read(lake):
    for layer in EXPORTS:
        assert provenance(lake.exported[layer], layer)["snapshot"] == lake.then
    inside = json.loads((lake.exported["hotspots"] / "hotspots.geojson").read_text(encoding="utf-8"))
    assert inside["cordon_provenance"]["snapshot"] == lake.then  # in the file as well as beside it


@pytest.mark.parametrize("layer", EXPORTS)
def test_as_of_the_snapshot_an_export_names_makes_the_same_file(lake, tmp_path, capsys, layer):
    extension = EXPORTS[layer][1]
    again = export(lake.store, layer, tmp_path / "again", "--as-of", str(lake.then))
    assert f"read from lake snapshot {lake.then}" in capsys.readouterr().out
    latest = export(lake.store, layer, tmp_path / "latest")
    before, now, was = (provenance(folder, layer) for folder in (lake.exported[layer], again, latest))
    if layer == "seizures":  # the CSV carries no provenance inside: the very same bytes
        assert (again / f"{layer}{extension}").read_bytes() == (lake.exported[layer] / f"{layer}{extension}").read_bytes()
        assert was["records"] == before["records"] + lake.later
    else:  # the GeoJSON carries its provenance, whose exported_at differs: the same features
        features = [json.loads((folder / f"{layer}{extension}").read_text(encoding="utf-8"))["features"]
                    for folder in (lake.exported[layer], again)]
        assert features[0] == features[1] and features[0]
    assert {**now, "exported_at": None} == {**before, "exported_at": None}  # same rows, same hash, same snapshot
    assert was["snapshot"] > lake.then and was["input_sha256"] != before["input_sha256"]


def test_as_of_the_snapshot_a_brief_names_gives_the_same_brief(lake, tmp_path, capsys):
    with lake.store.reading(as_of=lake.then) as con:
        again = build_brief(con, Filters(), generated_at=GENERATED)
    assert again.snapshot == lake.brief.snapshot == lake.then
    assert (again.seizures, again.kpis, again.cut_off) == (lake.brief.seizures, lake.brief.kpis, lake.brief.cut_off)
    for part in ("hot_spots", "clusters", "top_clusters"):
        pd.testing.assert_frame_equal(getattr(again, part), getattr(lake.brief, part))
    out = tmp_path / "brief.png"
    assert main(["brief", "--db", lake.store.path, "--out", str(out), "--as-of", str(lake.then)]) == 0
    assert f"read from lake snapshot {lake.then}; written to" in capsys.readouterr().out
    assert Image.open(out).text["Description"] == f"lake snapshot {lake.then}"


def test_a_brief_names_its_snapshot_in_its_footer(lake):
    footer = [text for text in page_texts(lake.brief) if text.startswith("Cordon ")]
    assert len(footer) == 1 and f" · lake snapshot {lake.then} · generated " in footer[0]


def test_the_pages_files_name_their_snapshot(lake):
    export_file, brief_file = lake.downloads
    assert export_file.snapshot == brief_file.snapshot == lake.then
    assert json.loads(export_file.provenance.data)["snapshot"] == lake.then
    description = ElementTree.fromstring(export_file.data).find("kml:Document/kml:description", KML)
    assert f"lake snapshot {lake.then}" in description.text.splitlines()  # what a person reads in Google Earth
    assert f"/Subject (lake snapshot {lake.then})".encode() in brief_file.data


def test_as_of_a_snapshot_the_lake_does_not_keep_says_which_it_keeps(lake, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        export(lake.store, "seizures", tmp_path, "--as-of", "999999")
    said = capsys.readouterr().err
    assert stopped.value.code == 2 and "no snapshot 999999" in said
    assert str(lake.then) in said.split("999999", 1)[1]  # the snapshots it keeps, so that one can be chosen


def test_after_maintenance_as_of_gives_the_same_rows_and_hash_until_the_snapshot_expires(lake_store, tmp_path,
                                                                                          capsys):
    def commit(name: str) -> None:  # a small commit, which maintenance merges with the others
        with lake_store.writing(seizures_claim("test")) as con:
            insert_seizures(con, pd.concat([seizure_row(source_id=f"{name}-{n}") for n in range(5)]))

    seed(lake_store, demo_geography(), rows=300, seed=7, end=GENERATED)
    for name in ("C0", "C1", "C2"):
        commit(name)
    with lake_store.writing(seizures_claim("test")) as con:
        con.execute("DELETE FROM seizures WHERE source_id IN ('C0-1', 'C1-3')")
    then = lake_store.change_marker()
    commit("C3")
    before = export(lake_store, "seizures", tmp_path / "then", "--as-of", str(then))
    maintain(lake_store, keep_days=30, grace=timedelta(0))
    again = export(lake_store, "seizures", tmp_path / "again", "--as-of", str(then))
    # The rows come in the order of the lake's files, which merging them and dropping the deleted rows changes (the
    # export does not sort a million rows): the same rows, the same hash and provenance, not the same bytes
    rows = [pd.read_csv(folder / "seizures.csv", encoding="utf-8-sig").sort_values("seizure_id", ignore_index=True)
            for folder in (before, again)]
    pd.testing.assert_frame_equal(rows[0], rows[1])
    assert {**provenance(again, "seizures"), "exported_at": None} == {**provenance(before, "seizures"),
                                                                     "exported_at": None}
    maintain(lake_store, keep_days=0, grace=timedelta(0))
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        export(lake_store, "seizures", tmp_path / "expired", "--as-of", str(then))
    assert stopped.value.code == 2 and (f"no snapshot {then} (never made, or expired by maintenance); it keeps "
                                        f"{lake_store.change_marker()}:") in capsys.readouterr().err


def test_status_names_the_latest_snapshot_and_how_many_are_kept(lake, capsys):
    assert queries_main(["status", "--db", lake.store.path]) == 0
    latest = lake.store.change_marker()
    assert f"snapshot {latest}, the latest; {len(lake.store.snapshot_ids())} kept" in capsys.readouterr().out


def test_a_file_store_names_no_snapshot_and_refuses_as_of(seeded_file, tmp_path, capsys):
    with open_store(seeded_file).reading() as con:
        assert provenance_for(con, "zones", Filters()).snapshot is None
        brief = build_brief(con, Filters(), generated_at=GENERATED)
    assert brief.snapshot is None
    assert not any("snapshot" in text for text in page_texts(brief))
    with pytest.raises(SystemExit) as stopped:
        main(["export", "--db", str(seeded_file), "--layer", "zones", "--format", "geojson",
              "--out", str(tmp_path / "zones.geojson"), "--as-of", "3"])
    assert stopped.value.code == 2 and "keeps no snapshots; --as-of needs a lake store" in capsys.readouterr().err
    assert not (tmp_path / "zones.geojson").exists()


def test_the_export_panel_names_the_snapshot_of_the_file_it_prepared(lake, monkeypatch):
    now = beijing_now()
    add_user(lake.store, "planner", PASSWORD, "planner", grants=[Grant.parse("all")], actor="os:test", source="cli",
             now=now)
    monkeypatch.setenv("CORDON_DB", lake.store.path)
    # The test browser's sign-in opens its session in a file store: this one is opened in the lake
    BROWSER.username = "planner"
    BROWSER.token = sessions.redeem(lake.store, sessions.start(lake.store, "planner", now), now)
    test = AppTest.from_file(APP, default_timeout=120)
    test.query_params.update({"period": "all", "refresh": "0"})
    test.run()
    test.switch_page("screens/analysis.py").run()
    assert not test.exception
    test.selectbox(key="x_layer").set_value("checkpoints")
    next(b for b in test.button if b.label == "Prepare the file").click().run()
    assert not test.exception
    download = test.session_state["prepared_export"].download
    assert download.snapshot >= lake.then
    assert t("computed_from_snapshot", "en", snapshot=download.snapshot) in [c.value for c in test.caption]
