-- 成员状况 each member as the registry stands on the month's date: alive, age against the child line
-- (orphan.age_below) and the working ages (monitoring.working_age_from, monitoring.working_age_below),
-- employment, severe disability (monitoring.severe_disability_grade_max), income and tags. Prepared
-- once a month beside `eligibility`: the daily run reads it only for members with a signal or a
-- registration that day, to change the month's counts (`household_members`) by what the day reports.
WITH people AS (
  SELECT
    m.household_id,
    m.person_id,
    m.employment_status,
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
  -- a member whose household is not in the snapshot keeps its row (one per member) and counts nowhere
  LEFT JOIN households AS h ON h.household_id = m.household_id
  LEFT JOIN params AS p
    ON p.banner_code = h.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  household_id,
  person_id,
  alive,
  gross_fen,
  relapse_watch,
  dibao_tag,
  COALESCE(alive AND age < child_age_below AND NOT orphan_supported, FALSE) AS child_without_allowance,
  COALESCE(alive AND age >= child_age_below AND NOT severely_disabled, FALSE) AS able_adult,
  COALESCE(alive AND age >= working_age_from AND age < working_age_below
           AND COALESCE(employment_status, 'other') NOT IN ('student', 'unable', 'retired', 'preschool')
           AND NOT severely_disabled, FALSE) AS able_working_age,
  COALESCE(employment_status IN ('employed', 'farming', 'self_employed'), FALSE) AS in_work,
  COALESCE(employment_status = 'unemployed', FALSE) AS out_of_work,
  COALESCE(alive AND severely_disabled AND assistance_fen = 0, FALSE) AS severely_disabled_without_assistance,
  COALESCE(earned_fen > 0, FALSE) AS earner
FROM people
