-- audit_list: the audit trail, oldest first, from $since (NULL: the beginning), of one $kind and one
-- $username (NULL: any).
SELECT audit_id, event_at, username, kind, details, source
FROM audit_log
WHERE ($since IS NULL OR event_at >= $since)
  AND ($kind IS NULL OR kind = $kind)
  AND ($username IS NULL OR username = $username)
ORDER BY audit_id;
