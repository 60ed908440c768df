"""An import, from a file to the store: read, map, validate, locate, then write in one transaction.

Reading, validation and locating happen before the store's write lock is taken, so the dashboard
goes on reading while a large file is checked; the write itself (new records, changed records
with their previous versions archived, refused rows, the import's own row) is one
``Store.writing()`` block: one DuckDB transaction, all or nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from queries.clock import beijing_now
from queries.ingest.checks import RULES, say, say_many
from queries.ingest.fields import CRS_NAMES, KEYS, KINDS, PARTY_COLUMNS
from queries.ingest.files import SHEET_LINES, Cancelled, IngestError, Limits, ShouldStop, Table, as_text, never_stop
from queries.ingest.frame_validator import validate_frame
from queries.ingest.mapping import Mapping, load_mapping
from queries.ingest.places import ImportGeography, KnownPlaces, known_places
from queries.ingest.readers import read_table
from queries.ingest.refusals import ARROW_TEXT, TEXT, Refusal, batches, refused, row_reasons, texts
from queries.ingest.results import Checked, ImportResult, Parsed
from queries.ingest.rules import Rules
from queries.ingest.words import kind_words, words
from queries.ingest.writer import write_records
from queries.labels import t
from queries.store import PARTIES_CLAIM, PLACES_CLAIM, Store, new_ids, seizures_claim, write_frame
from queries.stores import write_retrying


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
        raise IngestError(words("file_no_known_header", name=table.name, mapping=mapping.name,
                                kind=kind_words(kind),
                                headers=", ".join(map(str, table.frame.columns[:12]))))
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


def _ragged(table: Table, rules: Rules) -> Refusal:
    """The rows with more or fewer values than the header, as positions past the frame's."""
    n, width = len(table.frame), len(table.frame.columns)
    lines = np.fromiter(table.ragged, dtype=np.int64, count=len(table.ragged))
    counts = np.array([count for count, _ in table.ragged.values()], dtype=np.int64)

    def words(positions: np.ndarray) -> pa.Array:
        return say_many("ragged", rules, where=table.line_texts(lines[positions - n], rules.lang),
                        count=texts(counts[positions - n]), width=str(width))

    return Refusal("ragged", "", np.r_[np.zeros(n, dtype=bool), np.ones(len(lines), dtype=bool)], words)


def _unlocated_and_repeated(records: pd.DataFrame, table: Table, rules: Rules) -> list[Refusal]:
    """Hubs in no country, and records already earlier in the file (the first one lands), as masks
    over the frame's rows; ``records`` are located, indexed by their row in the frame."""
    n = len(table.frame)
    unlocated = np.zeros(n, dtype=bool)
    if rules.kind == "hubs":
        unlocated[records.index[pd.isna(records["country_iso3"]).to_numpy()]] = True
    keys = list(KEYS[rules.kind])
    candidates = records[~unlocated[records.index]]
    repeated = np.zeros(n, dtype=bool)
    repeated[candidates.index[candidates.duplicated(keys, keep="first").to_numpy()]] = True
    first = pd.Series(np.zeros(n, dtype=np.int64))
    first.iloc[candidates.index] = candidates.groupby(keys, sort=False, dropna=False)["line"].transform("first")

    def duplicate_words(positions: np.ndarray) -> pa.Array:
        rows = records.loc[positions]
        key = pc.binary_join_element_wise(*(texts(rows[k].astype(str)) for k in keys), pa.scalar(", ", TEXT))
        return say_many("duplicate", rules, key=key, first=table.line_texts(first.iloc[positions].to_numpy(),
                                                                              rules.lang))

    return [Refusal("not_located", "lon", unlocated, say("not_located", rules)),
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
                 now: datetime | None = None, lang: str = "en") -> Rules:
    """The rules a parsed file's rows are checked by: its kind, mapping and coordinate system, the
    store's places (:func:`known_places`), ``now`` (Beijing time; default the clock), the language of the reasons."""
    places = places or KnownPlaces()
    return Rules(kind=parsed.kind, mapping=parsed.mapping, now=now or beijing_now(), source=parsed.source,
                 headers=parsed.headers, to_wgs84=geography.to_wgs84(parsed.crs),
                 checkpoints=places.checkpoints, hubs=places.hubs, checkpoint_points=places.checkpoint_points,
                 counties=places.counties, county_anchors=places.county_anchors, lang=lang)


def check(parsed: Parsed, geography: ImportGeography, places: KnownPlaces | None = None,
          now: datetime | None = None, should_stop: ShouldStop = never_stop, lang: str = "en") -> Checked:
    """Validate and locate a parsed file: which rows can land, and why the others cannot (in ``lang``: an
    import stores them in English, the Import page shows them in its reader's language).

    ``places`` are the store's checkpoints, hubs and counties (:func:`known_places`); ``now`` (Beijing time)
    defaults to the clock. :class:`Cancelled` once ``should_stop`` says so.
    """
    rules = import_rules(parsed, geography, places, now, lang)
    table = parsed.table
    records, _, refusals = validate_frame(parsed.fields(), rules, should_stop)
    if should_stop():
        raise Cancelled(f"{table.name}: checking stopped before locating its records")
    records = _locate(records, parsed.kind, geography)
    records.insert(0, "line", table.lines[records.index.to_numpy()])
    refusals += [*_unlocated_and_repeated(records, table, rules), _ragged(table, rules)]
    lines = np.r_[table.lines, np.fromiter(table.ragged, dtype=np.int64, count=len(table.ragged))]
    landing = ~refused(refusals, len(lines))
    records = records[landing[records.index.to_numpy()]].reset_index(drop=True)
    reasons = row_reasons(refusals, len(lines), tuple(RULES), t("reason_and_more", rules.lang))
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
    rows_read = len(parsed.table.frame) + len(parsed.table.ragged)
    claims = ([seizures_claim(source) for source in checked.records["source"].dropna().unique()]
              if parsed.kind == "seizures" else [PLACES_CLAIM])
    if parsed.kind == "seizures" and set(PARTY_COLUMNS) & set(parsed.columns):
        claims.append(PARTIES_CLAIM)  # a party is stored once, whichever source names it first

    def write(con) -> tuple[int, int, int, int, datetime]:
        (import_id,) = new_ids(con, "imports", 1)
        new, updated, unchanged = write_records(con, parsed.kind, checked.records, import_id, started)
        if len(rejected):  # each as a person finds it: its sheet (in a workbook) and its line there
            lines = rejected["line"].to_numpy()
            write_frame(con, "ingest_rejected_rows", rejected.assign(
                import_id=import_id, file_name=parsed.name, sheet=parsed.table.sheet_of(lines), line=lines % SHEET_LINES))
        finished = max(beijing_now(), started)
        write_frame(con, "ingest_record_import", pd.DataFrame([{
            "import_id": import_id, "file_name": parsed.name, "file_sha256": parsed.sha256,
            "file_bytes": parsed.file_bytes, "format": parsed.table.format, "encoding": parsed.encoding,
            "kind": parsed.kind, "crs": parsed.crs, "mapping": parsed.mapping.name, "source": parsed.source,
            "started_at": started, "finished_at": finished, "rows_read": rows_read, "accepted": new,
            "updated": updated, "unchanged": unchanged, "rejected": len(rejected)}]))
        if before_commit is not None:
            before_commit()
        return import_id, new, updated, unchanged, finished

    import_id, new, updated, unchanged, finished = write_retrying(store, write, *claims)
    return ImportResult(import_id, parsed.name, parsed.kind, parsed.source, parsed.encoding, rows_read, new, updated,
                        unchanged, len(rejected), _by_rule(rejected), rejected, checked.batches, started, finished,
                        parsed.keyed, checked.sheets, parsed.unfilled)


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
