-- 零就业家庭 zero-employment households: every working-age member who is in the labour force (able and
-- willing to work) is unemployed, and there is at least one. Farming, herding and self-employment count
-- as work. Inputs: members(person_id, household_id, sex, birth_date, employment_status, death_date),
--   request(as_of), parameters(name, value).
WITH p AS (
    SELECT
        MAX(CASE WHEN name = 'employment.working_age_min' THEN value END) AS age_min,
        MAX(CASE WHEN name = 'employment.retirement_age.male' THEN value END) AS retire_male,
        MAX(CASE WHEN name = 'employment.retirement_age.female' THEN value END) AS retire_female
    FROM parameters
),
aged AS (
    SELECT
        m.household_id,
        m.person_id,
        m.employment_status,
        YEAR(r.as_of) - YEAR(m.birth_date)
            - CASE WHEN MONTH(r.as_of) * 100 + DAY(r.as_of) < MONTH(m.birth_date) * 100 + DAY(m.birth_date) THEN 1 ELSE 0 END
            AS age,
        CASE WHEN m.sex = 'M' THEN p.retire_male ELSE p.retire_female END AS retirement_age,
        p.age_min
    FROM members m
    CROSS JOIN request r
    CROSS JOIN p
    WHERE m.death_date IS NULL OR m.death_date > r.as_of
),
working_age AS (
    SELECT * FROM aged WHERE age >= age_min AND age < retirement_age
)
SELECT
    household_id,
    CAST(COUNT(*) AS INTEGER) AS working_age_members,
    CAST(SUM(CASE WHEN employment_status IN ('employed', 'self_employed', 'farming', 'unemployed') THEN 1 ELSE 0 END)
        AS INTEGER) AS labour_force_members,
    CAST(SUM(CASE WHEN employment_status IN ('employed', 'self_employed', 'farming') THEN 1 ELSE 0 END) AS INTEGER)
        AS working_members,
    CAST(SUM(CASE WHEN employment_status = 'unemployed' THEN 1 ELSE 0 END) AS INTEGER) AS unemployed_members,
    SUM(CASE WHEN employment_status = 'unemployed' THEN 1 ELSE 0 END) > 0
        AND SUM(CASE WHEN employment_status IN ('employed', 'self_employed', 'farming') THEN 1 ELSE 0 END) = 0
        AS is_zero_employment
FROM working_age
GROUP BY household_id
