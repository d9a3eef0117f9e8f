"""GB/T 2260 administrative-division codes: Inner Mongolia in full, and every province of China.

Three levels inside the region: `region` (150000), `league` (盟/市, 1503xx → 150300) and `banner`
(旗/县/区, the county level). A code is six digits; its parent is found by zeroing digits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

REGION_CODE = "150000"


class UnknownRegionError(ValueError):
    """A code that is not in the table; the message names it in Chinese and English."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"未知的行政区划代码 {code!r} / unknown region code {code!r}")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_zh: str
    name_en: str
    pinyin: str
    level: str  # region | league | banner | province
    parent: str | None
    population_2020: int | None

    def label(self, language: str = "zh") -> str:
        return self.name_zh if language == "zh" else (self.name_en or self.pinyin)


@cache
def _table() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for file_name in ("provinces.csv", "regions-150000.csv"):
        with resources.files(__package__).joinpath(file_name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                regions[row["code"]] = Region(
                    code=row["code"],
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                    pinyin=row["pinyin"],
                    level=row["level"],
                    parent=row["parent"] or None,
                    population_2020=int(row["population_2020"]) if row["population_2020"] else None,
                )
    return regions


def get(code: str) -> Region:
    try:
        return _table()[str(code)]
    except KeyError:
        raise UnknownRegionError(str(code)) from None


def exists(code: str) -> bool:
    return str(code) in _table()


def all_regions() -> list[Region]:
    return list(_table().values())


def leagues() -> list[Region]:
    return [r for r in _table().values() if r.level == "league"]


def banners(within: str | None = None) -> list[Region]:
    """The county-level units, optionally only those inside `within`."""
    found = [r for r in _table().values() if r.level == "banner"]
    return [r for r in found if within is None or is_within(r.code, within)]


def provinces() -> list[Region]:
    return [r for r in _table().values() if r.level == "province"]


def parent(code: str) -> Region | None:
    region = get(code)
    return get(region.parent) if region.parent else None


def ancestors(code: str) -> list[Region]:
    """The unit itself, then its league, then the region (or province)."""
    chain = [get(code)]
    while chain[-1].parent:
        chain.append(get(chain[-1].parent))
    return chain


def league_of(code: str) -> Region:
    for region in ancestors(code):
        if region.level == "league":
            return region
    raise ValueError(f"{code} 不在任何盟市之内 / {code} is not inside a league")


def is_within(code: str, scope: str) -> bool:
    """Is `code` the unit `scope` or inside it? Both must exist."""
    get(scope)
    return any(region.code == scope for region in ancestors(code))


def scope_prefix(scope: str) -> str:
    """The code prefix shared by every unit inside `scope`: 150000 → '15', 150400 → '1504'."""
    get(scope)
    return scope.rstrip("0") if scope.endswith("0000") else scope[:4] if scope.endswith("00") else scope


def province_of_code(code: str) -> Region:
    """The province of any six-digit address code (an ID number's first six digits)."""
    return get(code[:2] + "0000")
