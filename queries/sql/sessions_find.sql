-- sessions_find: the session whose cookie token has the digest $token_hash (no row: none ever had it).
SELECT session_id, username, client, created_at, last_active_at, expires_at, ended_at, end_reason
FROM web_sessions
WHERE token_hash = $token_hash;
