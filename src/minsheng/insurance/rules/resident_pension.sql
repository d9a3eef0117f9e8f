-- 城乡居民基本养老保险待遇 (国发〔2014〕8号): who draws in the month of run.as_of, and how much.
-- Months are counted as integer indexes (year × 12 + month − 1) so the query stays portable to Spark.
WITH paid AS (
    SELECT
        c.person_id,
        SUM(CASE WHEN c.scheme = 'resident_pension' AND c.status = 'contributing' AND c.months_paid > 0
                 THEN 1 ELSE 0 END) AS resident_years,
        SUM(CASE WHEN c.scheme = 'employee_pension' AND c.status = 'contributing'
                 THEN c.months_paid ELSE 0 END) AS employee_months,
        SUM(CASE WHEN c.scheme = 'resident_pension' THEN c.account_credit_fen ELSE 0 END) AS account_balance_fen
    FROM contributions c
    GROUP BY c.person_id
),
unit AS (
    SELECT
        u.person_id,
        u.banner_code,
        u.hukou,
        u.birth_date,
        u.death_date,
        r.as_of,
        YEAR(r.as_of) * 12 + MONTH(r.as_of) - 1 AS as_of_index,
        YEAR(u.birth_date) * 12 + MONTH(u.birth_date) - 1 AS birth_index,
        YEAR(u.birth_date) * 10000 + MONTH(u.birth_date) * 100 + DAY(u.birth_date) AS birth_key,
        CAST(COALESCE(pd.resident_years, 0) AS BIGINT) AS resident_years,
        CAST(COALESCE(pd.employee_months, 0) AS BIGINT) AS employee_months,
        CAST(COALESCE(pd.account_balance_fen, 0) AS BIGINT) AS account_balance_fen,
        p.insurance_resident_pension_basic_national_fen AS basic_national_fen,
        COALESCE(p.insurance_resident_pension_basic_regional_topup_fen, 0) AS basic_topup_fen,
        p.insurance_resident_pension_account_divisor AS account_divisor,
        p.insurance_resident_pension_pension_age AS pension_age,
        p.insurance_resident_pension_minimum_years AS minimum_years,
        p.insurance_resident_pension_start_month_offset AS start_month_offset,
        p.insurance_resident_pension_launch_date AS launch_date,
        p.insurance_resident_pension_arrears_per_year_fen AS arrears_per_year_fen
    FROM persons u
    CROSS JOIN run r
    LEFT JOIN paid pd ON pd.person_id = u.person_id
    LEFT JOIN params p
        ON p.banner_code = u.banner_code
        AND p.hukou = u.hukou
        AND r.as_of >= p.valid_from
        AND r.as_of < p.valid_to
),
facts AS (
    SELECT
        unit.*,
        resident_years + CAST(FLOOR(employee_months / 12) AS BIGINT) AS contribution_years,
        -- never before the scheme itself started in this place
        GREATEST(
            birth_index + pension_age * 12 + start_month_offset,
            YEAR(launch_date) * 12 + MONTH(launch_date) - 1
        ) AS start_index,
        -- aged 60 or more on the day the scheme started in this place: no contribution needed
        (YEAR(launch_date) * 10000 + MONTH(launch_date) * 100 + DAY(launch_date)) - birth_key
            >= pension_age * 10000 AS aged_at_launch
    FROM unit
),
checked AS (
    SELECT
        facts.*,
        CASE WHEN aged_at_launch THEN 0 ELSE minimum_years END AS required_years,
        MAKE_DATE(CAST(FLOOR(start_index / 12) AS INTEGER), CAST(start_index % 12 + 1 AS INTEGER), 1)
            AS start_month,
        basic_national_fen IS NOT NULL AND account_divisor IS NOT NULL AND pension_age IS NOT NULL
            AND minimum_years IS NOT NULL AND start_month_offset IS NOT NULL AND launch_date IS NOT NULL
            AS standard_known,
        COALESCE(start_index <= as_of_index, FALSE) AS reached_age,
        death_date IS NULL OR death_date > as_of AS alive,
        COALESCE(employee_months < minimum_years * 12, FALSE) AS no_employee_pension
    FROM facts
),
decided AS (
    SELECT
        checked.*,
        COALESCE(contribution_years >= required_years, FALSE) AS enough_years,
        CASE WHEN account_divisor > 0
             THEN CAST(FLOOR((2 * account_balance_fen + account_divisor) / (2.0 * account_divisor)) AS BIGINT)
             ELSE 0 END AS account_pension_fen
    FROM checked
)
SELECT
    person_id,
    banner_code,
    hukou,
    birth_date,
    start_month,
    pension_age,
    aged_at_launch,
    launch_date,
    contribution_years,
    resident_years,
    employee_months,
    required_years,
    CAST(CASE WHEN NOT enough_years AND required_years > contribution_years
              THEN required_years - contribution_years ELSE 0 END AS BIGINT) AS arrears_years,
    CAST(CASE WHEN NOT enough_years AND required_years > contribution_years
              THEN (required_years - contribution_years) * arrears_per_year_fen ELSE 0 END AS BIGINT)
        AS arrears_fen,
    arrears_per_year_fen,
    account_balance_fen,
    account_divisor,
    CAST(basic_national_fen AS BIGINT) AS basic_national_fen,
    CAST(basic_topup_fen AS BIGINT) AS basic_topup_fen,
    account_pension_fen,
    standard_known,
    reached_age,
    enough_years,
    no_employee_pension,
    alive,
    standard_known AND reached_age AND enough_years AND no_employee_pension AND alive AS eligible,
    CAST(CASE WHEN standard_known AND reached_age AND enough_years AND no_employee_pension AND alive
              THEN basic_national_fen + basic_topup_fen + account_pension_fen ELSE 0 END AS BIGINT)
        AS monthly_pension_fen,
    COALESCE(standard_known AND enough_years AND no_employee_pension AND alive
             AND start_index = as_of_index, FALSE) AS starts_this_month
FROM decided
