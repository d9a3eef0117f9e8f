-- 失业保险金 unemployment benefit: eligibility (Regulations Art. 14), longest period (Art. 17) and the
-- monthly amount between the floor (urban 低保) and the minimum wage.
-- Inputs: claimants(person_id, contribution_years, carried_over_months, involuntary, registered),
--   parameters(name, value); money parameters arrive in fen.
WITH p AS (
    SELECT
        MAX(CASE WHEN name = 'employment.unemployment_benefit.min_contribution_years' THEN value END) AS min_years,
        MAX(CASE WHEN name = 'employment.unemployment_benefit.months_under_5_years' THEN value END) AS months_short,
        MAX(CASE WHEN name = 'employment.unemployment_benefit.months_5_to_10_years' THEN value END) AS months_middle,
        MAX(CASE WHEN name = 'employment.unemployment_benefit.months_10_years_plus' THEN value END) AS months_long,
        MAX(CASE WHEN name = 'employment.unemployment_benefit.ratio_of_minimum_wage' THEN value END) AS ratio,
        MAX(CASE WHEN name = 'employment.minimum_wage' THEN value END) AS minimum_wage_fen,
        MAX(CASE WHEN name = 'employment.unemployment_benefit.floor' THEN value END) AS floor_fen
    FROM parameters
),
checked AS (
    SELECT
        c.person_id,
        c.contribution_years,
        c.carried_over_months,
        c.contribution_years >= p.min_years AS contribution_ok,
        c.involuntary AS involuntary_ok,
        c.registered AS registered_ok,
        CASE
            WHEN c.contribution_years >= 10 THEN p.months_long
            WHEN c.contribution_years >= 5 THEN p.months_middle
            ELSE p.months_short
        END AS period_months,
        p.months_long AS months_cap,
        CAST(p.minimum_wage_fen AS BIGINT) AS minimum_wage_fen,
        CAST(p.floor_fen AS BIGINT) AS floor_fen,
        CAST(ROUND(p.minimum_wage_fen * p.ratio, 0) AS BIGINT) AS computed_fen
    FROM claimants c CROSS JOIN p
)
SELECT
    person_id,
    contribution_years,
    contribution_ok,
    involuntary_ok,
    registered_ok,
    contribution_ok AND involuntary_ok AND registered_ok AS eligible,
    CASE
        WHEN contribution_ok AND involuntary_ok AND registered_ok
            -- unused months of an earlier period carry over, within the 24-month cap (Art. 17)
            THEN CAST(LEAST(period_months + carried_over_months, months_cap) AS INTEGER)
        ELSE 0
    END AS entitled_months,
    CAST(period_months AS INTEGER) AS period_months,
    minimum_wage_fen,
    floor_fen,
    CASE
        WHEN contribution_ok AND involuntary_ok AND registered_ok
            THEN LEAST(GREATEST(computed_fen, floor_fen), minimum_wage_fen)
        ELSE CAST(0 AS BIGINT)
    END AS monthly_fen
FROM checked
