-- 004_imports: what each import run read and wrote, the rows it refused, and every version of a
-- record that an import replaced, so that nothing a later file changes is lost.
-- An import is one transaction: its imports row, its rejected rows, its new, updated and archived
-- records all land together or not at all.

CREATE SEQUENCE import_id_seq START 1;

CREATE TABLE imports (
    import_id    BIGINT PRIMARY KEY,
    file_name    VARCHAR NOT NULL CHECK (length(file_name) BETWEEN 1 AND 500),
    file_sha256  VARCHAR NOT NULL CHECK (regexp_full_match(file_sha256, '[0-9a-f]{64}')),
    file_bytes   BIGINT NOT NULL CHECK (file_bytes > 0),
    format       VARCHAR NOT NULL CHECK (format IN ('csv', 'xlsx', 'geojson', 'parquet')),
    encoding     VARCHAR,  -- CSV only: utf-8, utf-8-sig or gb18030
    kind         VARCHAR NOT NULL CHECK (kind IN ('seizures', 'checkpoints', 'hubs')),
    crs          VARCHAR NOT NULL CHECK (crs IN ('wgs84', 'gcj02', 'bd09')),
    mapping      VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,  -- Beijing time, like every time in the store
    finished_at  TIMESTAMP NOT NULL,
    rows_read    BIGINT NOT NULL CHECK (rows_read >= 0),
    accepted     BIGINT NOT NULL CHECK (accepted >= 0),  -- new records
    updated      BIGINT NOT NULL CHECK (updated >= 0),   -- records whose content changed (old version archived)
    unchanged    BIGINT NOT NULL CHECK (unchanged >= 0), -- records already stored as they are
    rejected     BIGINT NOT NULL CHECK (rejected >= 0),  -- rows in rejected_rows
    CHECK (finished_at >= started_at),
    CHECK (accepted + updated + unchanged + rejected = rows_read)
);

-- line: where a person finds the row: the CSV line or sheet row (the header is line 1), or for
-- GeoJSON and Parquet the feature's or record's number from 1. raw: the row as it came, a JSON
-- object of header → text. rules: the broken rules (keys of queries.ingest.validate.RULES).
CREATE TABLE rejected_rows (
    import_id  BIGINT NOT NULL,
    file_name  VARCHAR NOT NULL,
    line       BIGINT NOT NULL CHECK (line >= 1),
    raw        VARCHAR NOT NULL,
    rules      VARCHAR[] NOT NULL,
    reason     VARCHAR NOT NULL,
    PRIMARY KEY (import_id, line)
);

-- The versions an import replaced: the stored row as it was, with the import that replaced it.
-- They copy their table's columns (no constraints: history keeps what was); a migration that adds
-- a column to seizures, checkpoints or processing_hubs adds it here too.
CREATE TABLE seizure_history AS
    SELECT CAST(NULL AS BIGINT) AS import_id, CAST(NULL AS TIMESTAMP) AS replaced_at, * FROM seizures LIMIT 0;
CREATE TABLE checkpoint_history AS
    SELECT CAST(NULL AS BIGINT) AS import_id, CAST(NULL AS TIMESTAMP) AS replaced_at, * FROM checkpoints LIMIT 0;
CREATE TABLE hub_history AS
    SELECT CAST(NULL AS BIGINT) AS import_id, CAST(NULL AS TIMESTAMP) AS replaced_at, * FROM processing_hubs LIMIT 0;
