-- users_grant: let $username see a region (kind province, zone or all); granting it again changes nothing.
INSERT INTO user_grants (username, kind, code, granted_at)
VALUES ($username, $kind, $code, $now)
ON CONFLICT DO NOTHING;
