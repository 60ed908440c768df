-- control_dates: when each export-control announcement took effect and the groups it covers,
-- for marking the time axis.
SELECT announcement, effective_on, item_groups
FROM control_announcements
ORDER BY effective_on;
