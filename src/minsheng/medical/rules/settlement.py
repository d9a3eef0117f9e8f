"""Declaration of the three-tier settlement rule (settlement.sql): inputs, parameters, results, checks.

The rule never touches the ORM, the web or the clock: given claims, enrolment, institutions, filings,
prior accumulators and the parameter table (all Arrow), it returns one row per claim. The same query
settles one claim at the hospital (a one-row `claims` table and that person's accumulators) and a
month of claims in batch.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from minsheng.engine import Check, Rule

CLAIMS = pa.schema(
    [
        pa.field("claim_id", pa.string(), nullable=False),
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("institution_id", pa.int64(), nullable=False),
        pa.field("care_type", pa.string(), nullable=False),  # inpatient | outpatient | outpatient_special
        pa.field("admission_date", pa.date32(), nullable=False),
        pa.field("discharge_date", pa.date32(), nullable=False),
        pa.field("class_a_fen", pa.int64(), nullable=False),  # 甲类: within the catalogue in full
        pa.field("class_b_fen", pa.int64(), nullable=False),  # 乙类: after the patient's first share
        pa.field("class_c_fen", pa.int64(), nullable=False),  # 丙类: outside the catalogue
    ]
)
ENROLMENT = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("insurance_type", pa.string(), nullable=False),  # resident | employee
        pa.field("person_type", pa.string(), nullable=False),  # resident | in_service | retired
        pa.field("aid_category", pa.string(), nullable=False),  # tekun | dibao | … | none
        pa.field("pool_region", pa.string(), nullable=False),  # league code (盟市统筹)
        pa.field("enrolled_on", pa.date32(), nullable=False),
        pa.field("ended_on", pa.date32()),
    ]
)
INSTITUTIONS = pa.schema(
    [
        pa.field("institution_id", pa.int64(), nullable=False),
        pa.field("level", pa.int32(), nullable=False),  # 1 | 2 | 3
        pa.field("region_code", pa.string(), nullable=False),
    ]
)
FILINGS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field(
            "filing_type", pa.string(), nullable=False
        ),  # long_term_resident | referral | emergency | other
        pa.field("valid_from", pa.date32(), nullable=False),
        pa.field("valid_to", pa.date32()),
    ]
)
MEDICAL_PARAMETERS = (
    "medical.catalogue.class_b_self_pay_ratio",
    "medical.basic.deductible",
    "medical.basic.ratio",
    "medical.basic.annual_cap",
    "medical.cross_province.ratio_reduction",
    "medical.critical_illness.deductible",
    "medical.critical_illness.segment_upper",
    "medical.critical_illness.segment_ratio",
    "medical.critical_illness.annual_cap",
    "medical.critical_illness.tilt_applies",
    "medical.critical_illness.tilt_deductible_factor",
    "medical.critical_illness.tilt_ratio_points",
    "medical.aid.deductible",
    "medical.aid.ratio",
    "medical.aid.annual_cap",
)

ACCUMULATORS = pa.schema(
    [
        pa.field("person_id", pa.int64(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("basic_paid_fen", pa.int64(), nullable=False),  # basic fund paid this year (cap used)
        pa.field("oop_policy_fen", pa.int64(), nullable=False),  # within-catalogue out-of-pocket (大病 base)
        pa.field("critical_illness_paid_fen", pa.int64(), nullable=False),
        pa.field("residual_fen", pa.int64(), nullable=False),  # left after 大病 (aid base)
        pa.field("medical_aid_paid_fen", pa.int64(), nullable=False),
    ]
)

# each accumulator column and the rule's running total that becomes it after a claim
ACCUMULATOR_TOTALS = (
    ("basic_paid_fen", "basic_paid_total_fen"),
    ("oop_policy_fen", "oop_policy_total_fen"),
    ("critical_illness_paid_fen", "critical_illness_paid_total_fen"),
    ("residual_fen", "residual_total_fen"),
    ("medical_aid_paid_fen", "medical_aid_paid_total_fen"),
)


RULES_DIR = Path(__file__).parent

SETTLEMENT = Rule(
    name="medical_settlement",
    title_zh="三重制度一站式结算",
    title_en="one-stop three-tier settlement",
    sql_file=RULES_DIR / "settlement.sql",
    inputs=("claims", "enrolment", "institutions", "filings", "accumulators", "medical_params"),
    # cited in reasons; the rule joins their long form (`medical_params`, see medical.parameters)
    parameters=(),
    key=("claim_id",),
    unit_table="claims",
    columns={
        "total_fen": "医疗费用总额 total bill",
        "policy_fen": "政策范围内费用 within-catalogue amount",
        "basic_fen": "基本医保统筹支付 basic fund",
        "critical_illness_fen": "大病保险支付 critical-illness fund",
        "medical_aid_fen": "医疗救助支付 medical aid",
        "self_pay_fen": "个人支付 paid by the patient",
    },
    checks=(
        Check(
            "check_insured", "参保状态", "insured",
            "结算日已参加基本医保", "insured on the settlement date",
            "就诊日未参加基本医保", "not insured on the date of care",
        ),
        Check(
            "check_institution_known", "定点医药机构", "designated institution",
            "定点医药机构", "a designated institution",
            "非定点医药机构", "not a designated institution",
        ),
        Check(
            "check_dates_valid", "就诊日期", "dates of care",
            "入出院日期有效", "admission and discharge dates valid",
            "出院日期早于入院日期", "discharge before admission",
        ),
        Check(
            "check_amounts_valid", "费用金额", "amounts",
            "费用金额均不为负", "no negative amount",
            "费用金额为负数", "a negative amount",
        ),
        Check(
            "check_parameters_found", "待遇参数", "benefit parameters",
            "已找到参保地 {pool_region} 的待遇参数", "benefit parameters found for league {pool_region}",
            "缺少参保地、年度或类别的待遇参数", "no benefit parameters for this league, year or category",
            parameters=MEDICAL_PARAMETERS,
        ),
    ),
)  # fmt: skip

# the input field a failed check points at, for errors that name the field
CHECK_FIELDS = {
    "check_insured": "person_id",
    "check_institution_known": "institution_code",
    "check_dates_valid": "discharge_date",
    "check_amounts_valid": "items",
    "check_parameters_found": "pool_region",
}
