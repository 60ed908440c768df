-- sessions_insert: a new session of $username, waiting for its one-time ticket to be traded for a cookie.
INSERT INTO web_sessions (session_id, username, ticket_hash, ticket_expires_at, client, created_at,
                          last_active_at, expires_at)
VALUES ($session_id, $username, $ticket_hash, $ticket_expires_at, $client, $now, $now, $expires_at);
