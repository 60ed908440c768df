-- audit_insert: append one event to the audit trail. The only statement that writes audit_log:
-- nothing in Cordon updates or deletes its rows (tests/queries/test_access_audit.py checks).
INSERT INTO audit_log (event_at, username, kind, details, source)
VALUES ($at, $username, $kind, $details, $source);
