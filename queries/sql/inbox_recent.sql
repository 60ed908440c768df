-- inbox_recent: the $limit latest files an inbox watcher took (queries/inbox.py writes an import
-- audit row for each, its details saying done or failed under "inbox"), newest first: where the file
-- went (done/NAME or failed/NAME, as its report says), the inbox folder (absent from rows written
-- before it was recorded), what the import stored, or why the file failed.
SELECT event_at AS at,
       details ->> '$.file' AS file,
       details ->> '$.inbox' AS status,
       (details ->> '$.inbox') || '/' || (details ->> '$.moved_to') AS moved_to,
       details ->> '$.inbox_dir' AS inbox_dir,
       TRY_CAST(details ->> '$.rows' AS BIGINT) AS rows,
       TRY_CAST(details ->> '$.new' AS BIGINT) AS new,
       TRY_CAST(details ->> '$.updated' AS BIGINT) AS updated,
       TRY_CAST(details ->> '$.unchanged' AS BIGINT) AS unchanged,
       TRY_CAST(details ->> '$.rejected' AS BIGINT) AS rejected,
       details ->> '$.error' AS error
FROM audit_log
WHERE kind = 'import' AND (details ->> '$.inbox') IS NOT NULL
ORDER BY audit_id DESC
LIMIT $limit;
