-- h3_parent(cell, res): the parent of an H3 cell index at a coarser resolution, by bit arithmetic
-- (H3 index layout: resolution in bits 52-55, one 3-bit digit per resolution below it, unused
-- digits set to 7). tests/queries/test_cells.py checks it against h3.cell_to_parent.
CREATE OR REPLACE TEMP MACRO h3_parent(cell, res) AS
    (((cell & ~(15::UBIGINT << 52)) | (res::UBIGINT << 52)) | ((1::UBIGINT << (3 * (15 - res))) - 1::UBIGINT))::UBIGINT;
