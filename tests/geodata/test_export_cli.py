"""python -m geodata export: a layer in a GIS format with its provenance, and clear errors for wrong arguments."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest

from geodata.__main__ import main

VIEW = ["--from", "2024-01-01", "--to", "2026-06-30"]


def export(db, out, *arguments) -> int:
    return main(["export", "--db", str(db), "--out", str(out), *VIEW, *arguments])


@pytest.mark.parametrize(("layer", "fmt", "extra"), [
    ("clusters", "gpkg", ["--eps-km", "2", "--min-count", "5"]),
    ("seizures", "parquet", ["--group", "Sb"]),
    ("zones", "geojson", []),
    ("gaps", "shp", ["--gaps-of", "clusters", "--eps-km", "2", "--min-count", "5", "--gaps-km", "1"]),
])
def test_export_writes_the_layer_and_its_provenance(seeded_db, tmp_path, capsys, layer, fmt, extra):
    extension = {"gpkg": ".gpkg", "parquet": ".parquet", "geojson": ".geojson", "shp": ".shp.zip"}[fmt]
    out = tmp_path / "out" / f"{layer}{extension}"
    assert export(seeded_db, out, "--layer", layer, "--format", fmt, *extra) == 0
    read = gpd.read_parquet(out) if fmt == "parquet" else gpd.read_file(out, layer=layer if fmt == "gpkg" else None)
    provenance = json.loads((tmp_path / "out" / f"{layer}.provenance.json").read_text(encoding="utf-8"))
    assert len(read) == provenance["features"] > 0 and read.crs.to_epsg() == 4326
    assert provenance["layer"] == layer and provenance["filters"]["end"] == "2026-07-01T00:00:00"
    said = capsys.readouterr().out
    assert f"{layer}: {len(read)} features written" in said and "provenance in" in said
    if layer == "seizures":
        assert set(read["item_group"]) == {"Sb"} and provenance["filters"]["item_groups"] == ["Sb"]
    if layer in ("clusters", "gaps"):
        assert provenance["parameters"]["params"] == {"method": "dbscan", "eps_km": 2.0, "min_count": 5,
                                                      "window_days": None, "outline_km": 0.5}
    if layer == "gaps":
        assert provenance["parameters"]["gaps_of"] == "clusters" and (read["checkpoi_3"] >= 1).all()
        assert "gaps.provenance.json" in zipfile.ZipFile(out).namelist()


def test_export_and_the_analysis_command_share_their_parameters(seeded_db, tmp_path):
    exported, analysed = tmp_path / "export.parquet", tmp_path / "hotspots.parquet"
    assert export(seeded_db, exported, "--layer", "hotspots", "--format", "parquet", "--res", "6", "--no-fdr") == 0
    assert main(["hotspots", "--db", str(seeded_db), "--out", str(analysed), *VIEW, "--res", "6", "--no-fdr"]) == 0
    one, other = gpd.read_parquet(exported), gpd.read_parquet(analysed)
    pd.testing.assert_frame_equal(one.drop(columns=["bin_label", "county_code_label"]), other)  # the export labels codes
    params = json.loads((tmp_path / "export.provenance.json").read_text())["parameters"]["params"]
    assert params["resolution"] == 6 and params["fdr"] is False and params["rings"] == 2  # the rest: defaults


@pytest.mark.parametrize(("arguments", "message"), [
    (["--layer", "heatmap", "--format", "csv"], "unknown layer 'heatmap'; choose one of hotspots"),
    (["--layer", "zones", "--format", "xlsx"], "unknown format 'xlsx'; choose one of geojson"),
    (["--layer", "zones", "--format", "gpkg"], "must be a file name ending in .gpkg"),
    (["--layer", "zones", "--format", "csv", "--res", "7"], "the zones layer takes no analysis parameters, got --res"),
    (["--layer", "hotspots", "--format", "csv", "--eps-km", "2"], "not parameters of HotSpotParams: eps_km"),
    (["--layer", "clusters", "--format", "csv", "--gaps-km", "2"], "--gaps-of and --gaps-km apply to --layer gaps"),
    (["--layer", "hotspots", "--format", "csv", "--res", "12"], "resolution must be 0-10"),
])
def test_wrong_arguments_exit_2_naming_what_was_wrong(seeded_db, tmp_path, capsys, arguments, message):
    with pytest.raises(SystemExit) as stopped:
        export(seeded_db, tmp_path / "layer.csv", *arguments)
    assert stopped.value.code == 2 and message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_an_output_under_a_file_is_a_clear_error(seeded_db, tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(SystemExit) as stopped:
        export(seeded_db, tmp_path / "taken" / "zones.csv", "--layer", "zones", "--format", "csv")
    assert stopped.value.code == 2 and "is a file, not a folder" in capsys.readouterr().err


def test_export_takes_destination_countries_and_says_so_in_its_provenance(seeded_db, tmp_path):
    out = tmp_path / "seizures.parquet"
    assert export(seeded_db, out, "--layer", "seizures", "--format", "parquet",
                  "--destination", "VNM", "--destination", "MMR") == 0
    read = gpd.read_parquet(out)
    provenance = json.loads((tmp_path / "seizures.provenance.json").read_text(encoding="utf-8"))
    assert len(read) > 0 and set(read["destination_iso3"]) == {"VNM", "MMR"}
    assert provenance["filters"]["destinations"] == ["VNM", "MMR"]


def test_export_takes_case_statuses_and_refuses_an_unknown_one(seeded_db, tmp_path, capsys):
    out = tmp_path / "seizures.parquet"
    assert export(seeded_db, out, "--layer", "seizures", "--format", "parquet", "--status", "closed") == 0
    read = gpd.read_parquet(out)
    provenance = json.loads((tmp_path / "seizures.provenance.json").read_text(encoding="utf-8"))
    assert len(read) > 0 and set(read["case_status"]) == {"closed"}
    assert provenance["filters"]["case_statuses"] == ["closed"]
    with pytest.raises(SystemExit) as exit_:
        export(seeded_db, out, "--layer", "seizures", "--format", "parquet", "--status", "shut")
    assert exit_.value.code == 2 and "--status: invalid choice: 'shut'" in capsys.readouterr().err


def test_the_brief_command_passes_the_destination_and_status_options_on(seeded_db, tmp_path, monkeypatch):
    import geodata.brief_command

    given = {}
    monkeypatch.setattr(geodata.brief_command, "brief_command", lambda db, out, filters, *rest: given.update(f=filters) or "")
    assert main(["brief", "--db", str(seeded_db), "--out", str(tmp_path / "b.png"), "--destination", "VNM",
                 "--status", "open", "--status", "closed"]) == 0
    assert given["f"].destinations == ("VNM",) and given["f"].case_statuses == ("open", "closed")


@pytest.mark.parametrize(("lang", "customs"), [(None, "Customs"), ("en", "Customs"), ("zh", "海关")])
def test_export_labels_the_codes_in_the_language_asked(seeded_db, tmp_path, lang, customs):
    out = tmp_path / "checkpoints.gpkg"
    assert export(seeded_db, out, "--layer", "checkpoints", "--format", "gpkg", *(["--lang", lang] if lang else [])) == 0
    read = gpd.read_file(out)
    assert list(read.columns)[list(read.columns).index("agency") + 1] == "agency_label"
    assert customs in set(read["agency_label"])


def test_export_refuses_a_language_it_does_not_have(seeded_db, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        export(seeded_db, tmp_path / "zones.gpkg", "--layer", "zones", "--format", "gpkg", "--lang", "fr")
    assert exit_.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err
