-- 公益性岗位 eligibility of persons with employment difficulty (就业困难人员) and the placement period:
-- at most `max_years`, or until retirement for those within `retirement_window_years` of it.
-- Inputs: candidates(person_id, sex, birth_date, is_dibao, is_zero_employment_household, is_disabled,
--   is_poverty_alleviated, is_unemployed, previous_placements), request(as_of), parameters(name, value).
WITH p AS (
    SELECT
        MAX(CASE WHEN name = 'employment.retirement_age.male' THEN value END) AS retire_male,
        MAX(CASE WHEN name = 'employment.retirement_age.female' THEN value END) AS retire_female,
        MAX(CASE WHEN name = 'employment.hardship.age_male_4050' THEN value END) AS age_male_4050,
        MAX(CASE WHEN name = 'employment.hardship.age_female_4050' THEN value END) AS age_female_4050,
        MAX(CASE WHEN name = 'employment.working_age_min' THEN value END) AS age_min,
        MAX(CASE WHEN name = 'employment.public_welfare_job.max_years' THEN value END) AS max_years,
        MAX(CASE WHEN name = 'employment.public_welfare_job.retirement_window_years' THEN value END) AS window_years,
        MAX(CASE WHEN name = 'employment.public_welfare_job.max_placements' THEN value END) AS max_placements
    FROM parameters
),
aged AS (
    SELECT
        c.*,
        YEAR(r.as_of) - YEAR(c.birth_date)
            - CASE WHEN MONTH(r.as_of) * 100 + DAY(r.as_of) < MONTH(c.birth_date) * 100 + DAY(c.birth_date) THEN 1 ELSE 0 END
            AS age,
        -- whole months of age, for the months left before retirement
        (YEAR(r.as_of) - YEAR(c.birth_date)) * 12 + MONTH(r.as_of) - MONTH(c.birth_date)
            - CASE WHEN DAY(r.as_of) < DAY(c.birth_date) THEN 1 ELSE 0 END AS age_months,
        CAST(CASE WHEN c.sex = 'M' THEN p.retire_male ELSE p.retire_female END AS INTEGER) AS retirement_age,
        CAST(CASE WHEN c.sex = 'M' THEN p.age_male_4050 ELSE p.age_female_4050 END AS INTEGER) AS age_4050,
        CAST(p.age_min AS INTEGER) AS age_min,
        CAST(p.max_years AS INTEGER) AS max_years,
        CAST(p.window_years AS INTEGER) AS window_years,
        CAST(p.max_placements AS INTEGER) AS max_placements
    FROM candidates c CROSS JOIN request r CROSS JOIN p
),
checked AS (
    SELECT
        *,
        age >= age_min AND age < retirement_age AS working_age_ok,
        age >= age_4050 AS is_4050,
        is_dibao OR is_zero_employment_household OR is_disabled OR is_poverty_alleviated OR age >= age_4050
            AS difficulty_ok,
        previous_placements < max_placements AS placements_ok,
        retirement_age * 12 - age_months AS months_to_retirement
    FROM aged
)
SELECT
    person_id,
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
    months_to_retirement <= window_years * 12 AS until_retirement,
    CASE WHEN months_to_retirement <= window_years * 12 THEN months_to_retirement ELSE max_years * 12 END
        AS period_months,
    max_years,
    window_years
FROM checked
