-- sessions_end: end the open session $session_id at $now for $reason; returns the count of rows ended (0: it had
-- ended already). A count, not RETURNING: a lake's updates return nothing else.
UPDATE web_sessions SET ended_at = $now, end_reason = $reason
WHERE session_id = $session_id AND ended_at IS NULL;
