-- typical_case_like: the view's seizures (filters and region scope: filtered_seizures) scored by how many parts of
-- a typical case's pattern they match, each part's match beside it (the why), best first, $limit rows, with the
-- total count. The pattern (queries.typical_cases.TypicalCase.params): $items, $channels and $concealments are
-- codes; $route holds 'kind:code' tokens (checkpoint, hub, zone, county, province); $words are what the goods were
-- declared as, looked for (case-insensitive) in the record's declared-as and concealment text. An empty part
-- matches nothing. Only records matching at least $min_parts parts are kept.
WITH scored AS (
    SELECT
        s.*,
        coalesce(list_contains($items::VARCHAR[], s.item), FALSE) AS item_matched,
        coalesce(list_contains($channels::VARCHAR[], s.channel), FALSE) AS channel_matched,
        list_intersect($route::VARCHAR[], [
            'checkpoint:' || coalesce(s.checkpoint_id, ''),
            'hub:' || coalesce(s.hub_id, ''),
            'zone:' || coalesce(s.zone_code, ''),
            'county:' || coalesce(s.county_code, ''),
            'province:' || coalesce(s.province_code, '')
        ]) AS route_matched,
        coalesce(list_contains($concealments::VARCHAR[], s.concealment), FALSE) AS concealment_matched,
        list_filter($words::VARCHAR[], lambda word: contains(lower(coalesce(s.declared_as, '')), lower(word))
                                                  OR contains(lower(coalesce(s.concealment_text, '')), lower(word)))
            AS words_matched
    FROM filtered_seizures($filters) AS s
),
counted AS (
    SELECT
        *,
        item_matched::INTEGER + channel_matched::INTEGER + (len(route_matched) > 0)::INTEGER
            + concealment_matched::INTEGER + (len(words_matched) > 0)::INTEGER AS parts_matched
    FROM scored
)
SELECT
    m.seizure_id,
    m.occurred_at,
    m.item,
    m.form,
    m.quantity_kg,
    m.channel,
    m.agency,
    coalesce(c.name_en, h.name_en) AS site_en,
    coalesce(c.name_zh, h.name_zh) AS site_zh,
    z.name_en AS county_en,
    z.name_zh AS county_zh,
    p.name_en AS province_en,
    p.name_zh AS province_zh,
    m.declared_as,
    m.concealment,
    m.concealment_text,
    m.lon,
    m.lat,
    m.parts_matched,
    m.item_matched,
    m.channel_matched,
    m.route_matched,
    m.concealment_matched,
    m.words_matched,
    count(*) OVER () AS total_rows
FROM counted AS m
LEFT JOIN checkpoints AS c ON c.checkpoint_id = m.checkpoint_id
LEFT JOIN processing_hubs AS h ON h.hub_id = m.hub_id
LEFT JOIN admin_units AS z ON z.code = m.county_code
LEFT JOIN admin_units AS p ON p.code = m.province_code
WHERE m.parts_matched >= $min_parts
ORDER BY m.parts_matched DESC, m.occurred_at DESC, m.seizure_id DESC
LIMIT $limit;
