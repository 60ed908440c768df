-- 007_web_sessions: the server side of a dashboard sign-in (queries/sessions.py).
-- A sign-in makes a row with a one-time ticket; the browser trades the ticket (within a minute) for a
-- random token in an HttpOnly cookie, and every run of the dashboard finds its session by that token.
-- Only SHA-256 digests of the ticket and the token are kept, never the values: a copy of the file
-- cannot be replayed as a sign-in. A session ends (ended_at, end_reason) at a sign-out, after the
-- idle time, at its absolute end (expires_at), or when its account is disabled; ended rows are kept
-- for the record. Times are Beijing time without a time zone, like every time in the store.
-- No index besides the key: DuckDB's indexes refuse some updates of the columns they cover, and the
-- table holds one row per sign-in.
CREATE TABLE web_sessions (
    session_id         VARCHAR PRIMARY KEY CHECK (regexp_full_match(session_id, '[0-9a-f]{32}')),
    username           VARCHAR NOT NULL,
    ticket_hash        VARCHAR CHECK (ticket_hash IS NULL OR regexp_full_match(ticket_hash, '[0-9a-f]{64}')),
    ticket_expires_at  TIMESTAMP,
    token_hash         VARCHAR CHECK (token_hash IS NULL OR regexp_full_match(token_hash, '[0-9a-f]{64}')),
    client             VARCHAR CHECK (client IS NULL OR length(client) <= 100),
    created_at         TIMESTAMP NOT NULL,
    last_active_at     TIMESTAMP NOT NULL,
    expires_at         TIMESTAMP NOT NULL,
    ended_at           TIMESTAMP,
    end_reason         VARCHAR CHECK (end_reason IS NULL OR end_reason IN ('sign_out', 'idle', 'expired', 'account')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
