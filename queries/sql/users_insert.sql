-- users_insert: a new, active account.
INSERT INTO users (username, display_name, password_hash, role, active, created_at, updated_at, password_changed_at)
VALUES ($username, $display_name, $password_hash, $role, TRUE, $now, $now, $now);
