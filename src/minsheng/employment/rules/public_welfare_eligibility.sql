-- 公益性岗位 eligibility of persons with employment difficulty (就业困难人员) and the placement period
-- (RULES §6): at most `max_years`, or until retirement for those within `retirement_window_years` of it.
-- Inputs: candidates(person_id, banner_code, sex, birth_date, is_dibao, is_zero_employment_household,
--   is_disabled, is_poverty_alleviated, is_unemployed, previous_placements), run(as_of), params.
WITH aged AS (
    SELECT
        c.*,
        YEAR(r.as_of) - YEAR(c.birth_date)
            - CASE WHEN MONTH(r.as_of) * 100 + DAY(r.as_of) < MONTH(c.birth_date) * 100 + DAY(c.birth_date) THEN 1 ELSE 0 END
            AS age,
        -- whole months of age, for the months left before retirement
        (YEAR(r.as_of) - YEAR(c.birth_date)) * 12 + MONTH(r.as_of) - MONTH(c.birth_date)
            - CASE WHEN DAY(r.as_of) < DAY(c.birth_date) THEN 1 ELSE 0 END AS age_months,
        CAST(CASE WHEN c.sex = 'M' THEN p.employment_retirement_age_male ELSE p.employment_retirement_age_female END
            AS INTEGER) AS retirement_age,
        CAST(CASE WHEN c.sex = 'M' THEN p.employment_hardship_age_male_4050 ELSE p.employment_hardship_age_female_4050 END
            AS INTEGER) AS age_4050,
        CAST(p.employment_working_age_min AS INTEGER) AS age_min,
        CAST(p.employment_public_welfare_job_max_years AS INTEGER) AS max_years,
        CAST(p.employment_public_welfare_job_retirement_window_years AS INTEGER) AS window_years,
        CAST(p.employment_public_welfare_job_max_placements AS INTEGER) AS max_placements
    FROM candidates c
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = c.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
),
checked AS (
    SELECT
        *,
        COALESCE(age >= age_min AND age < retirement_age, FALSE) AS working_age_ok,
        COALESCE(age >= age_4050, FALSE) AS is_4050,
        COALESCE(is_dibao OR is_zero_employment_household OR is_disabled OR is_poverty_alleviated OR age >= age_4050,
            FALSE) AS difficulty_ok,
        COALESCE(previous_placements < max_placements, FALSE) AS placements_ok,
        retirement_age * 12 - age_months AS months_to_retirement
    FROM aged
)
SELECT
    person_id,
    banner_code,
    age,
    retirement_age,
    working_age_ok,
    is_4050,
    difficulty_ok,
    placements_ok,
    previous_placements,
    max_placements,
    working_age_ok AND difficulty_ok AND placements_ok AS eligible,
    months_to_retirement,
    COALESCE(months_to_retirement <= window_years * 12, FALSE) AS until_retirement,
    CASE WHEN months_to_retirement <= window_years * 12 THEN months_to_retirement ELSE max_years * 12 END
        AS period_months,
    max_years,
    window_years
FROM checked
