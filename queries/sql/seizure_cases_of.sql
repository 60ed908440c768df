-- seizure_cases_of: the stored case links of the seizures (seizure_id) of the registered frame `incoming`.
SELECT l.seizure_id, l.case_id
FROM seizure_cases AS l
SEMI JOIN incoming AS i ON i.seizure_id = l.seizure_id;
