-- 009_rejected_sheets: a refused row of a workbook says its sheet.
-- A workbook's every sheet is read (issue 17), and a row's line was kept as one number across the
-- sheets (the sheet's position times 10,000,000 plus its row), which nobody reading rejected_rows
-- can find. The row is now kept as a person finds it: sheet (NULL outside a workbook) and line
-- within it. Rows stored before keep their line where it was under 10,000,000; a later sheet's row
-- gets its row back and, for the sheet, 'sheet N' (its position: its name was not kept).
-- The key (import_id, line) no longer holds (two sheets have a row 5), and a key cannot have a NULL
-- sheet: the one writer (queries.ingest.importer.ingest) writes each refused row once.
CREATE TABLE rejected_rows_009 (
    import_id  BIGINT NOT NULL,
    file_name  VARCHAR NOT NULL,
    sheet      VARCHAR,
    line       BIGINT NOT NULL CHECK (line >= 1),
    raw        VARCHAR NOT NULL,
    rules      VARCHAR[] NOT NULL,
    reason     VARCHAR NOT NULL
);

INSERT INTO rejected_rows_009
SELECT import_id, file_name,
       CASE WHEN line >= 10000000 THEN 'sheet ' || (line // 10000000 + 1) END,
       CASE WHEN line >= 10000000 THEN line % 10000000 ELSE line END,
       raw, rules, reason
FROM rejected_rows;
DROP TABLE rejected_rows;
ALTER TABLE rejected_rows_009 RENAME TO rejected_rows;
