-- export_input_summary: what an export's provenance says about its input, besides its hash (one row).
--   $precise_only   TRUE for the spatial analyses, which use only the seizures located to the point
--                   or the town (precise_enough); FALSE for layers built from all the view's seizures
--   records         the seizures used
--   left_out        the view's seizures not used (known only to the county or province)
--   data_cutoff     the newest ingested_at of the view's seizures (used or not): filtering the
--                   rows ingested up to then again gives the same input. Taken from the view, not
--                   the whole table, so that a region-scoped reader learns nothing of other regions
--   schema_version  the store's schema version, which fixes the columns export_input_hashes hashes
SELECT
    count(*) FILTER (WHERE precise_enough(geo_precision) OR NOT $precise_only)     AS records,
    count(*) FILTER (WHERE NOT (precise_enough(geo_precision) OR NOT $precise_only)) AS left_out,
    max(ingested_at)                          AS data_cutoff,
    (SELECT max(version) FROM schema_version) AS schema_version
FROM filtered_seizures($filters);
