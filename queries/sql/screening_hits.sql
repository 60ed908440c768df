-- screening_hits: the review queue, the hits with the status $status (NULL: every hit), open first, then by score;
-- each with its party and the entry's announcement.
SELECT h.hit_id, h.status, h.score, h.list_code, h.entry_id, h.party_id, p.kind, h.party_name, h.matched_name,
       h.reason, e.announcement, e.source_url, h.screened_on, h.screened_at, h.reviewed_by, h.reviewed_at,
       h.review_note
FROM screening_hits AS h
JOIN parties AS p USING (party_id)
LEFT JOIN control_list_entries AS e USING (list_code, entry_id)
WHERE $status IS NULL OR h.status = $status
ORDER BY h.status <> 'open', h.score DESC, h.hit_id;
