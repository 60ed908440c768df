-- review_screening_hit: record an analyst's review of the hit $hit_id: $status ('confirmed' or 'dismissed'), who
-- ($reviewed_by), when ($reviewed_at) and why ($review_note); the audit row is written beside it.
UPDATE screening_hits
SET status = $status, reviewed_by = $reviewed_by, reviewed_at = $reviewed_at, review_note = $review_note
WHERE hit_id = $hit_id;
