-- arrival(seizure_id, row_id): the order in which records reached the store, for the live map's "new
-- since the previous refresh". On a file, the seizure id: one writer at a time takes ids from a
-- sequence, so ids grow in commit order. A lake replaces this macro (queries.lake) with its row id,
-- which DuckLake assigns at commit: its ids are allocated when a write begins, so a write that began
-- first but committed last would carry ids below a mark already taken, and never count as new.
CREATE OR REPLACE TEMP MACRO arrival(seizure_id, row_id) AS seizure_id;
