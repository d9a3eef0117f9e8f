"""Social-assistance cases (审核确认): the case, its events, amounts per period, adjustments, tasks,
and the citizen portal's one-time login codes.

A case follows the procedure of 民发〔2021〕57号 (see `cases.py` for the state machine). Its amount
per month is the `assistance_case_amount` row with the greatest `effective_month` not after the
month; arrears and overpayments from a recomputation or a taper are `assistance_adjustment` rows
that the payment cycle settles (`settled_in_month`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow

PROGRAMMES: tuple[str, ...] = ("dibao", "tekun", "orphan", "de_facto_child", "dibao_edge", "rigid_expense")
STATUSES: tuple[str, ...] = (
    "submitted",
    "investigating",
    "township_reviewed",
    "in_notice",
    "objection",
    "confirmed",
    "active",
    "suspended",
    "ended",
    "refused",
    "withdrawn",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Case(Versioned, Base):
    """救助案件 — one application for one programme by one household, from submission to its end."""

    __tablename__ = "assistance_case"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    programme: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(20), index=True, nullable=False, default="submitted")
    # the person a person-level programme (特困, orphan, de facto child) concerns; null for household ones
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    applicant_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    payee_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    paying_bank: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8), nullable=False, default="counter")  # counter | portal
    source: Mapped[str | None] = mapped_column(String(40))  # e.g. "alert:123"
    special: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 45 working days
    submitted_on: Mapped[date] = mapped_column(Date, nullable=False)
    accepted_on: Mapped[date | None] = mapped_column(Date)  # investigation started (受理)
    township_reviewed_on: Mapped[date | None] = mapped_column(Date)
    notice_from: Mapped[date | None] = mapped_column(Date)
    notice_to: Mapped[date | None] = mapped_column(Date)  # last day of the notice
    decided_on: Mapped[date | None] = mapped_column(Date)
    start_month: Mapped[date | None] = mapped_column(Date)
    end_month: Mapped[date | None] = mapped_column(Date)
    determination: Mapped[Any | None] = mapped_column(JSON)
    investigation: Mapped[Any | None] = mapped_column(JSON)  # home visit and information check record
    review_interval_months: Mapped[int | None] = mapped_column(Integer)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    taper_until: Mapped[date | None] = mapped_column(Date)  # last month of a taper (渐退)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    amounts: Mapped[list[CaseAmount]] = relationship(
        back_populates="case", order_by="CaseAmount.effective_month", cascade="all, delete-orphan"
    )
    adjustments: Mapped[list[Adjustment]] = relationship(
        back_populates="case", order_by="Adjustment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(_in("programme", PROGRAMMES), name="programme"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("channel in ('counter', 'portal')", name="channel"),
    )


class CaseEvent(Base):
    """案件记录 — one transition or note: who, when, why, from which status to which."""

    __tablename__ = "assistance_case_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True, nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)  # the business date of the step
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[Any | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")


class CaseAmount(Base):
    """月救助金额 — the monthly amount from `effective_month` on, as the rules computed it."""

    __tablename__ = "assistance_case_amount"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True, nullable=False)
    effective_month: Mapped[date] = mapped_column(Date, nullable=False)
    monthly_amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)

    case: Mapped[Case] = relationship(back_populates="amounts")

    __table_args__ = (
        UniqueConstraint("case_id", "effective_month"),
        CheckConstraint("monthly_amount_fen >= 0", name="not_negative"),
    )


class Adjustment(Base):
    """补发 / 追回 — arrears (+) or an overpayment (−) for a past month, settled by a payment cycle."""

    __tablename__ = "assistance_adjustment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    settled_in_month: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="adjustments")


class CaseTask(Base):
    """待办 — a review or a re-check due on a case (annual review, a member's death, a taper's end)."""

    __tablename__ = "assistance_task"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("assistance_case.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, index=True, nullable=False)
    created_on: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("kind in ('review', 'recheck', 'taper_end')", name="kind"),
        UniqueConstraint("case_id", "kind", "due_on"),
    )


class PortalCode(Base):
    """一次性验证码 — a citizen's login code: only hashes are kept, attempts are counted."""

    __tablename__ = "assistance_portal_code"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# The payment cycle keeps its tables in their own module; importing it here completes the metadata.
from minsheng.assistance import cycle_models  # noqa: E402, F401
