"""Medical API: real-time settlement for hospitals' systems (token with `medical.write`), preview,
reversal, and lookups of claims and accumulators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field
from pydantic_core import to_json
from sqlalchemy import select

from minsheng.api.blocking import Gathered, run_blocking
from minsheng.api.deps import require
from minsheng.api.errors import NotFound
from minsheng.medical import service
from minsheng.medical.models import Enrolment, Institution
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/medical", tags=["medical"])

# the one line that says who may settle: a hospital's token (or an officer) holding medical.write
settle_permission = require("medical.write")
read_permission = require("medical.read")


class ClaimItemIn(BaseModel):
    item_code: str = Field(min_length=1, max_length=32)
    item_name: str = Field(min_length=1, max_length=200)
    catalogue_class: Literal["A", "B", "C"] = Field(description="甲 A / 乙 B / 丙 C")
    quantity: int = Field(ge=0, le=100_000)
    unit_price_fen: int = Field(ge=0, le=10**11)
    amount_fen: int = Field(ge=0, le=10**12)
    drug_code: str | None = Field(None, max_length=32)
    service_date: date | None = None


class ClaimIn(BaseModel):
    idempotency_key: str = Field(
        min_length=8, max_length=80, description="one per claim; a retry sends the same key"
    )
    claim_number: str = Field(min_length=1, max_length=64)
    person_id: int = Field(ge=1)
    institution_code: str = Field(min_length=1, max_length=32)
    care_type: Literal["inpatient", "outpatient", "outpatient_special"]
    admission_date: date
    discharge_date: date
    items: list[ClaimItemIn] = Field(min_length=1, max_length=2000)

    def to_request(self) -> service.ClaimRequest:
        return service.ClaimRequest(
            idempotency_key=self.idempotency_key,
            claim_number=self.claim_number,
            person_id=self.person_id,
            institution_code=self.institution_code,
            care_type=self.care_type,
            admission_date=self.admission_date,
            discharge_date=self.discharge_date,
            items=[service.ClaimLine(**item.model_dump()) for item in self.items],
        )


class Step(BaseModel):
    tier: str
    zh: str
    en: str


class CheckOut(BaseModel):
    check: str
    passed: bool
    field: str
    reason_zh: str
    reason_en: str


class SettlementOut(BaseModel):
    claim_id: int | None
    idempotency_key: str
    status: str
    replayed: bool = Field(description="true when this answers a retry of an earlier request")
    person_id: int
    year: int
    total_fen: int
    policy_fen: int
    basic_fen: int
    critical_illness_fen: int
    medical_aid_fen: int
    self_pay_fen: int
    accumulators: dict[str, int]
    steps: list[Step]
    checks: list[CheckOut]
    parameters: dict[str, Any]


def _answered(settlement: service.Settlement) -> Response:
    """A settlement as `SettlementOut`, serialised straight to JSON: the hot path skips building the
    model only for FastAPI to check and serialise it again (the tests check the answer against it)."""
    row, explanation = settlement.row, settlement.explanation
    answer = {
        "claim_id": settlement.claim_id,
        "idempotency_key": settlement.idempotency_key,
        "status": settlement.status,
        "replayed": settlement.replayed,
        **{name: row[name] for name in _SETTLEMENT_FIELDS},
        "accumulators": {name: row[total] for name, total in service.ACCUMULATOR_TOTALS},
        "steps": explanation["steps"],
        "checks": explanation["checks"],
        "parameters": explanation["parameters"],
    }
    return Response(to_json(answer), media_type="application/json")


_SETTLEMENT_FIELDS = (
    "person_id", "year", "total_fen", "policy_fen", "basic_fen", "critical_illness_fen", "medical_aid_fen",
    "self_pay_fen",
)  # fmt: skip


def _settle_together(claims: list[tuple[service.ClaimRequest, str]]) -> list[service.Answer]:
    return service.settle_claims([request for request, _ in claims], [actor for _, actor in claims])


# claims that arrive while others are being settled are settled together, in one read and one write
_settle = Gathered(_settle_together)


@router.post("/settle", response_model=SettlementOut)
async def settle(claim: ClaimIn, principal: Principal = Depends(settle_permission)) -> Response:
    """一站式结算: settle a claim across the three tiers and update the accumulators, in one transaction."""
    return _answered(await _settle((claim.to_request(), principal.login)))


@router.post("/settle/preview", response_model=SettlementOut)
async def settle_preview(claim: ClaimIn, _principal: Principal = Depends(settle_permission)) -> Response:
    """试算: the same settlement on the current accumulators; nothing is saved."""
    return _answered(await run_blocking(service.preview, claim.to_request()))


class ReversalIn(BaseModel):
    reason: str = Field(min_length=2, max_length=200)


class ReversalOut(BaseModel):
    claim_id: int
    status: str
    accumulators: dict[str, int]


@router.post("/claims/{claim_id}/reversal", response_model=ReversalOut)
def reverse(
    body: ReversalIn, claim_id: int = Path(ge=1), principal: Principal = Depends(settle_permission)
) -> ReversalOut:
    """冲销: refund a settlement and restore the person's accumulators."""
    with unit_of_work() as session:
        claim = service.claim_in_scope(session, claim_id, principal.scope)
        claim = service.reverse_claim(session, claim.id, body.reason, actor=principal.login)
        return ReversalOut(
            claim_id=claim.id,
            status=claim.status,
            accumulators=service.accumulator_of(session, claim.person_id, claim.year),
        )


class ClaimOut(BaseModel):
    claim_id: int
    claim_number: str
    status: str
    person_id: int
    institution_id: int
    pool_region: str
    care_type: str
    admission_date: date
    discharge_date: date
    total_fen: int
    basic_fen: int
    critical_illness_fen: int
    medical_aid_fen: int
    self_pay_fen: int
    steps: list[Step]


@router.get("/claims/{claim_id}", response_model=ClaimOut)
def get_claim(claim_id: int = Path(ge=1), principal: Principal = Depends(read_permission)) -> ClaimOut:
    """结算单查询: one settlement with its reasons."""
    with unit_of_work() as session:
        claim = service.claim_in_scope(session, claim_id, principal.scope)
        return ClaimOut(
            claim_id=claim.id,
            claim_number=claim.claim_number,
            status=claim.status,
            person_id=claim.person_id,
            institution_id=claim.institution_id,
            pool_region=claim.pool_region,
            care_type=claim.care_type,
            admission_date=claim.admission_date,
            discharge_date=claim.discharge_date,
            total_fen=claim.total_fen,
            basic_fen=claim.basic_fen,
            critical_illness_fen=claim.critical_illness_fen,
            medical_aid_fen=claim.medical_aid_fen,
            self_pay_fen=claim.self_pay_fen,
            steps=[Step(**s) for s in claim.result["steps"]],
        )


@router.get("/accumulators/{person_id}/{year}")
def get_accumulators(
    person_id: int = Path(ge=1),
    year: int = Path(ge=2000, le=2100),
    principal: Principal = Depends(read_permission),
) -> dict[str, int]:
    """年度累计: a person's running totals for a year (the person's pooling league must be in scope)."""
    with unit_of_work() as session:
        enrolment = session.scalar(
            select(Enrolment).where(Enrolment.person_id == person_id, Enrolment.year == year)
        )
        if enrolment is None or not principal.scope.allows(enrolment.pool_region):
            raise NotFound("参保登记 / enrolment", f"{person_id}/{year}")
        return service.accumulator_of(session, person_id, year)


class EnrolmentIn(BaseModel):
    person_id: int = Field(ge=1)
    year: int = Field(ge=2000, le=2100)
    insurance_type: Literal["resident", "employee"]
    person_type: Literal["resident", "in_service", "retired"]
    aid_category: Literal[
        "tekun", "dibao", "relapse_poverty", "dibao_edge", "illness_impoverished", "none"
    ] = "none"
    pool_region: str = Field(pattern=r"^15\d{2}00$", description="the league that pools the insurance")
    enrolled_on: date


class EnrolmentOut(BaseModel):
    id: int
    person_id: int
    year: int
    insurance_type: str
    person_type: str
    aid_category: str
    pool_region: str
    premium_fen: int
    subsidy_fen: int
    individual_fen: int


@router.post("/enrolments", response_model=EnrolmentOut, status_code=201)
def enrol(body: EnrolmentIn, principal: Principal = Depends(settle_permission)) -> EnrolmentOut:
    """参保登记: with the premium and the 资助参保 subsidy (特困 full, 低保/返贫致贫 fixed)."""
    if not principal.scope.allows(body.pool_region):
        raise NotFound("统筹地区 / pooling region", body.pool_region)
    with unit_of_work() as session:
        e = service.enrol(session, **body.model_dump(), actor=principal.login)
        return EnrolmentOut(**{name: getattr(e, name) for name in EnrolmentOut.model_fields})


class FilingIn(BaseModel):
    person_id: int = Field(ge=1)
    filing_type: Literal["long_term_resident", "referral", "emergency", "other"]
    destination_region: str = Field(pattern=r"^\d{6}$")
    valid_from: date
    valid_to: date | None = None


@router.post("/filings", status_code=201)
def file_cross_province(body: FilingIn, principal: Principal = Depends(settle_permission)) -> dict[str, Any]:
    """异地就医备案: long-term residence, referral, emergency or other temporary care elsewhere."""
    with unit_of_work() as session:
        filing = service.file_cross_province(session, **body.model_dump(), actor=principal.login)
        return {"id": filing.id, "person_id": filing.person_id, "filing_type": filing.filing_type}


class InstitutionIn(BaseModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    level: int = Field(ge=1, le=3)
    region_code: str = Field(pattern=r"^\d{6}$")
    kind: Literal["hospital", "clinic", "pharmacy"] = "hospital"
    designated_from: date


@router.post("/institutions", status_code=201)
def register_institution(
    body: InstitutionIn, principal: Principal = Depends(settle_permission)
) -> dict[str, Any]:
    """定点医药机构登记."""
    with unit_of_work() as session:
        institution = service.register_institution(session, **body.model_dump(), actor=principal.login)
        return {"id": institution.id, "code": institution.code, "level": institution.level}


class CaseIn(BaseModel):
    institution_id: int = Field(ge=1)
    flag_ids: list[int] = Field(min_length=1, max_length=10_000)
    kind: Literal["misuse", "fraud"] = Field(description="违规 misuse (fine 1–2×) or 骗保 fraud (2–5×)")


class DecisionIn(BaseModel):
    refused_fen: int = Field(ge=0)
    recovered_fen: int = Field(ge=0)
    fine_multiple: Decimal = Field(ge=0, le=10)
    decided_on: date


class CaseOut(BaseModel):
    id: int
    institution_id: int
    kind: str
    status: str
    loss_fen: int
    refused_fen: int
    recovered_fen: int
    fine_multiple: str | None
    fine_fen: int


def _case_out(case) -> CaseOut:
    return CaseOut(**{name: getattr(case, name) for name in CaseOut.model_fields})


@router.post("/cases", response_model=CaseOut, status_code=201)
def open_case(body: CaseIn, principal: Principal = Depends(settle_permission)) -> CaseOut:
    """立案: a supervision case against an institution from its flags."""
    from minsheng.medical import supervision

    with unit_of_work() as session:
        institution = session.get(Institution, body.institution_id)
        if institution is None or not principal.scope.allows(institution.region_code):
            raise NotFound("定点医药机构 / institution", body.institution_id)
        return _case_out(
            supervision.open_case(session, body.institution_id, body.flag_ids, body.kind, principal.login)
        )


@router.post("/cases/{case_id}/decision", response_model=CaseOut)
def decide_case(
    body: DecisionIn, case_id: int = Path(ge=1), principal: Principal = Depends(settle_permission)
) -> CaseOut:
    """处理决定: refusal, recovery and a fine within the legal multiple of the loss."""
    from minsheng.medical import supervision
    from minsheng.medical.models import SupervisionCase

    with unit_of_work() as session:
        case = session.get(SupervisionCase, case_id)
        if case is None or not principal.scope.allows(case.region_code):
            raise NotFound("监管案件 / case", case_id)
        decided = supervision.decide_case(
            session, case_id, refused_fen=body.refused_fen, recovered_fen=body.recovered_fen,
            fine_multiple=body.fine_multiple, on=body.decided_on, actor=principal.login,
        )  # fmt: skip
        return _case_out(decided)
