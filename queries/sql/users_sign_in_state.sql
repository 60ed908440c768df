-- users_sign_in_state: the outcome of a sign-in: the failure count and lock, the time of the last
-- successful one (kept when $signed_in_at is NULL) and the hash (new when it was rehashed).
UPDATE users SET
    failed_sign_ins = $failed_sign_ins,
    locked_until = $locked_until,
    last_sign_in_at = coalesce($signed_in_at, last_sign_in_at),
    password_hash = $password_hash
WHERE username = $username;
