-- 失业保险金 unemployment benefit: eligibility (Regulations Art. 14), longest period (Art. 17) and the
-- monthly amount between the floor (urban 低保) and the minimum wage.
-- Inputs: claimants(person_id, banner_code, contribution_years, carried_over_months, involuntary,
--   registered), run(as_of), params.
WITH checked AS (
    SELECT
        c.person_id,
        c.banner_code,
        c.contribution_years,
        c.carried_over_months,
        COALESCE(c.contribution_years >= p.employment_unemployment_benefit_min_contribution_years, FALSE)
            AS contribution_ok,
        c.involuntary AS involuntary_ok,
        c.registered AS registered_ok,
        CASE
            WHEN c.contribution_years >= 10 THEN p.employment_unemployment_benefit_months_10_years_plus
            WHEN c.contribution_years >= 5 THEN p.employment_unemployment_benefit_months_5_to_10_years
            ELSE p.employment_unemployment_benefit_months_under_5_years
        END AS period_months,
        p.employment_unemployment_benefit_months_10_years_plus AS months_cap,
        p.employment_minimum_wage_fen AS minimum_wage_fen,
        p.employment_unemployment_benefit_floor_fen AS floor_fen,
        CAST(FLOOR(p.employment_minimum_wage_fen * p.employment_unemployment_benefit_ratio_of_minimum_wage + 0.5)
            AS BIGINT) AS computed_fen
    FROM claimants c
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = c.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
)
SELECT
    person_id,
    banner_code,
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
