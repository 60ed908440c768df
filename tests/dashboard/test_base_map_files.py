"""The base map as files the browser fetches and caches (dashboard/static/base/), not JSON in every deck."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st

from dashboard import data, map_layers, pydeck_adapters, startup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def static_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(startup, "STATIC_DIR", tmp_path)
    return tmp_path


def options(monkeypatch, values: dict):
    """``st.get_option`` answering ``values`` and the real option otherwise."""
    real = st.get_option
    monkeypatch.setattr(st, "get_option", lambda key: values[key] if key in values else real(key))


def test_a_file_is_written_once_under_a_name_that_changes_with_its_text(static_dir):
    text = json.dumps([{"title": "凭祥 Pingxiang", "polygon": [[106.7, 22.1]]}], ensure_ascii=False)
    url = startup.static_file(text, "areas-zh")
    assert isinstance(url, pydeck_adapters.DataURL)
    assert url.startswith("/app/static/base/areas-zh-") and url.endswith(".json")
    path = static_dir / url.removeprefix("/app/static/")
    assert path.read_text(encoding="utf-8") == text
    written = path.stat().st_mtime_ns
    assert startup.static_file(text, "areas-zh") == url
    assert path.stat().st_mtime_ns == written  # not written again
    other = startup.static_file("[]", "areas-en")  # another set: kept
    changed = startup.static_file(text.replace("106.7", "106.8"), "areas-zh")
    assert changed != url and (static_dir / changed.removeprefix("/app/static/")).exists()
    # the previous content's file removed, no partial file left behind
    assert sorted(p.name for p in (static_dir / "base").iterdir()) == sorted(
        [other.rsplit("/", 1)[1], changed.rsplit("/", 1)[1]])


def test_the_url_carries_the_servers_base_path(static_dir, monkeypatch):
    options(monkeypatch, {"server.baseUrlPath": "/cordon/"})
    assert startup.static_file("[]", "lines").startswith("/cordon/app/static/base/lines-")


def test_a_folder_that_cannot_be_written_sends_the_records_with_the_page(static_dir, caplog):
    (static_dir / "base").write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger=startup.LOG.name):
        sent = [startup.static_file('[{"s":[1,2],"t":[3,4]}]', stem) for stem in ("lines", "lines_and_zones")]
    assert sent == ['[{"s":[1,2],"t":[3,4]}]'] * 2 and not isinstance(sent[0], pydeck_adapters.DataURL)
    assert caplog.text.count("the base map goes with every page") == 1  # once for the folder, not every time


def test_the_base_map_is_fetched_from_files_only_where_the_server_serves_them(static_dir, monkeypatch):
    options(monkeypatch, {"server.enableStaticServing": False})
    assert startup.base_map("en") == data.base_geography("en")
    options(monkeypatch, {"server.enableStaticServing": True})
    english, chinese = startup.base_map("en"), startup.base_map("zh")
    assert set(english) == set(data.base_geography("en"))
    for name, url in english.items():
        assert isinstance(url, pydeck_adapters.DataURL)
        assert (static_dir / url.removeprefix("/app/static/")).read_text(encoding="utf-8") == data.base_geography("en")[name]
    # areas, areas_and_zones, lines, lines_and_zones
    assert [english[name] == chinese[name] for name in sorted(english)] == [False, False, True, True]
    deck = json.loads(pydeck_adapters.deck(map_layers.base_layers(english, show_zones=True, lang="en")).to_json())
    assert [layer["data"] for layer in deck["layers"][:2]] == [english[name] for name in ("areas_and_zones", "lines_and_zones")]


def test_streamlit_reads_the_server_settings_that_the_page_load_needs():
    """.streamlit/config.toml, as Streamlit parses it from the repository (a misspelt key would be ignored):
    the base map's folder served, no source watching after each run, no forced collection before a rerun,
    no rewriting of the scripts for magic."""
    script = ("from streamlit import config; print(*(config.get_option(key) for key in ('server.enableStaticServing', "
              "'server.fileWatcherType', 'runner.postScriptGC', 'runner.magicEnabled')))")
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["True", "none", "False", "False"], shown.stderr
