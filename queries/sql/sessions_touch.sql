-- sessions_touch: the open session $session_id was used by its person at $now.
UPDATE web_sessions SET last_active_at = $now WHERE session_id = $session_id AND ended_at IS NULL;
