"""The screening's review queue as a CSV for investigators: every hit with its evidence (the party as screened, the
list entry and its announcement, the score and the reason, the seizures naming the party, the review), with its
provenance beside it as the other exports carry theirs (``<name>.provenance.json``).

The rows are what the reader's region scope lets them see (``queries.screening_hits.review_queue``), read on one
connection with the lake snapshot they came from, so that the provenance names the very rows written.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from geodata.export import Download, safe_filename, table_csv
from geodata.export_formats import PROVENANCE_SUFFIX, provenance_json
from geodata.export_sources import snapshot_read
from queries import __version__
from queries.access import Scope
from queries.screening import DEFAULT_THRESHOLD
from queries.screening_hits import review_queue
from queries.store import Store, schema_version

METHOD = ("hits of queries.screening (identifiers exactly, names normalised and scored with rapidfuzz, threshold "
          f"{DEFAULT_THRESHOLD}) held in the review queue (migration 013), read by queries/sql/screening_queue.sql "
          "within the reader's region scope")
# The file's columns, in order: the hit, the entry it hit, the party and the evidence, its seizures, the review.
COLUMNS = ("hit_id", "status", "score", "list_code", "entry_id", "entry_names", "announcement", "announced_on",
           "in_force", "source_url", "party_id", "kind", "party_name", "matched_name", "reason", "screened_on",
           "screened_at", "seizures", "newest_seizure_at", "reviewed_by", "reviewed_at", "review_note")


def scope_to_dict(scope: Scope) -> dict:
    """The region scope the rows were read in, as plain JSON values."""
    return {"everything": scope.everything, "provinces": list(scope.provinces), "zones": list(scope.zones)}


def hits_csv(store: Store, scope: Scope, status: str | None, on: date) -> Download:
    """The hits with ``status`` (None: all) that ``scope`` sees, entries' ``in_force`` on ``on``, as a CSV download
    (UTF-8 with BOM, cells neutralised as the other exports') with its provenance JSON as ``download.provenance``:
    what was asked, how many rows, their SHA-256 (of the CSV file's bytes), the store's schema version, the lake
    snapshot read (None on a file store), Cordon's version and when."""
    with store.reading(scope=scope) as con:
        hits = review_queue(con, status, on, unseized=scope.everything)
        snapshot, version = snapshot_read(con), schema_version(con)
    data = table_csv(hits[list(COLUMNS)])
    base = safe_filename(f"cordon screening hits {status or 'all'} {on:%Y%m%d}")
    provenance = {
        "export": "screening_hits", "method": METHOD, "status": status, "in_force_on": on.isoformat(),
        "scope": scope_to_dict(scope), "records": len(hits), "file_sha256": hashlib.sha256(data).hexdigest(),
        "schema_version": version, "snapshot": snapshot, "cordon_version": __version__,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}
    side = Download(base + PROVENANCE_SUFFIX, provenance_json(provenance).encode("utf-8"), "application/json")
    return Download(f"{base}.csv", data, "text/csv", side, snapshot)
