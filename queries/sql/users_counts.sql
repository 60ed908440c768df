-- users_counts: how many accounts there are and how many of them are active admins (one row).
SELECT count(*) AS accounts, count(*) FILTER (WHERE role = 'admin' AND active) AS active_admins
FROM users;
