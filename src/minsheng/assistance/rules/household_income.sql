-- 家庭收入 counted household income as the 低保 rules count it (民发〔2021〕57号 Art. 13):
-- wages less the employment-cost deduction, net business, property and transfer income (less
-- maintenance paid out) and other income, less rigid expenses of disability and illness. Excluded:
-- the residents' basic pension, preferential care and awards, and all social assistance (so an
-- orphan allowance is never 低保 income). Only members alive on the run date count.
WITH agg AS (
  SELECT
    household_id,
    CAST(SUM(CASE WHEN alive THEN 1 ELSE 0 END) AS BIGINT) AS members_counted,
    CAST(SUM(CASE WHEN alive AND relationship_to_head = 'head' THEN 1 ELSE 0 END) AS BIGINT) AS heads,
    CAST(SUM(CASE WHEN person_data_complete THEN 0 ELSE 1 END) AS BIGINT) AS members_incomplete,
    CAST(SUM(CASE WHEN alive THEN wages_fen ELSE 0 END) AS BIGINT) AS wages_fen,
    CAST(SUM(CASE WHEN alive THEN business_fen ELSE 0 END) AS BIGINT) AS business_fen,
    CAST(SUM(CASE WHEN alive THEN property_fen ELSE 0 END) AS BIGINT) AS property_fen,
    CAST(SUM(CASE WHEN alive THEN transfer_fen ELSE 0 END) AS BIGINT) AS transfer_fen,
    CAST(SUM(CASE WHEN alive THEN other_fen ELSE 0 END) AS BIGINT) AS other_fen,
    CAST(SUM(CASE WHEN alive THEN excluded_income_fen ELSE 0 END) AS BIGINT) AS excluded_income_fen,
    CAST(SUM(CASE WHEN alive THEN maintenance_paid_fen ELSE 0 END) AS BIGINT) AS maintenance_paid_fen,
    CAST(SUM(CASE WHEN alive THEN rigid_expense_deduction_fen ELSE 0 END) AS BIGINT) AS rigid_expense_deduction_fen,
    CAST(SUM(CASE WHEN alive THEN rigid_spending_fen ELSE 0 END) AS BIGINT) AS rigid_spending_fen
  FROM member_facts
  GROUP BY household_id
),
base AS (
  SELECT
    h.household_id,
    h.banner_code,
    h.hukou,
    COALESCE(a.members_counted, 0) AS members_counted,
    COALESCE(a.heads, 0) AS heads,
    COALESCE(a.members_incomplete, 0) AS members_incomplete,
    COALESCE(a.wages_fen, 0) AS wages_fen,
    COALESCE(a.business_fen, 0) AS business_fen,
    COALESCE(a.property_fen, 0) AS property_fen,
    COALESCE(a.transfer_fen, 0) AS transfer_fen,
    COALESCE(a.other_fen, 0) AS other_fen,
    COALESCE(a.excluded_income_fen, 0) AS excluded_income_fen,
    COALESCE(a.maintenance_paid_fen, 0) AS maintenance_paid_fen,
    COALESCE(a.rigid_expense_deduction_fen, 0) AS rigid_expense_deduction_fen,
    COALESCE(a.rigid_spending_fen, 0) AS rigid_spending_fen,
    p.dibao_employment_cost_rate AS employment_cost_rate,
    -- the deduction is rounded to the fen half up here, the step where the policy applies the rate
    CAST(COALESCE(FLOOR(COALESCE(a.wages_fen, 0) * p.dibao_employment_cost_rate + 0.5), 0) AS BIGINT)
      AS employment_cost_deduction_fen
  FROM households AS h
  CROSS JOIN run AS r
  LEFT JOIN agg AS a ON a.household_id = h.household_id
  LEFT JOIN params AS p
    ON p.banner_code = h.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
counted AS (
  SELECT
    *,
    CAST(wages_fen + business_fen + property_fen + transfer_fen + other_fen AS BIGINT) AS gross_income_fen,
    CAST(GREATEST(0, wages_fen - employment_cost_deduction_fen + business_fen + property_fen
                     + transfer_fen - maintenance_paid_fen + other_fen - rigid_expense_deduction_fen)
         AS BIGINT) AS counted_income_fen
  FROM base
)
SELECT
  household_id,
  banner_code,
  hukou,
  members_counted,
  heads,
  members_incomplete,
  wages_fen,
  business_fen,
  property_fen,
  transfer_fen,
  other_fen,
  excluded_income_fen,
  maintenance_paid_fen,
  rigid_expense_deduction_fen,
  rigid_spending_fen,
  employment_cost_rate,
  employment_cost_deduction_fen,
  gross_income_fen,
  counted_income_fen,
  -- per-capita income, half up to the fen, in integers: (2a + n) DIV 2n
  CAST(CASE WHEN members_counted > 0
            THEN (2 * counted_income_fen + members_counted) // (2 * members_counted) END AS BIGINT)
    AS per_capita_income_fen,
  members_counted > 0 AS has_members,
  heads = 1 AS has_one_head,
  members_incomplete = 0 AS member_data_complete,
  employment_cost_rate IS NOT NULL AS income_parameters_found,
  COALESCE(members_counted > 0 AND heads = 1 AND members_incomplete = 0
           AND employment_cost_rate IS NOT NULL, FALSE) AS income_data_complete
FROM counted
