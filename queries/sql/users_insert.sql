-- users_insert: a new, active account; $user_id from queries.store.new_ids.
INSERT INTO users (user_id, username, display_name, password_hash, role, active, created_at, updated_at, password_changed_at)
VALUES ($user_id, $username, $display_name, $password_hash, $role, TRUE, $now, $now, $now);
