-- ingest_match_hubs: for each row of the registered frame `incoming` (`position` and the
-- processing_hubs columns) whose hub_id is stored, whether its content differs (coordinates within
-- 1e-9 degrees are the same).
SELECT
    i.position,
    (h.name_zh IS DISTINCT FROM i.name_zh
        OR h.name_en IS DISTINCT FROM i.name_en
        OR h.kind IS DISTINCT FROM i.kind
        OR h.activities IS DISTINCT FROM i.activities
        OR h.item_groups IS DISTINCT FROM i.item_groups
        OR abs(h.lon - i.lon) > 1e-9
        OR abs(h.lat - i.lat) > 1e-9
        OR h.geo_precision IS DISTINCT FROM i.geo_precision
        OR h.province_code IS DISTINCT FROM i.province_code
        OR h.country_iso3 IS DISTINCT FROM i.country_iso3
        OR h.licensed IS DISTINCT FROM i.licensed
        OR h.capacity_t_per_year IS DISTINCT FROM i.capacity_t_per_year
        OR h.risk_tier IS DISTINCT FROM i.risk_tier
        OR h.note IS DISTINCT FROM i.note
        OR h.source IS DISTINCT FROM i.source) AS changed
FROM incoming AS i
JOIN processing_hubs AS h ON h.hub_id = i.hub_id;
