"""Employment tables: seekers, employers and vacancies, follow-up (referrals, placements, visits),
zero-employment households, public-welfare jobs, work relief and job-retention refunds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow


class JobSeeker(Versioned, Base):
    """求职登记 — a registry person looking for work, with what they can do and want."""

    __tablename__ = "job_seeker"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), unique=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    education: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    desired_occupation: Mapped[str] = mapped_column(String(32), nullable=False)
    expected_pay_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    available_from: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="seeking")
    key_groups: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    suitable_refusals: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    registered_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("status in ('seeking', 'placed', 'withdrawn')", name="status"),
        CheckConstraint("expected_pay_fen >= 0", name="pay"),
        CheckConstraint("suitable_refusals >= 0", name="refusals"),
    )


class UnemploymentRegistration(Base):
    """失业登记 — registered unemployment, open until the person works again."""

    __tablename__ = "unemployment_registration"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("job_seeker.id"), index=True)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    registered_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(32))


class EmployingUnit(Versioned, Base):
    """用人单位 — an employing unit (firm, social group, foundation …), identified by its unified social
    credit code (统一社会信用代码). Not named `Employer`: the housing fund has a class of that name."""

    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    sector: Mapped[str] = mapped_column(String(32), nullable=False)
    enterprise_type: Mapped[str] = mapped_column(String(32), nullable=False, default="enterprise")
    declared_size: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("declared_size is null or declared_size in ('large', 'sme')", name="size"),
    )


class Vacancy(Versioned, Base):
    """岗位 — positions an employer offers, open over [opens_on, closes_on)."""

    __tablename__ = "vacancy"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    occupation: Mapped[str] = mapped_column(String(32), nullable=False)
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    education_min: Mapped[str] = mapped_column(String(16), nullable=False, default="none")
    pay_min_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    pay_max_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    positions: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    filled: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    opens_on: Mapped[date] = mapped_column(Date, nullable=False)
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint("pay_min_fen >= 0 and pay_max_fen >= pay_min_fen", name="pay"),
        CheckConstraint("positions >= 1 and filled >= 0 and filled <= positions", name="positions"),
    )


class Referral(Versioned, Base):
    """推荐 — a seeker sent to a vacancy, with the match's score and reasons, and what came of it."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seeker_id: Mapped[int] = mapped_column(ForeignKey("job_seeker.id"), index=True, nullable=False)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True, nullable=False)
    referred_on: Mapped[date] = mapped_column(Date, nullable=False)
    officer: Mapped[str] = mapped_column(String(64), nullable=False)
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="referred")
    interview_on: Mapped[date | None] = mapped_column(Date)
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str | None] = mapped_column(String(500))
    refusal_suitable: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (
        CheckConstraint(
            "status in ('referred', 'interviewed', 'placed', 'rejected', 'refused')", name="status"
        ),
    )


class Placement(Base):
    """就业安置 — a seeker at work: through a referral, a public-welfare job, work relief or own means."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("job_seeker.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), unique=True)
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancy.id"), index=True)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False, default="vacancy")
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    officer: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        CheckConstraint(
            "kind in ('vacancy', 'public_welfare_job', 'work_relief', 'self_employment', 'other')",
            name="kind",
        ),
    )


class OfficerVisit(Base):
    """走访 — an officer's visit to a seeker or household (铁脚板)."""

    __tablename__ = "officer_visit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seeker_id: Mapped[int | None] = mapped_column(ForeignKey("job_seeker.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    officer: Mapped[str] = mapped_column(String(64), nullable=False)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    note: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (CheckConstraint("seeker_id is not null or household_id is not null", name="subject"),)


class ZeroEmploymentHousehold(Base):
    """零就业家庭 — tracked from the day found until a member works (动态清零)."""

    __tablename__ = "zero_employment_household"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    identified_on: Mapped[date] = mapped_column(Date, nullable=False)
    cleared_on: Mapped[date | None] = mapped_column(Date)
    cleared_reason: Mapped[str | None] = mapped_column(String(32))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))

    __table_args__ = (
        UniqueConstraint("household_id", "identified_on", name="uq_zero_employment_household_day"),
    )


class PublicWelfarePost(Versioned, Base):
    """公益性岗位 — a post funded for people with employment difficulty."""

    __tablename__ = "public_welfare_post"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    unit_name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    positions: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    opens_on: Mapped[date] = mapped_column(Date, nullable=False)
    closes_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (CheckConstraint("positions >= 1", name="positions"),)


class PublicWelfarePlacement(Base):
    """公益性岗位安置 — one person in one post, for at most three years or until retirement."""

    __tablename__ = "public_welfare_placement"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("public_welfare_post.id"), index=True, nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    planned_end_on: Mapped[date] = mapped_column(Date, nullable=False)  # the day after the last day
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(32))
    until_retirement: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    officer: Mapped[str] = mapped_column(String(64), nullable=False)


class WorkReliefProject(Versioned, Base):
    """以工代赈项目 — funds by source, the central share, where and when."""

    __tablename__ = "work_relief_project"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    central_funds_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    local_funds_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    other_funds_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    closes_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "central_funds_fen >= 0 and local_funds_fen >= 0 and other_funds_fen >= 0", name="funds"
        ),
        CheckConstraint("closes_on > starts_on", name="dates"),
    )


class WorkReliefWorker(Base):
    """以工代赈务工人员 — a local worker on a project, with the target group they belong to."""

    __tablename__ = "work_relief_worker"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("work_relief_project.id"), index=True, nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    target_group: Mapped[str] = mapped_column(String(32), nullable=False)
    daily_wage_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)

    __table_args__ = (
        UniqueConstraint("project_id", "person_id", name="uq_work_relief_worker_project_person"),
        CheckConstraint("daily_wage_fen > 0", name="wage"),
    )


class WorkReliefPayroll(Base):
    """考勤与工资 — a worker's days in a month, the wage owed, its due date and what was paid."""

    __tablename__ = "work_relief_payroll"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("work_relief_project.id"), index=True, nullable=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("work_relief_worker.id"), index=True, nullable=False)
    period: Mapped[date] = mapped_column(Date, nullable=False)  # first day of the month
    days_worked: Mapped[int] = mapped_column(Integer, nullable=False)
    wage_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    paid_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    paid_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        UniqueConstraint("worker_id", "period", name="uq_work_relief_payroll_worker_period"),
        CheckConstraint("days_worked between 0 and 31", name="days"),
        CheckConstraint("wage_fen >= 0 and paid_fen >= 0 and paid_fen <= wage_fen", name="amounts"),
    )


class RetentionRefund(Base):
    """稳岗返还 — one employer's refund decision for one year, with its reasons."""

    __tablename__ = "retention_refund"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    contributions_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    months_paid: Mapped[int] = mapped_column(Integer, nullable=False)
    insured_at_start: Mapped[int] = mapped_column(Integer, nullable=False)
    insured_at_end: Mapped[int] = mapped_column(Integer, nullable=False)
    average_insured: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[str] = mapped_column(String(8), nullable=False)
    layoff_rate: Mapped[float] = mapped_column(Float, nullable=False)
    eligible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    refund_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    decided_on: Mapped[date] = mapped_column(Date, nullable=False)
    officer: Mapped[str] = mapped_column(String(64), nullable=False)

    __table_args__ = (
        UniqueConstraint("employer_id", "year", name="uq_retention_refund_employer_year"),
        CheckConstraint("contributions_fen >= 0 and refund_fen >= 0", name="amounts"),
        CheckConstraint(
            "insured_at_start >= 0 and insured_at_end >= 0 and average_insured >= 0 and months_paid between 0 and 12",
            name="counts",
        ),
    )
