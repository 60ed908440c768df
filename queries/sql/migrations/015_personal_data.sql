-- 015_personal_data: who may see personal data (issue 21, item 8; docs/security.md "Personal data"). Identity
-- numbers and phone numbers are shown masked to every account without this grant (queries.sensitive); an account
-- with it sees them, and each such view of a person is audited (kind 'personal_data_view'). Granting and revoking
-- are audited as 'grant_changed'. Usernames are those of users; an account loses the grant when it is revoked,
-- never by being disabled (a disabled account cannot sign in anyway).
CREATE TABLE personal_data_grants (
    username    VARCHAR PRIMARY KEY CHECK (regexp_full_match(username, '[a-z][a-z0-9._-]{2,31}')),
    granted_at  TIMESTAMP NOT NULL,
    granted_by  VARCHAR NOT NULL CHECK (length(granted_by) BETWEEN 1 AND 100)
);

-- The audit trail gains the kind 'personal_data_view'. DuckDB cannot change a CHECK constraint, so audit_log is
-- made again (as 010 made users) with the same columns, constraints and rows; audit_id keeps its sequence.
CREATE TABLE audit_log_015 (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    event_at  TIMESTAMP NOT NULL,
    username  VARCHAR NOT NULL CHECK (length(username) BETWEEN 1 AND 100),
    kind      VARCHAR NOT NULL CHECK (kind IN ('sign_in', 'sign_in_failed', 'locked_out', 'sign_out', 'session_expired', 'page_denied', 'action_denied', 'import', 'export', 'brief', 'audit_export', 'user_added', 'user_disabled', 'user_enabled', 'grant_changed', 'role_changed', 'password_changed', 'personal_data_view')),
    details   VARCHAR NOT NULL CHECK (json_valid(details) AND starts_with(details, '{')),
    source    VARCHAR NOT NULL CHECK (source IN ('cli', 'dashboard'))
);

INSERT INTO audit_log_015 BY NAME SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_015 RENAME TO audit_log;
