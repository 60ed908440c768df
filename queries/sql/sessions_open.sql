-- sessions_open: whether the cookie token with the digest $token_hash belongs to a session that is open at
-- $now (not ended, not past its end, used within $idle_since). Read by the websocket guard, which does not
-- write: the dashboard's run ends a session that has lapsed.
SELECT count(*) > 0 AS open
FROM web_sessions
WHERE token_hash = $token_hash AND ended_at IS NULL AND expires_at > $now AND last_active_at > $idle_since;
