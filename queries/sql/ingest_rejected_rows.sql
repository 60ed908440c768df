-- ingest_rejected_rows: store the rows of the registered frame `incoming` (import_id, file_name, sheet,
-- line, raw, rules, reason) as refused rows. Returns rows written.
INSERT INTO rejected_rows BY NAME SELECT * FROM incoming;
