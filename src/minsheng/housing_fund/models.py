"""Housing-fund tables: employers, staff accounts and their ledger, deferrals, loans, withdrawals.

An account's balance is the sum of its ledger (`housing_fund_entry`); the balance column is kept
with every posting so statements and dashboards need no sum. A transferred account names the account
it came from, so its history follows it between centres.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow

Rate = Numeric(7, 5)  # an exact ratio such as 0.03250


class Employer(Versioned, Base):
    """缴存单位 — an employer that deposits for its staff (统一社会信用代码, GB 32100-2015)."""

    __tablename__ = "housing_fund_employer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)  # banner or league
    centre_code: Mapped[str] = mapped_column(
        String(6), index=True, nullable=False
    )  # the league's fund centre
    employer_rate: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    employee_rate: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    accounts: Mapped[list[Account]] = relationship(back_populates="employer")


class Account(Versioned, Base):
    """个人住房公积金账户 — a staff member's account: normal (正常), sealed (封存) or closed (销户)."""

    __tablename__ = "housing_fund_account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("housing_fund_employer.id"), index=True)
    region_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    centre_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    state: Mapped[str] = mapped_column(String(8), nullable=False, default="normal")
    wage_base_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # capped and floored
    balance_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_on: Mapped[date | None] = mapped_column(Date)
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("housing_fund_account.id"))

    employer: Mapped[Employer | None] = relationship(back_populates="accounts")

    __table_args__ = (
        CheckConstraint("state in ('normal', 'sealed', 'closed')", name="state"),
        CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
    )


class Entry(Base):
    """账户明细 — one posting: a deposit, make-up deposit, interest, withdrawal or transfer."""

    __tablename__ = "housing_fund_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_account.id"), index=True, nullable=False)
    posted_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM of a deposit, YYYY of interest
    employer_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    employee_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # signed: + in, − out
    balance_after_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(
            "kind in ('deposit', 'make_up', 'interest', 'withdrawal', 'transfer_in', 'transfer_out')",
            name="kind",
        ),
        UniqueConstraint("account_id", "kind", "period", name="uq_housing_fund_entry_once"),
    )


class Deferral(Versioned, Base):
    """缓缴 — an employer's deferral of deposits over months [first_month, last_month]."""

    __tablename__ = "housing_fund_deferral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("housing_fund_employer.id"), index=True, nullable=False
    )
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    first_month: Mapped[date] = mapped_column(Date, nullable=False)  # the 1st of the month
    last_month: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    staff_approval: Mapped[str] = mapped_column(String(100), nullable=False)  # 职代会 / 工会 resolution
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="applied")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_note: Mapped[str | None] = mapped_column(Text)
    made_up_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("status in ('applied', 'approved', 'rejected', 'made_up')", name="status"),
        CheckConstraint("last_month >= first_month", name="period"),
    )


class Loan(Versioned, Base):
    """个人住房公积金贷款 — a loan; its schedule is recomputed from its terms, the rate table and prepayments."""

    __tablename__ = "housing_fund_loan"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    account_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_account.id"), index=True, nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    centre_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    principal_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    home: Mapped[str] = mapped_column(String(8), nullable=False)
    term_band: Mapped[str] = mapped_column(String(16), nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    rate_at_issue: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    current_rate: Mapped[Decimal] = mapped_column(Rate, nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="active")
    assessment: Mapped[Any] = mapped_column(JSON, nullable=False)  # the checks and their parameters

    prepayments: Mapped[list[Prepayment]] = relationship(order_by="Prepayment.before_number")
    repayments: Mapped[list[Repayment]] = relationship(order_by="Repayment.instalment_number")
    deferrals: Mapped[list[RepaymentDeferral]] = relationship(order_by="RepaymentDeferral.first_day")

    __table_args__ = (
        CheckConstraint("principal_fen > 0", name="principal_positive"),
        CheckConstraint("method in ('equal_instalment', 'equal_principal')", name="method"),
        CheckConstraint("home in ('first', 'second')", name="home"),
        CheckConstraint("status in ('active', 'repaid')", name="status"),
    )


class Prepayment(Base):
    """提前还款 — a lump sum before instalment `before_number`; shortens the term or lowers the instalment."""

    __tablename__ = "housing_fund_prepayment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_loan.id"), index=True, nullable=False)
    before_number: Mapped[int] = mapped_column(Integer, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    mode: Mapped[str] = mapped_column(String(16), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("mode in ('shorten_term', 'lower_instalment')", name="mode"),
        UniqueConstraint("loan_id", "before_number", name="uq_housing_fund_prepayment_once"),
    )


class Repayment(Base):
    """还款 — an instalment paid, with any penalty interest (罚息) it carried."""

    __tablename__ = "housing_fund_repayment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_loan.id"), index=True, nullable=False)
    instalment_number: Mapped[int] = mapped_column(Integer, nullable=False)
    due_date: Mapped[date] = mapped_column(Date, nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    principal_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    interest_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    penalty_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    days_overdue: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deferred: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        UniqueConstraint("loan_id", "instalment_number", name="uq_housing_fund_repayment_once"),
    )


class RepaymentDeferral(Base):
    """延期还款 — an approved period [first_day, last_day] with no overdue record and no penalty interest."""

    __tablename__ = "housing_fund_repayment_deferral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_loan.id"), index=True, nullable=False)
    first_day: Mapped[date] = mapped_column(Date, nullable=False)
    last_day: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    approved_on: Mapped[date] = mapped_column(Date, nullable=False)
    approved_by: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (CheckConstraint("last_day >= first_day", name="period"),)


class Withdrawal(Base):
    """提取 — an application to withdraw, its decision and reasons."""

    __tablename__ = "housing_fund_withdrawal"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_account.id"), index=True, nullable=False)
    trigger: Mapped[str] = mapped_column(String(20), nullable=False)
    applied_on: Mapped[date] = mapped_column(Date, nullable=False)
    requested_fen: Mapped[int | None] = mapped_column(Fen)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    approved_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    decide_by: Mapped[date] = mapped_column(Date, nullable=False)
    decided_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[Any] = mapped_column(JSON, nullable=False)
    reasons: Mapped[Any] = mapped_column(JSON, nullable=False)
    closes_account: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (CheckConstraint("status in ('approved', 'rejected', 'pending_review')", name="status"),)


class Transfer(Base):
    """转移接续 — an account moved to another city's centre with its balance and history."""

    __tablename__ = "housing_fund_transfer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    from_account_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_account.id"), nullable=False)
    to_account_id: Mapped[int] = mapped_column(ForeignKey("housing_fund_account.id"), nullable=False)
    from_centre: Mapped[str] = mapped_column(String(6), nullable=False)
    to_centre: Mapped[str] = mapped_column(String(6), nullable=False)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    transferred_on: Mapped[date] = mapped_column(Date, nullable=False)
