-- network_party_seizures: the view's seizures naming any of the parties $parties (one network node's), newest
-- first, with the roles they played in each (comma-separated), the names a table and a map's tooltip show.
WITH named AS (
    SELECT seizure_id, string_agg(DISTINCT role, ', ' ORDER BY role) AS roles
    FROM seizure_parties
    WHERE party_id IN (SELECT unnest($parties::BIGINT[]))
    GROUP BY seizure_id
)
SELECT
    s.seizure_id,
    s.occurred_at,
    s.time_precision,
    n.roles,
    s.item_group,
    s.item,
    s.form,
    s.quantity_kg,
    s.value_cny,
    s.channel,
    s.agency,
    s.destination_iso3,
    s.lon,
    s.lat,
    s.geo_precision,
    s.is_synthetic,
    s.source,
    s.source_id,
    c.name_en AS checkpoint_en, c.name_zh AS checkpoint_zh,
    h.name_en AS hub_en, h.name_zh AS hub_zh,
    z.name_en AS county_en, z.name_zh AS county_zh
FROM filtered_seizures($filters) AS s
JOIN named AS n USING (seizure_id)
LEFT JOIN checkpoints AS c ON c.checkpoint_id = s.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = s.hub_id
LEFT JOIN admin_units AS z ON z.code = s.county_code
ORDER BY s.occurred_at DESC, s.seizure_id DESC;
