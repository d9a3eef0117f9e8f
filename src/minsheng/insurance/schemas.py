"""Input models of insurance and elderly care: what an officer, an API call or the CLI may submit.

Amounts arrive as exact decimals of yuan and are kept as integer fen. Field-level rules (ranges,
vocabularies) are checked here; rules that need the database (before birth, twice in one year) are
checked by the service, which names the field the same way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from minsheng.insurance.models import FACILITY_SERVICE
from minsheng.money import yuan_to_fen
from minsheng.registry.schemas import check_banner, check_vocabulary, check_yuan

Scheme = Literal["employee_pension", "resident_pension", "work_injury", "unemployment"]
BenefitType = Literal[
    "medical",
    "suspended_pay",
    "disability_lump_sum",
    "disability_allowance",
    "nursing_care",
    "medical_lump_sum",
    "funeral",
    "dependants_pension",
    "death_lump_sum",
]
FacilityKind = Literal["township_centre", "village_station", "mutual_aid_home"]


class _Input(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class EnrolmentIn(_Input):
    """参保缴费登记 — one person's year in one scheme."""

    person_id: int = Field(ge=1)
    year: int = Field(ge=1950, le=2100)
    scheme: Scheme
    banner_code: str
    status: Literal["contributing", "receiving"] = "contributing"
    employer_name: str | None = Field(None, max_length=200)
    employer_credit_code: str | None = Field(None, max_length=18)
    contribution_base_yuan: Decimal | None = None
    months_paid: int = Field(12, ge=0, le=12)
    personal_yuan: Decimal = Decimal(0)
    employer_yuan: Decimal = Decimal(0)
    subsidy_yuan: Decimal = Decimal(0)
    account_credit_yuan: Decimal | None = None  # default: personal + subsidy for the resident scheme
    arrears: bool = False

    v_banner = field_validator("banner_code")(check_banner)
    v_money = field_validator(
        "contribution_base_yuan",
        "personal_yuan",
        "employer_yuan",
        "subsidy_yuan",
        "account_credit_yuan",
        mode="before",
    )(lambda v: None if v is None else check_yuan(v))

    @property
    def contribution_base_fen(self) -> int | None:
        return None if self.contribution_base_yuan is None else yuan_to_fen(self.contribution_base_yuan)

    @property
    def account_credit_fen(self) -> int:
        if self.account_credit_yuan is not None:
            return yuan_to_fen(self.account_credit_yuan)
        if self.scheme == "resident_pension":
            return yuan_to_fen(self.personal_yuan) + yuan_to_fen(self.subsidy_yuan)
        return 0


class WorkInjuryIn(_Input):
    """工伤待遇登记 — a recognised injury and the benefit type paid."""

    person_id: int = Field(ge=1)
    banner_code: str
    employer_name: str = Field(min_length=1, max_length=200)
    employer_credit_code: str | None = Field(None, max_length=18)
    injury_date: date
    recognised_on: date
    benefit_type: BenefitType
    disability_grade: int | None = Field(None, ge=1, le=10)
    amount_yuan: Decimal | None = None
    note: str | None = Field(None, max_length=200)

    v_banner = field_validator("banner_code")(check_banner)
    v_amount = field_validator("amount_yuan", mode="before")(lambda v: None if v is None else check_yuan(v))


class FacilityIn(_Input):
    """养老服务设施登记 — a township centre, village station or mutual-aid home."""

    code: str = Field(min_length=1, max_length=24)
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    banner_code: str
    township: str = Field(min_length=1, max_length=64)
    village: str | None = Field(None, max_length=64)
    capacity: int = Field(ge=0, le=100_000)
    services: list[str] = []
    built_year: int = Field(ge=1950, le=2100)
    upgraded_year: int | None = Field(None, ge=1950, le=2100)

    v_banner = field_validator("banner_code")(check_banner)

    @field_validator("services")
    @classmethod
    def _services(cls, values: list[str]) -> list[str]:
        codes = [check_vocabulary(v, FACILITY_SERVICE, "服务项目", "service") for v in values]
        return list(dict.fromkeys(c for c in codes if c))
