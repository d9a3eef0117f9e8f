"""The monthly payment cycle (月度发放): the cycle, its payment lines, bank files and the bank's returns.

Every line is keyed by (case, month): whatever runs twice or crashes, a case has one line a month, so
it is never paid twice. A line's amount is its case's monthly amount plus the adjustments it settles
plus the failed lines of earlier months it re-issues; a negative remainder is carried to next month.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow


class Cycle(Versioned, Base):
    """发放批次 — one month's payments for one region (a banner, a league or the whole region)."""

    __tablename__ = "assistance_cycle"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    month: Mapped[date] = mapped_column(Date, nullable=False)  # first day of the month paid
    region_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="building")
    # What the build may see, fixed when it starts, so a rerun after a crash sees the same cases.
    case_cutoff_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    adjustment_cutoff_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    line_count: Mapped[int | None] = mapped_column(Integer)
    total_fen: Mapped[int | None] = mapped_column(Fen)
    built_by: Mapped[str] = mapped_column(String(64), nullable=False)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exported_by: Mapped[str | None] = mapped_column(String(64))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returns_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("month", "region_code"),
        CheckConstraint(
            "status in ('building', 'built', 'approved', 'exported', 'returns_imported')", name="status"
        ),
    )


class PaymentLine(Base):
    """发放明细 — what one case is paid for one month, and what became of it at the bank."""

    __tablename__ = "assistance_payment_line"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # No foreign keys here: lines are written only by the build's INSERT … SELECT from existing cases
    # into its own cycle, and cases and cycles are never deleted; the two FK triggers cost ~40 % of
    # the build (10 s a million lines on PostgreSQL).
    cycle_id: Mapped[int] = mapped_column(BigId, nullable=False)  # read with month: (month, case_id) index
    case_id: Mapped[int] = mapped_column(BigId, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    case_no: Mapped[str] = mapped_column(String(24), nullable=False)
    household_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), nullable=False)
    programme: Mapped[str] = mapped_column(String(16), nullable=False)
    paying_bank: Mapped[str] = mapped_column(String(8), nullable=False)
    payee_person_id: Mapped[int | None] = mapped_column(BigInteger)
    payee_name: Mapped[str] = mapped_column(String(64), nullable=False)
    account: Mapped[str] = mapped_column(String(32), nullable=False)
    base_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # the month's amount
    adjustment_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # arrears (+) / overpayments (−) settled
    reissue_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # failed earlier lines paid again
    carried_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # negative remainder carried (≤ 0)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)  # base + adjustment + reissue − carried
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="pending")
    return_reason: Mapped[str | None] = mapped_column(String(32))
    reissued_in_month: Mapped[date | None] = mapped_column(Date)  # a failed line, paid again that month

    __table_args__ = (
        # the key; month first, so a cycle's lines are one range of it (no index of their own to feed)
        UniqueConstraint("month", "case_id", name="uq_assistance_payment_line_month_case"),
        # the failed lines not yet paid again, and those paid again in a month: both small
        Index(
            "ix_assistance_payment_line_to_reissue",
            "case_id",
            sqlite_where=text("status = 'failed' AND reissued_in_month IS NULL"),
            postgresql_where=text("status = 'failed' AND reissued_in_month IS NULL"),
        ),
        Index(
            "ix_assistance_payment_line_reissued",
            "reissued_in_month",
            "case_id",
            sqlite_where=text("reissued_in_month IS NOT NULL"),
            postgresql_where=text("reissued_in_month IS NOT NULL"),
        ),
        CheckConstraint("status in ('pending', 'paid', 'failed')", name="status"),
        CheckConstraint("amount_fen >= 0 and carried_fen <= 0", name="amounts"),
        CheckConstraint("amount_fen = base_fen + adjustment_fen + reissue_fen - carried_fen", name="sum"),
    )


class BankFile(Base):
    """代发文件 — the file sent to one paying bank for a cycle, and the return file it sent back."""

    __tablename__ = "assistance_bank_file"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("assistance_cycle.id"), nullable=False, index=True)
    bank_code: Mapped[str] = mapped_column(String(8), nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    line_count: Mapped[int] = mapped_column(Integer, nullable=False)
    total_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)  # of the whole file
    exported_by: Mapped[str] = mapped_column(String(64), nullable=False)
    exported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    return_sha256: Mapped[str | None] = mapped_column(String(64))
    return_file_name: Mapped[str | None] = mapped_column(String(200))
    returns_imported_by: Mapped[str | None] = mapped_column(String(64))
    returns_imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    paid_count: Mapped[int | None] = mapped_column(Integer)
    paid_fen: Mapped[int | None] = mapped_column(Fen)
    failed_count: Mapped[int | None] = mapped_column(Integer)
    failed_fen: Mapped[int | None] = mapped_column(Fen)

    __table_args__ = (UniqueConstraint("cycle_id", "bank_code"),)


class PaymentReturn(Base):
    """回盘记录 — the bank's answer for one line: paid, or failed with its reason."""

    __tablename__ = "assistance_payment_return"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    bank_file_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_bank_file.id"), nullable=False, index=True
    )
    line_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_payment_line.id"), nullable=False, unique=True
    )
    status: Mapped[str] = mapped_column(String(8), nullable=False)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (CheckConstraint("status in ('paid', 'failed')", name="status"),)
