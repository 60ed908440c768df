-- status_tables: one row per table with its row count, for `python -m queries status`.
SELECT 'seizures' AS table_name, count(*) AS rows FROM seizures
UNION ALL SELECT 'checkpoints', count(*) FROM checkpoints
UNION ALL SELECT 'processing_hubs', count(*) FROM processing_hubs
UNION ALL SELECT 'controlled_items', count(*) FROM controlled_items
UNION ALL SELECT 'control_announcements', count(*) FROM control_announcements
UNION ALL SELECT 'admin_units', count(*) FROM admin_units
UNION ALL SELECT 'control_list_entries', count(*) FROM control_list_entries;
