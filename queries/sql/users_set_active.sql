-- users_set_active: enable or disable an account; either way its lockout is lifted.
UPDATE users SET active = $active, failed_sign_ins = 0, locked_until = NULL, updated_at = $now
WHERE username = $username;
