-- ingest_known_places: the store's checkpoints and hubs by id and names, with their points, so that
-- an import can read a seizure's 口岸 or hub column (and place a row that gives no coordinates):
-- kind ('checkpoint' or 'hub'), id, name_zh, name_en, lon, lat.
SELECT 'checkpoint' AS kind, checkpoint_id AS id, name_zh, name_en, lon, lat FROM checkpoints
UNION ALL
SELECT 'hub', hub_id, name_zh, name_en, lon, lat FROM processing_hubs
ORDER BY kind, id;
