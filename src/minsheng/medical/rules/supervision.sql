-- 医保基金监管 fund supervision: one row per claim, one flag column per rule with its evidence.
-- Rules (RULES §3.6, 国务院令第735号 Art. 15): split admission (re-admission within N days of a discharge),
-- bed-blocking (≥ k consecutive inpatient days without a treatment item, or an outpatient claim inside the
-- stay), duplicate billing (the same item, date and price twice), over-price billing (unit price above the
-- price list's cap for the level), quantity limit (more units per day than the list allows), sex
-- restriction (an item limited to the other sex), care after death (admitted after the registry's death date).
-- The amount at issue (`*_at_issue_fen`) is what was billed for the offending part, the base of a case's loss.
--
-- Inputs: claims, items, institutions, enrolment, members (person_id, sex, death_date), price_list,
-- medical_params (long form; medical.supervision.*).

WITH supervision_params AS (
    SELECT
        region,
        MAX(CASE WHEN name = 'medical.supervision.readmission_days' THEN CAST(value AS BIGINT) END) AS readmission_days,
        MAX(CASE WHEN name = 'medical.supervision.bed_blocking_days' THEN CAST(value AS BIGINT) END) AS bed_blocking_days
    FROM medical_params
    WHERE name LIKE 'medical.supervision.%'
    GROUP BY region
),

claim_context AS (
    SELECT
        c.*,
        inst.level AS hospital_level,
        COALESCE(e.pool_region, SUBSTRING(inst.region_code, 1, 4) || '00') AS pool_region,
        m.sex,
        m.death_date,
        COALESCE(sp.readmission_days, 15) AS readmission_days,
        COALESCE(sp.bed_blocking_days, 3) AS bed_blocking_days,
        c.class_a_fen + c.class_b_fen + c.class_c_fen AS total_fen,
        DATE_DIFF('day', c.admission_date, c.discharge_date) AS stay_days
    FROM claims AS c
    LEFT JOIN institutions AS inst ON inst.institution_id = c.institution_id
    LEFT JOIN enrolment AS e
        ON e.person_id = c.person_id AND e.year = CAST(EXTRACT(YEAR FROM c.discharge_date) AS INTEGER)
    LEFT JOIN members AS m ON m.person_id = c.person_id
    LEFT JOIN supervision_params AS sp ON sp.region = e.pool_region
),

-- split admission: the previous inpatient discharge of the same person
readmissions AS (
    SELECT
        claim_id,
        LAG(claim_id) OVER w AS previous_claim_id,
        LAG(discharge_date) OVER w AS previous_discharge_date
    FROM claim_context
    WHERE care_type = 'inpatient'
    WINDOW w AS (PARTITION BY person_id ORDER BY admission_date, discharge_date, claim_id)
),

-- items with the price list of the institution's level
priced_items AS (
    SELECT
        i.*,
        cc.hospital_level,
        cc.sex,
        cc.stay_days,
        pl.kind,
        pl.max_price_fen,
        pl.sex AS allowed_sex,
        pl.max_per_day
    FROM items AS i
    JOIN claim_context AS cc ON cc.claim_id = i.claim_id
    LEFT JOIN price_list AS pl ON pl.item_code = i.item_code AND pl.level = cc.hospital_level
),

item_findings AS (
    SELECT
        claim_id,
        SUM(CASE WHEN unit_price_fen > max_price_fen THEN (unit_price_fen - max_price_fen) * quantity ELSE 0 END)
            AS over_price_at_issue_fen,
        MIN(CASE WHEN unit_price_fen > max_price_fen THEN item_code END) AS over_price_item,
        SUM(CASE WHEN max_per_day IS NOT NULL AND quantity > max_per_day * GREATEST(stay_days, 1)
            THEN (quantity - max_per_day * GREATEST(stay_days, 1)) * unit_price_fen ELSE 0 END) AS quantity_at_issue_fen,
        MIN(CASE WHEN max_per_day IS NOT NULL AND quantity > max_per_day * GREATEST(stay_days, 1)
            THEN item_code END) AS quantity_item,
        SUM(CASE WHEN allowed_sex IS NOT NULL AND allowed_sex <> sex THEN amount_fen ELSE 0 END) AS sex_at_issue_fen,
        MIN(CASE WHEN allowed_sex IS NOT NULL AND allowed_sex <> sex THEN item_code END) AS sex_item
    FROM priced_items
    GROUP BY claim_id
),

duplicates AS (
    SELECT claim_id, MIN(item_code) AS duplicate_item, SUM(extra_fen) AS duplicate_at_issue_fen
    FROM (
        SELECT claim_id, item_code, SUM(amount_fen) - MIN(amount_fen) AS extra_fen
        FROM items
        GROUP BY claim_id, item_code, service_date, unit_price_fen, quantity
        HAVING COUNT(*) > 1
    ) AS repeated
    GROUP BY claim_id
),

-- bed-blocking: the longest run of stay days without a treatment item
treatment_days AS (
    SELECT DISTINCT claim_id, service_date FROM priced_items WHERE kind = 'treatment'
),

treatment_gaps AS (
    SELECT
        t.claim_id,
        DATE_DIFF('day', t.service_date,
            COALESCE(LEAD(t.service_date) OVER (PARTITION BY t.claim_id ORDER BY t.service_date), cc.discharge_date))
            - 1 AS gap_after,
        ROW_NUMBER() OVER (PARTITION BY t.claim_id ORDER BY t.service_date) AS position,
        DATE_DIFF('day', cc.admission_date, t.service_date) AS gap_before_first
    FROM treatment_days AS t
    JOIN claim_context AS cc ON cc.claim_id = t.claim_id
),

idle AS (
    SELECT
        claim_id,
        GREATEST(MAX(gap_after), MAX(CASE WHEN position = 1 THEN gap_before_first ELSE 0 END)) AS longest_idle_days
    FROM treatment_gaps
    GROUP BY claim_id
),

outpatient_inside AS (
    SELECT s.claim_id, MIN(o.claim_id) AS outpatient_claim_id
    FROM claim_context AS s
    JOIN claim_context AS o
        ON o.person_id = s.person_id AND o.care_type <> 'inpatient'
        AND o.admission_date > s.admission_date AND o.admission_date < s.discharge_date
    WHERE s.care_type = 'inpatient'
    GROUP BY s.claim_id
),

bed_charges AS (
    SELECT claim_id, MAX(CASE WHEN kind = 'bed' THEN unit_price_fen END) AS bed_price_fen
    FROM priced_items
    GROUP BY claim_id
)

SELECT
    cc.claim_id,
    cc.person_id,
    cc.institution_id,
    cc.pool_region,
    cc.total_fen,
    COALESCE(DATE_DIFF('day', r.previous_discharge_date, cc.admission_date) BETWEEN 0 AND cc.readmission_days, FALSE)
        AS flag_split_admission,
    r.previous_claim_id,
    DATE_DIFF('day', r.previous_discharge_date, cc.admission_date) AS readmission_gap_days,
    cc.readmission_days,
    (cc.care_type = 'inpatient' AND cc.stay_days > 0
        AND (COALESCE(idle.longest_idle_days, cc.stay_days) >= cc.bed_blocking_days OR oi.claim_id IS NOT NULL))
        AS flag_bed_blocking,
    CASE WHEN cc.care_type = 'inpatient' THEN COALESCE(idle.longest_idle_days, cc.stay_days) END AS longest_idle_days,
    cc.bed_blocking_days,
    oi.outpatient_claim_id,
    COALESCE(d.duplicate_at_issue_fen, 0) > 0 AS flag_duplicate_billing,
    d.duplicate_item,
    COALESCE(f.over_price_at_issue_fen, 0) > 0 AS flag_over_price,
    f.over_price_item,
    COALESCE(f.quantity_at_issue_fen, 0) > 0 AS flag_quantity_limit,
    f.quantity_item,
    COALESCE(f.sex_at_issue_fen, 0) > 0 AS flag_sex_restriction,
    f.sex_item,
    cc.sex,
    COALESCE(cc.death_date < cc.admission_date, FALSE) AS flag_after_death,
    cc.death_date,
    CASE WHEN COALESCE(DATE_DIFF('day', r.previous_discharge_date, cc.admission_date)
        BETWEEN 0 AND cc.readmission_days, FALSE) THEN cc.total_fen ELSE 0 END AS split_admission_at_issue_fen,
    CASE WHEN cc.care_type = 'inpatient' AND COALESCE(idle.longest_idle_days, cc.stay_days) >= cc.bed_blocking_days
        THEN COALESCE(idle.longest_idle_days, cc.stay_days) * COALESCE(b.bed_price_fen, 0) ELSE 0 END
        AS bed_blocking_at_issue_fen,
    COALESCE(d.duplicate_at_issue_fen, 0) AS duplicate_billing_at_issue_fen,
    COALESCE(f.over_price_at_issue_fen, 0) AS over_price_at_issue_fen,
    COALESCE(f.quantity_at_issue_fen, 0) AS quantity_limit_at_issue_fen,
    COALESCE(f.sex_at_issue_fen, 0) AS sex_restriction_at_issue_fen,
    CASE WHEN COALESCE(cc.death_date < cc.admission_date, FALSE) THEN cc.total_fen ELSE 0 END
        AS after_death_at_issue_fen
FROM claim_context AS cc
LEFT JOIN readmissions AS r ON r.claim_id = cc.claim_id
LEFT JOIN item_findings AS f ON f.claim_id = cc.claim_id
LEFT JOIN duplicates AS d ON d.claim_id = cc.claim_id
LEFT JOIN idle ON idle.claim_id = cc.claim_id
LEFT JOIN outpatient_inside AS oi ON oi.claim_id = cc.claim_id
LEFT JOIN bed_charges AS b ON b.claim_id = cc.claim_id
