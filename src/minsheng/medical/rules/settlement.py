"""Declaration of the three-tier settlement rule (settlement.sql): inputs, parameters, results, checks.

The rule never touches the ORM, the web or the clock: given claims, enrolment, institutions, filings,
prior accumulators and the parameter table (all Arrow), it returns one row per claim. The same query
settles one claim at the hospital (a one-row `claims` table and that person's accumulators) and a
month of claims in batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

import pyarrow as pa

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


@dataclass(frozen=True)
class Check:
    column: str
    reason_zh: str  # shown when the check fails
    reason_en: str
    field: str  # the input field a failure points at


@dataclass(frozen=True)
class RuleDeclaration:
    name: str
    sql_file: str
    inputs: dict[str, pa.Schema]
    parameters: tuple[str, ...]
    results: tuple[str, ...]
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def sql(self) -> str:
        return resources.files(__package__).joinpath(self.sql_file).read_text(encoding="utf-8")


SETTLEMENT = RuleDeclaration(
    name="medical.settlement",
    sql_file="settlement.sql",
    inputs={
        "claims": CLAIMS,
        "enrolment": ENROLMENT,
        "institutions": INSTITUTIONS,
        "filings": FILINGS,
        "accumulators": ACCUMULATORS,
    },
    parameters=(
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
    ),
    results=(
        "total_fen",
        "policy_fen",
        "basic_fen",
        "critical_illness_fen",
        "medical_aid_fen",
        "self_pay_fen",
    ),
    checks=(
        Check("check_insured", "就诊日未参加基本医保", "not insured on the date of care", "person_id"),
        Check("check_institution_known", "非定点医药机构", "not a designated institution", "institution_id"),
        Check("check_dates_valid", "出院日期早于入院日期", "discharge before admission", "discharge_date"),
        Check("check_amounts_valid", "费用金额为负数", "a negative amount", "items"),
        Check(
            "check_parameters_found",
            "缺少该参保地、年度或类别的待遇参数",
            "no benefit parameters for this league, year or category",
            "pool_region",
        ),
    ),
)


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()
