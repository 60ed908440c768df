-- network_party_identifiers: the identifiers of the parties $parties (a network's nodes, geodata.export_network):
-- a company's unified social credit code, a person's identity number (personal data: queries.sensitive masks it
-- for a reader without the grant). Which parties a reader may see is decided before, by the network read through
-- filtered_seizures; this reads the parties table only.
SELECT party_id, kind, uscc, sensitive_id_number
FROM parties
WHERE party_id IN (SELECT unnest($parties::BIGINT[]))
ORDER BY party_id;
