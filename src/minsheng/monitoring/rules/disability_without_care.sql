-- 重度残疾无护理补贴 a member newly certified (disabled persons' federation signal) with a grade-1 or 2
-- disability (monitoring.severe_disability_grade_max) and no assistance income recorded, so no
-- care allowance (重度残疾人护理补贴) is being paid.
SELECT
  f.household_id,
  f.banner_code,
  f.severe_disability_without_care AS members_without_care,
  p.monitoring_severe_disability_grade_max AS grade_max,
  f.severe_disability_without_care > 0 AS severe_disability_without_allowance,
  f.severe_disability_without_care > 0 AS at_risk,
  CASE WHEN f.severe_disability_without_care > 0 THEN 'medium' END AS level,
  CAST(0 AS BIGINT) AS need_fen
FROM monitoring_facts AS f
CROSS JOIN run AS r
LEFT JOIN params AS p
  ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
