-- 005_access: accounts, the regions each may see, and the audit trail (issue 7).
-- Enumerations are listed literally: roles are checked against queries.constants.ROLES, grant kinds,
-- audit kinds and sources against queries.access (tests/queries/test_schema.py, test_access_audit.py).
-- Times are Beijing time without a time zone, like every time in the store.

CREATE SEQUENCE user_id_seq START 1;

-- password_hash: an argon2id hash in PHC form (queries.access.HASHER); never the password.
-- failed_sign_ins / locked_until: the lockout state (queries.access.AccessPolicy); active: a disabled
-- account cannot sign in. Accounts are disabled, never deleted, so the audit trail keeps its names.
CREATE TABLE users (
    user_id              BIGINT PRIMARY KEY DEFAULT nextval('user_id_seq'),
    username             VARCHAR NOT NULL UNIQUE CHECK (regexp_full_match(username, '[a-z][a-z0-9._-]{2,31}')),
    display_name         VARCHAR NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash        VARCHAR NOT NULL CHECK (starts_with(password_hash, '$argon2id$')),
    role                 VARCHAR NOT NULL CHECK (role IN ('commander', 'analyst', 'planner', 'admin')),
    active               BOOLEAN NOT NULL,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL,
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until         TIMESTAMP,
    last_sign_in_at      TIMESTAMP
);

-- The regions a user sees: a province (its code), a border zone (the zone's county code), or
-- everything (kind 'all', code '*'). A user sees the union of their grants; none: nothing. Admins
-- see everything whatever their grants. Codes are those of admin_units.
CREATE TABLE user_grants (
    username    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('province', 'zone', 'all')),
    code        VARCHAR NOT NULL,
    granted_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (username, kind, code),
    CHECK ((kind = 'all' AND code = '*') OR (kind <> 'all' AND regexp_full_match(code, '[0-9]{6}')))
);

CREATE SEQUENCE audit_id_seq START 1;

-- Append-only: the application only ever inserts (queries/sql/audit_insert.sql). username: who did
-- it (a Cordon account, or 'os:<login>' for the command line), or the name tried in a failed
-- sign-in. details: a JSON object (which filters, how many records, which files, which account).
CREATE TABLE audit_log (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    event_at  TIMESTAMP NOT NULL,
    username  VARCHAR NOT NULL CHECK (length(username) BETWEEN 1 AND 100),
    kind      VARCHAR NOT NULL CHECK (kind IN ('sign_in', 'sign_in_failed', 'locked_out', 'sign_out', 'session_expired', 'page_denied', 'action_denied', 'import', 'export', 'brief', 'audit_export', 'user_added', 'user_disabled', 'user_enabled', 'grant_changed', 'role_changed', 'password_changed')),
    details   VARCHAR NOT NULL CHECK (json_valid(details) AND starts_with(details, '{')),
    source    VARCHAR NOT NULL CHECK (source IN ('cli', 'dashboard'))
);
