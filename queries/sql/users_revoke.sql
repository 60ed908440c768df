-- users_revoke: take a region away from $username (nothing when it was not granted).
DELETE FROM user_grants
WHERE username = $username AND kind = $kind AND code = $code;
