-- network_links: the party links behind the view's seizures, one row per (unit, party, role): a unit is one of
-- the view's seizures (via 'seizure', unit_id its seizure_id) or a case of any of them (via 'case', unit_id its
-- case_id), whose parties are those of its seizures in the view and those named on the case itself (seizure_id
-- and occurred_at NULL). $seizures: only these of the view's seizures (a cluster's), NULL: all. The view and the
-- connection's region scope reach the links through filtered_seizures: a party named only on seizures out of
-- them is not read. kind, value and is_synthetic are the party's; entity_id its entity (queries.entities: the
-- party's own id when resolution joined it to no other), of which geodata.network makes nodes.
WITH shown AS (
    SELECT seizure_id, occurred_at
    FROM filtered_seizures($filters)
    WHERE $seizures IS NULL OR seizure_id IN (SELECT unnest($seizures::BIGINT[]))
),
seizure_links AS (
    SELECT l.seizure_id, s.occurred_at, l.party_id, l.role
    FROM seizure_parties AS l
    JOIN shown AS s USING (seizure_id)
),
shown_cases AS (
    SELECT c.case_id, c.seizure_id
    FROM seizure_cases AS c
    SEMI JOIN shown AS s USING (seizure_id)
),
links AS (
    SELECT 'seizure' AS via, seizure_id AS unit_id, seizure_id, occurred_at, party_id, role
    FROM seizure_links
    UNION ALL
    SELECT 'case', c.case_id, l.seizure_id, l.occurred_at, l.party_id, l.role
    FROM seizure_links AS l
    JOIN shown_cases AS c USING (seizure_id)
    UNION ALL
    SELECT 'case', p.case_id, NULL, NULL, p.party_id, p.role
    FROM case_parties AS p
    SEMI JOIN shown_cases AS c USING (case_id)
)
SELECT l.via, l.unit_id, l.seizure_id, l.occurred_at, l.party_id, l.role, p.kind, p.value, p.is_synthetic,
       coalesce(e.entity_id, l.party_id) AS entity_id
FROM links AS l
JOIN parties AS p USING (party_id)
LEFT JOIN party_entities AS e USING (party_id)
ORDER BY l.via, l.unit_id, l.party_id, l.role;
