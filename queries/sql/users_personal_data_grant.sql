-- users_personal_data_grant: let $username see personal data unmasked (migration 015); granting it again changes
-- nothing.
INSERT INTO personal_data_grants (username, granted_at, granted_by)
SELECT $username, $now, $actor
WHERE NOT EXISTS (SELECT 1 FROM personal_data_grants WHERE username = $username);
