-- party_ids: every stored party's id (what an on-demand screen or a changed list screens: queries.screening_hits).
SELECT party_id FROM parties ORDER BY party_id;
