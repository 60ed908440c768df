"""python -m geodata clusters|hotspots|emerging: the analyses from the command line write their layer."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geodata.__main__ import main


@pytest.mark.parametrize(("command", "extra", "column"), [
    ("clusters", ["--eps-km", "2", "--min-count", "5"], "cluster"),
    ("hotspots", [], "bin"),
    ("emerging", ["--step", "month"], "category"),
])
def test_each_analysis_writes_a_readable_layer_for_the_filters(seeded_db, tmp_path, capsys, command, extra, column):
    out = tmp_path / f"{command}.geojson"
    assert main([command, "--db", str(seeded_db), "--out", str(out), "--from", "2024-01-01", "--to", "2026-06-30",
                 *extra]) == 0
    layer = gpd.read_file(out)
    assert len(layer) > 0 and column in layer.columns and layer.crs.to_epsg() == 4326
    said = capsys.readouterr().out
    assert "seizures analysed" in said and "left out" in said


def test_a_missing_database_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["clusters", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x.geojson")])
    assert stopped.value.code == 2 and "python -m queries seed" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()
