-- 特困人员 (《特困人员认定办法》 2021): unable to work, no means of living (own income below the 低保
-- standard and household assets within the limits) and no able supporter in the household; a child on
-- the orphan route is not also 特困. Basic living = max(configured standard, factor × 低保 standard),
-- plus the care allowance of the self-care tier (six ADL items: 0 / partial / full loss).
-- Supporters are the other adult members of the household: the registry records no kin outside it.
WITH facts AS (
  SELECT
    f.person_id,
    f.household_id,
    f.banner_code,
    f.hukou,
    f.age,
    f.disability_type,
    f.disability_grade,
    f.adl_items_lost,
    f.own_income_fen,
    f.person_data_complete,
    f.alive,
    f.adult,
    f.severely_disabled,
    f.unable_to_work,
    a.assets_within_limits,
    o.eligible AS orphan_route,
    p.dibao_standard_fen,
    p.tekun_basic_living_standard_fen,
    p.tekun_dibao_floor_factor,
    p.tekun_care_allowance_full_fen,
    p.tekun_care_allowance_partial_fen,
    p.tekun_adl_partial_from,
    p.tekun_adl_full_from,
    p.tekun_supporter_frail_age,
    p.tekun_supporter_dibao_age,
    p.statistics_disposable_income_prior_year_fen AS disposable_income_line_fen,
    COALESCE(f.unable_to_work AND f.own_income_fen < p.dibao_standard_fen, FALSE) AS in_need,
    -- can this member support others? (an adult who is not in need, not an old 低保 recipient, and not
    -- frail or severely disabled on an income below the prior-year disposable income)
    COALESCE(f.alive AND f.adult
      AND NOT (f.unable_to_work AND f.own_income_fen < p.dibao_standard_fen)
      AND NOT (f.age >= p.tekun_supporter_dibao_age AND d.eligible)
      AND NOT ((f.age >= p.tekun_supporter_frail_age OR f.severely_disabled)
               AND f.own_income_fen * 12 < p.statistics_disposable_income_prior_year_fen),
      FALSE) AS able_supporter
  FROM member_facts AS f
  CROSS JOIN run AS r
  LEFT JOIN dibao AS d ON d.household_id = f.household_id
  LEFT JOIN household_assets AS a ON a.household_id = f.household_id
  LEFT JOIN orphan AS o ON o.person_id = f.person_id
  LEFT JOIN params AS p
    ON p.banner_code = f.banner_code AND p.hukou = f.hukou
    AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
-- counted per household and joined back: cheaper than a window over the wide member rows
supporters AS (
  SELECT household_id, COUNT(CASE WHEN able_supporter THEN 1 END) AS able_in_household
  FROM facts
  GROUP BY household_id
),
judged AS (
  SELECT
    person_id,
    household_id,
    banner_code,
    hukou,
    age,
    disability_type,
    disability_grade,
    adl_items_lost,
    own_income_fen,
    dibao_standard_fen,
    disposable_income_line_fen,
    CAST(s.able_in_household - CASE WHEN able_supporter THEN 1 ELSE 0 END AS BIGINT) AS able_supporters,
    CASE WHEN adl_items_lost >= tekun_adl_full_from THEN 'full'
         WHEN adl_items_lost >= tekun_adl_partial_from THEN 'partial'
         ELSE 'self_care' END AS self_care_tier,
    CAST(GREATEST(tekun_basic_living_standard_fen,
                  FLOOR(tekun_dibao_floor_factor * dibao_standard_fen + 0.5)) AS BIGINT) AS basic_living_fen,
    tekun_basic_living_standard_fen AS configured_basic_living_fen,
    CAST(CASE WHEN adl_items_lost >= tekun_adl_full_from THEN tekun_care_allowance_full_fen
              WHEN adl_items_lost >= tekun_adl_partial_from THEN tekun_care_allowance_partial_fen
              ELSE 0 END AS BIGINT) AS care_allowance_fen,
    COALESCE(person_data_complete AND tekun_basic_living_standard_fen IS NOT NULL
             AND tekun_care_allowance_full_fen IS NOT NULL AND disposable_income_line_fen IS NOT NULL, FALSE)
      AS data_complete,
    alive,
    unable_to_work,
    COALESCE(own_income_fen < dibao_standard_fen AND assets_within_limits, FALSE) AS no_means_of_living,
    NOT COALESCE(orphan_route, FALSE) AS not_orphan_route
  FROM facts
  JOIN supporters AS s USING (household_id)
)
SELECT
  *,
  able_supporters = 0 AS no_able_supporter,
  data_complete AND alive AND unable_to_work AND no_means_of_living AND able_supporters = 0
    AND not_orphan_route AS eligible,
  CAST(CASE WHEN data_complete AND alive AND unable_to_work AND no_means_of_living AND able_supporters = 0
                 AND not_orphan_route
            THEN basic_living_fen + care_allowance_fen ELSE 0 END AS BIGINT) AS amount_fen
FROM judged
