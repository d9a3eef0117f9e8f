"""Medical use cases, one transaction each: institutions, enrolment, filings, real-time settlement with
accumulators and idempotency, preview, reversal.

A settlement locks the person's accumulator row for the year, runs the settlement rule over the one claim
and those accumulators, and writes the claim and the new accumulators in the same transaction. The
idempotency key is unique: a retry (even a concurrent one) gets the first answer, never a second payment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.engine import render
from minsheng.medical import parameters as medical_parameters
from minsheng.medical.models import (
    AID_CATEGORY,
    CARE_TYPE,
    FILING_TYPE,
    Accumulator,
    Claim,
    ClaimItem,
    Enrolment,
    Filing,
    Institution,
)
from minsheng.medical.rules.settlement import (
    CHECK_FIELDS,
    MEDICAL_PARAMETERS,
    SETTLEMENT,
)
from minsheng.medical.settlement import settle_rows
from minsheng.money import fen_to_yuan, round_fen
from minsheng.registry.models import Person
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.base import utcnow
from minsheng.store.db import unit_of_work

TOTALS = (
    ("basic_paid_fen", "basic_paid_total_fen"),
    ("oop_policy_fen", "oop_policy_total_fen"),
    ("critical_illness_paid_fen", "critical_illness_paid_total_fen"),
    ("residual_fen", "residual_total_fen"),
    ("medical_aid_paid_fen", "medical_aid_paid_total_fen"),
)


def _invalid(field_name: str, rule: str, zh: str, en: str, status: int = 422) -> DomainError:
    return DomainError(
        "invalid_claim",
        f"结算申请有误:{zh}",
        f"invalid claim: {en}",
        status,
        [FieldError(field_name, rule, zh, en)],
    )


# ----------------------------------------------------------------------------- institutions, enrolment, filings


def register_institution(
    session: Session, *, code: str, name: str, level: int, region_code: str, kind: str = "hospital",
    designated_from: date, actor: str = "system",
) -> Institution:  # fmt: skip
    if level not in (1, 2, 3):
        raise _invalid("level", "level_1_to_3", "医院等级应为 1、2 或 3", "level must be 1, 2 or 3")
    # an institution elsewhere in China (cross-province care) is known by its province's code
    if not (regions.exists(region_code) or regions.exists(region_code[:2] + "0000")):
        raise _invalid(
            "region_code", "region_exists", f"未知行政区划 {region_code}", f"unknown region {region_code}"
        )
    institution = Institution(
        code=code, name=name, level=level, region_code=region_code, kind=kind, designated_from=designated_from
    )
    session.add(institution)
    session.flush()
    audit.append(
        session, actor=actor, action="medical.institution.register", entity="medical_institution",
        entity_id=institution.id, region_code=region_code, after={"code": code, "level": level},
    )  # fmt: skip
    return institution


def premium_of(year: int, aid_category: str, insurance_type: str, pool_region: str) -> tuple[int, int]:
    """(individual premium, subsidy) in fen for a resident; employees' premiums follow wages (not here)."""
    if insurance_type != "resident":
        return 0, 0
    on = date(year, 1, 1)
    premium = int(medical_parameters.value_at("medical.premium.resident_individual", on, pool_region))
    ratio = medical_parameters.value_at(
        "medical.premium.subsidy_ratio", on, pool_region, aid_category=aid_category
    )
    fixed = medical_parameters.value_at(
        "medical.premium.subsidy_amount", on, pool_region, aid_category=aid_category
    )
    subsidy = min(premium, round_fen(Decimal(premium) * ratio) + int(fixed))
    return premium, subsidy


def enrol(
    session: Session, *, person_id: int, year: int, insurance_type: str, person_type: str, aid_category: str = "none",
    pool_region: str, enrolled_on: date, actor: str = "system",
) -> Enrolment:  # fmt: skip
    """参保登记: a person's insurance for a year, with the premium and the 资助参保 subsidy."""
    if session.get(Person, person_id) is None:
        raise NotFound("人员 / person", person_id)
    if aid_category not in AID_CATEGORY:
        raise _invalid(
            "aid_category", "vocabulary", f"未知类别 {aid_category}", f"unknown category {aid_category}"
        )
    if not regions.exists(pool_region) or regions.get(pool_region).level != "league":
        raise _invalid(
            "pool_region", "league", "统筹地应为盟市代码", "the pooling region must be a league code"
        )
    premium, subsidy = premium_of(year, aid_category, insurance_type, pool_region)
    enrolment = Enrolment(
        person_id=person_id, year=year, insurance_type=insurance_type, person_type=person_type,
        aid_category=aid_category, pool_region=pool_region, enrolled_on=enrolled_on,
        premium_fen=premium, subsidy_fen=subsidy, individual_fen=premium - subsidy,
    )  # fmt: skip
    session.add(enrolment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{person_id} 已参加 {year} 年医保", f"person {person_id} is already enrolled for {year}"
        ) from None
    audit.append(
        session, actor=actor, action="medical.enrol", entity="medical_enrolment", entity_id=enrolment.id,
        region_code=pool_region, subject=str(person_id),
        after={"year": year, "insurance_type": insurance_type, "aid_category": aid_category, "subsidy_fen": subsidy},
    )  # fmt: skip
    return enrolment


def file_cross_province(
    session: Session, *, person_id: int, filing_type: str, destination_region: str, valid_from: date,
    valid_to: date | None = None, actor: str = "system",
) -> Filing:  # fmt: skip
    """异地就医备案."""
    if filing_type not in FILING_TYPE:
        raise _invalid(
            "filing_type", "vocabulary", f"未知备案类型 {filing_type}", f"unknown filing type {filing_type}"
        )
    if session.get(Person, person_id) is None:
        raise NotFound("人员 / person", person_id)
    filing = Filing(
        person_id=person_id, filing_type=filing_type, destination_region=destination_region,
        valid_from=valid_from, valid_to=valid_to,
    )  # fmt: skip
    session.add(filing)
    session.flush()
    audit.append(
        session, actor=actor, action="medical.filing", entity="medical_filing", entity_id=filing.id,
        subject=str(person_id), after={"filing_type": filing_type, "destination": destination_region},
    )  # fmt: skip
    return filing


# ----------------------------------------------------------------------------- settlement


@dataclass
class ClaimLine:
    item_code: str
    item_name: str
    catalogue_class: str  # A | B | C
    quantity: int
    unit_price_fen: int
    amount_fen: int
    drug_code: str | None = None
    service_date: date | None = None


@dataclass
class ClaimRequest:
    idempotency_key: str
    claim_number: str
    person_id: int
    institution_code: str
    care_type: str
    admission_date: date
    discharge_date: date
    items: list[ClaimLine] = field(default_factory=list)

    def digest(self) -> str:
        body = json.dumps(
            self.__dict__, default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o), sort_keys=True
        )
        return hashlib.sha256(body.encode()).hexdigest()


def _validate(session: Session, request: ClaimRequest) -> tuple[Institution, Enrolment]:
    if request.care_type not in CARE_TYPE:
        raise _invalid(
            "care_type",
            "vocabulary",
            f"未知就诊类型 {request.care_type}",
            f"unknown care type {request.care_type}",
        )
    if request.discharge_date < request.admission_date:
        raise _invalid(
            "discharge_date", "after_admission", "出院日期早于入院日期", "discharge date is before admission"
        )
    if not request.items:
        raise _invalid("items", "not_empty", "费用明细为空", "the bill has no items")
    special = (
        medical_parameters.special_drugs_on(request.discharge_date)
        if request.care_type == "outpatient_special"
        else {}
    )
    for number, item in enumerate(request.items):
        where = f"items[{number}]"
        if item.catalogue_class not in ("A", "B", "C"):
            raise _invalid(
                f"{where}.catalogue_class",
                "vocabulary",
                "目录类别应为 A/B/C(甲/乙/丙)",
                "catalogue class must be A, B or C",
            )
        for name in ("quantity", "unit_price_fen", "amount_fen"):
            if getattr(item, name) < 0:
                raise _invalid(
                    f"{where}.{name}", "not_negative", f"{name} 不能为负数", f"{name} must not be negative"
                )
        if item.amount_fen != item.quantity * item.unit_price_fen:
            raise _invalid(
                f"{where}.amount_fen",
                "quantity_times_price",
                "金额应等于数量×单价",
                "amount must equal quantity × unit price",
            )
        if request.care_type == "outpatient_special" and item.drug_code and item.drug_code not in special:
            raise _invalid(
                f"{where}.drug_code", "special_drug_list", f"{item.drug_code} 不在门诊特殊用药目录内",
                f"{item.drug_code} is not on the special outpatient drug list",
            )  # fmt: skip
    institution = session.scalar(select(Institution).where(Institution.code == request.institution_code))
    if institution is None:
        raise _invalid(
            "institution_code", "institution_exists", f"非定点医药机构 {request.institution_code}",
            f"no designated institution {request.institution_code}", 404,
        )  # fmt: skip
    enrolment = session.scalar(
        select(Enrolment).where(
            Enrolment.person_id == request.person_id, Enrolment.year == request.discharge_date.year
        )
    )
    # an enrolment names an existing person (foreign key): the person is looked up only to say which is missing
    if enrolment is None and session.get(Person, request.person_id) is None:
        raise _invalid(
            "person_id",
            "person_exists",
            f"未找到参保人 {request.person_id}",
            f"no person {request.person_id}",
            404,
        )
    on = request.discharge_date
    if (
        enrolment is None
        or enrolment.enrolled_on > on
        or (enrolment.ended_on is not None and enrolment.ended_on <= on)
    ):
        raise _invalid("person_id", "insured_on_date", f"{on} 未参加基本医保", f"not insured on {on}")
    return institution, enrolment


def _run(
    session: Session,
    request: ClaimRequest,
    institution: Institution,
    enrolment: Enrolment,
    accumulator: Accumulator | None,
) -> dict:
    sums = {"A": 0, "B": 0, "C": 0}
    for item in request.items:
        sums[item.catalogue_class] += item.amount_fen
    claims = [{
        "claim_id": request.claim_number, "person_id": request.person_id, "institution_id": institution.id,
        "care_type": request.care_type, "admission_date": request.admission_date,
        "discharge_date": request.discharge_date,
        "class_a_fen": sums["A"], "class_b_fen": sums["B"], "class_c_fen": sums["C"],
    }]  # fmt: skip
    enrolments = [{
        "person_id": enrolment.person_id, "year": enrolment.year, "insurance_type": enrolment.insurance_type,
        "person_type": enrolment.person_type, "aid_category": enrolment.aid_category,
        "pool_region": enrolment.pool_region, "enrolled_on": enrolment.enrolled_on, "ended_on": enrolment.ended_on,
    }]  # fmt: skip
    institutions = [
        {"institution_id": institution.id, "level": institution.level, "region_code": institution.region_code}
    ]
    filings = [
        {
            "person_id": f.person_id,
            "filing_type": f.filing_type,
            "valid_from": f.valid_from,
            "valid_to": f.valid_to,
        }
        for f in session.execute(
            select(Filing.person_id, Filing.filing_type, Filing.valid_from, Filing.valid_to).where(
                Filing.person_id == request.person_id
            )
        ).all()
    ]
    prior = []
    if accumulator is not None:
        prior = [
            {
                "person_id": accumulator.person_id,
                "year": accumulator.year,
                **{n: getattr(accumulator, n) for n, _ in TOTALS},
            }
        ]
    # every league's parameters stay loaded in the thread's connection; the rule picks the person's league
    (row,) = settle_rows(claims, enrolments, institutions, filings, prior)
    return row


def _explain(row: dict) -> dict[str, Any]:
    """The determination with its reasons: checks, parameters used and their sources, Chinese first."""
    checks = [
        {
            "check": c.column,
            "passed": bool(row[c.column]),
            "field": CHECK_FIELDS[c.column],
            "reason_zh": render(c.pass_zh if row[c.column] else c.fail_zh, row),
            "reason_en": render(c.pass_en if row[c.column] else c.fail_en, row),
        }
        for c in SETTLEMENT.checks
    ]
    tilt = bool(row["critical_illness_tilt"])
    category_zh, category_en = AID_CATEGORY.get(
        row["aid_category"], (row["aid_category"], row["aid_category"])
    )
    steps = [
        {
            "tier": "basic",
            "zh": f"基本医保:(政策范围内 {fen_to_yuan(row['policy_fen'])} − 起付线 {fen_to_yuan(row['deductible_fen'])})"
            f" × {_percent(row['basic_ratio'])} = {fen_to_yuan(row['basic_fen'])} 元(年度封顶线内)",
            "en": f"basic insurance: (within catalogue {fen_to_yuan(row['policy_fen'])} − deductible "
            f"{fen_to_yuan(row['deductible_fen'])}) × {_percent(row['basic_ratio'])} = {fen_to_yuan(row['basic_fen'])} yuan (within the annual cap)",
        },
        {
            "tier": "critical_illness",
            "zh": f"大病保险:年度累计政策内自付超过起付线 {fen_to_yuan(row['critical_illness_deductible_fen'])} 元的部分按"
            f" {_percent(row['critical_illness_ratio'])} 起分段报销 = {fen_to_yuan(row['critical_illness_fen'])} 元"
            + (f"({category_zh}:起付线减半、比例提高、不设封顶线)" if tilt else ""),
            "en": f"critical illness: the year's within-catalogue out-of-pocket above {fen_to_yuan(row['critical_illness_deductible_fen'])}"
            f" yuan at {_percent(row['critical_illness_ratio'])} and up by segment = {fen_to_yuan(row['critical_illness_fen'])} yuan"
            + (f" ({category_en}: deductible halved, ratio raised, no cap)" if tilt else ""),
        },
        {
            "tier": "medical_aid",
            "zh": f"医疗救助({category_zh}):剩余政策内自付超过 {fen_to_yuan(row['medical_aid_deductible_fen'])} 元的部分 ×"
            f" {_percent(row['medical_aid_ratio'])} = {fen_to_yuan(row['medical_aid_fen'])} 元",
            "en": f"medical aid ({category_en}): residual above {fen_to_yuan(row['medical_aid_deductible_fen'])} yuan ×"
            f" {_percent(row['medical_aid_ratio'])} = {fen_to_yuan(row['medical_aid_fen'])} yuan",
        },
        {
            "tier": "self_pay",
            "zh": f"个人支付 {fen_to_yuan(row['self_pay_fen'])} 元(含目录外 {fen_to_yuan(row['class_c_fen'])} 元、乙类先行自付 {fen_to_yuan(row['class_b_self_fen'])} 元)",
            "en": f"the patient pays {fen_to_yuan(row['self_pay_fen'])} yuan (incl. {fen_to_yuan(row['class_c_fen'])} outside the catalogue"
            f" and {fen_to_yuan(row['class_b_self_fen'])} first share of class B)",
        },
    ]
    return {
        "rule": SETTLEMENT.name,
        "checks": checks,
        "steps": steps,
        "parameters": medical_parameters.sources(MEDICAL_PARAMETERS),
        "values": {k: (str(v) if isinstance(v, (Decimal, date)) else v) for k, v in row.items()},
    }


def _percent(value: Any) -> str:
    return f"{(Decimal(str(value)) * 100).normalize():f}%"


@dataclass
class Settlement:
    claim_id: int | None
    idempotency_key: str
    status: str
    replayed: bool
    row: dict
    explanation: dict


def _from_claim(claim: Claim, replayed: bool) -> Settlement:
    return Settlement(
        claim.id, claim.idempotency_key, claim.status, replayed, claim.result["values"], claim.result
    )


def _compute(
    session: Session, request: ClaimRequest, lock: bool
) -> tuple[dict, Institution, Enrolment, Accumulator | None]:
    institution, enrolment = _validate(session, request)
    year = request.discharge_date.year
    accumulator = session.get(Accumulator, (request.person_id, year), with_for_update=lock)
    row = _run(session, request, institution, enrolment, accumulator)
    if not row["settled"]:
        failed = [c for c in SETTLEMENT.checks if not row[c.column]]
        raise DomainError(
            "not_settled", "无法结算:" + ";".join(c.fail_zh for c in failed), "cannot settle: " + "; ".join(c.fail_en for c in failed),
            422, [FieldError(CHECK_FIELDS[c.column], c.column, c.fail_zh, c.fail_en) for c in failed],
        )  # fmt: skip
    return row, institution, enrolment, accumulator


def preview(session: Session, request: ClaimRequest) -> Settlement:
    """试算: the same computation on the current accumulators, nothing saved."""
    row, *_ = _compute(session, request, lock=False)
    explanation = _explain(row)
    return Settlement(None, request.idempotency_key, "preview", False, explanation["values"], explanation)


def _settle_in(session: Session, request: ClaimRequest, actor: str) -> Settlement:
    existing = session.scalar(select(Claim).where(Claim.idempotency_key == request.idempotency_key))
    if existing is not None:
        return _replay(existing, request)
    row, institution, enrolment, accumulator = _compute(session, request, lock=True)
    if accumulator is None:
        accumulator = Accumulator(
            person_id=request.person_id, year=request.discharge_date.year, claims_count=0
        )
        session.add(accumulator)
    for name, total in TOTALS:
        setattr(accumulator, name, row[total])
    accumulator.claims_count += 1
    explanation = _explain(row)
    claim = Claim(
        idempotency_key=request.idempotency_key, request_hash=request.digest(), claim_number=request.claim_number,
        person_id=request.person_id, institution_id=institution.id, care_type=request.care_type,
        admission_date=request.admission_date, discharge_date=request.discharge_date, year=row["year"],
        pool_region=enrolment.pool_region, total_fen=row["total_fen"], policy_fen=row["policy_fen"],
        basic_fen=row["basic_fen"], oop_policy_fen=row["oop_policy_fen"],
        critical_illness_fen=row["critical_illness_fen"], medical_aid_fen=row["medical_aid_fen"],
        self_pay_fen=row["self_pay_fen"], status="settled", result=explanation, actor=actor,
        items=[
            ClaimItem(
                line_no=number + 1, item_code=i.item_code, item_name=i.item_name, catalogue_class=i.catalogue_class,
                drug_code=i.drug_code, service_date=i.service_date, quantity=i.quantity,
                unit_price_fen=i.unit_price_fen, amount_fen=i.amount_fen,
            )
            for number, i in enumerate(request.items)
        ],
    )  # fmt: skip
    session.add(claim)
    session.flush()
    return _from_claim(claim, replayed=False)


def _replay(existing: Claim, request: ClaimRequest) -> Settlement:
    if existing.request_hash != request.digest():
        raise Conflict(
            f"幂等键 {request.idempotency_key} 已用于另一笔结算", f"idempotency key {request.idempotency_key} was used for another claim",
            [FieldError("idempotency_key", "same_request", "同一幂等键的请求内容不同", "a different request under the same key")],
        )  # fmt: skip
    return _from_claim(existing, replayed=True)


def settle_claim(request: ClaimRequest, actor: str = "system", engine=None) -> Settlement:
    """实时结算: settle and update the accumulators in one transaction; a retry returns the first answer."""
    try:
        with unit_of_work(engine) as session:
            return _settle_in(session, request, actor)
    except IntegrityError:
        # a concurrent retry committed first (unique idempotency key or accumulator row): answer with its result
        with unit_of_work(engine) as session:
            existing = session.scalar(select(Claim).where(Claim.idempotency_key == request.idempotency_key))
            if existing is not None:
                return _replay(existing, request)
            return _settle_in(session, request, actor)


def claim_in_scope(session: Session, claim_id: int, scope: RegionScope) -> Claim:
    """A claim for the pooling league's officers and for those who supervise where the care was given
    (就医地监管: a banner officer checks the claims of its hospitals); 404 for anyone else."""
    claim = session.get(Claim, claim_id)
    if claim is not None and not scope.allows(claim.pool_region):
        institution = session.get(Institution, claim.institution_id)
        if not scope.allows(institution.region_code):
            claim = None
    if claim is None:
        raise NotFound("结算单 / claim", claim_id)  # outside the scope answers 404 too
    return claim


def reverse_claim(session: Session, claim_id: int, reason: str, actor: str = "system") -> Claim:
    """冲销: refund a settlement and take its amounts back out of the person's accumulators."""
    claim = session.get(Claim, claim_id, with_for_update=True)
    if claim is None:
        raise NotFound("结算单 / claim", claim_id)
    if claim.status == "reversed":
        raise Conflict(f"结算单 {claim_id} 已冲销", f"claim {claim_id} is already reversed")
    accumulator = session.get(Accumulator, (claim.person_id, claim.year), with_for_update=True)
    before = {name: getattr(accumulator, name) for name, _ in TOTALS}
    accumulator.basic_paid_fen -= claim.basic_fen
    accumulator.oop_policy_fen -= claim.oop_policy_fen
    accumulator.critical_illness_paid_fen -= claim.critical_illness_fen
    accumulator.residual_fen -= claim.oop_policy_fen - claim.critical_illness_fen
    accumulator.medical_aid_paid_fen -= claim.medical_aid_fen
    accumulator.claims_count -= 1
    claim.status = "reversed"
    claim.reversed_at = utcnow()
    claim.reversal_reason = reason
    session.flush()
    audit.append(
        session, actor=actor, action="medical.claim.reverse", entity="medical_claim", entity_id=claim.id,
        region_code=claim.pool_region, subject=str(claim.person_id),
        before={"status": "settled", "accumulator": before},
        after={"status": "reversed", "reason": reason, "accumulator": {n: getattr(accumulator, n) for n, _ in TOTALS}},
    )  # fmt: skip
    return claim


def accumulator_of(session: Session, person_id: int, year: int) -> dict[str, int]:
    accumulator = session.get(Accumulator, (person_id, year))
    values = {name: (getattr(accumulator, name) if accumulator else 0) for name, _ in TOTALS}
    values["claims_count"] = accumulator.claims_count if accumulator else 0
    return values
