-- users_credentials: what a sign-in checks for $username (no row: no such account).
SELECT password_hash, active, failed_sign_ins, locked_until
FROM users
WHERE username = $username;
