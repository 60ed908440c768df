-- users_personal_data_revoke: $username sees personal data masked again (nothing when it was not granted).
DELETE FROM personal_data_grants
WHERE username = $username;
