-- users_list: the accounts (one, by $username, or all when it is NULL) with their grants, by name.
-- personal_data: whether the account holds the personal-data grant (migration 015).
-- Never the password hash: only users_credentials reads it.
SELECT
    u.username,
    u.display_name,
    u.role,
    u.active,
    u.failed_sign_ins,
    u.locked_until,
    u.created_at,
    u.updated_at,
    u.password_changed_at,
    u.last_sign_in_at,
    p.username IS NOT NULL AS personal_data,
    coalesce(list({'kind': g.kind, 'code': g.code} ORDER BY g.kind, g.code) FILTER (WHERE g.kind IS NOT NULL), [])
        AS grants
FROM users AS u
LEFT JOIN user_grants AS g ON g.username = u.username
LEFT JOIN personal_data_grants AS p ON p.username = u.username
WHERE $username IS NULL OR u.username = $username
GROUP BY ALL
ORDER BY u.username;
