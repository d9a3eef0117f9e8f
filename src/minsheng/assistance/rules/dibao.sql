-- 最低生活保障 dibao: eligible when counted income is below standard × members and assets are within
-- the limits (社会救助暂行办法 Art. 9). Amount (Art. 23) = (standard − per-capita income) × members,
-- computed exactly as standard × members − counted income, so no rounded per-capita figure leaks in;
-- plus 分类施保 add-ons (Art. 27): each counted member in a category gets the highest applicable
-- share of the standard, rounded to the fen half up.
WITH supplement AS (
  SELECT
    f.household_id,
    CAST(SUM(CASE WHEN f.alive AND f.elderly THEN 1 ELSE 0 END) AS BIGINT) AS elderly_members,
    CAST(SUM(CASE WHEN f.alive AND f.minor THEN 1 ELSE 0 END) AS BIGINT) AS minor_members,
    CAST(SUM(CASE WHEN f.alive AND f.severely_disabled THEN 1 ELSE 0 END) AS BIGINT) AS severely_disabled_members,
    CAST(SUM(CASE WHEN f.alive AND f.serious_illness THEN 1 ELSE 0 END) AS BIGINT) AS seriously_ill_members,
    CAST(SUM(CASE WHEN f.alive THEN FLOOR(COALESCE(p.dibao_standard_fen * GREATEST(
           CASE WHEN f.elderly THEN p.category_supplement_elderly_ratio ELSE 0 END,
           CASE WHEN f.minor THEN p.category_supplement_minor_ratio ELSE 0 END,
           CASE WHEN f.severely_disabled THEN p.category_supplement_severe_disability_ratio ELSE 0 END,
           CASE WHEN f.serious_illness THEN p.category_supplement_serious_illness_ratio ELSE 0 END), 0) + 0.5)
         ELSE 0 END) AS BIGINT) AS category_supplement_fen
  FROM member_facts AS f
  CROSS JOIN run AS r
  LEFT JOIN params AS p
    ON p.banner_code = f.banner_code AND p.hukou = f.hukou
    AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
  GROUP BY f.household_id
),
judged AS (
  SELECT
    i.household_id,
    i.banner_code,
    i.hukou,
    i.members_counted,
    i.counted_income_fen,
    i.per_capita_income_fen,
    p.dibao_standard_fen,
    CAST(p.dibao_standard_fen * i.members_counted AS BIGINT) AS dibao_line_fen,
    COALESCE(s.elderly_members, 0) AS elderly_members,
    COALESCE(s.minor_members, 0) AS minor_members,
    COALESCE(s.severely_disabled_members, 0) AS severely_disabled_members,
    COALESCE(s.seriously_ill_members, 0) AS seriously_ill_members,
    COALESCE(s.category_supplement_fen, 0) AS category_supplement_if_eligible_fen,
    a.financial_assets_fen,
    a.financial_assets_limit_fen,
    a.assets_within_limits,
    COALESCE(i.income_data_complete AND a.asset_data_complete AND p.dibao_standard_fen IS NOT NULL, FALSE)
      AS data_complete,
    COALESCE(i.counted_income_fen < p.dibao_standard_fen * i.members_counted, FALSE) AS income_below_standard
  FROM household_income AS i
  CROSS JOIN run AS r
  LEFT JOIN household_assets AS a ON a.household_id = i.household_id
  LEFT JOIN supplement AS s ON s.household_id = i.household_id
  LEFT JOIN params AS p
    ON p.banner_code = i.banner_code AND p.hukou = i.hukou
    AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
  household_id,
  banner_code,
  hukou,
  members_counted,
  counted_income_fen,
  per_capita_income_fen,
  dibao_standard_fen,
  dibao_line_fen,
  elderly_members,
  minor_members,
  severely_disabled_members,
  seriously_ill_members,
  financial_assets_fen,
  financial_assets_limit_fen,
  data_complete,
  income_below_standard,
  assets_within_limits,
  data_complete AND income_below_standard AND assets_within_limits AS eligible,
  CAST(CASE WHEN data_complete AND income_below_standard AND assets_within_limits
            THEN dibao_line_fen - counted_income_fen ELSE 0 END AS BIGINT) AS gap_fen,
  CAST(CASE WHEN data_complete AND income_below_standard AND assets_within_limits
            THEN category_supplement_if_eligible_fen ELSE 0 END AS BIGINT) AS category_supplement_fen,
  CAST(CASE WHEN data_complete AND income_below_standard AND assets_within_limits
            THEN dibao_line_fen - counted_income_fen + category_supplement_if_eligible_fen ELSE 0 END
       AS BIGINT) AS amount_fen
FROM judged
