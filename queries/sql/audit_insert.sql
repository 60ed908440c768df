-- audit_insert: append one event to the audit trail; $audit_id from queries.store.new_ids. The only statement
-- that writes audit_log: nothing in Cordon updates or deletes its rows (tests/queries/test_access_audit.py checks).
INSERT INTO audit_log (audit_id, event_at, username, kind, details, source)
VALUES ($audit_id, $at, $username, $kind, $details, $source);
