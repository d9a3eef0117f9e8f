"""Input models of employment: what an officer, an API call or an import row may submit.

Amounts arrive as exact decimals of yuan and are kept as integer fen; each rule names the field it
checks, in Chinese and English (the registry's conventions).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from minsheng import credit_code
from minsheng.employment import vocabulary as vocab
from minsheng.money import yuan_to_fen
from minsheng.registry import vocabulary as registry_vocab
from minsheng.registry.schemas import check_banner, check_vocabulary, check_yuan


def _error(rule: str, zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError(rule, "{message_en}", {"message_zh": zh, "message_en": en})


def _labels(vocabulary: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, str]]:
    return {code: (labels[0], labels[1]) for code, labels in vocabulary.items()}


def _skills(values: list[str]) -> list[str]:
    codes = [check_vocabulary(v, vocab.SKILL, "技能", "skill") for v in values]
    return list(dict.fromkeys(c for c in codes if c))


class _Input(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class SeekerIn(_Input):
    """求职登记 — a registry person's job search; `unemployed` also registers unemployment."""

    person_id: int = Field(ge=1)
    desired_occupation: str
    skills: list[str] = []
    education: str | None = None
    expected_pay_yuan: Decimal = Decimal(0)
    banner_code: str | None = None
    available_from: date | None = None
    unemployed: bool = True

    v_occupation = field_validator("desired_occupation")(
        lambda v: check_vocabulary(v, _labels(vocab.OCCUPATION), "求职意向工种", "desired occupation")
    )
    v_skills = field_validator("skills")(_skills)
    v_education = field_validator("education")(
        lambda v: check_vocabulary(v, registry_vocab.EDUCATION, "文化程度", "education")
    )
    v_pay = field_validator("expected_pay_yuan", mode="before")(check_yuan)
    v_banner = field_validator("banner_code")(lambda v: None if v is None else check_banner(v))

    @property
    def expected_pay_fen(self) -> int:
        return yuan_to_fen(self.expected_pay_yuan)


class EmployerIn(_Input):
    """用人单位 — identified by its unified social credit code."""

    credit_code: str
    name: str = Field(min_length=1, max_length=200)
    banner_code: str
    sector: str
    enterprise_type: str = "enterprise"
    declared_size: str | None = None

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        try:
            return credit_code.parse(value).code
        except credit_code.InvalidCreditCode as problem:
            raise _error(
                "credit_code", f"统一社会信用代码{problem.reason_zh}", f"credit code: {problem.reason_en}"
            ) from None

    v_banner = field_validator("banner_code")(check_banner)
    v_sector = field_validator("sector")(lambda v: check_vocabulary(v, vocab.SECTOR, "行业", "sector"))
    v_type = field_validator("enterprise_type")(
        lambda v: check_vocabulary(v, vocab.ENTERPRISE_TYPE, "单位类型", "enterprise type")
    )
    v_size = field_validator("declared_size")(lambda v: check_vocabulary(v, vocab.SIZE, "企业规模", "size"))


class VacancyIn(_Input):
    """岗位 — positions an employer offers."""

    employer_id: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    occupation: str
    skills: list[str] = []
    education_min: str = "none"
    pay_min_yuan: Decimal
    pay_max_yuan: Decimal
    positions: int = Field(1, ge=1, le=10000)
    banner_code: str | None = None
    opens_on: date
    closes_on: date | None = None

    v_occupation = field_validator("occupation")(
        lambda v: check_vocabulary(v, _labels(vocab.OCCUPATION), "工种", "occupation")
    )
    v_skills = field_validator("skills")(_skills)
    v_education = field_validator("education_min")(
        lambda v: check_vocabulary(v, registry_vocab.EDUCATION, "学历要求", "minimum education")
    )
    v_pay = field_validator("pay_min_yuan", "pay_max_yuan", mode="before")(check_yuan)
    v_banner = field_validator("banner_code")(lambda v: None if v is None else check_banner(v))

    @model_validator(mode="after")
    def _ranges(self) -> VacancyIn:
        if self.pay_max_yuan < self.pay_min_yuan:
            raise _error(
                "pay_range", "最高月薪不能低于最低月薪", "pay_max_yuan must not be below pay_min_yuan"
            )
        if self.closes_on is not None and self.closes_on <= self.opens_on:
            raise _error("interval", "截止日期应晚于发布日期", "closes_on must be after opens_on")
        return self


class OutcomeIn(_Input):
    """推荐结果 — placed, not hired, or refused by the seeker (and whether the job was suitable)."""

    outcome: str = Field(pattern="^(placed|rejected|refused)$")
    on: date
    suitable: bool | None = None
    note: str | None = Field(None, max_length=500)

    @model_validator(mode="after")
    def _suitable(self) -> OutcomeIn:
        if self.outcome == "refused" and self.suitable is None:
            raise _error(
                "suitable_required",
                "求职者拒绝时须注明岗位是否适当",
                "say whether the refused job was suitable",
            )
        return self


class VisitIn(_Input):
    """走访 — an officer's visit (铁脚板) to a seeker or a household."""

    seeker_id: int | None = Field(None, ge=1)
    household_id: int | None = Field(None, ge=1)
    visited_on: date
    purpose: str = Field(min_length=1, max_length=32)
    note: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _subject(self) -> VisitIn:
        if self.seeker_id is None and self.household_id is None:
            raise _error("subject", "须指定求职者或家庭户", "name a seeker or a household")
        return self


class PublicWelfarePostIn(_Input):
    banner_code: str
    unit_name: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200)
    positions: int = Field(1, ge=1, le=1000)
    opens_on: date
    closes_on: date | None = None

    v_banner = field_validator("banner_code")(check_banner)


class WorkReliefProjectIn(_Input):
    project_code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    banner_code: str
    central_funds_yuan: Decimal
    local_funds_yuan: Decimal = Decimal(0)
    other_funds_yuan: Decimal = Decimal(0)
    starts_on: date
    closes_on: date

    v_banner = field_validator("banner_code")(check_banner)
    v_funds = field_validator("central_funds_yuan", "local_funds_yuan", "other_funds_yuan", mode="before")(
        check_yuan
    )

    @model_validator(mode="after")
    def _dates(self) -> WorkReliefProjectIn:
        if self.closes_on <= self.starts_on:
            raise _error("interval", "完工日期应晚于开工日期", "closes_on must be after starts_on")
        return self


class WorkReliefWorkerIn(_Input):
    person_id: int | None = Field(None, ge=1)
    name: str = Field(min_length=1, max_length=64)
    target_group: str
    daily_wage_yuan: Decimal
    joined_on: date

    v_group = field_validator("target_group")(
        lambda v: check_vocabulary(v, vocab.WORK_RELIEF_TARGET_GROUP, "务工人员类别", "target group")
    )
    v_wage = field_validator("daily_wage_yuan", mode="before")(check_yuan)


class AttendanceIn(_Input):
    """考勤 — days a worker worked in a month, and when the wage is due."""

    worker_id: int = Field(ge=1)
    period: date
    days_worked: int = Field(ge=0, le=31)
    due_on: date

    @field_validator("period")
    @classmethod
    def _first_of_month(cls, value: date) -> date:
        return value.replace(day=1)


class RefundIn(_Input):
    """稳岗返还申请 — last year's contributions and headcounts of one employer."""

    employer_id: int = Field(ge=1)
    year: int = Field(ge=2015, le=2100)
    contributions_yuan: Decimal
    months_paid: int = Field(ge=0, le=12)
    insured_at_start: int = Field(ge=0)
    insured_at_end: int = Field(ge=0)
    average_insured: int = Field(ge=0)

    v_amount = field_validator("contributions_yuan", mode="before")(check_yuan)

    @property
    def contributions_fen(self) -> int:
        return yuan_to_fen(self.contributions_yuan)


class BenefitIn(_Input):
    """失业保险金测算 — contribution years, carried-over months, why the job ended, registration."""

    contribution_years: Decimal = Field(ge=0, le=60)
    carried_over_months: int = Field(0, ge=0, le=24)
    involuntary: bool = True
    registered: bool = True
    banner_code: str

    v_banner = field_validator("banner_code")(check_banner)
