-- seizures_key_clash: a (source, source_id) of the registered frame `incoming` that it gives twice
-- or that is already stored, with how often it is stored and given; no row when every record is new.
-- Missing keys are left to the NOT NULL constraints.
SELECT source, source_id, count(*) FILTER (stored) AS stored, count(*) FILTER (NOT stored) AS given
FROM (
    SELECT source, source_id, false AS stored FROM incoming WHERE source IS NOT NULL AND source_id IS NOT NULL
    UNION ALL
    SELECT s.source, s.source_id, true AS stored FROM seizures AS s SEMI JOIN incoming AS i USING (source, source_id)
)
GROUP BY source, source_id
HAVING count(*) > 1
LIMIT 1;
