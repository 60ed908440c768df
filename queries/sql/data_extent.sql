-- data_extent: the first and last record, the newest arrival (macros/arrival.sql) and the count of what
-- the reader may see (all of it, or its granted regions), for the time slider and the "new" marks
-- (-1 when the reader sees no record: a lake's row ids begin at 0).
-- Called with Filters().params().
SELECT min(occurred_at) AS first_occurred, max(occurred_at) AS last_occurred,
       coalesce(max(arrival), -1) AS newest_arrival, count(*) AS seizures
FROM filtered_seizures($filters);
