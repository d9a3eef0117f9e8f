"""Input models of the registry: what a caseworker, an import row or an API call may submit.

Every rule names the field it checks and says what is wrong in Chinese and English. Amounts arrive as
exact decimals of yuan (never floats) and are kept as integer fen; birth date and sex are read from
the ID number, never typed twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from minsheng import idcard, regions
from minsheng.api.errors import FieldError
from minsheng.money import yuan_to_fen
from minsheng.registry import vocabulary as vocab


def _error(rule: str, zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError(rule, "{message_en}", {"message_zh": zh, "message_en": en})


def check_vocabulary(value: str | None, vocabulary: dict[str, tuple[str, str]], what_zh: str, what_en: str):
    """Accept a code or its Chinese label; return the code."""
    if value is None or value == "":
        return None
    if value in vocabulary:
        return value
    for code, (zh, en) in vocabulary.items():
        if value in (zh, en):
            return code
    allowed = ", ".join(f"{code} ({zh})" for code, (zh, _en) in vocabulary.items())
    raise _error(
        "vocabulary",
        f"{what_zh}「{value}」不在允许的取值中:{allowed}",
        f"{what_en} {value!r} is not one of: {allowed}",
    )


def check_banner(code: str) -> str:
    code = str(code).strip()
    problem = _banner_problem(code)
    if problem is not None:
        raise _error(*problem)
    return code


@lru_cache(maxsize=4096)
def _banner_problem(code: str) -> tuple[str, str, str] | None:
    """Why a code is not a banner of the region (cached: an import asks 100 000 times)."""
    if not regions.exists(code):
        return ("region_exists", f"行政区划代码 {code} 不存在", f"region code {code} does not exist")
    if regions.get(code).level != "banner" or not regions.is_within(code, regions.REGION_CODE):
        return (
            "region_is_banner",
            f"{code} 不是本区的旗县区代码",
            f"{code} is not a banner, county or district of the region",
        )
    return None


def check_yuan(value: Any) -> Decimal:
    """An exact, non-negative amount of yuan."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise _error("decimal", f"金额「{value}」不是数字", f"amount {value!r} is not a number") from None
    if not amount.is_finite():
        raise _error("decimal", f"金额「{value}」不是数字", f"amount {value!r} is not a number")
    if amount < 0:
        raise _error("not_negative", f"金额 {amount} 不能为负数", f"amount {amount} must not be negative")
    return amount


class _Input(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class IncomeIn(_Input):
    """收入 — a monthly amount of one category."""

    category: str
    monthly_yuan: Decimal
    effective_from: date
    effective_to: date | None = None
    source: str | None = Field(None, max_length=64)

    v_category = field_validator("category")(
        lambda v: check_vocabulary(v, vocab.INCOME_CATEGORY, "收入类别", "income category")
    )
    v_amount = field_validator("monthly_yuan", mode="before")(check_yuan)

    @model_validator(mode="after")
    def _interval(self) -> IncomeIn:
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise _error("interval", "截止日期应晚于起始日期", "effective_to must be after effective_from")
        return self

    @property
    def monthly_fen(self) -> int:
        return yuan_to_fen(self.monthly_yuan)


class ExpenseIn(IncomeIn):
    """支出 — employment cost or a rigid expense per month."""

    v_category = field_validator("category")(
        lambda v: check_vocabulary(v, vocab.EXPENSE_CATEGORY, "支出类别", "expense category")
    )


class AssetIn(_Input):
    """财产 — deposits, vehicles, dwellings …; `exempt` for what daily life or production needs."""

    kind: str
    value_yuan: Decimal = Decimal(0)
    quantity: int = Field(1, ge=0)
    exempt: bool = False
    note: str | None = Field(None, max_length=200)

    v_kind = field_validator("kind")(
        lambda v: check_vocabulary(v, vocab.ASSET_KIND, "财产类别", "asset kind")
    )
    v_amount = field_validator("value_yuan", mode="before")(check_yuan)

    @property
    def value_fen(self) -> int:
        return yuan_to_fen(self.value_yuan)


class PersonFields(_Input):
    """The fields of a person that may change after registration (all optional in an update)."""

    name: str | None = Field(None, min_length=1, max_length=64)
    ethnicity: str | None = None
    hukou: str | None = None
    hukou_region: str | None = None
    residence_region: str | None = None
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9\- ]{4,19}$")
    bank_account: str | None = Field(None, pattern=r"^[0-9]{8,32}$")
    relationship_to_head: str | None = None
    education: str | None = None
    employment_status: str | None = None
    disability_type: str | None = None
    disability_grade: int | None = Field(None, ge=1, le=4)
    serious_illness: bool | None = None
    adl_items_lost: int | None = Field(None, ge=0, le=6)
    incomes: list[IncomeIn] | None = None
    expenses: list[ExpenseIn] | None = None
    tags: list[str] | None = None

    @field_validator("ethnicity")
    @classmethod
    def _ethnicity(cls, value: str | None) -> str | None:
        if value and value not in vocab.ETHNICITIES:
            raise _error(
                "vocabulary",
                f"民族「{value}」不在允许的取值中:{'、'.join(vocab.ETHNICITIES)}",
                f"ethnicity {value!r} is not one of: {', '.join(vocab.ETHNICITIES)}",
            )
        return value or None

    v_hukou = field_validator("hukou")(lambda v: check_vocabulary(v, vocab.HUKOU, "户籍性质", "hukou"))
    v_regions = field_validator("hukou_region", "residence_region")(
        lambda v: None if v is None else check_banner(v)
    )
    v_relationship = field_validator("relationship_to_head")(
        lambda v: check_vocabulary(v, vocab.RELATIONSHIP, "与户主关系", "relationship to head")
    )
    v_education = field_validator("education")(
        lambda v: check_vocabulary(v, vocab.EDUCATION, "文化程度", "education")
    )
    v_employment = field_validator("employment_status")(
        lambda v: check_vocabulary(v, vocab.EMPLOYMENT_STATUS, "就业状况", "employment status")
    )
    v_disability = field_validator("disability_type")(
        lambda v: check_vocabulary(v, vocab.DISABILITY_TYPE, "残疾类别", "disability type")
    )

    @field_validator("tags")
    @classmethod
    def _tags(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        codes = [check_vocabulary(v, vocab.KEY_GROUP_TAG, "重点群体标签", "key-group tag") for v in values]
        return list(dict.fromkeys(c for c in codes if c))


class PersonUpdate(PersonFields):
    """Changes to one person; a field left out stays as it is, a list given replaces the old one."""


class PersonIn(PersonFields):
    """A person to register. Birth date and sex come from the ID number."""

    id_number: str
    name: str = Field(min_length=1, max_length=64)
    hukou: str
    hukou_region: str
    residence_region: str
    relationship_to_head: str
    serious_illness: bool = False
    adl_items_lost: int = Field(0, ge=0, le=6)
    incomes: list[IncomeIn] = []
    expenses: list[ExpenseIn] = []
    tags: list[str] = []

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str) -> str:
        try:
            return idcard.parse(value).number
        except idcard.InvalidIdNumber as problem:
            raise _error(
                "id_number", f"身份证号{problem.reason_zh}", f"ID number: {problem.reason_en}"
            ) from None

    @model_validator(mode="after")
    def _disability_pair(self) -> PersonIn:
        if (self.disability_type is None) != (self.disability_grade is None):
            raise _error(
                "disability_pair",
                "残疾类别与残疾等级应同时填写或同时为空",
                "disability_type and disability_grade go together: both or neither",
            )
        return self

    @property
    def parsed_id(self) -> idcard.IdNumber:
        """The number's parts; `id_number` was validated by idcard.parse, so they are read directly
        (an import reads 100 000 of them)."""
        n = self.id_number
        return idcard.IdNumber(
            number=n,
            birth_date=date(int(n[6:10]), int(n[10:12]), int(n[12:14])),
            sex="M" if int(n[16]) % 2 else "F",
            address_code=n[:6],
        )

    @property
    def birth_date(self) -> date:
        return self.parsed_id.birth_date

    @property
    def sex(self) -> str:
        return self.parsed_id.sex


class HouseholdIn(_Input):
    """A household to register: its banner, hukou, address, members (exactly one head) and assets."""

    banner_code: str
    hukou: str
    address: str | None = Field(None, max_length=200)
    members: list[PersonIn] = Field(min_length=1)
    assets: list[AssetIn] = []

    v_banner = field_validator("banner_code")(check_banner)
    v_hukou = field_validator("hukou")(lambda v: check_vocabulary(v, vocab.HUKOU, "户籍性质", "hukou"))

    @model_validator(mode="after")
    def _members(self) -> HouseholdIn:
        heads = sum(1 for m in self.members if m.relationship_to_head == "head")
        if heads != 1:
            raise _error(
                "one_head",
                f"每户应有且只有一名户主,现有 {heads} 名",
                f"a household has exactly one head; this one has {heads}",
            )
        seen: set[str] = set()
        for member in self.members:
            if member.id_number in seen:
                raise _error(
                    "unique_id_number",
                    f"身份证号 {idcard.mask(member.id_number)} 在本户中重复",
                    f"ID number {idcard.mask(member.id_number)} appears twice in the household",
                )
            seen.add(member.id_number)
        return self


_ZH = {
    "missing": "必填",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "string_pattern_mismatch": "格式不符",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "应为 是/否",
    "date_from_datetime_parsing": "日期不存在或格式应为 YYYY-MM-DD",
    "date_parsing": "日期不存在或格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "too_short": "至少应有一项",
    "extra_forbidden": "不认识的字段",
}


# A whole-model rule is reported on the field a person would correct.
_MODEL_RULE_FIELD = {
    "one_head": "members",
    "unique_id_number": "members",
    "disability_pair": "disability_grade",
    "interval": "effective_to",
}


def field_errors(error: ValidationError, prefix: str = "") -> list[FieldError]:
    """A Pydantic error as field errors with Chinese and English messages."""
    found = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or _MODEL_RULE_FIELD.get(item["type"], "")
        field = f"{prefix}{location}" if location else prefix.rstrip(".")
        context = item.get("ctx") or {}
        if "message_zh" in context:
            zh, en = context["message_zh"], context["message_en"]
        else:
            en = item["msg"]
            zh = _ZH.get(item["type"], en)
        found.append(FieldError(field or "__root__", item["type"], f"{field}: {zh}", f"{field}: {en}"))
    return found
