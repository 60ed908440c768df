-- network_party_cases: the cases of the view's seizures that name any of the parties $parties, on a seizure or on
-- the case itself: number (source_id), agency, status, summary, opening day and the view's seizures of the case.
WITH shown AS (
    SELECT seizure_id FROM filtered_seizures($filters)
),
shown_cases AS (
    SELECT c.case_id, count(*) AS seizures
    FROM seizure_cases AS c
    SEMI JOIN shown AS s USING (seizure_id)
    GROUP BY c.case_id
),
named AS (
    SELECT c.case_id
    FROM seizure_cases AS c
    JOIN seizure_parties AS l USING (seizure_id)
    SEMI JOIN shown AS s ON s.seizure_id = c.seizure_id
    WHERE l.party_id IN (SELECT unnest($parties::BIGINT[]))
    UNION
    SELECT case_id FROM case_parties WHERE party_id IN (SELECT unnest($parties::BIGINT[]))
)
SELECT k.case_id, k.source, k.source_id, k.agency, k.status, k.summary, k.opened_on, k.is_synthetic, v.seizures
FROM cases AS k
JOIN shown_cases AS v USING (case_id)
SEMI JOIN named AS n USING (case_id)
ORDER BY k.opened_on DESC NULLS LAST, k.case_id DESC;
