"""The situation brief: its figures as the dashboard computes them, its page as PNG and PDF, literal
text from records and users, Chinese, and the command line."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import replace
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from matplotlib import mathtext
from matplotlib.text import Text
from PIL import Image

from geodata.__main__ import main
from geodata.analysis_data import read_analysis_points
from geodata.brief import Brief, build_brief, filter_lines
from geodata.brief_command import brief_command
from geodata.brief_render import (
    DPI,
    MARGIN,
    PAGE_INCHES,
    brief_bytes,
    brief_figure,
    cjk_font,
    output_format,
    render_brief,
)
from geodata.clusters import find_clusters
from queries.access import Scope
from queries.filters import Filters
from queries.seizures import insert_seizures
from queries.store import Store
from queries.stores import open_store
from queries.views import summary
from tests.conftest import seizure_row

GUANGXI = Filters(start=datetime(2026, 5, 1), end=datetime(2026, 11, 1), provinces=("450000",))
HOSTILE = "$\\frac{1}{2}$<script>"
GENERATED = datetime(2026, 11, 20, 12, 0)


@pytest.fixture(scope="module")
def guangxi(seeded_db) -> Brief:
    with open_store(seeded_db).reading() as con:
        return build_brief(con, GUANGXI, generated_at=GENERATED)


@pytest.fixture(scope="module")
def guangxi_png(guangxi) -> bytes:
    return brief_bytes(guangxi, "png")


def page_texts(brief: Brief) -> list[str]:
    return [text.get_text() for text in brief_figure(brief).findobj(Text)]


def write_seizures(store: Store, count: int, **fields) -> None:
    """``count`` seizures at Youyiguan (one spot: a DBSCAN cluster from 10 up) with ``fields``."""
    rows = pd.concat([seizure_row(source_id=f"T-{n}", **fields) for n in range(count)], ignore_index=True)
    with store.writing() as con:
        insert_seizures(con, rows)


def test_the_figures_are_the_dashboards_summary_against_the_previous_period(seeded_db, guangxi):
    with open_store(seeded_db).reading() as con:
        now, before = summary(con, GUANGXI), summary(con, GUANGXI.previous())
    assert [(kpi.field, kpi.value, kpi.previous) for kpi in guangxi.kpis] == [
        (field, pytest.approx(float(now[field])), pytest.approx(float(before[field])))
        for field in ("seizures", "kg", "value_cny")]
    assert guangxi.kpis[0].change == pytest.approx(now["seizures"] / before["seizures"] - 1)
    assert guangxi.seizures == now["seizures"] > 0
    assert guangxi.cut_off == now["last_ingested"]
    assert guangxi.period == (GUANGXI.start, GUANGXI.end)
    assert guangxi.previous_period == (GUANGXI.previous().start, GUANGXI.start)
    assert guangxi.period_text == "2026-05-01 – 2026-10-31"


def test_the_analyses_are_those_of_the_view_and_the_top_clusters_the_largest_in_order(seeded_db, guangxi):
    with open_store(seeded_db).reading() as con:
        points = read_analysis_points(con, GUANGXI)
    expected = find_clusters(points.points).table
    assert (guangxi.analysed, guangxi.left_out) == (len(points.points), points.left_out)
    assert sorted(guangxi.clusters["seizures"]) == sorted(expected["seizures"]) and len(expected) > 1
    top = guangxi.top_clusters
    assert 0 < len(top) <= 8 and list(top.columns) == ["rank", "seizures", "kg", "value_cny", "main_items", "zone",
                                                        "checkpoint", "checkpoint_km"]
    assert top["seizures"].is_monotonic_decreasing and top["rank"].tolist() == list(range(1, len(top) + 1))
    assert top["seizures"].iloc[0] == expected["seizures"].max()
    by_rank = guangxi.clusters.set_index(guangxi.clusters["cluster"] + 1)
    assert (by_rank.loc[top["rank"], "seizures"].to_numpy() == top["seizures"].to_numpy()).all()
    assert top["checkpoint"].str.len().gt(0).all() and (top["checkpoint_km"] >= 0).all()
    assert guangxi.hot_spots["bin"].between(-3, 3).all() and len(guangxi.hot_spots) > 0


def test_the_map_shows_the_chosen_area_and_an_unknown_code_is_a_clear_error(seeded_db):
    with open_store(seeded_db).reading() as con:
        zone = build_brief(con, Filters(zones=("451481",)), lang="en")
        assert (zone.area.kind, zone.area.name) == ("zones", "Pingxiang (Guangxi)")
        assert build_brief(con, GUANGXI).area.name == "Guangxi"
        with pytest.raises(ValueError, match="unknown border-zone code.*999999"):
            build_brief(con, Filters(zones=("999999",)))
        with pytest.raises(ValueError, match="lang must be one of en, zh, got 'fr'"):
            build_brief(con, GUANGXI, lang="fr")


@pytest.mark.parametrize(("scope", "en", "zh"), [
    (Scope(provinces=["530000"]), "Yunnan", "云南省"),
    (Scope(zones=["451481"]), "Pingxiang (Guangxi)", "凭祥市 (广西壮族自治区)"),
    (Scope(provinces=["530000"], zones=["451481"]), "Yunnan, Pingxiang (Guangxi)", "云南省、凭祥市 (广西壮族自治区)"),
    (Scope(), "No area granted", "未授权任何地区"),
    (Scope(everything=True), "All areas", "全部地区"),
    (None, "All areas", "全部地区"),
])
def test_an_unnarrowed_brief_is_titled_with_the_granted_scope(seeded_db, scope, en, zh):
    """A user who may read only some areas gets a brief named after them, not "All areas"; filters
    that narrow the view further name their own area."""
    with open_store(seeded_db).reading(scope=scope) as con:
        briefs = {lang: build_brief(con, Filters(), lang=lang, scope=scope) for lang in ("en", "zh")}
        narrowed = build_brief(con, Filters(counties=("530102",)), lang="en", scope=scope)
    assert (briefs["en"].area.name, briefs["zh"].area.name) == (en, zh)
    assert f"Situation brief · {en}" in page_texts(briefs["en"])
    assert briefs["en"].area.kind == ("view" if scope is None or scope.everything else "granted")
    assert narrowed.area.kind == "counties"


def test_the_any_border_zone_filter_names_the_zones_of_the_granted_scope(seeded_db):
    with open_store(seeded_db).reading(scope=Scope(provinces=["530000"])) as con:
        brief = build_brief(con, Filters(zones=("any",)), lang="en", scope=Scope(provinces=["530000"]))
    assert re.fullmatch(r"\d+ border zones in Yunnan", brief.area.name)


def test_the_filters_used_are_listed_and_text_typed_by_users_kept_as_it_is():
    filters = Filters(item_groups=("Ga", "Ge"), channels=("postal_express",), zones=("451481", "any"),
                      min_kg=100, text="铅精矿 <b>")
    assert filter_lines(filters, "en") == (
        ("Mineral groups", "Gallium, Germanium"), ("Channels", "Postal / express"),
        ("Border zones", "Pingxiang (451481), any border zone"), ("Minimum quantity", "≥ 100 kg"),
        ("Text search", "“铅精矿 <b>”"))
    zh = dict(filter_lines(filters, "zh"))
    assert zh["边境地区"] == "凭祥市 (451481), 任一边境地区" and zh["矿种"] == "镓, 锗" and zh["渠道"] == "寄递渠道"
    assert filter_lines(Filters(), "en") == (("Other filters", "none"),)


def test_the_synthetic_stamp_shows_only_over_synthetic_records(store, guangxi):
    assert guangxi.synthetic == guangxi.seizures
    assert "SYNTHETIC DEMO DATA" in page_texts(guangxi)
    write_seizures(store, 3, is_synthetic=False)
    with store.reading() as con:
        real = build_brief(con, Filters())
    assert (real.seizures, real.synthetic) == (3, 0)
    assert "SYNTHETIC DEMO DATA" not in page_texts(real)


def test_the_png_is_an_a4_landscape_page_with_a_drawn_map(guangxi_png):
    image = Image.open(io.BytesIO(guangxi_png))
    assert image.format == "PNG"
    assert image.size == (int(PAGE_INCHES[0] * DPI), int(PAGE_INCHES[1] * DPI))
    assert image.size[0] / image.size[1] == pytest.approx(297 / 210, rel=0.002)
    # The map: left column between the header and the table (see brief_render.Page.map_box).
    pixels = np.asarray(image.convert("RGB"))
    top, bottom = round(1.25 * DPI), image.size[1] - round(2.45 * DPI)
    map_area = pixels[top:bottom, round(MARGIN * DPI) + 5:round(7.1 * DPI)]
    colours = np.unique(map_area.reshape(-1, 3), axis=0)
    not_white = (map_area < 245).any(axis=2).mean()
    assert len(colours) > 200 and not_white > 0.5


def test_the_pdf_is_one_a4_page_with_its_title_and_version(guangxi):
    pdf = brief_bytes(guangxi, "pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert (float(box[1]), float(box[2])) == pytest.approx((841.89, 595.28), abs=0.5)  # A4 in points
    assert f"/Creator (Cordon {guangxi.version})".encode() in pdf


def test_writing_to_a_file_follows_its_suffix_and_a_buffer_needs_a_format(guangxi, tmp_path):
    render_brief(guangxi, tmp_path / "brief.PDF")
    assert (tmp_path / "brief.PDF").read_bytes().startswith(b"%PDF-")
    assert output_format(tmp_path / "b.png") == "png"
    with pytest.raises(ValueError, match="fmt .* is needed when writing to a buffer"):
        render_brief(guangxi, io.BytesIO())
    with pytest.raises(ValueError, match=r"\.png or \.pdf, got 'brief.svg'"):
        render_brief(guangxi, tmp_path / "brief.svg")


def test_text_from_records_and_users_is_drawn_literally_never_as_math_or_markup(store, monkeypatch):
    write_seizures(store, 12, item=HOSTILE, declared_as=f"lead {HOSTILE}")
    with store.reading() as con:
        brief = build_brief(con, Filters(text=HOSTILE))
    assert brief.seizures == 12 and HOSTILE in brief.top_clusters["main_items"].iloc[0]

    def no_math(*args, **kwargs):
        raise AssertionError(f"math text was parsed: {args[1]!r}")

    monkeypatch.setattr(mathtext.MathTextParser, "parse", no_math)
    figure = brief_figure(brief)
    hostile = [text for text in figure.findobj(Text) if HOSTILE in text.get_text()]
    assert {text.get_text() for text in hostile} == {f"“{HOSTILE}”", f"{HOSTILE} 100 %"}
    assert not any(text.get_parse_math() for text in hostile)
    assert brief_bytes(brief, "png").startswith(b"\x89PNG") and brief_bytes(brief, "pdf").startswith(b"%PDF-")


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
def test_a_chinese_brief_names_places_in_chinese_with_every_glyph(seeded_db):
    with open_store(seeded_db).reading() as con:
        brief = build_brief(con, GUANGXI, lang="zh")
    texts = page_texts(brief)
    assert any(text.startswith("态势简报 · 广西") for text in texts) and "合成演示数据" in texts
    assert set(brief.top_clusters["checkpoint"]) & {"东兴", "友谊关", "凭祥(铁路)", "防城港", "南宁"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = brief_bytes(brief, "png")
    assert png.startswith(b"\x89PNG")
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_a_chinese_brief_without_a_cjk_font_says_what_to_install(guangxi, monkeypatch):
    monkeypatch.setattr("geodata.brief_render.cjk_font", lambda: None)
    with pytest.raises(ValueError, match="apt-get install fonts-noto-cjk"):
        brief_bytes(replace(guangxi, lang="zh"), "png")


def test_the_command_line_writes_the_brief_of_the_filters(seeded_db, tmp_path, capsys):
    out = tmp_path / "briefs" / "guangxi.png"
    assert main(["brief", "--db", str(seeded_db), "--out", str(out), "--province", "450000", "--from", "2026-05-01",
                 "--to", "2026-10-31", "--min-count", "12"]) == 0
    assert Image.open(out).size == (int(PAGE_INCHES[0] * DPI), int(PAGE_INCHES[1] * DPI))
    said = capsys.readouterr().out
    assert said.startswith("brief of Guangxi, 2026-05-01 – 2026-10-31:") and str(out) in said


@pytest.mark.parametrize(("extra", "message"), [
    (["--out", "brief.svg"], "the brief is written as .png or .pdf, got 'brief.svg'"),
    (["--out", "brief.png", "--lang", "fr"], "--lang must be one of en, zh, got 'fr'"),
    (["--out", "brief.png", "--period", "30d", "--from", "2026-01-01"], "give --period or --from/--to, not both"),
])
def test_a_wrong_command_line_exits_with_2_and_says_why(tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as stopped:
        main(["brief", "--db", str(tmp_path / "none.duckdb"), *extra])
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_brief_command_refuses_parameters_of_other_analyses(seeded_db, tmp_path):
    with pytest.raises(ValueError, match="hot-spot and DBSCAN parameters, got step"):
        brief_command(seeded_db, tmp_path / "b.png", GUANGXI, parameters={"step": "week"})


def test_the_destination_countries_are_named_in_the_briefs_language():
    filters = Filters(destinations=("VNM", "MMR"))
    assert filter_lines(filters, "en") == (("Destination countries", "Viet Nam, Myanmar"),)
    assert filter_lines(filters, "zh") == (("目的国", "越南, 缅甸"),)


def test_the_case_statuses_are_named_in_the_briefs_language():
    filters = Filters(destinations=("VNM",), case_statuses=("open", "closed"))
    assert filter_lines(filters, "en") == (("Destination countries", "Viet Nam"), ("Case status", "Open, Closed"))
    assert filter_lines(filters, "zh") == (("目的国", "越南"), ("案件状态", "立案, 结案"))
