-- sessions_redeem: trade the ticket $ticket_hash, if it is unused, unexpired at $now and its session open,
-- for the token $token_hash; the ticket cannot be used again. Returns the count of sessions traded (0: refused).
UPDATE web_sessions
SET ticket_hash = NULL, ticket_expires_at = NULL, token_hash = $token_hash, last_active_at = $now
WHERE ticket_hash = $ticket_hash AND ticket_expires_at > $now AND ended_at IS NULL;
