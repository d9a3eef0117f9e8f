-- 零就业家庭 zero-employment household: members of working age able to work
-- (monitoring.working_age_from ≤ age < monitoring.working_age_below, not a student, retired, unable or
-- severely disabled), at least one unemployed (status, open unemployment registration, or a job-loss
-- signal) and none in work. High when the household's income is also below the near-dibao line.
SELECT
  f.household_id,
  f.banner_code,
  f.able_working_age,
  f.working_members,
  f.unemployed_members,
  f.job_loss_signals,
  p.monitoring_working_age_from AS working_age_from,
  p.monitoring_working_age_below AS working_age_below,
  f.able_working_age > 0 AS has_working_age_members,
  f.unemployed_members > 0 AS someone_unemployed,
  f.working_members = 0 AS nobody_working,
  f.able_working_age > 0 AND f.unemployed_members > 0 AND f.working_members = 0 AS at_risk,
  CASE WHEN NOT (f.able_working_age > 0 AND f.unemployed_members > 0 AND f.working_members = 0) THEN NULL
       WHEN f.income_after_drop_fen < p.monitoring_income_factor * f.dibao_standard_fen * f.members_counted
         THEN 'high'
       ELSE 'medium' END AS level,
  CAST(0 AS BIGINT) AS need_fen
FROM monitoring_facts AS f
CROSS JOIN run AS r
LEFT JOIN params AS p
  ON p.banner_code = f.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
