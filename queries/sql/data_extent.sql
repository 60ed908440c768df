-- data_extent: the first and last record and the newest id, for the time slider and "new" marks.
SELECT min(occurred_at) AS first_occurred, max(occurred_at) AS last_occurred,
       coalesce(max(seizure_id), 0) AS newest_id, count(*) AS seizures
FROM seizures;
