-- data_signature: what changes when the records or the places change, and only then (not when an
-- account or the audit trail is written): the seizures' count, newest id and newest ingestion, and
-- the newest import (imports also update checkpoints and hubs). Run unscoped, with Filters().params().
SELECT count(*) AS seizures, coalesce(max(seizure_id), 0) AS newest_id, max(ingested_at) AS newest_ingested,
       (SELECT coalesce(max(import_id), 0) FROM imports) AS newest_import
FROM filtered_seizures($filters);
