-- 监测事实 monitoring facts: one row per household, everything the risk rules weigh. Partner signals
-- and medical claims count inside the look-back window ending on the run date (monitoring.lookback_days);
-- "this month" is the calendar month of the run date. The month's determination is read, never
-- recomputed: `eligibility` (the social-assistance rules) and `household_members` with `member_flags`
-- (the registry's members); a household registered since has none yet (null, or no members counted).
-- The day's signals and registrations change the month's member counts only for the members they name:
-- a job loss takes a member out of work, a job loss or a registration makes one unemployed, a
-- certified disability or a death of a member counts as such. Counts are COUNT(CASE …) (a BIGINT), not
-- SUM(CASE … 1 ELSE 0) (DuckDB sums into 128-bit integers): a million households group cheaply.
WITH sig AS (
  SELECT
    s.household_id,
    CAST(SUM(CASE WHEN s.kind = 'medical_bill' THEN COALESCE(s.amount_fen, 0) ELSE 0 END) AS BIGINT)
      AS bills_12m_fen,
    CAST(SUM(CASE WHEN s.kind = 'medical_bill'
                   AND EXTRACT(YEAR FROM s.observed_on) = EXTRACT(YEAR FROM r.as_of)
                   AND EXTRACT(MONTH FROM s.observed_on) = EXTRACT(MONTH FROM r.as_of)
                  THEN COALESCE(s.amount_fen, 0) ELSE 0 END) AS BIGINT) AS bills_month_fen,
    CAST(SUM(CASE WHEN s.kind = 'income_drop' AND s.previous_fen > s.amount_fen
                  THEN s.previous_fen - s.amount_fen ELSE 0 END) AS BIGINT) AS income_drop_fen,
    CAST(SUM(CASE WHEN s.kind = 'income_drop' THEN COALESCE(s.previous_fen, 0) ELSE 0 END) AS BIGINT)
      AS income_before_drop_fen,
    CAST(SUM(CASE WHEN s.kind IN ('job_loss', 'unemployment_registration') THEN 1 ELSE 0 END) AS BIGINT)
      AS job_loss_signals,
    CAST(SUM(CASE WHEN s.kind = 'disaster_damage' THEN COALESCE(s.amount_fen, 0) ELSE 0 END) AS BIGINT)
      AS disaster_damage_fen
  FROM signals AS s
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = s.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
  WHERE s.observed_on <= r.as_of AND DATE_DIFF('day', s.observed_on, r.as_of) < p.monitoring_lookback_days
  GROUP BY s.household_id
),
person_sig AS (
  SELECT
    s.person_id,
    MAX(CASE WHEN s.kind IN ('job_loss', 'unemployment_registration') THEN 1 ELSE 0 END) AS lost_job,
    MAX(CASE WHEN s.kind = 'disability_certified' THEN 1 ELSE 0 END) AS disability_certified,
    MAX(CASE WHEN s.kind = 'death' THEN 1 ELSE 0 END) AS died
  FROM signals AS s
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = s.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
  WHERE s.observed_on <= r.as_of AND DATE_DIFF('day', s.observed_on, r.as_of) < p.monitoring_lookback_days
  GROUP BY s.person_id
),
claims AS (
  SELECT
    c.household_id,
    CAST(SUM(c.self_pay_fen) AS BIGINT) AS claims_12m_fen,
    CAST(SUM(CASE WHEN EXTRACT(YEAR FROM c.discharge_date) = EXTRACT(YEAR FROM r.as_of)
                   AND EXTRACT(MONTH FROM c.discharge_date) = EXTRACT(MONTH FROM r.as_of)
                  THEN c.self_pay_fen ELSE 0 END) AS BIGINT) AS claims_month_fen
  FROM medical_claims AS c
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = c.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
  WHERE c.discharge_date <= r.as_of AND DATE_DIFF('day', c.discharge_date, r.as_of) < p.monitoring_lookback_days
  GROUP BY c.household_id
),
registered AS (
  SELECT u.person_id, 1 AS registered_unemployed
  FROM unemployment AS u
  CROSS JOIN run AS r
  WHERE u.registered_on <= r.as_of AND (u.ended_on IS NULL OR u.ended_on > r.as_of)
  GROUP BY u.person_id
),
signalled AS (
  -- the members named by a signal or an open registration today, and what that changes of their household
  SELECT
    f.household_id,
    COUNT(CASE WHEN f.able_working_age AND f.in_work AND ps.lost_job = 1 THEN 1 END) AS left_work,
    COUNT(CASE WHEN f.able_working_age AND NOT f.out_of_work
                AND (ps.lost_job = 1 OR g.registered_unemployed = 1) THEN 1 END) AS newly_unemployed,
    COUNT(CASE WHEN f.severely_disabled_without_assistance AND ps.disability_certified = 1 THEN 1 END)
      AS severe_disability_without_care,
    COUNT(CASE WHEN f.earner AND ps.died = 1 THEN 1 END) AS earners_died
  FROM person_sig AS ps
  FULL JOIN registered AS g ON g.person_id = ps.person_id
  JOIN member_flags AS f ON f.person_id = COALESCE(ps.person_id, g.person_id)
  GROUP BY f.household_id
),
open_cases AS (
  SELECT
    household_id,
    MAX(CASE WHEN programme = 'dibao' THEN 1 ELSE 0 END) AS dibao_case,
    MAX(CASE WHEN programme = 'tekun' THEN 1 ELSE 0 END) AS tekun_case,
    MAX(CASE WHEN programme = 'dibao_edge' THEN 1 ELSE 0 END) AS dibao_edge_case,
    MAX(CASE WHEN programme = 'rigid_expense' THEN 1 ELSE 0 END) AS rigid_expense_case
  FROM cases
  GROUP BY household_id
)
SELECT
  h.household_id,
  h.banner_code,
  h.hukou,
  COALESCE(e.members_counted, 0) AS members_counted,
  COALESCE(hm.gross_income_fen, 0) AS gross_income_fen,
  e.counted_income_fen,
  e.per_capita_income_fen,
  e.dibao_standard_fen,
  e.dibao_line_fen,
  COALESCE(e.dibao_eligible, FALSE) AS dibao_eligible,
  COALESCE(e.dibao_gap_fen, 0) AS dibao_gap_fen,
  COALESCE(e.dibao_amount_fen, 0) AS dibao_amount_fen,
  COALESCE(e.tekun_persons, 0) AS tekun_persons,
  COALESCE(e.tekun_amount_fen, 0) AS tekun_amount_fen,
  COALESCE(e.dibao_edge_eligible, FALSE) AS dibao_edge_eligible,
  COALESCE(e.rigid_expense_eligible, FALSE) AS rigid_expense_eligible,
  COALESCE(s.bills_12m_fen, 0) AS bills_12m_fen,
  COALESCE(s.bills_month_fen, 0) AS bills_month_fen,
  COALESCE(c.claims_12m_fen, 0) AS claims_12m_fen,
  COALESCE(c.claims_month_fen, 0) AS claims_month_fen,
  CAST(COALESCE(s.bills_12m_fen, 0) + COALESCE(c.claims_12m_fen, 0) AS BIGINT) AS self_pay_12m_fen,
  CAST(COALESCE(s.bills_month_fen, 0) + COALESCE(c.claims_month_fen, 0) AS BIGINT) AS self_pay_month_fen,
  COALESCE(s.income_drop_fen, 0) AS income_drop_fen,
  COALESCE(s.income_before_drop_fen, 0) AS income_before_drop_fen,
  COALESCE(s.job_loss_signals, 0) AS job_loss_signals,
  COALESCE(s.disaster_damage_fen, 0) AS disaster_damage_fen,
  -- the household's counted and gross monthly income once a reported drop is taken off
  CAST(GREATEST(0, e.counted_income_fen - COALESCE(s.income_drop_fen, 0)) AS BIGINT) AS income_after_drop_fen,
  CAST(GREATEST(0, COALESCE(hm.gross_income_fen, 0) - COALESCE(s.income_drop_fen, 0)) AS BIGINT)
    AS gross_after_drop_fen,
  COALESCE(hm.able_working_age, 0) AS able_working_age,
  CAST(COALESCE(hm.in_work_members, 0) - COALESCE(sm.left_work, 0) AS BIGINT) AS working_members,
  CAST(COALESCE(hm.out_of_work_members, 0) + COALESCE(sm.newly_unemployed, 0) AS BIGINT) AS unemployed_members,
  COALESCE(sm.severe_disability_without_care, 0) AS severe_disability_without_care,
  COALESCE(sm.earners_died, 0) AS earners_died,
  COALESCE(hm.children_without_allowance, 0) AS children_without_allowance,
  COALESCE(hm.able_adults, 0) AS able_adults,
  COALESCE(hm.relapse_watch_members, 0) AS relapse_watch_members,
  COALESCE(hm.dibao_tagged_members, 0) AS dibao_tagged_members,
  COALESCE(o.dibao_case, 0) = 1 AS dibao_case,
  COALESCE(o.tekun_case, 0) = 1 AS tekun_case,
  COALESCE(o.dibao_edge_case, 0) = 1 AS dibao_edge_case,
  COALESCE(o.rigid_expense_case, 0) = 1 AS rigid_expense_case,
  COALESCE(e.data_complete, FALSE) AS data_complete
FROM households AS h
LEFT JOIN eligibility AS e ON e.household_id = h.household_id
LEFT JOIN sig AS s ON s.household_id = h.household_id
LEFT JOIN claims AS c ON c.household_id = h.household_id
LEFT JOIN household_members AS hm ON hm.household_id = h.household_id
LEFT JOIN signalled AS sm ON sm.household_id = h.household_id
LEFT JOIN open_cases AS o ON o.household_id = h.household_id
