"""Shared pieces of the import tests: small seizure files in Chinese, validation rules, a store with places."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from queries.ingest import Rules, load_mapping
from queries.ingest.values import normalise
from queries.store import Store

NOW = datetime(2026, 1, 1, 12, 0)
HEADER = ("编号", "查获时间", "经度", "纬度", "物品", "数量", "单位", "渠道", "口岸", "查获单位", "目的国", "案件状态", "备注")
CHECKPOINTS = {normalise(spelling): "youyiguan" for spelling in ("友谊关", "youyiguan", "Youyiguan (Friendship Pass)")}
CHECKPOINTS[normalise("东兴")] = "dongxing"
CHECKPOINT_POINTS = {"youyiguan": (106.7122, 21.9764), "dongxing": (107.9702, 21.5471)}
COUNTIES = {normalise(spelling): "451481" for spelling in ("凭祥", "凭祥市", "451481", "Pingxiang")}
COUNTY_ANCHORS = {"451481": (106.766, 22.094)}


def seizure_row(i: int = 0, **overrides: str) -> dict[str, str]:
    """One valid seizure as a customs post writes it (Chinese headers); keyword arguments replace
    columns by their header's field name (lon, lat, quantity, unit, …) or by header."""
    row = {
        "编号": f"R-{i}", "查获时间": (datetime(2025, 3, 1, 8, 0) + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M"),
        "经度": f"{106.70 + (i % 50) * 0.0005:.6f}", "纬度": f"{21.97 + (i % 40) * 0.0005:.6f}",
        "物品": ("锑精矿", "氧化镝", "金属镓")[i % 3], "数量": f"{10 + i % 7}.5", "单位": "kg", "渠道": "陆路口岸",
        "口岸": "友谊关", "查获单位": "凭祥海关", "目的国": "越南", "案件状态": "侦查中", "备注": f"row {i}",
    }
    by_field = {"source_id": "编号", "occurred_at": "查获时间", "lon": "经度", "lat": "纬度", "item": "物品",
                "quantity": "数量", "unit": "单位", "channel": "渠道", "checkpoint": "口岸", "agency": "查获单位",
                "destination": "目的国", "case_status": "案件状态", "note": "备注"}
    for key, value in overrides.items():
        row[by_field.get(key, key)] = value
    return row


def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    """``rows`` as a CSV at ``path`` (headers from the first row) in ``encoding``."""
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def rules(kind: str = "seizures", **overrides) -> Rules:
    """Validation rules as an import of a seizure file would have them, at :data:`NOW`."""
    values = {"kind": kind, "mapping": load_mapping(), "now": NOW, "source": "test", "checkpoints": CHECKPOINTS,
              "checkpoint_points": CHECKPOINT_POINTS, "counties": COUNTIES, "county_anchors": COUNTY_ANCHORS}
    values.update(overrides)
    return Rules(**values)


@pytest.fixture(scope="session")
def geography():
    """geodata's locator and conversions, as the command line hands them to imports."""
    from geodata.demo_geography import import_geography

    return import_geography()


@pytest.fixture
def places_store(tmp_path) -> Store:
    """A store holding the reference tables: checkpoints and hubs that imports can name."""
    from geodata.demo_geography import demo_geography
    from queries.seed import write_reference

    store = Store(tmp_path / "cordon.duckdb")
    with store.writing() as con:
        write_reference(con, demo_geography())
    return store
