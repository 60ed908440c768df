-- ingest_known_places: the store's checkpoints and hubs by id and names, so that an import can
-- read a seizure's 口岸 or hub column: kind ('checkpoint' or 'hub'), id, name_zh, name_en.
SELECT 'checkpoint' AS kind, checkpoint_id AS id, name_zh, name_en FROM checkpoints
UNION ALL
SELECT 'hub', hub_id, name_zh, name_en FROM processing_hubs
ORDER BY kind, id;
