-- export_input_hashes: the hex SHA-256 of each seizure an export used, in seizure_id order, to be
-- hashed once more as they stream out (geodata.export_sources.input_sha256): the input hash of an
-- export is the hex SHA-256 of the concatenation of these digests (of the empty string when none).
-- A row's digest is that of its JSON text, DuckDB's to_json of the whole stored row (its columns in
-- table order, without the store's arrival order; export_input_summary gives the schema version that
-- fixes them).
-- $precise_only as in export_input_summary. Only the id and the digest are sorted, not the rows.
SELECT sha256(to_json(s)) AS row_sha256
FROM (SELECT * EXCLUDE (arrival) FROM filtered_seizures($filters)) AS s
WHERE precise_enough(s.geo_precision) OR NOT $precise_only
ORDER BY s.seizure_id;
