-- precise_enough(geo_precision): whether a record's location is known well enough to count in a
-- hexagon (to the point or the town). Records known only to the county or province sit on their
-- area's anchor point and would make false hot spots there; the hexagons, their drill-down and
-- the analyses leave them out and the pages say how many.
CREATE OR REPLACE TEMP MACRO precise_enough(geo_precision) AS geo_precision IN ('point', 'town');
