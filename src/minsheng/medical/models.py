"""Medical tables: enrolment, designated institutions, cross-province filings, settled claims with their
items, per-person annual accumulators, and the supervision flags and cases."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow

INSURANCE_TYPE = {
    "resident": ("城乡居民医保", "residents' insurance"),
    "employee": ("职工医保", "employees' insurance"),
}
PERSON_TYPE = {
    "resident": ("城乡居民", "resident"),
    "in_service": ("在职", "in service"),
    "retired": ("退休", "retired"),
}
AID_CATEGORY = {
    "tekun": ("特困人员", "person in extreme difficulty"),
    "dibao": ("低保对象", "dibao recipient"),
    "relapse_poverty": ("返贫致贫人口", "relapsed into poverty"),
    "dibao_edge": ("低保边缘家庭成员", "near-dibao household member"),
    "illness_impoverished": ("因病致贫重病患者", "impoverished by serious illness"),
    "none": ("普通参保人", "ordinary insured person"),
}
CARE_TYPE = {
    "inpatient": ("住院", "inpatient"),
    "outpatient": ("普通门诊", "outpatient"),
    "outpatient_special": ("门诊慢特病/特殊用药", "outpatient chronic and special drugs"),
}
FILING_TYPE = {
    "long_term_resident": ("异地长期居住", "long-term resident elsewhere"),
    "referral": ("转诊转院", "referral"),
    "emergency": ("急诊抢救", "emergency"),
    "other": ("其他临时外出就医", "other temporary care"),
}
CATALOGUE_CLASS = {
    "A": ("甲类", "class A"),
    "B": ("乙类", "class B"),
    "C": ("丙类(目录外)", "class C (outside)"),
}
INSTITUTION_KIND = {
    "hospital": ("医院", "hospital"),
    "clinic": ("基层医疗机构", "primary clinic"),
    "pharmacy": ("定点药店", "pharmacy"),
}


class Institution(Versioned, Base):
    """定点医药机构 — a designated institution."""

    __tablename__ = "medical_institution"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="hospital")
    designated_from: Mapped[date] = mapped_column(Date, nullable=False)
    designated_to: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("level between 1 and 3", name="level"),
        CheckConstraint("kind in ('hospital', 'clinic', 'pharmacy')", name="kind"),
    )


class Enrolment(Versioned, Base):
    """参保登记 — one person's basic medical insurance for one year."""

    __tablename__ = "medical_enrolment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    insurance_type: Mapped[str] = mapped_column(String(16), nullable=False)
    person_type: Mapped[str] = mapped_column(String(16), nullable=False)
    aid_category: Mapped[str] = mapped_column(String(24), nullable=False, default="none")
    pool_region: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    enrolled_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    premium_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # individual premium due
    subsidy_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # 资助参保 by medical aid
    individual_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # what the person pays

    __table_args__ = (
        UniqueConstraint("person_id", "year", name="uq_medical_enrolment_person_year"),
        CheckConstraint("insurance_type in ('resident', 'employee')", name="insurance_type"),
        CheckConstraint("person_type in ('resident', 'in_service', 'retired')", name="person_type"),
        CheckConstraint("subsidy_fen >= 0 and individual_fen >= 0", name="not_negative"),
    )


class Filing(Base):
    """异地就医备案 — a cross-province filing, valid over [valid_from, valid_to)."""

    __tablename__ = "medical_filing"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    filing_type: Mapped[str] = mapped_column(String(24), nullable=False)
    destination_region: Mapped[str] = mapped_column(String(6), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint(
            "filing_type in ('long_term_resident', 'referral', 'emergency', 'other')", name="filing_type"
        ),
    )


class Claim(Base):
    """结算单 — a settled claim: the bill, its split across the three tiers and the reasons."""

    __tablename__ = "medical_claim"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    claim_number: Mapped[str] = mapped_column(String(64), nullable=False)  # the hospital's own number
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("medical_institution.id"), index=True, nullable=False
    )
    care_type: Mapped[str] = mapped_column(String(24), nullable=False)
    admission_date: Mapped[date] = mapped_column(Date, nullable=False)
    discharge_date: Mapped[date] = mapped_column(Date, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    pool_region: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    total_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    policy_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    basic_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    oop_policy_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    critical_illness_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    medical_aid_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    self_pay_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="settled")
    result: Mapped[dict] = mapped_column(JSON, nullable=False)  # the rule's row and reasons
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    settled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reversal_reason: Mapped[str | None] = mapped_column(String(200))

    items: Mapped[list[ClaimItem]] = relationship(back_populates="claim", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("status in ('settled', 'reversed')", name="status"),
        CheckConstraint(
            "basic_fen >= 0 and critical_illness_fen >= 0 and medical_aid_fen >= 0 and self_pay_fen >= 0",
            name="not_negative",
        ),
        CheckConstraint(
            "basic_fen + critical_illness_fen + medical_aid_fen + self_pay_fen = total_fen",
            name="parts_add_up",
        ),
    )


class ClaimItem(Base):
    """费用明细 — one line of a claim's bill."""

    __tablename__ = "medical_claim_item"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("medical_claim.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer, nullable=False)
    item_code: Mapped[str] = mapped_column(String(32), nullable=False)
    item_name: Mapped[str] = mapped_column(String(200), nullable=False)
    catalogue_class: Mapped[str] = mapped_column(String(1), nullable=False)
    drug_code: Mapped[str | None] = mapped_column(String(32))
    service_date: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    unit_price_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    amount_fen: Mapped[int] = mapped_column(Fen, nullable=False)

    claim: Mapped[Claim] = relationship(back_populates="items")

    __table_args__ = (CheckConstraint("catalogue_class in ('A', 'B', 'C')", name="catalogue_class"),)


class Accumulator(Versioned, Base):
    """年度累计 — one person's running totals for a year, carried from claim to claim."""

    __tablename__ = "medical_accumulator"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    basic_paid_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    oop_policy_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    critical_illness_paid_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    residual_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    medical_aid_paid_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    claims_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        CheckConstraint(
            "basic_paid_fen >= 0 and oop_policy_fen >= 0 and critical_illness_paid_fen >= 0"
            " and residual_fen >= 0 and medical_aid_paid_fen >= 0",
            name="not_negative",
        ),
    )


class Flag(Base):
    """监管疑点 — a supervision rule's finding on a claim, with its evidence."""

    __tablename__ = "medical_flag"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(40), index=True, nullable=False)
    claim_number: Mapped[str] = mapped_column(String(64), index=True, nullable=False)
    person_id: Mapped[int | None] = mapped_column(BigId)
    institution_id: Mapped[int | None] = mapped_column(BigId, index=True)
    severity: Mapped[str] = mapped_column(String(12), nullable=False)  # violation | suspicious
    loss_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    evidence: Mapped[dict] = mapped_column(JSON, nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("medical_case.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SupervisionCase(Versioned, Base):
    """监管案件 — a case opened from flags against an institution: refusal, recovery and fine."""

    __tablename__ = "medical_case"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    institution_id: Mapped[int] = mapped_column(BigId, index=True, nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # misuse (违规) | fraud (骗保)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="open")
    loss_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    refused_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # 拒付
    recovered_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # 追回
    fine_multiple: Mapped[str | None] = mapped_column(String(8))
    fine_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)  # 罚款
    decided: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str | None] = mapped_column(String(400))

    __table_args__ = (
        CheckConstraint("kind in ('misuse', 'fraud')", name="kind"),
        CheckConstraint("status in ('open', 'decided', 'closed')", name="status"),
    )
