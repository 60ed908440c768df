"""The brief's map: framed on the border region and the results close to it (far results listed),
labels and leader lines that never collide nor leave the map (measured on the rendered page, in both
languages), a PDF of a few hundred kB, and one plain file name."""

from __future__ import annotations

import itertools
from datetime import datetime

import pandas as pd
import pytest
import shapely
from matplotlib.text import Annotation, Text
from pyproj import Transformer

from geodata.__main__ import main
from geodata.brief import brief_file_name, build_brief
from geodata.brief_frame import beyond_map, map_frame
from geodata.brief_render import brief_bytes, brief_figure, cjk_font
from geodata.crs import METRIC_CRS, WGS84
from queries.filters import Filters
from queries.seizures import insert_seizures
from queries.store import Store
from queries.stores import open_store
from tests.conftest import seizure_row

GENERATED = datetime(2026, 11, 20, 12, 0)
LANGS = ["en", pytest.param("zh", marks=pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed"))]
VIEWS = {"all areas": Filters(), "Guangxi": Filters(provinces=("450000",)), "Pingxiang": Filters(zones=("451481",)),
         "Yunnan, 2026": Filters(start=datetime(2026, 1, 1), end=datetime(2026, 11, 1), provinces=("530000",))}
PDF_MOST_BYTES = 400_000  # "a few hundred kB": the old all-China page was 2.4 MB, a Guangxi page 0.56 MB
# Places to write seizures at: (lon, lat, province, county)
YOUYIGUAN = (106.712, 21.976, "450000", "451481")
GUANGZHOU = (113.25, 23.1167, "440000", "440104")
BAOTOU = (109.8439, 40.6516, "150000", "150202")


def write_seizures(store: Store, count: int, place, name: str) -> None:
    lon, lat, province, county = place
    rows = pd.concat([seizure_row(source_id=f"{name}-{n}", lon=lon, lat=lat, province_code=province,
                                  county_code=county, zone_code="451481" if county == "451481" else None,
                                  checkpoint_id="youyiguan" if county == "451481" else None)
                      for n in range(count)], ignore_index=True)
    with store.writing() as con:
        insert_seizures(con, rows)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    return Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True).transform(x, y)


def map_extent_wgs84(figure) -> shapely.Polygon:
    ax = figure.axes[0]
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    return shapely.Polygon([to_wgs84(x, y) for x, y in ((west, south), (east, south), (east, north), (west, north))])


@pytest.fixture
def far_and_near(store) -> Store:
    """Seizures at Youyiguan (on the border), Guangzhou (an express hub beside Guangxi) and Baotou
    (2,000 km north): a DBSCAN cluster at each."""
    for place, name in ((YOUYIGUAN, "border"), (GUANGZHOU, "guangzhou"), (BAOTOU, "baotou")):
        write_seizures(store, 12, place, name)
    return store


def test_a_brief_of_all_areas_frames_the_border_and_lists_a_far_cluster_beside_it(far_and_near):
    with far_and_near.reading() as con:
        briefs = {lang: build_brief(con, Filters(), lang, generated_at=GENERATED) for lang in ("en", "zh")}
    brief = briefs["en"]
    assert len(brief.clusters) == 3
    figure = brief_figure(brief)
    shown = map_extent_wgs84(figure)
    # The whole border (Ruili in the west, Dongxing in the east) and the Guangzhou cluster close to it ...
    for lon, lat in ((97.865, 24.0), (107.97, 21.55), (98.28, 25.32), GUANGZHOU[:2]):
        assert shown.contains(shapely.Point(lon, lat)), (lon, lat)
    # ... but not China up to Baotou: the border is not a strip at the bottom of the map.
    assert not shown.contains(shapely.Point(BAOTOU[:2])) and shown.bounds[3] < 32
    (west, east), (south, north) = figure.axes[0].get_xlim(), figure.axes[0].get_ylim()
    far = beyond_map(brief, (west, south, east, north))
    assert [(place.name, place.direction, place.clusters, place.cluster_seizures) for place in far] == [
        ("Baotou", "n", 1, 12)]
    assert 900 < far[0].km < 1_500 and far[0].ranks == (3,)
    texts = {text.get_text().replace("\n", " ") for text in figure.findobj(Text)}
    assert "Beyond the map" in texts
    assert any(text.startswith("Baotou, ") and " km N of the map: 1 cluster(s) of 12 seizures, no. 3 in the table"
               in text for text in texts), texts
    if cjk_font() is not None:
        zh = {text.get_text().replace("\n", "") for text in brief_figure(briefs["zh"]).findobj(Text)}
        assert "地图范围以外" in zh and any(text.startswith("包头（地图以北 ") for text in zh)


def test_the_map_of_an_area_is_that_area_and_results_close_to_it_widen_it(seeded_db):
    with open_store(seeded_db).reading() as con:
        guangxi = build_brief(con, Filters(provinces=("450000",)))
    assert map_frame(guangxi) == guangxi.area.bounds  # every result lies in Guangxi
    west, south, east, north = (*to_wgs84(*guangxi.area.bounds[:2]), *to_wgs84(*guangxi.area.bounds[2:]))
    assert 104 < west < 105 and 112 < east < 113 and 20 < south < 21.5 and 26 < north < 27


def _boxes_and_leaders(figure):
    """The rendered map's label boxes (text, Bbox as a shapely box, in pixels) and leader lines."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    boxes, leaders = [], []
    for text in ax.texts:
        if not text.get_text():  # the north arrow: an arrow without text
            continue
        patch = text.get_bbox_patch()  # the text alone: an Annotation's own extent takes in its leader line
        extent = patch.get_window_extent(renderer) if patch else Text.get_window_extent(text, renderer)
        boxes.append((text.get_text(), shapely.box(*extent.extents)))
        if isinstance(text, Annotation) and text.arrow_patch is not None:
            arrow = text.arrow_patch
            vertices = arrow.get_transform().transform_path(arrow.get_path()).vertices
            leaders.append((text.get_text(), shapely.LineString(vertices)))
    panels = [("legend or box", shapely.box(*artist.get_window_extent(renderer).extents))
              for artist in ax.get_children() if type(artist).__name__ in ("Legend", "AnchoredOffsetbox")]
    return ax.get_window_extent(renderer), boxes, leaders, panels


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_labels_and_leader_lines_never_collide_nor_leave_the_map(seeded_db, view, lang):
    with open_store(seeded_db).reading() as con:
        brief = build_brief(con, VIEWS[view], lang, generated_at=GENERATED)
    frame, boxes, leaders, panels = _boxes_and_leaders(brief_figure(brief))
    inside = shapely.box(*frame.extents)
    assert len(boxes) >= 8 + len(brief.top_clusters)  # names and numbers were placed, not all left out
    ranks = {str(rank) for rank in brief.top_clusters["rank"]}
    assert ranks <= {text for text, _ in boxes}  # every cluster of the table is numbered on the map
    problems = [f"{text!r} leaves the map" for text, box in boxes if not inside.contains(box)]
    problems += [f"{a!r} overlaps {b!r}" for (a, box_a), (b, box_b) in itertools.combinations(boxes + panels, 2)
                 if box_a.intersection(box_b).area > 0]
    problems += [f"the leader of {a!r} crosses {b!r}" for a, line in leaders for b, box in boxes + panels
                 if a != b and line.intersection(box).length > 0]
    problems += [f"the leaders of {a!r} and {b!r} cross" for (a, one), (b, other) in itertools.combinations(leaders, 2)
                 if one.intersects(other)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_is_a_few_hundred_kb(seeded_db, lang):
    """Borders simplified to what the printed scale shows, hexagons merged by bin, fonts subset: the
    size of the page, not of the layers' every vertex."""
    with open_store(seeded_db).reading() as con:
        pdf = brief_bytes(build_brief(con, Filters(), lang), "pdf")
    assert pdf.startswith(b"%PDF-") and len(pdf) < PDF_MOST_BYTES, len(pdf)  # 2.4 MB before, on this data


def test_the_file_name_is_plain_ascii_in_both_languages(seeded_db, tmp_path):
    with open_store(seeded_db).reading() as con:
        briefs = [build_brief(con, filters, lang, generated_at=GENERATED)
                  for filters in (Filters(provinces=("450000",)), Filters(zones=("451481",)), Filters())
                  for lang in ("en", "zh")]
    names = [brief_file_name(brief, "pdf") for brief in briefs]
    assert names == ["cordon-brief-2026-11-20-guangxi.pdf"] * 2 + ["cordon-brief-2026-11-20-pingxiang-guangxi.pdf"] * 2 \
        + ["cordon-brief-2026-11-20-all-areas.pdf"] * 2
    assert brief_file_name(briefs[0], "png") == "cordon-brief-2026-11-20-guangxi.png"
    with pytest.raises(ValueError, match="fmt must be one of png, pdf, got 'svg'"):
        brief_file_name(briefs[0], "svg")


def test_the_command_line_names_the_file_plainly_when_given_a_folder(seeded_db, tmp_path, capsys):
    assert main(["brief", "--db", str(seeded_db), "--out", str(tmp_path), "--province", "450000",
                 "--format", "png"]) == 0
    [written] = list(tmp_path.iterdir())
    assert written.name.isascii() and written.name.startswith("cordon-brief-") and written.name.endswith("-guangxi.png")
    assert str(written) in capsys.readouterr().out

