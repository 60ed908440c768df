-- screening_queue: the review queue as a reader sees it: the hits with the status $status (NULL: every hit) of the
-- parties named by a seizure that the reader's region scope and $filters let through, each with how many of those
-- seizures name it and when the newest was made; open first, then by score. A hit of a party no stored seizure
-- names (screened on a day given, from a case alone) is in no region: it is listed only when $unseized is TRUE,
-- which the caller passes for a reader who sees every region.
WITH seen AS (
    SELECT l.party_id, count(DISTINCT s.seizure_id) AS seizures, max(s.occurred_at) AS newest_seizure_at
    FROM seizure_parties AS l
    JOIN filtered_seizures($filters) AS s USING (seizure_id)
    GROUP BY l.party_id
)
SELECT h.hit_id, h.status, h.score, h.list_code, h.entry_id, h.party_id, p.kind, h.party_name, h.matched_name,
       h.reason, h.screened_on, h.screened_at, h.reviewed_by, h.reviewed_at, h.review_note,
       coalesce(v.seizures, 0) AS seizures, v.newest_seizure_at
FROM screening_hits AS h
JOIN parties AS p ON p.party_id = h.party_id
LEFT JOIN seen AS v ON v.party_id = h.party_id
WHERE ($status IS NULL OR h.status = $status)
  AND (v.party_id IS NOT NULL
       OR ($unseized AND NOT EXISTS (SELECT 1 FROM seizure_parties AS n WHERE n.party_id = h.party_id)))
ORDER BY h.status <> 'open', h.score DESC, h.hit_id;
