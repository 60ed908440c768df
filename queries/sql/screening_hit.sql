-- screening_hit: one hit by its id ($hit_id), with its review so far.
SELECT hit_id, party_id, list_code, entry_id, party_name, status, reviewed_by, reviewed_at, review_note
FROM screening_hits
WHERE hit_id = $hit_id;
