-- ingest_next_import_id: a new import id, taken inside the import's transaction.
SELECT nextval('import_id_seq') AS import_id;
