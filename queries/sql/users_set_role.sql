-- users_set_role: give an account another role.
UPDATE users SET role = $role, updated_at = $now
WHERE username = $username;
