-- 监测事实 monitoring facts: one row per household, everything the risk rules weigh. Partner signals
-- and medical claims count inside the look-back window ending on the run date (monitoring.lookback_days);
-- "this month" is the calendar month of the run date. Counts are COUNT(CASE …) (a BIGINT), not
-- SUM(CASE … 1 ELSE 0) (DuckDB sums into 128-bit integers): a million households group cheaply. Eligibility comes from the month's
-- social-assistance determination (`eligibility`); a household registered since has none yet (null).
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
people AS (
  SELECT
    m.household_id,
    m.person_id,
    m.employment_status,
    m.disability_grade,
    m.disability_type,
    m.assistance_fen,
    CAST(m.wages_fen + m.business_fen + m.property_fen + m.transfer_fen + m.other_fen AS BIGINT) AS gross_fen,
    CAST(m.wages_fen + m.business_fen AS BIGINT) AS earned_fen,
    COALESCE(ARRAY_CONTAINS(m.tags, 'orphan') OR ARRAY_CONTAINS(m.tags, 'unsupported_child')
             OR ARRAY_CONTAINS(m.tags, 'institutional_care'), FALSE) AS orphan_supported,
    COALESCE(ARRAY_CONTAINS(m.tags, 'poverty_alleviated'), FALSE) AS relapse_watch,
    COALESCE(ARRAY_CONTAINS(m.tags, 'dibao'), FALSE) AS dibao_tag,
    COALESCE(m.death_date IS NULL OR m.death_date > r.as_of, FALSE) AS alive,
    CAST(EXTRACT(YEAR FROM r.as_of) - EXTRACT(YEAR FROM m.birth_date)
         - CASE WHEN EXTRACT(MONTH FROM r.as_of) * 100 + EXTRACT(DAY FROM r.as_of)
                   < EXTRACT(MONTH FROM m.birth_date) * 100 + EXTRACT(DAY FROM m.birth_date) THEN 1 ELSE 0 END
         AS INTEGER) AS age,
    COALESCE(m.disability_grade <= p.monitoring_severe_disability_grade_max, FALSE) AS severely_disabled,
    p.monitoring_working_age_from AS working_age_from,
    p.monitoring_working_age_below AS working_age_below,
    p.orphan_age_below AS child_age_below
  FROM members AS m
  CROSS JOIN run AS r
  JOIN households AS h ON h.household_id = m.household_id
  LEFT JOIN params AS p
    ON p.banner_code = h.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
flags AS (
  SELECT
    x.household_id,
    x.alive,
    x.gross_fen,
    x.relapse_watch,
    x.dibao_tag,
    COALESCE(x.alive AND x.age < x.child_age_below AND NOT x.orphan_supported, FALSE) AS child_without_allowance,
    COALESCE(x.alive AND x.age >= x.child_age_below AND NOT x.severely_disabled, FALSE) AS able_adult,
    COALESCE(x.alive AND x.age >= x.working_age_from AND x.age < x.working_age_below
             AND COALESCE(x.employment_status, 'other') NOT IN ('student', 'unable', 'retired', 'preschool')
             AND NOT x.severely_disabled, FALSE) AS able_working_age,
    COALESCE(x.employment_status IN ('employed', 'farming', 'self_employed')
             AND COALESCE(ps.lost_job, 0) = 0, FALSE) AS working,
    COALESCE(x.employment_status = 'unemployed' OR ps.lost_job = 1 OR g.registered_unemployed = 1, FALSE)
      AS unemployed,
    COALESCE(x.alive AND ps.disability_certified = 1 AND x.severely_disabled AND x.assistance_fen = 0, FALSE)
      AS severe_disability_without_care,
    COALESCE(ps.died = 1 AND x.earned_fen > 0, FALSE) AS earner_died
  FROM people AS x
  LEFT JOIN person_sig AS ps ON ps.person_id = x.person_id
  LEFT JOIN registered AS g ON g.person_id = x.person_id
),
household_people AS (
  SELECT
    household_id,
    CAST(SUM(CASE WHEN alive THEN gross_fen ELSE 0 END) AS BIGINT) AS gross_income_fen,
    COUNT(CASE WHEN able_working_age THEN 1 END) AS able_working_age,
    COUNT(CASE WHEN able_working_age AND working THEN 1 END) AS working,
    COUNT(CASE WHEN able_working_age AND unemployed THEN 1 END) AS unemployed,
    COUNT(CASE WHEN severe_disability_without_care THEN 1 END)
      AS severe_disability_without_care,
    COUNT(CASE WHEN earner_died THEN 1 END) AS earners_died,
    COUNT(CASE WHEN child_without_allowance THEN 1 END) AS children_without_allowance,
    COUNT(CASE WHEN able_adult THEN 1 END) AS able_adults,
    COUNT(CASE WHEN relapse_watch THEN 1 END) AS relapse_watch_members,
    COUNT(CASE WHEN dibao_tag THEN 1 END) AS dibao_tagged_members
  FROM flags
  GROUP BY household_id
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
  COALESCE(hp.gross_income_fen, 0) AS gross_income_fen,
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
  CAST(GREATEST(0, COALESCE(hp.gross_income_fen, 0) - COALESCE(s.income_drop_fen, 0)) AS BIGINT)
    AS gross_after_drop_fen,
  COALESCE(hp.able_working_age, 0) AS able_working_age,
  COALESCE(hp.working, 0) AS working_members,
  COALESCE(hp.unemployed, 0) AS unemployed_members,
  COALESCE(hp.severe_disability_without_care, 0) AS severe_disability_without_care,
  COALESCE(hp.earners_died, 0) AS earners_died,
  COALESCE(hp.children_without_allowance, 0) AS children_without_allowance,
  COALESCE(hp.able_adults, 0) AS able_adults,
  COALESCE(hp.relapse_watch_members, 0) AS relapse_watch_members,
  COALESCE(hp.dibao_tagged_members, 0) AS dibao_tagged_members,
  COALESCE(o.dibao_case, 0) = 1 AS dibao_case,
  COALESCE(o.tekun_case, 0) = 1 AS tekun_case,
  COALESCE(o.dibao_edge_case, 0) = 1 AS dibao_edge_case,
  COALESCE(o.rigid_expense_case, 0) = 1 AS rigid_expense_case,
  COALESCE(e.data_complete, FALSE) AS data_complete
FROM households AS h
LEFT JOIN eligibility AS e ON e.household_id = h.household_id
LEFT JOIN sig AS s ON s.household_id = h.household_id
LEFT JOIN claims AS c ON c.household_id = h.household_id
LEFT JOIN household_people AS hp ON hp.household_id = h.household_id
LEFT JOIN open_cases AS o ON o.household_id = h.household_id
