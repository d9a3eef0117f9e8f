-- 三重制度一站式结算 one-stop three-tier settlement: basic insurance → critical illness → medical aid.
--
-- One query for one claim at the hospital (prior accumulators given) and for a month of claims in batch.
-- A person's claims of a year are settled in (discharge_date, admission_date, claim_id) order. Annual
-- caps and the year-long 大病 / aid deductibles are applied WITHOUT a per-claim loop:
--   each tier has a cumulative entitlement E(x) = GREATEST(prior_paid, LEAST(cap, ROUND(F(prior_base + x))))
--   over the running sum x of its base (raw basic pay, within-catalogue out-of-pocket, residual), and a
--   claim's share is E(x through this claim) − E(x through the previous claim). The previous value is the
--   running sum minus this claim's own base, so one SUM() OVER per tier suffices (no LAG, no recursion).
--   F is monotone, so no share is negative; E never exceeds the cap (or prior_paid, if a cap was lowered);
--   rounding is applied to cumulative values, so the shares telescope to the rounded annual total exactly.
-- Rounding is half up (四舍五入) and explicit: FLOOR(x + 0.5) on non-negative exact decimals.
--
-- Inputs: claims, enrolment, institutions, filings, accumulators (prior, per person and year),
-- parameters (long form: name, region, dates, dimension columns, value; region overrides resolved).

WITH params AS (
    SELECT
        name, region, effective_from, COALESCE(effective_to, DATE '9999-12-31') AS effective_to,
        insurance_type, person_type, care_type, hospital_level, aid_category, filing_type, segment,
        CAST(value AS DECIMAL(38, 10)) AS value
    FROM medical_params
    WHERE name LIKE 'medical.%'
),

-- parameter periods: between two consecutive effective dates no medical parameter changes
breakpoints AS (
    SELECT effective_from AS boundary FROM params
    UNION
    SELECT effective_to AS boundary FROM params
),

periods AS (
    SELECT boundary AS period_from, LEAD(boundary) OVER (ORDER BY boundary) AS period_to FROM breakpoints
),

claim_base AS (
    SELECT
        c.claim_id,
        c.person_id,
        c.institution_id,
        c.care_type,
        c.admission_date,
        c.discharge_date,
        CAST(EXTRACT(YEAR FROM c.discharge_date) AS INTEGER) AS year,
        c.class_a_fen,
        c.class_b_fen,
        c.class_c_fen,
        c.class_a_fen + c.class_b_fen + c.class_c_fen AS total_fen,
        e.insurance_type,
        e.person_type,
        COALESCE(e.aid_category, 'none') AS aid_category,
        e.pool_region,
        i.level AS hospital_level,
        i.region_code AS institution_region,
        pe.period_from,
        (i.region_code IS NOT NULL AND SUBSTRING(i.region_code, 1, 2) <> '15') AS cross_province,
        (e.person_id IS NOT NULL
            AND e.enrolled_on <= c.discharge_date
            AND (e.ended_on IS NULL OR e.ended_on > c.discharge_date)) AS check_insured,
        (i.institution_id IS NOT NULL) AS check_institution_known,
        (c.discharge_date >= c.admission_date) AS check_dates_valid,
        (c.class_a_fen >= 0 AND c.class_b_fen >= 0 AND c.class_c_fen >= 0) AS check_amounts_valid
    FROM claims AS c
    LEFT JOIN enrolment AS e
        ON e.person_id = c.person_id AND e.year = CAST(EXTRACT(YEAR FROM c.discharge_date) AS INTEGER)
    LEFT JOIN institutions AS i ON i.institution_id = c.institution_id
    LEFT JOIN periods AS pe
        ON c.discharge_date >= pe.period_from AND c.discharge_date < COALESCE(pe.period_to, DATE '9999-12-31')
),

-- the parameters are looked up once per profile (league, period, insurance type, person type, care type,
-- level, aid category), not once per claim: a month of claims has a few thousand profiles
profiles AS (
    SELECT DISTINCT
        pool_region, period_from, insurance_type, person_type, care_type,
        CAST(hospital_level AS VARCHAR) AS hospital_level, aid_category
    FROM claim_base
    WHERE pool_region IS NOT NULL
),

tariff AS (
    SELECT
        pr.pool_region, pr.period_from, pr.insurance_type, pr.person_type, pr.care_type, pr.hospital_level,
        pr.aid_category,
        MAX(CASE WHEN pa.name = 'medical.catalogue.class_b_self_pay_ratio' THEN pa.value END) AS class_b_self_pay_ratio,
        MAX(CASE WHEN pa.name = 'medical.basic.deductible' THEN pa.value END) AS basic_deductible_param,
        MAX(CASE WHEN pa.name = 'medical.basic.ratio' THEN pa.value END) AS basic_ratio_base,
        MAX(CASE WHEN pa.name = 'medical.basic.annual_cap' THEN pa.value END) AS basic_cap_param,
        MAX(CASE WHEN pa.name = 'medical.cross_province.ratio_reduction' AND pa.filing_type = 'unfiled'
            THEN pa.value END) AS unfiled_reduction_points,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.deductible' THEN pa.value END) AS cii_deductible_param,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.annual_cap' THEN pa.value END) AS cii_cap_param,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.segment_upper' AND pa.segment = '1' THEN pa.value END)
            AS cii_segment_1_upper_param,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.segment_upper' AND pa.segment = '2' THEN pa.value END)
            AS cii_segment_2_upper_param,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.segment_ratio' AND pa.segment = '1' THEN pa.value END)
            AS cii_segment_1_ratio,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.segment_ratio' AND pa.segment = '2' THEN pa.value END)
            AS cii_segment_2_ratio,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.segment_ratio' AND pa.segment = '3' THEN pa.value END)
            AS cii_segment_3_ratio,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.tilt_applies' THEN pa.value END) AS tilt_applies,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.tilt_deductible_factor' THEN pa.value END)
            AS tilt_deductible_factor,
        MAX(CASE WHEN pa.name = 'medical.critical_illness.tilt_ratio_points' THEN pa.value END) AS tilt_ratio_points,
        MAX(CASE WHEN pa.name = 'medical.aid.deductible' THEN pa.value END) AS aid_deductible_param,
        MAX(CASE WHEN pa.name = 'medical.aid.ratio' THEN pa.value END) AS medical_aid_ratio,
        MAX(CASE WHEN pa.name = 'medical.aid.annual_cap' THEN pa.value END) AS aid_cap_param
    FROM profiles AS pr
    JOIN params AS pa
        ON pa.region = pr.pool_region
        AND pr.period_from >= pa.effective_from AND pr.period_from < pa.effective_to
        AND (pa.insurance_type IS NULL OR pa.insurance_type = pr.insurance_type)
        AND (pa.person_type IS NULL OR pa.person_type = pr.person_type)
        AND (pa.care_type IS NULL OR pa.care_type = pr.care_type)
        AND (pa.hospital_level IS NULL OR pa.hospital_level = pr.hospital_level)
        AND (pa.aid_category IS NULL OR pa.aid_category = pr.aid_category)
    GROUP BY pr.pool_region, pr.period_from, pr.insurance_type, pr.person_type, pr.care_type, pr.hospital_level,
        pr.aid_category
),

-- a cross-province claim takes the person's filing valid on the admission date; the lowest reduction wins
filing_of_claim AS (
    SELECT
        cb.claim_id,
        MIN(fr.value) AS filed_reduction_points,
        ARG_MIN(f.filing_type, fr.value) AS filed_type
    FROM claim_base AS cb
    JOIN filings AS f
        ON f.person_id = cb.person_id
        AND f.valid_from <= cb.admission_date
        AND (f.valid_to IS NULL OR f.valid_to > cb.admission_date)
    JOIN params AS fr
        ON fr.name = 'medical.cross_province.ratio_reduction'
        AND fr.filing_type = f.filing_type
        AND cb.discharge_date >= fr.effective_from AND cb.discharge_date < fr.effective_to
        AND fr.region = cb.pool_region
    WHERE cb.cross_province
    GROUP BY cb.claim_id
),

priced AS (
    SELECT
        cb.*,
        CASE
            WHEN NOT cb.cross_province THEN 'in_region'
            WHEN fc.claim_id IS NULL THEN 'unfiled'
            ELSE fc.filed_type
        END AS filing_type,
        CASE
            WHEN NOT cb.cross_province THEN 0
            ELSE COALESCE(fc.filed_reduction_points, t.unfiled_reduction_points)
        END AS ratio_reduction_points,
        t.class_b_self_pay_ratio,
        t.basic_deductible_param,
        t.basic_ratio_base,
        t.basic_cap_param,
        t.cii_deductible_param,
        t.cii_cap_param,
        t.cii_segment_1_upper_param,
        t.cii_segment_2_upper_param,
        t.cii_segment_1_ratio,
        t.cii_segment_2_ratio,
        t.cii_segment_3_ratio,
        COALESCE(t.tilt_applies, 0) = 1 AS critical_illness_tilt,
        t.tilt_deductible_factor,
        t.tilt_ratio_points,
        t.aid_deductible_param,
        t.medical_aid_ratio,
        t.aid_cap_param
    FROM claim_base AS cb
    LEFT JOIN filing_of_claim AS fc ON fc.claim_id = cb.claim_id
    LEFT JOIN tariff AS t
        ON t.pool_region = cb.pool_region AND t.period_from = cb.period_from
        AND t.insurance_type = cb.insurance_type AND t.person_type = cb.person_type
        AND t.care_type = cb.care_type AND t.hospital_level = CAST(cb.hospital_level AS VARCHAR)
        AND t.aid_category = cb.aid_category
),

-- the claim's own amounts in fen: policy amount, deductible, raw basic pay (before the annual cap)
claim_amounts AS (
    SELECT
        p.*,
        (p.class_b_self_pay_ratio IS NOT NULL AND p.basic_deductible_param IS NOT NULL
            AND p.basic_ratio_base IS NOT NULL AND p.basic_cap_param IS NOT NULL
            AND p.cii_deductible_param IS NOT NULL AND p.cii_cap_param IS NOT NULL
            AND p.cii_segment_1_upper_param IS NOT NULL AND p.cii_segment_2_upper_param IS NOT NULL
            AND p.cii_segment_1_ratio IS NOT NULL AND p.cii_segment_2_ratio IS NOT NULL
            AND p.cii_segment_3_ratio IS NOT NULL AND p.tilt_deductible_factor IS NOT NULL
            AND p.tilt_ratio_points IS NOT NULL AND p.aid_deductible_param IS NOT NULL
            AND p.medical_aid_ratio IS NOT NULL AND p.aid_cap_param IS NOT NULL
            AND p.ratio_reduction_points IS NOT NULL) AS check_parameters_found,
        GREATEST(CAST(0 AS DECIMAL(38, 10)), p.basic_ratio_base - p.ratio_reduction_points * 0.01) AS basic_ratio,
        CAST(FLOOR(p.class_b_fen * p.class_b_self_pay_ratio + 0.5) AS BIGINT) AS class_b_self_fen,
        CAST(FLOOR(p.basic_deductible_param + 0.5) AS BIGINT) AS basic_deductible_fen,
        CAST(FLOOR(p.basic_cap_param + 0.5) AS BIGINT) AS basic_cap_fen,
        CAST(FLOOR(p.cii_deductible_param
            * CASE WHEN COALESCE(p.tilt, 0) = 1 THEN p.tilt_deductible_factor ELSE 1 END + 0.5) AS BIGINT)
            AS critical_illness_deductible_fen,
        CASE WHEN COALESCE(p.tilt, 0) = 1 THEN p.tilt_ratio_points * 0.01 ELSE CAST(0 AS DECIMAL(38, 10)) END AS cii_ratio_bonus,
        CASE WHEN COALESCE(p.tilt, 0) = 1 THEN CAST(900000000000000 AS BIGINT)
            ELSE CAST(FLOOR(p.cii_cap_param + 0.5) AS BIGINT) END AS critical_illness_cap_fen,
        CAST(FLOOR(p.cii_segment_1_upper_param + 0.5) AS BIGINT) AS seg1_upper_fen,
        CAST(FLOOR(p.cii_segment_2_upper_param + 0.5) AS BIGINT) AS seg2_upper_fen,
        CAST(FLOOR(p.aid_deductible_param + 0.5) AS BIGINT) AS medical_aid_deductible_fen,
        CAST(FLOOR(p.aid_cap_param + 0.5) AS BIGINT) AS medical_aid_cap_fen
    FROM (SELECT priced.*, CASE WHEN critical_illness_tilt THEN 1 ELSE 0 END AS tilt FROM priced) AS p
),

eligible AS (
    SELECT
        a.*,
        (a.check_insured AND a.check_institution_known AND a.check_dates_valid AND a.check_amounts_valid
            AND a.check_parameters_found) AS settled
    FROM claim_amounts AS a
),

basic_raw AS (
    SELECT
        e.*,
        CASE WHEN e.settled THEN e.class_a_fen + e.class_b_fen - e.class_b_self_fen ELSE 0 END AS policy_fen,
        CASE WHEN e.settled
            THEN LEAST(e.class_a_fen + e.class_b_fen - e.class_b_self_fen, e.basic_deductible_fen) ELSE 0 END
            AS deductible_fen
    FROM eligible AS e
),

basic_capped AS (
    SELECT
        b.*,
        CAST(FLOOR((b.policy_fen - b.deductible_fen) * b.basic_ratio + 0.5) AS BIGINT) AS basic_raw_fen
    FROM basic_raw AS b
),

basic_running AS (
    SELECT
        b.*,
        COALESCE(acc.basic_paid_fen, 0) AS prior_basic_paid_fen,
        COALESCE(acc.oop_policy_fen, 0) AS prior_oop_policy_fen,
        COALESCE(acc.critical_illness_paid_fen, 0) AS prior_critical_illness_paid_fen,
        COALESCE(acc.residual_fen, 0) AS prior_residual_fen,
        COALESCE(acc.medical_aid_paid_fen, 0) AS prior_medical_aid_paid_fen,
        CAST(SUM(CASE WHEN b.settled THEN b.basic_raw_fen ELSE 0 END) OVER (
            PARTITION BY b.person_id, b.year
            ORDER BY b.discharge_date, b.admission_date, b.claim_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS BIGINT) AS basic_raw_running_fen
    FROM basic_capped AS b
    LEFT JOIN accumulators AS acc ON acc.person_id = b.person_id AND acc.year = b.year
),

basic_paid AS (
    SELECT
        r.*,
        CASE WHEN r.settled THEN
            GREATEST(r.prior_basic_paid_fen, LEAST(r.basic_cap_fen, r.prior_basic_paid_fen + r.basic_raw_running_fen))
            - GREATEST(r.prior_basic_paid_fen,
                LEAST(r.basic_cap_fen, r.prior_basic_paid_fen + r.basic_raw_running_fen - r.basic_raw_fen))
        ELSE 0 END AS basic_fen,
        GREATEST(r.prior_basic_paid_fen,
            LEAST(COALESCE(r.basic_cap_fen, 0), r.prior_basic_paid_fen + r.basic_raw_running_fen))
            AS basic_paid_total_fen
    FROM basic_running AS r
),

cii_running AS (
    SELECT
        b.*,
        b.policy_fen - b.basic_fen AS oop_policy_fen,
        b.prior_oop_policy_fen + CAST(SUM(b.policy_fen - b.basic_fen) OVER (
            PARTITION BY b.person_id, b.year
            ORDER BY b.discharge_date, b.admission_date, b.claim_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS BIGINT) AS oop_policy_total_fen
    FROM basic_paid AS b
),

-- x = the year's within-catalogue out-of-pocket above the 大病 deductible, before and after this claim
cii_excess AS (
    SELECT
        c.*,
        GREATEST(0, c.oop_policy_total_fen - c.critical_illness_deductible_fen) AS cii_x_after,
        GREATEST(0, c.oop_policy_total_fen - c.oop_policy_fen - c.critical_illness_deductible_fen) AS cii_x_before
    FROM cii_running AS c
),

cii_entitled AS (
    SELECT
        c.*,
        GREATEST(c.prior_critical_illness_paid_fen, LEAST(c.critical_illness_cap_fen, CAST(FLOOR(
            (c.cii_segment_1_ratio + c.cii_ratio_bonus) * LEAST(c.cii_x_after, c.seg1_upper_fen)
            + (c.cii_segment_2_ratio + c.cii_ratio_bonus)
                * GREATEST(0, LEAST(c.cii_x_after, c.seg2_upper_fen) - c.seg1_upper_fen)
            + (c.cii_segment_3_ratio + c.cii_ratio_bonus) * GREATEST(0, c.cii_x_after - c.seg2_upper_fen)
            + 0.5) AS BIGINT))) AS cii_entitled_after,
        GREATEST(c.prior_critical_illness_paid_fen, LEAST(c.critical_illness_cap_fen, CAST(FLOOR(
            (c.cii_segment_1_ratio + c.cii_ratio_bonus) * LEAST(c.cii_x_before, c.seg1_upper_fen)
            + (c.cii_segment_2_ratio + c.cii_ratio_bonus)
                * GREATEST(0, LEAST(c.cii_x_before, c.seg2_upper_fen) - c.seg1_upper_fen)
            + (c.cii_segment_3_ratio + c.cii_ratio_bonus) * GREATEST(0, c.cii_x_before - c.seg2_upper_fen)
            + 0.5) AS BIGINT))) AS cii_entitled_before
    FROM cii_excess AS c
),

aid_running AS (
    SELECT
        c.*,
        CASE WHEN c.settled THEN c.cii_entitled_after - c.cii_entitled_before ELSE 0 END
            AS critical_illness_fen,
        c.prior_residual_fen + CAST(SUM(
            CASE WHEN c.settled THEN c.oop_policy_fen - (c.cii_entitled_after - c.cii_entitled_before) ELSE 0 END
        ) OVER (
            PARTITION BY c.person_id, c.year
            ORDER BY c.discharge_date, c.admission_date, c.claim_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS BIGINT) AS residual_total_fen
    FROM cii_entitled AS c
),

aid_entitled AS (
    SELECT
        a.*,
        a.oop_policy_fen - a.critical_illness_fen AS residual_fen,
        GREATEST(a.prior_medical_aid_paid_fen, LEAST(a.medical_aid_cap_fen, CAST(FLOOR(
            a.medical_aid_ratio * GREATEST(0, a.residual_total_fen - a.medical_aid_deductible_fen) + 0.5)
            AS BIGINT))) AS aid_entitled_after,
        GREATEST(a.prior_medical_aid_paid_fen, LEAST(a.medical_aid_cap_fen, CAST(FLOOR(
            a.medical_aid_ratio * GREATEST(0,
                a.residual_total_fen - (a.oop_policy_fen - a.critical_illness_fen) - a.medical_aid_deductible_fen)
            + 0.5) AS BIGINT))) AS aid_entitled_before
    FROM aid_running AS a
)

SELECT
    claim_id,
    person_id,
    year,
    COALESCE(settled, FALSE) AS settled,
    insurance_type,
    person_type,
    aid_category,
    pool_region,
    hospital_level,
    care_type,
    cross_province,
    filing_type,
    total_fen,
    class_c_fen,
    class_b_self_fen,
    policy_fen,
    deductible_fen,
    basic_ratio,
    CAST(basic_fen AS BIGINT) AS basic_fen,
    oop_policy_fen,
    critical_illness_tilt,
    critical_illness_deductible_fen,
    cii_segment_1_ratio + cii_ratio_bonus AS critical_illness_ratio,
    critical_illness_fen,
    medical_aid_ratio,
    medical_aid_deductible_fen,
    CASE WHEN settled THEN aid_entitled_after - aid_entitled_before ELSE 0 END AS medical_aid_fen,
    CAST(total_fen - basic_fen - critical_illness_fen
        - CASE WHEN settled THEN aid_entitled_after - aid_entitled_before ELSE 0 END AS BIGINT) AS self_pay_fen,
    check_insured,
    check_institution_known,
    check_dates_valid,
    check_amounts_valid,
    COALESCE(check_parameters_found, FALSE) AS check_parameters_found,
    (settled AND basic_paid_total_fen >= basic_cap_fen) AS basic_cap_reached,
    (settled AND cii_entitled_after >= critical_illness_cap_fen) AS critical_illness_cap_reached,
    (settled AND medical_aid_cap_fen > 0 AND aid_entitled_after >= medical_aid_cap_fen) AS medical_aid_cap_reached,
    basic_paid_total_fen,
    oop_policy_total_fen,
    cii_entitled_after AS critical_illness_paid_total_fen,
    residual_total_fen,
    aid_entitled_after AS medical_aid_paid_total_fen
FROM aid_entitled
