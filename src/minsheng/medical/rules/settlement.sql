-- 三重制度一站式结算 one-stop three-tier settlement: basic insurance → critical illness → medical aid.
--
-- One query for one claim at the hospital (prior accumulators given) and for a month of claims in batch.
-- A person's claims of a year are settled in (discharge_date, admission_date, claim_id) order. Annual
-- caps and the year-long 大病 / aid deductibles are applied WITHOUT a per-claim loop:
--   each tier has a cumulative entitlement E(x) = GREATEST(prior_paid, LEAST(cap, ROUND(F(prior_base + x))))
--   over the running sum x of its base (raw basic pay, within-catalogue out-of-pocket, residual), and a
--   claim's share is E(x through this claim) − E(x through the previous claim). The previous value is the
--   running sum minus this claim's own base (no LAG, no recursion). Only the basic tier needs a window:
--   the 大病 base S (within-catalogue out-of-pocket) is prior S + running policy amount − basic paid so far,
--   and the aid base R is prior R + (S − prior S) − 大病 paid so far, so ONE sort per person-year does it.
--   F is monotone, so no share is negative; E never exceeds the cap (or prior_paid, if a cap was lowered);
--   rounding is applied to cumulative values, so the shares telescope to the rounded annual total exactly.
-- Rounding is half up (四舍五入) and explicit: (x × ratio_ppm + 500 000) // 1 000 000 on non-negative BIGINTs.
--
-- The basic deductible applies per stay (per claim); the 大病 and aid deductibles per year. A reversal
-- subtracts a claim from the accumulators; claims settled after it keep their amounts (refund, not re-run).
--
-- Shape, for a batch of millions of claims: the claims are joined to their enrolment (as the number of its
-- class: league, insurance and person type, aid category), institution and period once (claim_base, read by
-- one CTE only, so never materialised), priced against a small per-profile tariff, and sorted once by the
-- window, which carries only the claim's own columns and the numbers of its class and profile; the class's
-- names and the tiers' parameters are joined back by those numbers after the window. The profiles and the
-- filings come from the inputs themselves (enrolment classes × care types and levels × periods;
-- cross-province claims with a filing), never from claim_base.
--
-- Inputs: claims, enrolment, institutions, filings, accumulators (prior, per person and year),
-- medical_params (long form from the policy loader: name, league, dates, dimension columns, value; money
-- in fen, ratios exact decimals, region overrides resolved; see medical.parameters).

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

-- each distinct discharge date's parameter period: an equality join for the claims (a year has 366 dates)
claim_dates AS (
    SELECT d.discharge_date, pe.period_from
    FROM (SELECT DISTINCT discharge_date FROM claims) AS d
    LEFT JOIN periods AS pe
        ON d.discharge_date >= pe.period_from AND d.discharge_date < COALESCE(pe.period_to, DATE '9999-12-31')
),

-- the enrolment's classes (league, insurance type, person type, aid category), numbered: the claims carry
-- the number (four bytes), not four strings, through the enrolment join, the tariff join and the window
enrolled_classes AS (
    SELECT
        CAST(ROW_NUMBER() OVER (ORDER BY pool_region, insurance_type, person_type, aid_category) AS INTEGER)
            AS class_id,
        pool_region, insurance_type, person_type, aid_category,
        CAST(SUBSTRING(pool_region, 1, 2) AS INTEGER) AS province  -- of the pooling league (GB/T 2260)
    FROM (
        SELECT DISTINCT pool_region, insurance_type, person_type, COALESCE(aid_category, 'none') AS aid_category
        FROM enrolment
    ) AS classes
),

enrolment_classes AS (
    SELECT e.person_id, e.year, e.enrolled_on, e.ended_on, ec.class_id, ec.province
    FROM enrolment AS e
    JOIN enrolled_classes AS ec
        ON ec.pool_region = e.pool_region AND ec.insurance_type = e.insurance_type
        AND ec.person_type = e.person_type AND ec.aid_category = COALESCE(e.aid_category, 'none')
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
        e.class_id,
        i.level AS hospital_level,
        pe.period_from,
        -- 跨省异地就医: the hospital is in another province than the person's pooling league (false when
        -- either is unknown: such a claim is not settled)
        COALESCE(CAST(SUBSTRING(i.region_code, 1, 2) AS INTEGER) <> e.province, FALSE) AS cross_province,
        (e.person_id IS NOT NULL
            AND e.enrolled_on <= c.discharge_date
            AND (e.ended_on IS NULL OR e.ended_on > c.discharge_date)) AS check_insured,
        (i.institution_id IS NOT NULL) AS check_institution_known,
        (c.discharge_date >= c.admission_date) AS check_dates_valid,
        (c.class_a_fen >= 0 AND c.class_b_fen >= 0 AND c.class_c_fen >= 0) AS check_amounts_valid
    FROM claims AS c
    LEFT JOIN enrolment_classes AS e
        ON e.person_id = c.person_id AND e.year = CAST(EXTRACT(YEAR FROM c.discharge_date) AS INTEGER)
    LEFT JOIN institutions AS i ON i.institution_id = c.institution_id
    LEFT JOIN claim_dates AS pe ON pe.discharge_date = c.discharge_date
),

-- the parameters are looked up once per profile (league, period, insurance type, person type, care type,
-- level, aid category), not once per claim. The profiles are every combination of the enrolment's classes,
-- the claims' care types by institution level and the claims' periods: a superset of the claims' own found
-- from small inputs, so that the joined claims are read once (a CTE read twice is materialised)
care_levels AS (
    SELECT DISTINCT c.care_type, CAST(i.level AS VARCHAR) AS hospital_level
    FROM (SELECT DISTINCT institution_id, care_type FROM claims) AS c
    JOIN institutions AS i ON i.institution_id = c.institution_id
),

profiles AS (
    SELECT
        ec.class_id, ec.pool_region, cp.period_from, ec.insurance_type, ec.person_type, cl.care_type,
        cl.hospital_level, ec.aid_category
    FROM enrolled_classes AS ec
    CROSS JOIN care_levels AS cl
    CROSS JOIN (SELECT DISTINCT period_from FROM claim_dates WHERE period_from IS NOT NULL) AS cp
),

tariff_values AS (
    SELECT
        pr.class_id, pr.pool_region, pr.period_from, pr.insurance_type, pr.person_type, pr.care_type,
        pr.hospital_level, pr.aid_category,
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
    GROUP BY pr.class_id, pr.pool_region, pr.period_from, pr.insurance_type, pr.person_type, pr.care_type,
        pr.hospital_level, pr.aid_category
),

-- money to BIGINT fen and ratios to BIGINT parts per million, once per profile (not once per claim); the
-- profile's number travels with the claim through the window, which then stays narrow
tariff AS (
    SELECT
        CAST(ROW_NUMBER() OVER (ORDER BY class_id, period_from, care_type, hospital_level) AS INTEGER)
            AS profile_id,
        class_id, period_from, care_type, hospital_level,
        (class_b_self_pay_ratio IS NOT NULL AND basic_deductible_param IS NOT NULL
            AND basic_ratio_base IS NOT NULL AND basic_cap_param IS NOT NULL
            AND cii_deductible_param IS NOT NULL AND cii_cap_param IS NOT NULL
            AND cii_segment_1_upper_param IS NOT NULL AND cii_segment_2_upper_param IS NOT NULL
            AND cii_segment_1_ratio IS NOT NULL AND cii_segment_2_ratio IS NOT NULL
            AND cii_segment_3_ratio IS NOT NULL AND tilt_deductible_factor IS NOT NULL
            AND tilt_ratio_points IS NOT NULL AND aid_deductible_param IS NOT NULL
            AND medical_aid_ratio IS NOT NULL AND aid_cap_param IS NOT NULL
            AND unfiled_reduction_points IS NOT NULL) AS parameters_found,
        CAST(ROUND(class_b_self_pay_ratio * 1000000) AS BIGINT) AS class_b_self_ppm,
        CAST(basic_deductible_param AS BIGINT) AS basic_deductible_fen,
        CAST(ROUND(basic_ratio_base * 1000000) AS BIGINT) AS basic_ratio_base_ppm,
        CAST(basic_cap_param AS BIGINT) AS basic_cap_fen,
        CAST(ROUND(unfiled_reduction_points * 10000) AS BIGINT) AS unfiled_reduction_ppm,
        COALESCE(tilt_applies, 0) = 1 AS critical_illness_tilt,
        CASE WHEN COALESCE(tilt_applies, 0) = 1
            THEN (CAST(cii_deductible_param AS BIGINT) * CAST(ROUND(tilt_deductible_factor * 1000000) AS BIGINT) + 500000)
                // 1000000
            ELSE CAST(cii_deductible_param AS BIGINT) END AS critical_illness_deductible_fen,
        CASE WHEN COALESCE(tilt_applies, 0) = 1 THEN CAST(ROUND(tilt_ratio_points * 10000) AS BIGINT) ELSE 0 END
            AS cii_bonus_ppm,
        CASE WHEN COALESCE(tilt_applies, 0) = 1 THEN CAST(900000000000000 AS BIGINT)
            ELSE CAST(cii_cap_param AS BIGINT) END AS critical_illness_cap_fen,
        CAST(cii_segment_1_upper_param AS BIGINT) AS seg1_upper_fen,
        CAST(cii_segment_2_upper_param AS BIGINT) AS seg2_upper_fen,
        CAST(ROUND(cii_segment_1_ratio * 1000000) AS BIGINT) AS seg1_ppm,
        CAST(ROUND(cii_segment_2_ratio * 1000000) AS BIGINT) AS seg2_ppm,
        CAST(ROUND(cii_segment_3_ratio * 1000000) AS BIGINT) AS seg3_ppm,
        CAST(aid_deductible_param AS BIGINT) AS medical_aid_deductible_fen,
        CAST(ROUND(medical_aid_ratio * 1000000) AS BIGINT) AS aid_ppm,
        CAST(aid_cap_param AS BIGINT) AS medical_aid_cap_fen
    FROM tariff_values
),

-- a cross-province claim takes the person's filing valid on the admission date; the lowest reduction wins,
-- ties by the filing type's name, so that every engine picks the same filing. Found from the claims
-- themselves (only those with a filing, out of the province), not from claim_base, which is read once
filing_candidates AS (
    SELECT
        c.claim_id,
        f.filing_type,
        fr.value AS reduction_points,
        ROW_NUMBER() OVER (PARTITION BY c.claim_id ORDER BY fr.value, f.filing_type) AS preference
    FROM claims AS c
    JOIN institutions AS i ON i.institution_id = c.institution_id
    JOIN filings AS f
        ON f.person_id = c.person_id
        AND f.valid_from <= c.admission_date
        AND (f.valid_to IS NULL OR f.valid_to > c.admission_date)
    JOIN enrolment AS e
        ON e.person_id = c.person_id AND e.year = CAST(EXTRACT(YEAR FROM c.discharge_date) AS INTEGER)
        AND SUBSTRING(i.region_code, 1, 2) <> SUBSTRING(e.pool_region, 1, 2)
    JOIN params AS fr
        ON fr.name = 'medical.cross_province.ratio_reduction'
        AND fr.filing_type = f.filing_type
        AND c.discharge_date >= fr.effective_from AND c.discharge_date < fr.effective_to
        AND fr.region = e.pool_region
),

filing_of_claim AS (
    SELECT claim_id, reduction_points AS filed_reduction_points, filing_type AS filed_type
    FROM filing_candidates
    WHERE preference = 1
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
            WHEN fc.claim_id IS NOT NULL THEN CAST(ROUND(fc.filed_reduction_points * 10000) AS BIGINT)
            ELSE t.unfiled_reduction_ppm
        END AS ratio_reduction_ppm,
        COALESCE(t.parameters_found, FALSE) AS parameters_found,
        t.profile_id, t.class_b_self_ppm, t.basic_deductible_fen, t.basic_ratio_base_ppm
    FROM claim_base AS cb
    LEFT JOIN filing_of_claim AS fc ON fc.claim_id = cb.claim_id
    LEFT JOIN tariff AS t
        ON t.class_id = cb.class_id AND t.period_from = cb.period_from
        AND t.care_type = cb.care_type AND t.hospital_level = CAST(cb.hospital_level AS VARCHAR)
),

-- the claim's own amounts. Ratios are integer parts per million so that every product stays an exact
-- BIGINT (fen × ppm < 9.2e18 for bills below 92 million yuan) and rounds half up by integer division
claim_amounts AS (
    SELECT
        p.*,
        (p.parameters_found AND p.ratio_reduction_ppm IS NOT NULL) AS check_parameters_found,
        GREATEST(0, p.basic_ratio_base_ppm - p.ratio_reduction_ppm) AS basic_ratio_ppm,
        (p.class_b_fen * p.class_b_self_ppm + 500000) // 1000000 AS class_b_self_fen
    FROM priced AS p
),

claim_base_amounts AS (
    SELECT
        a.*,
        COALESCE(a.check_insured AND a.check_institution_known AND a.check_dates_valid AND a.check_amounts_valid
            AND a.check_parameters_found, FALSE) AS settled
    FROM claim_amounts AS a
),

basic_raw AS (
    SELECT
        e.*,
        CASE WHEN e.settled THEN e.class_a_fen + e.class_b_fen - e.class_b_self_fen ELSE 0 END AS policy_fen,
        CASE WHEN e.settled
            THEN LEAST(e.class_a_fen + e.class_b_fen - e.class_b_self_fen, e.basic_deductible_fen) ELSE 0 END
            AS deductible_fen
    FROM claim_base_amounts AS e
),

with_raw AS (
    SELECT
        r.*,
        CASE WHEN r.settled THEN ((r.policy_fen - r.deductible_fen) * r.basic_ratio_ppm + 500000) // 1000000
            ELSE 0 END AS basic_raw_fen
    FROM basic_raw AS r
),

-- the only window: running sums of the raw basic pay and of the policy amount per person and year; every
-- tier's running total follows from them without another pass (see the header). It carries the claim's
-- own columns and its profile's number, not the tiers' parameters, which are joined to it afterwards
running_sums AS (
    SELECT
        b.*,
        CAST(SUM(b.basic_raw_fen) OVER w AS BIGINT) AS basic_raw_running_fen,
        CAST(SUM(b.policy_fen) OVER w AS BIGINT) AS policy_running_fen
    FROM with_raw AS b
    WINDOW w AS (
        PARTITION BY person_id, year
        ORDER BY discharge_date, admission_date, claim_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    )
),

running AS (
    SELECT
        rs.*,
        ec.insurance_type,
        ec.person_type,
        COALESCE(ec.aid_category, 'none') AS aid_category,
        ec.pool_region,
        COALESCE(t.critical_illness_tilt, FALSE) AS critical_illness_tilt,
        t.basic_cap_fen, t.critical_illness_deductible_fen, t.cii_bonus_ppm, t.critical_illness_cap_fen,
        t.seg1_upper_fen, t.seg2_upper_fen, t.seg1_ppm, t.seg2_ppm, t.seg3_ppm,
        t.medical_aid_deductible_fen, t.aid_ppm, t.medical_aid_cap_fen,
        COALESCE(acc.basic_paid_fen, 0) AS prior_basic_paid_fen,
        COALESCE(acc.oop_policy_fen, 0) AS prior_oop_policy_fen,
        COALESCE(acc.critical_illness_paid_fen, 0) AS prior_critical_illness_paid_fen,
        COALESCE(acc.residual_fen, 0) AS prior_residual_fen,
        COALESCE(acc.medical_aid_paid_fen, 0) AS prior_medical_aid_paid_fen
    FROM running_sums AS rs
    LEFT JOIN tariff AS t ON t.profile_id = rs.profile_id
    LEFT JOIN enrolled_classes AS ec ON ec.class_id = rs.class_id
    LEFT JOIN accumulators AS acc ON acc.person_id = rs.person_id AND acc.year = rs.year
),

-- basic: E(x) = GREATEST(prior, LEAST(cap, prior + x)) over the running raw basic pay x
basic_paid AS (
    SELECT
        r.*,
        GREATEST(r.prior_basic_paid_fen,
            LEAST(COALESCE(r.basic_cap_fen, 0), r.prior_basic_paid_fen + r.basic_raw_running_fen))
            AS basic_paid_total_fen,
        GREATEST(r.prior_basic_paid_fen,
            LEAST(COALESCE(r.basic_cap_fen, 0), r.prior_basic_paid_fen + r.basic_raw_running_fen - r.basic_raw_fen))
            AS basic_paid_before_fen,
        GREATEST(r.prior_basic_paid_fen, LEAST(COALESCE(r.basic_cap_fen, 0), r.prior_basic_paid_fen))
            AS basic_paid_start_fen
    FROM running AS r
),

-- 大病: S = the year's within-catalogue out-of-pocket = prior + running policy − basic paid in this run
cii_base AS (
    SELECT
        b.*,
        b.basic_paid_total_fen - b.basic_paid_before_fen AS basic_fen,
        b.policy_fen - (b.basic_paid_total_fen - b.basic_paid_before_fen) AS oop_policy_fen,
        b.prior_oop_policy_fen + b.policy_running_fen - (b.basic_paid_total_fen - b.basic_paid_start_fen)
            AS oop_policy_total_fen
    FROM basic_paid AS b
),

-- G(S) = GREATEST(prior, LEAST(cap, ROUND(Σ segment ratio × part of S above the deductible)))
cii_excess AS (
    SELECT
        c.*,
        GREATEST(0, c.oop_policy_total_fen - c.critical_illness_deductible_fen) AS x_after,
        GREATEST(0, c.oop_policy_total_fen - c.oop_policy_fen - c.critical_illness_deductible_fen) AS x_before,
        GREATEST(0, c.prior_oop_policy_fen - c.critical_illness_deductible_fen) AS x_start
    FROM cii_base AS c
),

cii_entitled AS (
    SELECT
        c.*,
        GREATEST(c.prior_critical_illness_paid_fen, LEAST(c.critical_illness_cap_fen, (
            (c.seg1_ppm + c.cii_bonus_ppm) * LEAST(c.x_after, c.seg1_upper_fen)
            + (c.seg2_ppm + c.cii_bonus_ppm) * GREATEST(0, LEAST(c.x_after, c.seg2_upper_fen) - c.seg1_upper_fen)
            + (c.seg3_ppm + c.cii_bonus_ppm) * GREATEST(0, c.x_after - c.seg2_upper_fen)
            + 500000) // 1000000)) AS cii_after,
        GREATEST(c.prior_critical_illness_paid_fen, LEAST(c.critical_illness_cap_fen, (
            (c.seg1_ppm + c.cii_bonus_ppm) * LEAST(c.x_before, c.seg1_upper_fen)
            + (c.seg2_ppm + c.cii_bonus_ppm) * GREATEST(0, LEAST(c.x_before, c.seg2_upper_fen) - c.seg1_upper_fen)
            + (c.seg3_ppm + c.cii_bonus_ppm) * GREATEST(0, c.x_before - c.seg2_upper_fen)
            + 500000) // 1000000)) AS cii_before,
        GREATEST(c.prior_critical_illness_paid_fen, LEAST(c.critical_illness_cap_fen, (
            (c.seg1_ppm + c.cii_bonus_ppm) * LEAST(c.x_start, c.seg1_upper_fen)
            + (c.seg2_ppm + c.cii_bonus_ppm) * GREATEST(0, LEAST(c.x_start, c.seg2_upper_fen) - c.seg1_upper_fen)
            + (c.seg3_ppm + c.cii_bonus_ppm) * GREATEST(0, c.x_start - c.seg2_upper_fen)
            + 500000) // 1000000)) AS cii_start
    FROM cii_excess AS c
),

-- aid: R = the residual after 大病 = prior + (S − prior S) − 大病 paid in this run; H like G
aid_base AS (
    SELECT
        c.*,
        CASE WHEN c.settled THEN c.cii_after - c.cii_before ELSE 0 END AS critical_illness_fen,
        c.prior_critical_illness_paid_fen + c.cii_after - c.cii_start AS critical_illness_paid_total_fen,
        c.prior_residual_fen + (c.oop_policy_total_fen - c.prior_oop_policy_fen) - (c.cii_after - c.cii_start)
            AS residual_total_fen
    FROM cii_entitled AS c
),

aid_entitled AS (
    SELECT
        a.*,
        GREATEST(a.prior_medical_aid_paid_fen, LEAST(a.medical_aid_cap_fen,
            (a.aid_ppm * GREATEST(0, a.residual_total_fen - a.medical_aid_deductible_fen) + 500000) // 1000000))
            AS aid_after,
        GREATEST(a.prior_medical_aid_paid_fen, LEAST(a.medical_aid_cap_fen,
            (a.aid_ppm * GREATEST(0, a.residual_total_fen - (a.oop_policy_fen - a.critical_illness_fen)
                - a.medical_aid_deductible_fen) + 500000) // 1000000)) AS aid_before,
        GREATEST(a.prior_medical_aid_paid_fen, LEAST(a.medical_aid_cap_fen,
            (a.aid_ppm * GREATEST(0, a.prior_residual_fen - a.medical_aid_deductible_fen) + 500000) // 1000000))
            AS aid_start
    FROM aid_base AS a
)

SELECT
    claim_id,
    person_id,
    year,
    settled,
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
    CAST(basic_ratio_ppm * 0.000001 AS DECIMAL(18, 6)) AS basic_ratio,
    basic_fen,
    oop_policy_fen,
    critical_illness_tilt,
    critical_illness_deductible_fen,
    CAST((seg1_ppm + cii_bonus_ppm) * 0.000001 AS DECIMAL(18, 6)) AS critical_illness_ratio,
    critical_illness_fen,
    CAST(aid_ppm * 0.000001 AS DECIMAL(18, 6)) AS medical_aid_ratio,
    medical_aid_deductible_fen,
    CASE WHEN settled THEN aid_after - aid_before ELSE 0 END AS medical_aid_fen,
    total_fen - basic_fen - critical_illness_fen - CASE WHEN settled THEN aid_after - aid_before ELSE 0 END
        AS self_pay_fen,
    check_insured,
    check_institution_known,
    check_dates_valid,
    check_amounts_valid,
    check_parameters_found,
    (settled AND basic_paid_total_fen >= basic_cap_fen) AS basic_cap_reached,
    (settled AND cii_after >= critical_illness_cap_fen) AS critical_illness_cap_reached,
    (settled AND medical_aid_cap_fen > 0 AND aid_after >= medical_aid_cap_fen) AS medical_aid_cap_reached,
    basic_paid_total_fen,
    oop_policy_total_fen,
    critical_illness_paid_total_fen,
    residual_total_fen,
    prior_medical_aid_paid_fen + aid_after - aid_start AS medical_aid_paid_total_fen
FROM aid_entitled
