"""Low-income monitoring (低收入人口动态监测) tables: partner signals, alerts, visits, daily runs.

A signal is one record from a partner (file or API call), matched to a person by the keyed hash of
the ID number; an unmatched one is kept with status `unmatched`, never dropped. An alert is one per
household and risk while open: later evidence merges into it. An alert closes only with an outcome.
The case an alert led to is kept as a plain id (`case_id`): the case table belongs to assistance.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow

# kind of a partner signal: (zh, en, the partner that usually sends it)
SIGNAL_KIND: dict[str, tuple[str, str]] = {
    "medical_bill": ("医疗自付费用", "medical self-pay bill"),
    "job_loss": ("失业/失去工作", "job loss"),
    "unemployment_registration": ("失业登记", "unemployment registration"),
    "disability_certified": ("残疾认定", "disability certified"),
    "death": ("死亡", "death"),
    "disaster_damage": ("灾害损失", "disaster damage"),
    "income_drop": ("收入大幅下降", "large income drop"),
}
SIGNAL_SOURCE: dict[str, tuple[str, str]] = {
    "medical": ("医保部门", "medical insurance"),
    "employment": ("人社部门", "human resources and social security"),
    "tax": ("税务部门", "tax authority"),
    "social_insurance": ("社保经办", "social insurance"),
    "disability_federation": ("残联", "disabled persons' federation"),
    "public_security": ("公安部门", "public security"),
    "emergency": ("应急管理部门", "emergency management"),
    "civil_affairs": ("民政部门", "civil affairs"),
}
RISK: dict[str, tuple[str, str]] = {
    "medical_burden": ("医疗支出负担重", "heavy medical costs"),
    "income_fall": ("收入骤减", "income fell"),
    "zero_employment": ("零就业家庭", "zero-employment household"),
    "disability_without_care": ("重度残疾无护理补贴", "severe disability without care allowance"),
    "unsupported_child": ("疑似事实无人抚养儿童", "child possibly without support"),
    "sudden_hardship": ("突发严重困难", "sudden severe hardship"),
    "take_up_gap": ("符合条件未纳入保障", "eligible but not enrolled"),
}
LEVEL: dict[str, tuple[str, str]] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}
LEVEL_RANK = {"low": 1, "medium": 2, "high": 3}
OUTCOME: dict[str, tuple[str, str]] = {
    "applied": ("已申请救助", "applied for assistance"),
    "referred_employment": ("转介就业帮扶", "referred to employment services"),
    "referred_medical": ("转介医疗救助", "referred to medical assistance"),
    "no_hardship": ("经核查无困难", "no hardship found"),
}
ALERT_STATUS: dict[str, tuple[str, str]] = {
    "open": ("待核查", "open"),
    "visited": ("已走访", "visited"),
    "closed": ("已办结", "closed"),
}


def _in(column: str, values: Any) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class SignalBatch(Base):
    """信号批次 — one file or API call from a partner, with how many of its records matched."""

    __tablename__ = "monitoring_signal_batch"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(24), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)  # file | api
    filename: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    matched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unmatched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint("channel in ('file', 'api')", name="channel"),)


class Signal(Base):
    """监测信号 — one partner record about one person, matched to the registry or reported unmatched."""

    __tablename__ = "monitoring_signal"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_signal_batch.id"), index=True, nullable=False
    )
    source: Mapped[str] = mapped_column(String(24), nullable=False)
    external_ref: Mapped[str] = mapped_column(String(64), nullable=False)  # the partner's own record id
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    id_number_hash: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    id_number_masked: Mapped[str] = mapped_column(String(18), nullable=False)
    name: Mapped[str | None] = mapped_column(String(64))
    observed_on: Mapped[date] = mapped_column(Date, nullable=False)
    amount_fen: Mapped[int | None] = mapped_column(Fen)  # a bill, damage, or the income after a drop
    previous_fen: Mapped[int | None] = mapped_column(Fen)  # the monthly income before a drop
    detail: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), nullable=False)  # matched | unmatched
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    banner_code: Mapped[str | None] = mapped_column(String(6), index=True)  # the household's, or the ID's
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (
        UniqueConstraint("source", "external_ref", name="uq_monitoring_signal_source_ref"),
        CheckConstraint("status in ('matched', 'unmatched')", name="status"),
        CheckConstraint(_in("kind", SIGNAL_KIND), name="kind"),
        CheckConstraint("amount_fen is null or amount_fen >= 0", name="amount"),
        CheckConstraint("previous_fen is null or previous_fen >= 0", name="previous"),
        Index("ix_monitoring_signal_status_banner", "status", "banner_code"),
    )


class Alert(Versioned, Base):
    """监测预警 — one risk of one household, assigned to the banner's caseworker, closed only with an outcome."""

    __tablename__ = "monitoring_alert"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True, nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    risk: Mapped[str] = mapped_column(String(32), nullable=False)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    status: Mapped[str] = mapped_column(String(8), index=True, nullable=False, default="open")
    need_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # for ranking: the gap to the line
    assigned_to: Mapped[str | None] = mapped_column(String(64), index=True)  # caseworker login
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    last_seen_on: Mapped[date] = mapped_column(Date, nullable=False)  # last run that found the risk
    risk_cleared_on: Mapped[date | None] = mapped_column(Date)  # a run no longer found it (still open)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    escalated_to: Mapped[str | None] = mapped_column(String(6))  # the league that now watches it
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    signal_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    outcome: Mapped[str | None] = mapped_column(String(24))
    outcome_note: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(BigInteger)  # assistance_case.id when help was applied for
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by: Mapped[str | None] = mapped_column(String(64))

    visits: Mapped[list[Visit]] = relationship(back_populates="alert", order_by="Visit.visited_on")

    __table_args__ = (
        CheckConstraint(_in("risk", RISK), name="risk"),
        CheckConstraint(_in("level", LEVEL), name="level"),
        CheckConstraint(_in("status", ALERT_STATUS), name="status"),
        CheckConstraint("outcome is null or " + _in("outcome", OUTCOME), name="outcome"),
        # nothing is closed without an outcome
        CheckConstraint(
            "status <> 'closed' or (outcome is not null and closed_on is not null)", name="closed"
        ),
        Index("ix_monitoring_alert_household_risk_status", "household_id", "risk", "status"),
    )


class Visit(Base):
    """走访记录 — a caseworker's visit to the household of an alert: who, when, what was found."""

    __tablename__ = "monitoring_visit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("monitoring_alert.id"), index=True, nullable=False)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    visitor: Mapped[str] = mapped_column(String(64), nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False)
    photos: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    alert: Mapped[Alert] = relationship(back_populates="visits")


class AlertEvent(Base):
    """预警动态 — the alert's history: opened, evidence added, level changed, escalated, visited, closed."""

    __tablename__ = "monitoring_alert_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("monitoring_alert.id"), index=True, nullable=False)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True, nullable=False)
    on: Mapped[date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (
        CheckConstraint(
            _in("kind", ("opened", "changed", "cleared", "escalated", "visited", "closed", "reopened")),
            name="kind",
        ),
    )


class Run(Base):
    """监测运行 — one daily run over the region: what it found and what changed."""

    __tablename__ = "monitoring_run"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    as_of: Mapped[date] = mapped_column(Date, index=True, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    seconds: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    households: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    risks_found: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    new_alerts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    changed_alerts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    resolved_alerts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    escalated_alerts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class BannerFigure(Base):
    """各旗县监测数字 — per run and banner: the monitored population by category and the take-up gap."""

    __tablename__ = "monitoring_banner_figure"

    run_id: Mapped[int] = mapped_column(ForeignKey("monitoring_run.id"), primary_key=True)
    banner_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    figure: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)
