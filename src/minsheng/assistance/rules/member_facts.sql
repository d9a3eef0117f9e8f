-- 家庭成员事实 member facts: age on the run date, alive or not, and the categories later rules use.
-- One row per member; a member without a household or with missing data fails person_data_complete.
WITH m AS (
  SELECT
    m.person_id,
    m.household_id,
    h.banner_code,
    h.hukou,
    m.relationship_to_head,
    m.birth_date,
    m.death_date,
    m.disability_type,
    m.disability_grade,
    m.serious_illness,
    m.adl_items_lost,
    m.tags,
    m.wages_fen, m.business_fen, m.property_fen, m.transfer_fen, m.other_fen,
    m.basic_pension_fen, m.preferential_fen, m.assistance_fen,
    m.employment_cost_fen, m.maintenance_paid_fen, m.disability_rigid_fen, m.illness_rigid_fen,
    m.education_fen, m.medical_self_pay_fen,
    r.as_of,
    CAST(
      EXTRACT(YEAR FROM r.as_of) - EXTRACT(YEAR FROM m.birth_date)
      - CASE
          WHEN EXTRACT(MONTH FROM r.as_of) * 100 + EXTRACT(DAY FROM r.as_of)
             < EXTRACT(MONTH FROM m.birth_date) * 100 + EXTRACT(DAY FROM m.birth_date) THEN 1
          ELSE 0
        END AS INTEGER) AS age
  FROM members AS m
  CROSS JOIN run AS r
  LEFT JOIN households AS h ON h.household_id = m.household_id
)
SELECT
  m.person_id,
  m.household_id,
  m.banner_code,
  m.hukou,
  m.relationship_to_head,
  m.age,
  m.disability_type,
  m.disability_grade,
  m.serious_illness,
  m.adl_items_lost,
  -- the orphan tags as flags: later rules never copy the tag lists
  COALESCE(ARRAY_CONTAINS(m.tags, 'orphan'), FALSE) AS orphan_tag,
  COALESCE(ARRAY_CONTAINS(m.tags, 'unsupported_child'), FALSE) AS unsupported_child_tag,
  COALESCE(ARRAY_CONTAINS(m.tags, 'institutional_care'), FALSE) AS institutional_care_tag,
  m.wages_fen, m.business_fen, m.property_fen, m.transfer_fen, m.other_fen,
  CAST(m.basic_pension_fen + m.preferential_fen + m.assistance_fen AS BIGINT) AS excluded_income_fen,
  m.assistance_fen,
  m.maintenance_paid_fen,
  CAST(m.disability_rigid_fen + m.illness_rigid_fen AS BIGINT) AS rigid_expense_deduction_fen,
  CAST(m.disability_rigid_fen + m.illness_rigid_fen + m.education_fen + m.medical_self_pay_fen AS BIGINT)
    AS rigid_spending_fen,
  -- own income as 特困 counts it: the excluded categories stay out, maintenance paid out comes off
  CAST(m.wages_fen + m.business_fen + m.property_fen + m.transfer_fen + m.other_fen
       - m.maintenance_paid_fen AS BIGINT) AS own_income_fen,
  COALESCE(m.death_date IS NULL OR m.death_date > m.as_of, FALSE) AS alive,
  COALESCE(
    m.age >= p.tekun_unable_age_from
    OR m.age < p.tekun_unable_age_below
    OR (m.disability_type IN ('intellectual', 'mental')
        AND m.disability_grade <= p.tekun_unable_grade_max_intellectual_mental)
    OR (m.disability_type = 'physical' AND m.disability_grade <= p.tekun_unable_grade_max_physical)
    OR (m.disability_type = 'visual' AND m.disability_grade <= p.tekun_unable_grade_max_visual),
    FALSE) AS unable_to_work,
  COALESCE(
    m.disability_grade <= p.category_supplement_severe_disability_grade_max
    OR (m.disability_type IN ('intellectual', 'mental')
        AND m.disability_grade <= p.category_supplement_severe_disability_grade_max_intellectual_mental),
    FALSE) AS severely_disabled,
  COALESCE(m.age >= p.category_supplement_elderly_age, FALSE) AS elderly,
  COALESCE(m.age < p.category_supplement_minor_age, FALSE) AS minor,
  COALESCE(m.age < p.orphan_age_below, FALSE) AS child,
  COALESCE(m.age >= p.tekun_supporter_adult_age, FALSE) AS adult,
  COALESCE(
    m.banner_code IS NOT NULL
    AND m.birth_date IS NOT NULL AND m.birth_date <= m.as_of
    AND p.tekun_unable_age_from IS NOT NULL
    AND m.serious_illness IS NOT NULL AND m.adl_items_lost IS NOT NULL
    AND m.wages_fen >= 0 AND m.business_fen >= 0 AND m.property_fen >= 0 AND m.transfer_fen >= 0
    AND m.other_fen >= 0 AND m.basic_pension_fen >= 0 AND m.preferential_fen >= 0
    AND m.assistance_fen >= 0 AND m.employment_cost_fen >= 0 AND m.maintenance_paid_fen >= 0
    AND m.disability_rigid_fen >= 0 AND m.illness_rigid_fen >= 0 AND m.education_fen >= 0
    AND m.medical_self_pay_fen >= 0,
    FALSE) AS person_data_complete
FROM m
LEFT JOIN params AS p
  ON p.banner_code = m.banner_code AND m.as_of >= p.valid_from AND m.as_of < p.valid_to
