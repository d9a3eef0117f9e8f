from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from minsheng import policy

ASSISTANCE_FILES = ("dibao", "assets", "tekun", "orphan", "edge", "rigid_expense", "statistics")
AS_OF = dt.date(2023, 6, 1)


@pytest.fixture(scope="session")
def params(tmp_path_factory: pytest.TempPathFactory) -> policy.ParameterSet:
    """The assistance parameter files alone, so another domain's file in progress cannot break these tests."""
    directory = tmp_path_factory.mktemp("assistance-params")
    for name in ASSISTANCE_FILES:
        shutil.copy(policy.PARAMS_DIR / f"{name}.yaml", directory / f"{name}.yaml")
    return policy.load(directory=Path(directory))


def person(relationship: str, birth: dt.date, **fields: Any) -> dict[str, Any]:
    member: dict[str, Any] = {"relationship_to_head": relationship, "sex": "M", "birth_date": birth}
    member.update(fields)
    return member


def household(*members: dict[str, Any], banner: str = "150102", hukou: str = "urban", **fields: Any) -> dict:
    data: dict[str, Any] = {"banner_code": banner, "hukou": hukou, "dwellings": 1, "members": list(members)}
    data.update(fields)
    return data


def worked_example(**head_incomes: int) -> dict:
    """RULES.md §1.5: three adults; wages 1 500, maintenance received 300, disability rigid expense 200."""
    incomes = {"wages": 150000, "transfer": 30000} | head_incomes
    return household(
        person("head", dt.date(1980, 3, 1), incomes=incomes, expenses={"disability_rigid": 20000}),
        person("spouse", dt.date(1982, 5, 1), sex="F"),
        person("child", dt.date(2001, 9, 1)),
    )
