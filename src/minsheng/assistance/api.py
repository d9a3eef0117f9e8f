"""Assistance API: a "what if" determination of a household typed in (nothing stored), and one from
the registry. Amounts are fen; every determination carries its reasons in Chinese and English."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt

from minsheng.api.deps import current_scope, require
from minsheng.api.errors import NotFound
from minsheng.assistance import service
from minsheng.registry.vocabulary import EXPENSE_CATEGORY, INCOME_CATEGORY
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/assistance", tags=["assistance"])

Fen = Field(default=0, ge=0, description="amount in fen (分), ≥ 0")
IncomeCategory = Literal[tuple(INCOME_CATEGORY)]  # type: ignore[valid-type]
ExpenseCategory = Literal[tuple(EXPENSE_CATEGORY)]  # type: ignore[valid-type]


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int | None = Field(None, ge=1)
    relationship_to_head: Literal[
        "head", "spouse", "child", "parent", "grandchild", "grandparent", "sibling", "other"
    ]
    sex: Literal["M", "F"] = "M"
    birth_date: dt.date
    death_date: dt.date | None = None
    hukou: Literal["urban", "rural"] | None = None
    employment_status: str | None = None
    disability_type: (
        Literal["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"] | None
    ) = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    serious_illness: bool = False
    adl_items_lost: int = Field(
        0, ge=0, le=6, description="of the six ADL items, how many the person cannot do"
    )
    tags: list[str] = Field(
        default_factory=list, description="e.g. orphan, unsupported_child, institutional_care"
    )
    incomes: dict[IncomeCategory, NonNegativeInt] = Field(
        default_factory=dict, description="monthly fen by category"
    )  # type: ignore[valid-type]
    expenses: dict[ExpenseCategory, NonNegativeInt] = Field(
        default_factory=dict, description="monthly fen by category"
    )  # type: ignore[valid-type]


class HouseholdIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    banner_code: str = Field(pattern=r"^\d{6}$", description="旗县区代码 GB/T 2260")
    hukou: Literal["urban", "rural"]
    financial_assets_fen: int = Fen
    other_assets_fen: int = Fen
    vehicles: int = Field(0, ge=0)
    vehicle_value_fen: int = Fen
    dwellings: int = Field(0, ge=0)
    business_assets_fen: int = Fen
    members: list[MemberIn] = Field(min_length=1, max_length=30)


class AssessRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household: HouseholdIn
    as_of: dt.date | None = Field(None, description="the date of the determination; today if absent")


@router.post("/assess", summary="认定试算 determine a household typed in (not stored)")
def assess(
    request: AssessRequest,
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    """低保, 特困, orphan, 低保边缘 and 刚性支出 for a household given as JSON, with every reason.
    Nothing is stored: a caseworker can try "what if" before an application exists."""
    as_of = request.as_of or dt.date.today()
    data = request.household.model_dump()
    if not scope.allows(data["banner_code"]) and _known_banner(data["banner_code"]):
        raise NotFound("旗县区 banner", data["banner_code"])  # outside the caller's scope: as if absent
    return service.assess_data(data, as_of).as_dict()


@router.get("/households/{household_id}/assessment", summary="认定 determine a registry household")
def assess_registered(
    household_id: int,
    as_of: dt.date | None = Query(None, description="the date of the determination; today if absent"),
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    with unit_of_work() as session:
        result = service.assess_household(session, household_id, as_of or dt.date.today())
    if not scope.allows(result.summary["banner_code"]):
        raise NotFound("家庭户 household", household_id)
    return result.as_dict()


def _known_banner(code: str) -> bool:
    from minsheng import regions

    return regions.exists(code)


# --- cases (审核确认) ------------------------------------------------------------------------------


def _today() -> dt.date:
    """Today in the region's time zone (the date a step is recorded on by default)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from minsheng.config import get_settings

    return datetime.now(ZoneInfo(get_settings().timezone)).date()


def case_dict(
    session: Any, case: Any, as_of: dt.date, permissions: frozenset[str] | None = None
) -> dict[str, Any]:
    """A case as the API and the portal show it: status, deadlines, determination, timeline, money."""
    from minsheng.assistance import cases

    due = cases.deadlines(case, as_of)
    data: dict[str, Any] = {
        "id": case.id,
        "case_no": case.case_no,
        "version": case.version,
        "household_id": case.household_id,
        "banner_code": case.banner_code,
        "programme": case.programme,
        "programme_zh": cases.PROGRAMME_LABELS[case.programme][0],
        "status": case.status,
        "status_zh": cases.label(cases.STATUS_LABELS, case.status),
        "channel": case.channel,
        "source": case.source,
        "special": case.special,
        "subject_person_id": case.subject_person_id,
        "payee_person_id": case.payee_person_id,
        "paying_bank": case.paying_bank,
        "submitted_on": case.submitted_on,
        "accepted_on": case.accepted_on,
        "notice_from": case.notice_from,
        "notice_to": case.notice_to,
        "decided_on": case.decided_on,
        "start_month": case.start_month,
        "end_month": case.end_month,
        "next_review_on": case.next_review_on,
        "taper_until": case.taper_until,
        "deadlines": {
            "start_by": due.start_by,
            "decide_by": due.decide_by,
            "start_overdue": due.start_overdue,
            "decision_overdue": due.decision_overdue,
            "provisional": due.provisional,
            "working_days_used": due.working_days_used,
        },
        "determination": case.determination,
        "amounts": [
            {
                "effective_month": a.effective_month,
                "monthly_amount_fen": a.monthly_amount_fen,
                "reason": a.reason,
            }
            for a in sorted(case.amounts, key=lambda a: a.effective_month)
        ],
        "adjustments": [
            {
                "month": a.month,
                "amount_fen": a.amount_fen,
                "reason": a.reason,
                "settled_in_month": a.settled_in_month,
            }
            for a in case.adjustments
        ],
        "events": [
            {
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "on": e.occurred_on,
                "at": e.at,
                "actor": e.actor,
                "reason": e.reason,
                "data": e.data,
            }
            for e in case.events
        ],
    }
    if permissions is not None:
        data["allowed_actions"] = [t.action for t in cases.allowed_actions(case, permissions)]
    return data


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    household_id: int = Field(ge=1)
    programme: Literal["dibao", "tekun", "orphan", "de_facto_child", "dibao_edge", "rigid_expense"]
    submitted_on: dt.date | None = Field(None, description="the application date; today if absent")
    subject_person_id: int | None = Field(None, ge=1, description="the member a person programme concerns")
    applicant_person_id: int | None = Field(None, ge=1)
    source: str | None = Field(None, max_length=40, description='e.g. "alert:123"')
    special: bool = Field(False, description="special case: 45 working days instead of 30")
    note: str | None = Field(None, max_length=2000)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(
        description="accept, record_investigation, township_review, publish_notice, object, …"
    )
    version: int = Field(ge=1, description="the case version you read (optimistic locking)")
    on: dt.date | None = Field(None, description="the business date of the step; today if absent")
    reason: str | None = Field(None, max_length=2000)
    data: dict[str, Any] = Field(default_factory=dict, description="the step's own fields")


@router.get("/cases", summary="救助案件 list cases in scope")
def list_cases_api(
    status: str | None = None,
    programme: str | None = None,
    region: str | None = None,
    overdue: bool = False,
    before: int | None = Query(None, ge=1, description="cursor: cases with a smaller id"),
    limit: int = Query(50, ge=1, le=500),
    as_of: dt.date | None = None,
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    from minsheng.assistance import cases
    from minsheng.security.scope import OutOfScope

    day = as_of or _today()
    with unit_of_work() as session:
        try:
            rows = cases.list_cases(
                session,
                scope,
                day,
                cases.CaseFilter(status=status, programme=programme, region=region, overdue=overdue),
                limit=limit,
                before_id=before,
            )
        except OutOfScope:
            raise NotFound("行政区划 / region", region) from None
        items = [
            {
                "id": c.id,
                "case_no": c.case_no,
                "household_id": c.household_id,
                "banner_code": c.banner_code,
                "programme": c.programme,
                "status": c.status,
                "submitted_on": c.submitted_on,
                "decide_by": due.decide_by,
                "overdue": due.overdue,
                "version": c.version,
            }
            for c, due in rows
        ]
    return {"as_of": day, "items": items, "next_before": items[-1]["id"] if len(items) == limit else None}


@router.post("/cases", status_code=201, summary="受理申请 open a case")
def open_case_api(request: CaseIn, principal: Any = Depends(require("assistance.write"))) -> dict[str, Any]:
    from minsheng.assistance import cases

    today = _today()
    with unit_of_work() as session:
        case = cases.open_case(
            session,
            household_id=request.household_id,
            programme=request.programme,
            submitted_on=request.submitted_on or today,
            actor=cases.Actor.of(principal),
            subject_person_id=request.subject_person_id,
            applicant_person_id=request.applicant_person_id,
            source=request.source,
            special=request.special,
            note=request.note,
            today=today,
        )
        return case_dict(session, case, today, principal.permissions)


@router.get("/cases/{case_id}", summary="案件 one case with its timeline")
def get_case_api(case_id: int, principal: Any = Depends(require("assistance.read"))) -> dict[str, Any]:
    from minsheng.assistance import cases

    with unit_of_work() as session:
        case = cases.get_case(session, case_id, principal.scope)
        return case_dict(session, case, _today(), principal.permissions)


@router.post("/cases/{case_id}/transitions", summary="办理 a step of the procedure")
def transition_api(
    case_id: int, request: TransitionIn, principal: Any = Depends(require("assistance.read"))
) -> dict[str, Any]:
    """One step, by the role it belongs to; a stale `version` answers 409 and changes nothing."""
    from minsheng.assistance import cases

    today = _today()
    with unit_of_work() as session:
        case = cases.transition(
            session,
            case_id,
            request.action,
            actor=cases.Actor.of(principal),
            on=request.on or today,
            expected_version=request.version,
            reason=request.reason,
            data=request.data,
            today=today,
        )
        return case_dict(session, case, today, principal.permissions)


@router.get("/cases/{case_id}/notice.pdf", summary="决定书 PDF the decision notice")
def notice_pdf_api(case_id: int, principal: Any = Depends(require("assistance.read"))):

    from minsheng.assistance import cases, notice

    with unit_of_work() as session:
        case = cases.get_case(session, case_id, principal.scope)
        content = notice.build(session, case)
    return notice.pdf_response(content)


@router.get("/notices", summary="公示 cases in public notice in scope")
def public_notices_api(
    as_of: dt.date | None = None,
    scope: RegionScope = Depends(current_scope),
    _: Any = Depends(require("assistance.read")),
) -> dict[str, Any]:
    from minsheng.assistance import publication

    with unit_of_work() as session:
        return publication.notices(session, scope, as_of or _today())
