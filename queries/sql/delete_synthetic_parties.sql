-- delete_synthetic_parties: remove the demo's parties, cases and links before a re-seed (queries.demo_parties). The
-- demo's links are those no import recorded (import_id NULL); a synthetic party or case goes once no link is left to
-- it, so that a party a real import also named stays with the real links; the screening hits of a party that
-- goes go with it (a re-seed screens the new demo parties).
DELETE FROM seizure_parties WHERE import_id IS NULL;
DELETE FROM case_parties WHERE import_id IS NULL;
DELETE FROM seizure_cases WHERE import_id IS NULL;
DELETE FROM screening_hits AS h WHERE h.party_id IN (
    SELECT p.party_id FROM parties AS p WHERE p.is_synthetic
        AND NOT EXISTS (SELECT 1 FROM seizure_parties AS l WHERE l.party_id = p.party_id)
        AND NOT EXISTS (SELECT 1 FROM case_parties AS l WHERE l.party_id = p.party_id));
DELETE FROM parties AS p WHERE p.is_synthetic
    AND NOT EXISTS (SELECT 1 FROM seizure_parties AS l WHERE l.party_id = p.party_id)
    AND NOT EXISTS (SELECT 1 FROM case_parties AS l WHERE l.party_id = p.party_id);
DELETE FROM cases AS c WHERE c.is_synthetic
    AND NOT EXISTS (SELECT 1 FROM seizure_cases AS l WHERE l.case_id = c.case_id)
    AND NOT EXISTS (SELECT 1 FROM case_parties AS l WHERE l.case_id = c.case_id);
