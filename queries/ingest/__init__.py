"""Importing real records (seizures, checkpoints, hubs) from CSV, Excel, GeoJSON and Parquet files.

The command line is ``python -m queries ingest --db PATH FILE... [--kind seizures|checkpoints|hubs]
[--mapping MAPPING.toml] [--crs wgs84|gcj02|bd09] [--max-mb N]``. For the dashboard's Import page,
which only displays:

>>> parsed = read_upload(name, data, kind="seizures", mapping=None, crs="gcj02",
...                      should_stop=session_ended)                                # doctest: +SKIP
>>> parsed.encoding, parsed.columns, parsed.unmapped, parsed.preview(20)           # doctest: +SKIP
>>> checked = check(parsed, geography, known_places(store), should_stop=session_ended)  # doctest: +SKIP
>>> checked.verdicts        # line, ok, reason: one per row                        # doctest: +SKIP
>>> checked.batches         # rule, field, rows, lines, example: the refusals told in batches  # doctest: +SKIP
>>> result = ingest(store, parsed, geography)                                      # doctest: +SKIP
>>> result.summary(), result.by_reason, result.rejected_rows                       # doctest: +SKIP

* ``read_upload(name, data, kind, mapping, crs, limits, should_stop) -> Parsed`` reads and maps;
  nothing is written and the store is not touched. ``read_path`` does the same for a file on disk.
  Both raise :class:`IngestError` (a ``ValueError``) with a message naming the file, and the line
  where there is one, for a file that cannot be read at all: too large, too many rows (limits:
  :class:`Limits`, from CORDON_IMPORT_MAX_ROWS and CORDON_IMPORT_MAX_SHEET_ROWS by default), empty,
  binary, a zip bomb, an encoding other than UTF-8 or GB18030, no known header.
* ``should_stop``: a function without arguments that reading, checking and importing call as they
  go (every few thousand rows, between columns, before writing); once it returns True they raise
  :class:`Cancelled`. The Import page's says whether the uploader's browser session has ended.
* ``Parsed``: ``name``, ``encoding`` (CSV: utf-8, utf-8-sig or gb18030), ``columns`` (field →
  header), ``unmapped`` (headers that fill nothing), ``source`` (of rows that give none),
  ``preview(rows)`` (the first rows as they came, with their line numbers), ``fields()``.
* ``check(parsed, geography, places, now, should_stop) -> Checked``: ``records`` (the rows that can
  land, clean and located, with their ``line``), ``rejected`` (``line``, ``raw`` JSON, ``rules``,
  ``reason``: the words of its first refusals and how many more), ``batches`` (one per rule and
  field: how many rows, their lines as runs, the first one's words) and ``verdicts`` (``line``,
  ``ok``, ``reason`` for every row). The reasons are worked out for whole columns
  (:mod:`~queries.ingest.refusals`), not row by row.
* ``ingest(store, parsed, geography, now=None, before_commit=None, should_stop=...) -> ImportResult``:
  one transaction; ``ImportResult`` has ``import_id``, ``rows_read``, ``accepted`` (new), ``updated``,
  ``unchanged``, ``rejected``, ``by_reason`` (rule → rows), ``rejected_rows`` (a DataFrame),
  ``batches`` and ``summary()``. ``ingest_file(store, path, geography, kind, mapping, crs)`` reads and imports.
* ``ImportGeography(locate, converters)`` carries geodata's locator and coordinate conversions in,
  built by a composition root: ``ImportGeography(geodata.locate.locate, {"gcj02":
  geodata.coords.gcj02_to_wgs84, "bd09": geodata.coords.bd09_to_wgs84})``.

Stored per import (migration 004): a row in ``imports`` (file, hash, kind, coordinate system,
mapping, times, counts), the refused rows in ``rejected_rows``, and the previous version of every
record an import changed in ``seizure_history``, ``checkpoint_history`` or ``hub_history``.
Text is stored as it came: HTML or script in a field is data, escaped by whatever displays it.

Modules: :mod:`~queries.ingest.files` (the table read and its bounds), :mod:`~queries.ingest.readers`
(each format: :mod:`~queries.ingest.delimited`, :mod:`~queries.ingest.workbook`; the layout of a table:
:mod:`~queries.ingest.layout`), :mod:`~queries.ingest.mapping`
(the TOML mappings in ``queries/mappings/``), :mod:`~queries.ingest.fields` (the fields of each kind,
the area of interest), :mod:`~queries.ingest.rules` (the rules' context), :mod:`~queries.ingest.values`
(numbers, angles, dates, quantities), :mod:`~queries.ingest.checks` (the rules and their words, once),
:mod:`~queries.ingest.parse` (one cell's value), :mod:`~queries.ingest.row_validator` (one row, the
definition), :mod:`~queries.ingest.frame_validator` and :mod:`~queries.ingest.columns` (the same rules
over a whole frame), :mod:`~queries.ingest.refusals` (why rows are refused, for whole columns, in
batches), :mod:`~queries.ingest.suggest`, :mod:`~queries.ingest.places` (the store's places, geodata's
locator), :mod:`~queries.ingest.importer` (the stages, giving :mod:`~queries.ingest.results`) and
:mod:`~queries.ingest.writer` (the records written).
"""

from queries.ingest.checks import RULES, Reason
from queries.ingest.fields import AREA_OF_INTEREST, CRS_NAMES, KINDS
from queries.ingest.files import DEFAULT_LIMITS, Cancelled, IngestError, Limits
from queries.ingest.frame_validator import validate_frame
from queries.ingest.importer import check, import_rules, ingest, ingest_file, read_path, read_upload
from queries.ingest.mapping import Mapping, load_mapping
from queries.ingest.places import ImportGeography, known_places
from queries.ingest.results import Checked, ImportResult, Parsed
from queries.ingest.row_validator import validate_row
from queries.ingest.rules import Rules

__all__ = [
    "AREA_OF_INTEREST", "CRS_NAMES", "DEFAULT_LIMITS", "KINDS", "RULES", "Cancelled", "Checked", "ImportGeography",
    "ImportResult",
    "IngestError", "Limits", "Mapping", "Parsed", "Reason", "Rules", "check", "import_rules", "ingest", "ingest_file",
    "known_places", "load_mapping", "read_path", "read_upload", "validate_frame", "validate_row",
]
