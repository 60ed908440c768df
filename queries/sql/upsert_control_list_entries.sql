-- upsert_control_list_entries: write the registered frame `incoming` into control_list_entries, keyed by
-- (list_code, entry_id). An imported row replaces whatever is held; a release's row replaces only a release's
-- row, so that an upgrade keeps what a site imported. Returns the number of rows written.
MERGE INTO control_list_entries AS held USING incoming USING (list_code, entry_id)
WHEN MATCHED AND (incoming.origin = 'import' OR held.origin = 'release') THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME;
