-- delete_synthetic_seizures: remove the demo rows (is_synthetic) before a re-seed; real records stay.
DELETE FROM seizures WHERE is_synthetic;
