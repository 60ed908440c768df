-- sessions_end: end the open session $session_id at $now for $reason; returns its id (no row: already ended).
UPDATE web_sessions SET ended_at = $now, end_reason = $reason
WHERE session_id = $session_id AND ended_at IS NULL
RETURNING session_id;
