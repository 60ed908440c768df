-- ingest_match_checkpoints: for each row of the registered frame `incoming` (`position` and the
-- checkpoint columns) whose checkpoint_id is stored, whether its content differs (coordinates within
-- 1e-9 degrees are the same).
SELECT
    i.position,
    (c.name_zh IS DISTINCT FROM i.name_zh
        OR c.name_en IS DISTINCT FROM i.name_en
        OR c.kind IS DISTINCT FROM i.kind
        OR abs(c.lon - i.lon) > 1e-9
        OR abs(c.lat - i.lat) > 1e-9
        OR c.geo_precision IS DISTINCT FROM i.geo_precision
        OR c.province_code IS DISTINCT FROM i.province_code
        OR c.county_code IS DISTINCT FROM i.county_code
        OR c.zone_code IS DISTINCT FROM i.zone_code
        OR c.counterpart IS DISTINCT FROM i.counterpart
        OR c.counterpart_iso3 IS DISTINCT FROM i.counterpart_iso3
        OR c.agency IS DISTINCT FROM i.agency
        OR c.source IS DISTINCT FROM i.source) AS changed
FROM incoming AS i
JOIN checkpoints AS c ON c.checkpoint_id = i.checkpoint_id;
