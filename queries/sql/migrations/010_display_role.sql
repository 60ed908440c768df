-- 010_display_role: the role 'display', below 'commander' (queries.constants.ROLES): a wall screen's
-- account, whose one page is the live map, full-screen, and whose session the map's refresh keeps from
-- going idle (queries/sessions.py). DuckDB cannot change a CHECK constraint, so the users table is made
-- again (as 006 and 008 made seizures) with the same columns, constraints and rows; user_id keeps its
-- sequence. No other table refers to users (grants, sessions and the audit trail name the username).

CREATE TABLE users_010 (
    user_id              BIGINT PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username             VARCHAR NOT NULL UNIQUE CHECK (regexp_full_match(username, '[a-z][a-z0-9._-]{2,31}')),
    display_name         VARCHAR NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash        VARCHAR NOT NULL CHECK (starts_with(password_hash, '$argon2id$')),
    role                 VARCHAR NOT NULL CHECK (role IN ('display', 'commander', 'analyst', 'planner', 'admin')),
    active               BOOLEAN NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL,
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until         TIMESTAMP,
    last_sign_in_at      TIMESTAMP
);

INSERT INTO users_010 BY NAME SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_010 RENAME TO users;
