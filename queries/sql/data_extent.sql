-- data_extent: the first and last record and the newest id of what the reader may see (all of it,
-- or its granted regions), for the time slider and "new" marks. Called with Filters().params().
SELECT min(occurred_at) AS first_occurred, max(occurred_at) AS last_occurred,
       coalesce(max(seizure_id), 0) AS newest_id, count(*) AS seizures
FROM filtered_seizures($filters);
