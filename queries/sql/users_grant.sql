-- users_grant: let $username see a region (kind province, zone or all); granting it again changes nothing.
INSERT INTO user_grants (username, kind, code, granted_at)
SELECT $username, $kind, $code, $now
WHERE NOT EXISTS (SELECT 1 FROM user_grants WHERE username = $username AND kind = $kind AND code = $code);
