-- control_list_entries: every entry of the lists held, in list and entry order (queries.control_lists turns
-- them into ListEntry and decides which are in force on a day, ListEntry.in_force).
SELECT list_code, entry_id, names_zh, names_en, former_names, identifiers, country_iso3, announcement,
       announced_on, effective_from, suspended_from, suspended_until, removed_on, source_url,
       change_source_url, note, origin
FROM control_list_entries
ORDER BY list_code, entry_id;
