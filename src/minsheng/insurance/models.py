"""Social-insurance and elderly-care tables: enrolment per person, year and scheme (the contribution
history), resident-pension awards, work-injury cases, and the elderly-care facilities (养老服务设施).

One domain folder holds both: elderly care is run beside the residents' pension and shares its
dashboard, so a second package would only split one migration in two.
"""

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
from sqlalchemy.orm import Mapped, mapped_column

from minsheng.store.base import Base, BigId, Fen, Versioned, utcnow

SCHEME = {
    "employee_pension": ("职工基本养老保险", "employees' basic pension"),
    "resident_pension": ("城乡居民基本养老保险", "urban-rural residents' basic pension"),
    "work_injury": ("工伤保险", "work-injury insurance"),
    "unemployment": ("失业保险", "unemployment insurance"),
}
PENSION_SCHEMES = ("employee_pension", "resident_pension")
EMPLOYER_SCHEMES = ("work_injury", "unemployment")  # only an employer can insure these
ENROLMENT_STATUS = {
    "contributing": ("缴费", "contributing"),
    "receiving": ("领取待遇", "drawing benefits"),
}
# 工伤保险待遇 (《工伤保险条例》 Art. 30–39): recorded by type; amounts are entered, not computed here.
WORK_INJURY_BENEFIT = {
    "medical": ("工伤医疗费", "medical treatment"),
    "suspended_pay": ("停工留薪期工资福利", "pay during suspension of work"),
    "disability_lump_sum": ("一次性伤残补助金", "lump-sum disability allowance"),
    "disability_allowance": ("伤残津贴", "monthly disability allowance"),
    "nursing_care": ("生活护理费", "nursing-care allowance"),
    "medical_lump_sum": ("一次性工伤医疗补助金", "lump-sum medical allowance on leaving"),
    "funeral": ("丧葬补助金", "funeral allowance"),
    "dependants_pension": ("供养亲属抚恤金", "pension for dependants"),
    "death_lump_sum": ("一次性工亡补助金", "lump-sum death benefit"),
}
FACILITY_KIND = {
    "township_centre": ("苏木乡镇区域养老服务中心", "township elderly-care centre"),
    "village_station": ("嘎查村级养老服务站", "village elderly-care station"),
    "mutual_aid_home": ("农村互助养老幸福院", "rural mutual-aid home"),
}
FACILITY_SERVICE = {
    "residential": ("集中托养", "residential care"),
    "day_care": ("日间照料", "day care"),
    "meals": ("助餐", "meals"),
    "home_visits": ("上门服务", "home visits"),
    "rehabilitation": ("康复护理", "rehabilitation"),
    "activities": ("文化娱乐", "activities"),
    "health_checks": ("健康管理", "health checks"),
}


def _in(column: str, values: dict | tuple) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


class Enrolment(Base):
    """参保缴费记录 — one person's year in one scheme: where, employer, base, months and amounts.

    The rows of a person are the contribution history. `account_credit_fen` is what the year put into
    the personal account (personal payment plus subsidies; 个人账户记账额).
    """

    __tablename__ = "insurance_enrolment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    scheme: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="contributing")
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    employer_name: Mapped[str | None] = mapped_column(String(200))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18))
    contribution_base_fen: Mapped[int | None] = mapped_column(Fen)  # monthly base (employee schemes)
    months_paid: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    personal_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    employer_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    subsidy_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    account_credit_fen: Mapped[int] = mapped_column(Fen, nullable=False, default=0)
    arrears: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 补缴
    recorded_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("person_id", "year", "scheme", name="uq_insurance_enrolment_person_year_scheme"),
        CheckConstraint(_in("scheme", SCHEME), name="scheme"),
        CheckConstraint(_in("status", ENROLMENT_STATUS), name="status"),
        CheckConstraint("months_paid between 0 and 12", name="months"),
        CheckConstraint(
            "personal_fen >= 0 and employer_fen >= 0 and subsidy_fen >= 0 and account_credit_fen >= 0"
            " and (contribution_base_fen is null or contribution_base_fen >= 0)",
            name="amounts",
        ),
    )


class PensionAward(Versioned, Base):
    """城乡居民养老金待遇 — a resident pension put into payment, with the parts of its amount."""

    __tablename__ = "insurance_pension_award"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(20), nullable=False, default="resident_pension")
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    start_month: Mapped[date] = mapped_column(Date, nullable=False)  # the first of the first paid month
    basic_national_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    basic_topup_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    account_balance_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    account_pension_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    monthly_fen: Mapped[int] = mapped_column(Fen, nullable=False)
    contribution_years: Mapped[int] = mapped_column(Integer, nullable=False)
    awarded_on: Mapped[date] = mapped_column(Date, nullable=False)
    reasons: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    __table_args__ = (
        UniqueConstraint("person_id", "scheme", name="uq_insurance_pension_award_person_scheme"),
        CheckConstraint(
            "monthly_fen = basic_national_fen + basic_topup_fen + account_pension_fen", name="parts"
        ),
    )


class WorkInjuryCase(Base):
    """工伤认定与待遇 — a recognised work injury and the benefit type paid (no tariff computed)."""

    __tablename__ = "insurance_work_injury_case"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    employer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    employer_credit_code: Mapped[str | None] = mapped_column(String(18))
    injury_date: Mapped[date] = mapped_column(Date, nullable=False)
    recognised_on: Mapped[date] = mapped_column(Date, nullable=False)
    benefit_type: Mapped[str] = mapped_column(String(24), nullable=False)
    disability_grade: Mapped[int | None] = mapped_column(Integer)  # 1–10 (劳动能力鉴定)
    amount_fen: Mapped[int | None] = mapped_column(Fen)
    insured: Mapped[bool] = mapped_column(Boolean, nullable=False)  # in work-injury insurance that year
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        CheckConstraint(_in("benefit_type", WORK_INJURY_BENEFIT), name="benefit_type"),
        CheckConstraint("disability_grade is null or disability_grade between 1 and 10", name="grade"),
        CheckConstraint("amount_fen is null or amount_fen >= 0", name="amount"),
        CheckConstraint("recognised_on >= injury_date", name="dates"),
    )


class Facility(Versioned, Base):
    """养老服务设施 — a township centre, village station or rural mutual-aid home."""

    __tablename__ = "eldercare_facility"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    banner_code: Mapped[str] = mapped_column(String(6), index=True, nullable=False)
    township: Mapped[str] = mapped_column(String(64), nullable=False)
    village: Mapped[str | None] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)  # beds or day places
    services: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    built_year: Mapped[int] = mapped_column(Integer, nullable=False)
    upgraded_year: Mapped[int | None] = mapped_column(Integer)  # 功能拓展提升
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (
        CheckConstraint(_in("kind", FACILITY_KIND), name="kind"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("kind = 'township_centre' or village is not null", name="village"),
    )
