"""The housing fund's API: loan quotes (open to anyone), accounts and loans (fund officers, in scope)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from minsheng.api.errors import DomainError, FieldError
from minsheng.housing_fund.quote import quote
from minsheng.housing_fund.schedule import METHODS, ScheduleError
from minsheng.money import yuan_to_fen

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
            error.field = "term_months"
        elif error.field == "principal":
            error.field = "amount"
        raise schedule_error(error) from None
    return QuoteResponse(**result.as_dict(with_schedule=request.include_schedule))
