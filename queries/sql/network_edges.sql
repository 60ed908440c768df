-- network_edges: the links of a party network, over the registered frame `incoming` (via, unit_id, node_id,
-- role: network_links' rows with their node, geodata.network.node_ids): each pair of nodes one seizure or case
-- names (source < target), the seizures and cases they share, weight (their sum) and the roles they met in as
-- 'source's role/target's role' pairs, comma-separated.
WITH members AS (
    SELECT DISTINCT via, unit_id, node_id, role FROM incoming
),
pairs AS (
    SELECT a.via, a.unit_id, a.node_id AS source, b.node_id AS target, a.role || '/' || b.role AS met_as
    FROM members AS a
    JOIN members AS b ON a.via = b.via AND a.unit_id = b.unit_id AND a.node_id < b.node_id
)
SELECT
    source,
    target,
    count(DISTINCT unit_id) FILTER (WHERE via = 'seizure') AS seizures,
    count(DISTINCT unit_id) FILTER (WHERE via = 'case') AS cases,
    seizures + cases AS weight,
    string_agg(DISTINCT met_as, ', ' ORDER BY met_as) AS roles
FROM pairs
GROUP BY source, target
ORDER BY source, target;
