-- users_set_password: a new password hash (set by an admin); the lockout is lifted.
UPDATE users SET password_hash = $password_hash, password_changed_at = $now, updated_at = $now,
    failed_sign_ins = 0, locked_until = NULL
WHERE username = $username;
