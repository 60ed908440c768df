-- ingest_record_import: store the one-row registered frame `incoming` as an import run. Returns rows written.
INSERT INTO imports BY NAME SELECT * FROM incoming;
