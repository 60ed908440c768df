"""An import, from a file to the store: read, map, validate, locate, then write in one transaction.

Reading, validation and locating happen before the store's write lock is taken, so the dashboard
goes on reading while a large file is checked; the write itself (new records, changed records
with their previous versions archived, refused rows, the import's own row) is one
``Store.writing()`` block: one DuckDB transaction, all or nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries.clock import beijing_now
from queries.ingest.checks import RULES
from queries.ingest.fields import COORDINATES, CRS_NAMES, KEYS, KINDS
from queries.ingest.files import (
    SHEET_LINES,
    Cancelled,
    IngestError,
    Limits,
    ShouldStop,
    Table,
    as_text,
    never_stop,
)
from queries.ingest.frame_validator import validate_frame
from queries.ingest.mapping import Mapping, load_mapping
from queries.ingest.readers import read_table
from queries.ingest.refusals import ARROW_TEXT, TEXT, Refusal, batches, fill, refused, row_reasons, texts
from queries.ingest.rules import Rules, ToWgs84
from queries.ingest.values import normalise
from queries.seizures import insert_seizures, update_seizures
from queries.store import Store, bind, load_sql, run, write_frame

# What is left of a file's name once dates, numbers and copy marks at its end are dropped is the
# default source of its records: 东兴海关_2025-03-04.csv and 东兴海关_2025-03-11.csv are one source,
# so last week's rows in this week's file are found again instead of stored twice.
_NAME_TAIL = re.compile(r"(?:[\s_\-.()（）\[\]【】0-9年月日号第周期]|copy|副本)+$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportGeography:
    """What an import needs from geodata, handed in by a composition root (queries never imports it).

    locate(lon, lat): country_iso3, province_code, county_code, zone_code for WGS84 points
    (``geodata.locate.locate``). converters: coordinate system name ('gcj02', 'bd09') → a function
    to WGS84 (``geodata.coords.gcj02_to_wgs84``, ``bd09_to_wgs84``).
    """

    locate: Callable[[np.ndarray, np.ndarray], pd.DataFrame]
    converters: dict[str, ToWgs84] = field(default_factory=dict)

    def to_wgs84(self, crs: str) -> ToWgs84 | None:
        if crs not in CRS_NAMES:
            raise IngestError(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_NAMES)}")
        if crs == "wgs84":
            return None
        if crs not in self.converters:
            raise IngestError(f"no conversion from {crs} to WGS84 was handed to the import")
        return self.converters[crs]


# What a file without a key column means for its records, for the summary (the Import page says it
# through dashboard/i18n.py).
KEYLESS_NOTE = ("no key column: rows are known by their content (a re-import adds nothing; a corrected row lands "
                "as a new record)")


@dataclass
class Parsed:
    """A file read and mapped, not yet validated: what the Import page previews.

    ``columns`` maps each field to the header that fills it; ``unmapped`` lists the headers that
    fill nothing; ``table`` holds the rows as they came (see :class:`queries.ingest.files.Table`).
    """

    table: Table
    kind: str
    crs: str
    mapping: Mapping
    columns: dict[str, str]
    unmapped: list[str]
    file_bytes: int
    sha256: str

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def encoding(self) -> str | None:
        return self.table.encoding

    @property
    def source(self) -> str:
        """The source of records whose row gives none: the mapping's, else from the file's name."""
        stem = Path(self.name).stem
        return self.mapping.source or _NAME_TAIL.sub("", stem) or stem

    @property
    def headers(self) -> dict[str, str]:
        """Field → the header it comes from, for messages; lon and lat from a one-cell point's header
        when the file has no column of their own."""
        point = self.columns.get(COORDINATES)
        return {"lon": point, "lat": point, **self.columns} if point else dict(self.columns)

    @property
    def keyed(self) -> bool:
        """Whether the file's rows name their record: a seizures file needs a key column (source_id);
        without one, rows are known by their content (see checks.content_hash)."""
        return self.kind != "seizures" or "source_id" in self.columns

    def fields(self) -> pd.DataFrame:
        """The rows with the fields as columns (each field's column as it came)."""
        return pd.DataFrame({name: self.table.frame[header].reset_index(drop=True)
                             for name, header in self.columns.items()}, index=range(len(self.table.frame)))

    def preview(self, rows: int = 20) -> pd.DataFrame:
        """The first rows as they came, with their line numbers (and sheets, in a workbook of several)."""
        head = self.table.frame.head(rows).copy()
        lines = self.table.lines[:rows]
        if len(self.table.sheets) > 1:
            head.insert(0, self.table.line_word, lines % SHEET_LINES)
            head.insert(0, "sheet", self.table.sheet_of(lines))
        else:
            head.insert(0, self.table.line_word, lines)
        return head


@dataclass
class Checked:
    """A parsed file validated: the records that can land (with their ``line``), the rows refused
    (``line``, ``raw`` JSON, ``rules``, ``reason``), the refusals in batches (``rule``, ``field``,
    ``rows``, ``lines``, ``example``: see :func:`queries.ingest.refusals.batches`) and one verdict per
    row (``line``, ``ok``, ``reason``); for a workbook, one row per sheet read (``sheet``, ``rows``,
    ``ok``, ``refused``, ``passed_over``: its totals rows and notes, see :func:`sheet_report`)."""

    records: pd.DataFrame
    rejected: pd.DataFrame
    batches: pd.DataFrame
    rules: Rules
    sheets: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def verdicts(self) -> pd.DataFrame:
        ok = pd.DataFrame({"line": self.records["line"].to_numpy(), "ok": True, "reason": ""})
        refused = self.rejected[["line", "reason"]].assign(ok=False)[["line", "ok", "reason"]]
        return pd.concat([ok, refused], ignore_index=True).sort_values("line", ignore_index=True)


@dataclass
class ImportResult:
    """What an import did: counts, refused rows by rule, and the refused rows themselves."""

    import_id: int
    file_name: str
    kind: str
    source: str
    encoding: str | None
    rows_read: int
    accepted: int
    updated: int
    unchanged: int
    rejected: int
    by_reason: dict[str, int]
    rejected_rows: pd.DataFrame
    batches: pd.DataFrame
    started_at: datetime
    finished_at: datetime
    keyed: bool = True  # see Parsed.keyed
    sheets: pd.DataFrame = field(default_factory=pd.DataFrame)  # see Checked

    def audit_details(self) -> dict:
        """What the audit trail keeps of an import: the file, what it held and what became of it."""
        return {"file": self.file_name, "kind": self.kind, "source": self.source, "import_id": self.import_id,
                "rows": self.rows_read, "new": self.accepted, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "by_reason": self.by_reason}

    def summary(self) -> str:
        """A few lines for a person: the counts, then the refused rows by rule, each rule's batches
        (field, where, the first one's words) under it."""
        encoding = f", {self.encoding}" if self.encoding else ""
        lines = [(f"{self.file_name} ({self.kind}{encoding}, source {self.source!r}): {self.rows_read:,} rows — "
                  f"{self.accepted:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged, "
                  f"{self.rejected:,} rejected (import {self.import_id})")]
        if not self.keyed:
            lines.append(f"  {KEYLESS_NOTE}")
        lines += [f"  sheet '{sheet.sheet}': {sheet.rows:,} rows, {sheet.ok:,} ok, {sheet.refused:,} rejected"
                  + (f"; passed over: {sheet.passed_over}" if sheet.passed_over else "")
                  for sheet in self.sheets.itertuples()]
        for rule, count in self.by_reason.items():
            lines.append(f"  rejected, {rule}: {count:,}")
            lines += [f"    {batch.field or 'rows'}, {batch.rows:,} at {batch.lines}: {batch.example}"
                      for batch in self.batches[self.batches["rule"] == rule].itertuples()]
        return "\n".join(lines)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise IngestError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")


def _parse(table: Table, kind: str, mapping: Mapping | str | Path | None, crs: str, size: int, digest: str) -> Parsed:
    _check_kind(kind)
    if crs not in CRS_NAMES:
        raise IngestError(f"unknown coordinate system {crs!r}; use one of {', '.join(CRS_NAMES)}")
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    columns, unmapped = mapping.match_headers(table.frame.columns, kind)
    if not columns:
        raise IngestError(f"{table.name}: none of its headers ({', '.join(map(str, table.frame.columns[:12]))}) is "
                          f"one the mapping {mapping.name!r} knows for {kind}; check the header row or give a "
                          f"mapping (--mapping)")
    return Parsed(table, kind, crs, mapping, columns, unmapped, size, digest)


def read_upload(name: str, data: bytes, kind: str = "seizures", mapping: Mapping | str | Path | None = None,
                crs: str = "wgs84", limits: Limits | None = None, should_stop: ShouldStop = never_stop,
                sheets: Sequence[str] = ()) -> Parsed:
    """Read an uploaded file (its name and bytes) and map its columns; nothing is written. ``limits``
    default to :meth:`Limits.from_env`; a workbook's every sheet is read, or those named in
    ``sheets``; :class:`Cancelled` once ``should_stop`` says so."""
    table = read_table(name, data=data, limits=limits, should_stop=should_stop, sheets=sheets)
    return _parse(table, kind, mapping, crs, len(data), hashlib.sha256(data).hexdigest())


def read_path(path: str | Path, kind: str = "seizures", mapping: Mapping | str | Path | None = None,
              crs: str = "wgs84", limits: Limits | None = None, sheets: Sequence[str] = ()) -> Parsed:
    """Read the file at ``path`` (a workbook's every sheet, or those named in ``sheets``) and map its
    columns; nothing is written."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    table = read_table(path.name, path=path, limits=limits, sheets=sheets)
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return _parse(table, kind, mapping, crs, path.stat().st_size, digest.hexdigest())


@dataclass(frozen=True)
class KnownPlaces:
    """What of the store an import's rows may name: checkpoints and hubs (spelling → id), the
    checkpoints' points (id → lon, lat) and counties (spelling → code, and code → its anchor's lon
    and lat)."""

    checkpoints: dict[str, str] = field(default_factory=dict)
    hubs: dict[str, str] = field(default_factory=dict)
    checkpoint_points: dict[str, tuple[float, float]] = field(default_factory=dict)
    counties: dict[str, str] = field(default_factory=dict)
    county_anchors: dict[str, tuple[float, float]] = field(default_factory=dict)


# A county's short name, without 县/市/区 or 自治县 and its peoples: 凭祥市 is 凭祥, 河口瑶族自治县 is 河口.
_COUNTY_SHORT = re.compile(r"(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,2}族)*自治县|[县市区])")


def known_places(store: Store | None) -> KnownPlaces:
    """The store's checkpoints and hubs (ids, names, names without a bracket; the checkpoints'
    points) and counties (codes, names, Chinese names without 县/市/区 or 自治县, when that names one
    county only)."""
    if store is None or not store.exists():
        return KnownPlaces()
    with store.reading() as con:
        places = run(con, "ingest_known_places")
        counties = run(con, "ingest_known_counties")
    found: dict[str, dict[str, str]] = {"checkpoint": {}, "hub": {}}
    for kind, place_id, *names, _, _ in places.itertuples(index=False):
        for spelling in (place_id, *names, *(re.sub(r"\s*[(（].*?[)）]\s*", "", n) for n in names)):
            if spelling:
                found[kind].setdefault(normalise(spelling), place_id)
    points = {place_id: (float(lon), float(lat)) for kind, place_id, _, _, lon, lat in places.itertuples(index=False)
              if kind == "checkpoint"}
    short: dict[str, set[str]] = {}
    for code, name_zh, *_ in counties.itertuples(index=False):
        stem = _COUNTY_SHORT.fullmatch(name_zh)
        if stem:
            short.setdefault(normalise(stem.group(1)), set()).add(code)
    spellings = {key: next(iter(codes)) for key, codes in short.items() if len(codes) == 1}
    for code, name_zh, name_en, *_ in counties.itertuples(index=False):
        for spelling in (code, name_zh, name_en):
            spellings[normalise(spelling)] = code
    anchors = {code: (float(lon), float(lat)) for code, _, _, lon, lat in counties.itertuples(index=False)}
    return KnownPlaces(found["checkpoint"], found["hub"], points, spellings, anchors)


def _json_rows(frame: pd.DataFrame) -> list[str]:
    """Each row of ``frame`` as a JSON object of header → value."""
    text = frame.rename(columns=str).to_json(orient="records", lines=True, force_ascii=False)
    return text.split("\n")[:len(frame)]


def _raw_json(table: Table, positions: np.ndarray) -> pa.Array:
    """The rows at ``positions`` (sorted; a position past the frame is a ragged row, in line order)
    as they came: JSON objects of header → text (a ragged row's values past the header's are named
    "(value N)")."""
    n, width = len(table.frame), len(table.frame.columns)
    rows = table.frame.iloc[positions[positions < n]]
    typed = {name: rows[name].map(as_text) for name, dtype in rows.dtypes.items()
             if not isinstance(dtype, pd.StringDtype) and dtype != ARROW_TEXT}
    found = _json_rows(rows.assign(**typed) if typed else rows)
    if table.ragged:
        ragged = pd.DataFrame([values for _, values in table.ragged.values()]).iloc[positions[positions >= n] - n]
        ragged.columns = [*map(str, table.frame.columns), *(f"(value {i + 1})" for i in range(width, ragged.shape[1]))
                          ][:ragged.shape[1]]
        found += _json_rows(ragged)
    return pa.array(found, TEXT)


def _ragged(table: Table) -> Refusal:
    """The rows with more or fewer values than the header, as positions past the frame's."""
    n, width = len(table.frame), len(table.frame.columns)
    lines = np.fromiter(table.ragged, dtype=np.int64, count=len(table.ragged))
    counts = np.array([count for count, _ in table.ragged.values()], dtype=np.int64)

    def words(positions: np.ndarray) -> pa.Array:
        return fill("{where} has {count} values where the header has {width}; check the row for an unquoted "
                    "comma or a missing value", where=table.line_texts(lines[positions - n]),
                    count=texts(counts[positions - n]), width=str(width))

    return Refusal("ragged", "", np.r_[np.zeros(n, dtype=bool), np.ones(len(lines), dtype=bool)], words)


def _unlocated_and_repeated(records: pd.DataFrame, kind: str, table: Table) -> list[Refusal]:
    """Hubs in no country, and records already earlier in the file (the first one lands), as masks
    over the frame's rows; ``records`` are located, indexed by their row in the frame."""
    n = len(table.frame)
    unlocated = np.zeros(n, dtype=bool)
    if kind == "hubs":
        unlocated[records.index[pd.isna(records["country_iso3"]).to_numpy()]] = True
    keys = list(KEYS[kind])
    candidates = records[~unlocated[records.index]]
    repeated = np.zeros(n, dtype=bool)
    repeated[candidates.index[candidates.duplicated(keys, keep="first").to_numpy()]] = True
    first = pd.Series(np.zeros(n, dtype=np.int64))
    first.iloc[candidates.index] = candidates.groupby(keys, sort=False, dropna=False)["line"].transform("first")

    def duplicate_words(positions: np.ndarray) -> pa.Array:
        rows = records.loc[positions]
        key = pc.binary_join_element_wise(*(texts(rows[k].astype(str)) for k in keys), pa.scalar(", ", TEXT))
        return fill("the same record ({key}) is at {first} above; each record once", key=key,
                    first=table.line_texts(first.iloc[positions].to_numpy()))

    return [Refusal("not_located", "lon", unlocated, "the point is in no country Cordon knows (China or a neighbour); "
                                                      "give the hub's country (country_iso3) or check its coordinates"),
            Refusal("duplicate", keys[-1], repeated, duplicate_words)]


def _locate(records: pd.DataFrame, kind: str, geography: ImportGeography) -> pd.DataFrame:
    """Add the country, province, county and zone of each record (each distinct point located once)."""
    if records.empty:
        where = pd.DataFrame(columns=["country_iso3", "province_code", "county_code", "zone_code"], dtype=object)
    else:
        codes, points = pd.factorize(records["lon"].to_numpy(dtype=float) + 1j * records["lat"].to_numpy(dtype=float))
        where = geography.locate(points.real, points.imag).iloc[codes].reset_index(drop=True)
    where.index = records.index
    located = records.copy()
    if kind == "seizures":
        coarse = (located["geo_precision"] == "province").to_numpy()
        located["country_iso3"] = where["country_iso3"].to_numpy(dtype=object)
        located["province_code"] = where["province_code"].to_numpy(dtype=object)
        located["county_code"] = where["county_code"].where(~coarse, None).to_numpy(dtype=object)
        located["zone_code"] = where["zone_code"].where(~coarse, None).to_numpy(dtype=object)
    elif kind == "checkpoints":
        for column in ("province_code", "county_code", "zone_code"):
            located[column] = where[column].to_numpy(dtype=object)
    else:
        located["province_code"] = where["province_code"].to_numpy(dtype=object)
        located["country_iso3"] = located["country_iso3"].where(pd.notna(located["country_iso3"]),
                                                                where["country_iso3"])
    return located


def import_rules(parsed: Parsed, geography: ImportGeography, places: KnownPlaces | None = None,
                 now: datetime | None = None) -> Rules:
    """The rules a parsed file's rows are checked by: its kind, mapping and coordinate system, the
    store's places (:func:`known_places`), ``now`` (Beijing time; default the clock)."""
    places = places or KnownPlaces()
    return Rules(kind=parsed.kind, mapping=parsed.mapping, now=now or beijing_now(), source=parsed.source,
                 headers=parsed.headers, to_wgs84=geography.to_wgs84(parsed.crs),
                 checkpoints=places.checkpoints, hubs=places.hubs, checkpoint_points=places.checkpoint_points,
                 counties=places.counties, county_anchors=places.county_anchors)


def check(parsed: Parsed, geography: ImportGeography, places: KnownPlaces | None = None,
          now: datetime | None = None, should_stop: ShouldStop = never_stop) -> Checked:
    """Validate and locate a parsed file: which rows can land, and why the others cannot.

    ``places`` are the store's checkpoints, hubs and counties (:func:`known_places`); ``now`` (Beijing time)
    defaults to the clock. :class:`Cancelled` once ``should_stop`` says so.
    """
    rules = import_rules(parsed, geography, places, now)
    table = parsed.table
    records, _, refusals = validate_frame(parsed.fields(), rules, should_stop)
    if should_stop():
        raise Cancelled(f"{table.name}: checking stopped before locating its records")
    records = _locate(records, parsed.kind, geography)
    records.insert(0, "line", table.lines[records.index.to_numpy()])
    refusals += [*_unlocated_and_repeated(records, parsed.kind, table), _ragged(table)]
    lines = np.r_[table.lines, np.fromiter(table.ragged, dtype=np.int64, count=len(table.ragged))]
    landing = ~refused(refusals, len(lines))
    records = records[landing[records.index.to_numpy()]].reset_index(drop=True)
    reasons = row_reasons(refusals, len(lines), tuple(RULES))
    positions = reasons["position"].to_numpy()
    rejected = pd.DataFrame({"line": lines[positions], "raw": pd.Series(_raw_json(table, positions), dtype=str),
                             "rules": reasons["rules"], "reason": reasons["reason"]})
    rejected = rejected.sort_values("line", ignore_index=True)
    return Checked(records=records, rejected=rejected,
                   batches=batches(refusals, lines, tuple(RULES), where=table.places), rules=rules,
                   sheets=sheet_report(table, records["line"].to_numpy(), rejected["line"].to_numpy()))


def sheet_report(table: Table, ok: np.ndarray, refused: np.ndarray) -> pd.DataFrame:
    """One row per sheet of a workbook (none for other files): ``sheet``, ``rows`` (under its header),
    ``ok`` and ``refused`` (of the lines ``ok`` and ``refused``), ``passed_over`` (its totals rows and
    notes: 'row 7 “合计 2批”; …'), so that no sheet goes without a word, an empty one included."""
    ok_by, refused_by = (pd.Series(table.sheet_of(lines)).value_counts() for lines in (ok, refused))
    return pd.DataFrame([{"sheet": sheet.name, "rows": sheet.rows + sheet.ragged, "ok": int(ok_by.get(sheet.name, 0)),
                          "refused": int(refused_by.get(sheet.name, 0)),
                          "passed_over": "; ".join(f"{table.line_word} {line} “{text}”"
                                                   for line, _, text in sheet.passed_over)}
                         for sheet in table.sheets], columns=["sheet", "rows", "ok", "refused", "passed_over"])


def _arrow_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns as Arrow strings, which DuckDB scans without a copy (pandas'
    own string columns it converts value by value, ten times slower)."""
    text = [name for name, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype) or dtype == object
            and pd.api.types.infer_dtype(frame[name], skipna=True) in ("string", "empty")]
    return frame.astype({name: pd.ArrowDtype(pa.large_string()) for name in text})


def _register(con, name: str, frame: pd.DataFrame, params: dict | None = None) -> pd.DataFrame:
    """Run the named query over ``frame`` (seen as ``incoming``) with bound ``params``."""
    sql = load_sql(name)
    con.register("incoming", _arrow_strings(frame))
    try:
        return con.execute(sql, bind(sql, params)).df()
    finally:
        con.unregister("incoming")


ARCHIVES = {"seizures": "ingest_archive_seizures", "checkpoints": "ingest_archive_checkpoints",
            "hubs": "ingest_archive_hubs"}
UPSERTS = {"checkpoints": "upsert_checkpoints", "hubs": "upsert_processing_hubs"}


def _write_records(con, kind: str, records: pd.DataFrame, import_id: int, at: datetime) -> tuple[int, int, int]:
    """Insert the new records, archive and update the changed ones; (new, updated, unchanged)."""
    incoming = records.drop(columns="line").reset_index(drop=True)
    if kind == "seizures":
        incoming = incoming.assign(is_synthetic=False, ingested_at=pd.Timestamp(at).as_unit("us"))
    incoming = _arrow_strings(incoming)
    incoming.insert(0, "position", np.arange(len(incoming)))
    matches = _register(con, f"ingest_match_{kind}", incoming)
    changed = matches[matches["changed"]]
    new = incoming[~incoming["position"].isin(matches["position"])].drop(columns="position")
    update = incoming.set_index("position").loc[changed["position"]].reset_index(drop=True)
    params = {"import_id": import_id, "replaced_at": at}
    if kind == "seizures":
        update["seizure_id"] = changed["seizure_id"].to_numpy()
        if len(update):
            _register(con, ARCHIVES[kind], update[["seizure_id"]], params)
            update_seizures(con, update)
        if len(new):
            insert_seizures(con, new)
    else:
        if len(update):
            _register(con, ARCHIVES[kind], update[list(KEYS[kind])], params)
        if len(new) or len(update):
            write_frame(con, UPSERTS[kind], pd.concat([new, update], ignore_index=True))
    return len(new), len(update), len(matches) - len(update)


def ingest(store: Store, parsed: Parsed, geography: ImportGeography, *, now: datetime | None = None,
           before_commit: Callable[[], None] | None = None, should_stop: ShouldStop = never_stop) -> ImportResult:
    """Import a parsed file into ``store`` in one transaction and say what happened.

    Re-importing the same file adds nothing (its records are unchanged); a row whose record
    (same source and source_id, or same checkpoint/hub id) is stored with other content updates
    it and archives the stored version in the kind's history table. ``before_commit`` is called
    inside the transaction after every write (a test hook: a crash there must leave the store
    as it was). ``should_stop`` is asked while checking and before writing (:class:`Cancelled`).
    """
    started = now or beijing_now()
    store.migrate()
    checked = check(parsed, geography, known_places(store), started, should_stop)
    rejected = checked.rejected
    if should_stop():
        raise Cancelled(f"{parsed.name}: the import stopped before writing")
    with store.writing() as con:
        import_id = int(run(con, "ingest_next_import_id").iat[0, 0])
        new, updated, unchanged = _write_records(con, parsed.kind, checked.records, import_id, started)
        if len(rejected):  # each as a person finds it: its sheet (in a workbook) and its line there
            lines = rejected["line"].to_numpy()
            write_frame(con, "ingest_rejected_rows", rejected.assign(
                import_id=import_id, file_name=parsed.name, sheet=parsed.table.sheet_of(lines), line=lines % SHEET_LINES))
        finished = max(beijing_now(), started)
        rows_read = len(parsed.table.frame) + len(parsed.table.ragged)
        write_frame(con, "ingest_record_import", pd.DataFrame([{
            "import_id": import_id, "file_name": parsed.name, "file_sha256": parsed.sha256,
            "file_bytes": parsed.file_bytes, "format": parsed.table.format, "encoding": parsed.encoding,
            "kind": parsed.kind, "crs": parsed.crs, "mapping": parsed.mapping.name, "source": parsed.source,
            "started_at": started, "finished_at": finished, "rows_read": rows_read, "accepted": new,
            "updated": updated, "unchanged": unchanged, "rejected": len(rejected)}]))
        if before_commit is not None:
            before_commit()
    return ImportResult(import_id, parsed.name, parsed.kind, parsed.source, parsed.encoding, rows_read, new, updated,
                        unchanged, len(rejected), _by_rule(rejected), rejected, checked.batches, started, finished,
                        parsed.keyed, checked.sheets)


def _by_rule(rejected: pd.DataFrame) -> dict[str, int]:
    """Refused rows by rule broken (a row breaking two counts under both), most first."""
    if rejected.empty:
        return {}
    counts = pc.value_counts(pc.list_flatten(pa.array(rejected["rules"]))).to_pylist()
    ranked = sorted(counts, key=lambda c: (-c["counts"], list(RULES).index(c["values"])))
    return {c["values"]: c["counts"] for c in ranked}


def ingest_file(store: Store, path: str | Path, geography: ImportGeography, kind: str = "seizures",
                mapping: Mapping | str | Path | None = None, crs: str = "wgs84", limits: Limits | None = None,
                **options) -> ImportResult:
    """Read the file at ``path`` and import it (see :func:`ingest`)."""
    return ingest(store, read_path(path, kind, mapping, crs, limits), geography, **options)
