-- 零就业家庭 zero-employment households (RULES §6): every working-age member in the labour force (able
-- and willing to work) is unemployed, and there is at least one. Farming, herding and self-employment
-- count as work. One row per household of `households`.
-- Inputs: households(household_id, banner_code), members(person_id, household_id, sex, birth_date,
--   employment_status, death_date), run(as_of), params.
WITH aged AS (
    SELECT
        m.household_id,
        m.employment_status,
        YEAR(r.as_of) - YEAR(m.birth_date)
            - CASE WHEN MONTH(r.as_of) * 100 + DAY(r.as_of) < MONTH(m.birth_date) * 100 + DAY(m.birth_date) THEN 1 ELSE 0 END
            AS age,
        CASE WHEN m.sex = 'M' THEN p.employment_retirement_age_male ELSE p.employment_retirement_age_female END
            AS retirement_age,
        p.employment_working_age_min AS age_min
    FROM members m
    JOIN households h ON h.household_id = m.household_id
    CROSS JOIN run r
    LEFT JOIN params p
        ON p.banner_code = h.banner_code AND r.as_of >= p.valid_from AND r.as_of < p.valid_to
    WHERE m.death_date IS NULL OR m.death_date > r.as_of
),
counted AS (
    SELECT
        household_id,
        CAST(COUNT(*) AS INTEGER) AS working_age_members,
        CAST(SUM(CASE WHEN employment_status IN ('employed', 'self_employed', 'farming', 'unemployed') THEN 1 ELSE 0 END)
            AS INTEGER) AS labour_force_members,
        CAST(SUM(CASE WHEN employment_status IN ('employed', 'self_employed', 'farming') THEN 1 ELSE 0 END) AS INTEGER)
            AS working_members,
        CAST(SUM(CASE WHEN employment_status = 'unemployed' THEN 1 ELSE 0 END) AS INTEGER) AS unemployed_members
    FROM aged
    WHERE age >= age_min AND age < retirement_age
    GROUP BY household_id
)
SELECT
    h.household_id,
    h.banner_code,
    COALESCE(c.working_age_members, 0) AS working_age_members,
    COALESCE(c.labour_force_members, 0) AS labour_force_members,
    COALESCE(c.working_members, 0) AS working_members,
    COALESCE(c.unemployed_members, 0) AS unemployed_members,
    COALESCE(c.unemployed_members > 0 AND c.working_members = 0, FALSE) AS is_zero_employment
FROM households h
LEFT JOIN counted c ON c.household_id = h.household_id
