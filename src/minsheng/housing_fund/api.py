"""The housing fund's API: loan quotes (open to anyone), accounts and loans (fund officers, in scope)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from minsheng.api.deps import require
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.housing_fund import service
from minsheng.housing_fund.models import Deferral, Employer
from minsheng.housing_fund.quote import quote
from minsheng.housing_fund.schedule import METHODS, ScheduleError
from minsheng.money import yuan_to_fen
from minsheng.security.principal import Principal
from minsheng.security.scope import OutOfScope
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/housing-fund", tags=["housing_fund"])


def schedule_error(error: ScheduleError) -> DomainError:
    return DomainError(
        "invalid_loan",
        error.message_zh,
        error.message_en,
        422,
        [FieldError(error.field, error.rule, error.message_zh, error.message_en)],
    )


class QuoteRequest(BaseModel):
    amount: Decimal = Field(description="贷款金额(元) loan amount in yuan", examples=["500000"])
    term_years: int | None = Field(None, description="期限(年) term in years")
    term_months: int | None = Field(None, description="期限(月) term in months (instead of term_years)")
    home: Literal["first", "second"] = Field("first", description="首套 first / 二套 second")
    issue_date: date | None = Field(None, description="发放日期: the rate table's rate on this day")
    rate_percent: Decimal | None = Field(None, description="年利率(%) instead of issue_date, e.g. 3.1")
    method: Literal["equal_instalment", "equal_principal"] | None = Field(
        None, description="one method only; both when absent"
    )
    include_schedule: bool = Field(True, description="return every instalment")


class QuoteResponse(BaseModel):
    principal_fen: int
    months: int
    home: str | None
    issue_date: str | None
    rate: str
    rate_source: dict | None
    methods: dict[str, dict]


@router.post("/loans/quote", response_model=QuoteResponse)
def loan_quote(request: QuoteRequest) -> QuoteResponse:
    """贷款试算: the rate used (with its source), monthly payments, totals and the schedule."""
    try:
        if not request.amount.is_finite():
            raise ScheduleError("amount", "number", "金额无效", "the amount is not a number")
        principal_fen = yuan_to_fen(request.amount)
        if principal_fen <= 0:
            raise ScheduleError(
                "amount", "positive", "贷款金额必须大于零", "the loan amount must be more than zero"
            )
        if (request.term_years is None) == (request.term_months is None):
            raise ScheduleError(
                "term_years",
                "one_of",
                "请给出 term_years 或 term_months 之一",
                "give term_years or term_months",
            )
        if request.term_years is not None and request.term_years <= 0:
            raise ScheduleError("term_years", "positive", "期限必须大于零", "the term must be more than zero")
        months = request.term_years * 12 if request.term_years is not None else request.term_months
        rate = None
        if request.rate_percent is not None:
            if not request.rate_percent.is_finite():
                raise ScheduleError("rate_percent", "number", "利率无效", "the rate is not a number")
            rate = request.rate_percent / 100
        result = quote(
            principal_fen,
            months,
            home=request.home,
            issue_date=request.issue_date,
            rate=rate,
            methods=(request.method,) if request.method else METHODS,
        )
    except ScheduleError as error:
        if error.field == "rate":
            error.field = "rate_percent"
        elif error.field == "months":
            error.field = "term_years" if request.term_years is not None else "term_months"
        elif error.field == "principal":
            error.field = "amount"
        raise schedule_error(error) from None
    return QuoteResponse(**result.as_dict(with_schedule=request.include_schedule))


# ---- accounts, loans, withdrawals, deferrals (fund officers, within their region scope) ---------

READ = Depends(require("housing_fund.read"))
WRITE = Depends(require("housing_fund.write"))
REGION_QUERY = Query(None, pattern=r"^\d{6}$", description="a banner, league or the region")


class AccountOut(BaseModel):
    id: int
    account_number: str
    person_id: int
    employer_id: int | None
    region_code: str
    centre_code: str
    state: str
    wage_base_fen: int
    balance_fen: int
    opened_on: date


@contextmanager
def _dated(field_name: str) -> Iterator[None]:
    """A day for which the parameters hold no value is bad input naming that day's field, not a crash."""
    try:
        yield
    except LookupError:
        raise DomainError(
            "invalid_request",
            "该日期没有适用的公积金政策参数",
            "no housing-fund parameters are in force on that day",
            422,
            [
                FieldError(
                    field_name, "in_force", "该日期没有适用的政策参数", "no parameters in force on that day"
                )
            ],
        ) from None


def _out_of_scope(code: str) -> DomainError:
    return DomainError("not_found", f"未找到行政区划 {code}", f"region {code} not found", 404)


@router.get("/accounts", response_model=list[AccountOut])
def list_accounts(
    region: str | None = REGION_QUERY,
    state: Literal["normal", "sealed", "closed"] | None = None,
    after_id: int | None = Query(None, ge=0, description="keyset paging: the last id of the previous page"),
    limit: int = Query(50, ge=1, le=500),
    principal: Principal = READ,
) -> list[AccountOut]:
    """公积金账户 in the caller's scope."""
    with unit_of_work() as session:
        try:
            found = service.list_accounts(
                session, principal.scope, region=region, state=state, after_id=after_id, limit=limit
            )
        except OutOfScope as problem:
            raise _out_of_scope(problem.code) from None
        return [AccountOut.model_validate(a, from_attributes=True) for a in found]


@router.get("/accounts/{account_id}/statement")
def account_statement(account_id: int, principal: Principal = READ) -> dict:
    """对账单: the account and every posting, the history of transferred accounts included."""
    with unit_of_work() as session:
        return service.statement(session, account_id, principal.scope)


class LoanOut(BaseModel):
    id: int
    loan_number: str
    account_id: int
    person_id: int
    region_code: str
    principal_fen: int
    months: int
    method: str
    home: str
    issue_date: date
    rate_at_issue: Decimal
    current_rate: Decimal
    status: str


@router.get("/loans", response_model=list[LoanOut])
def list_loans(
    region: str | None = REGION_QUERY,
    after_id: int | None = Query(None, ge=0),
    limit: int = Query(50, ge=1, le=500),
    principal: Principal = READ,
) -> list[LoanOut]:
    with unit_of_work() as session:
        try:
            found = service.list_loans(
                session, principal.scope, region=region, after_id=after_id, limit=limit
            )
        except OutOfScope as problem:
            raise _out_of_scope(problem.code) from None
        return [LoanOut.model_validate(loan, from_attributes=True) for loan in found]


@router.get("/loans/{loan_id}")
def get_loan(loan_id: int, as_of: date | None = None, principal: Principal = READ) -> dict:
    """A loan: terms, checks, schedule (repriced each 1 January), instalments due, overdue and penalty."""
    with unit_of_work() as session, _dated("as_of"):
        return service.loan_detail(session, loan_id, principal.scope, as_of or date.today())


@router.get("/dashboard")
def centre_dashboard(as_of: date | None = None, principal: Principal = READ) -> list[dict]:
    """The centres by league: accounts, balances, deposits this year, loans and overdue loans."""
    with unit_of_work() as session:
        return service.dashboard(session, principal.scope, as_of or date.today())


class WithdrawalRequest(BaseModel):
    account_id: int
    trigger: str = Field(description="retirement, rent, home_purchase, … (housing_fund.withdrawal_trigger)")
    applied_on: date
    amount_fen: int | None = Field(None, description="absent: as much as the trigger allows")
    evidence: dict[str, int | str] = Field(default_factory=dict, description="rent: monthly_rent_fen, months")


@router.post("/withdrawals")
def apply_withdrawal(request: WithdrawalRequest, principal: Principal = WRITE) -> dict:
    """提取: decided at once when the data prove it (retirement, rent …), otherwise queued with reasons."""
    _in_scope_account(request.account_id, principal)
    with _dated("applied_on"):
        return service.withdraw(
            None,
            account_id=request.account_id,
            trigger=request.trigger,
            applied_on=request.applied_on,
            amount_fen=request.amount_fen,
            evidence=request.evidence,
            actor=principal.login,
        )


def _in_scope_account(account_id: int, principal: Principal) -> None:
    with unit_of_work() as session:
        service._account(session, account_id, principal.scope)


class RepaymentDeferralRequest(BaseModel):
    first_day: date
    last_day: date
    reason: str
    approved_on: date


@router.post("/loans/{loan_id}/repayment-deferrals")
def defer_repayments(loan_id: int, request: RepaymentDeferralRequest, principal: Principal = WRITE) -> dict:
    """延期还款: no overdue record and no penalty interest during the period."""
    with unit_of_work() as session:
        service.get_loan(session, loan_id, principal.scope)
    deferral_id = service.approve_repayment_deferral(
        None,
        loan_id,
        first_day=request.first_day,
        last_day=request.last_day,
        reason=request.reason,
        approved_on=request.approved_on,
        actor=principal.login,
    )
    return {"id": deferral_id}


class DeferralRequest(BaseModel):
    employer_id: int
    first_month: date = Field(description="the first month deferred (any day of it)")
    last_month: date
    reason: str
    staff_approval: str = Field(description="职代会或工会决议 the staff congress's or union's resolution")
    applied_on: date


class DeferralDecision(BaseModel):
    approve: bool
    decided_on: date
    note: str = ""


def _in_scope_employer(session, employer_id: int, principal: Principal) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None or not principal.scope.allows(employer.region_code):
        raise NotFound("缴存单位 / employer", employer_id)
    return employer


@router.get("/deferrals")
def list_deferrals(principal: Principal = READ) -> list[dict]:
    """缓缴申请 of the employers in the caller's scope, newest first."""
    with unit_of_work() as session:
        rows = session.execute(
            select(Deferral, Employer)
            .join(Employer, Employer.id == Deferral.employer_id)
            .where(principal.scope.where(Employer.region_code))
            .order_by(Deferral.id.desc())
            .limit(500)
        ).all()
        return [
            {
                "id": d.id,
                "employer_id": e.id,
                "employer": e.name,
                "credit_code": e.credit_code,
                "first_month": d.first_month.isoformat(),
                "last_month": d.last_month.isoformat(),
                "status": d.status,
                "reason": d.reason,
                "staff_approval": d.staff_approval,
                "decided_on": d.decided_on.isoformat() if d.decided_on else None,
                "note": d.decision_note,
            }
            for d, e in rows
        ]


@router.post("/deferrals")
def apply_deferral(request: DeferralRequest, principal: Principal = WRITE) -> dict:
    """缓缴申请: an employer in difficulty, with its staff's approval; months are made up afterwards."""
    with unit_of_work() as session:
        _in_scope_employer(session, request.employer_id, principal)
    with _dated("applied_on"):
        deferral_id = service.apply_deferral(
            None,
            employer_id=request.employer_id,
            first_month=request.first_month,
            last_month=request.last_month,
            reason=request.reason,
            staff_approval=request.staff_approval,
            applied_on=request.applied_on,
            actor=principal.login,
        )
    return {"id": deferral_id, "status": "applied"}


@router.post("/deferrals/{deferral_id}/decision")
def decide_deferral(deferral_id: int, request: DeferralDecision, principal: Principal = WRITE) -> dict:
    """The centre's decision on a deferral: approved, or rejected with its reason."""
    with unit_of_work() as session:
        deferral = session.get(Deferral, deferral_id)
        if deferral is None:
            raise NotFound("缓缴申请 / deferral", deferral_id)
        _in_scope_employer(session, deferral.employer_id, principal)
    service.decide_deferral(
        None,
        deferral_id,
        approve=request.approve,
        on=request.decided_on,
        actor=principal.login,
        note=request.note,
    )
    return {"id": deferral_id, "status": "approved" if request.approve else "rejected"}
