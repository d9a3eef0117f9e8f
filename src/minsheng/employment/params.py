"""Reading employment's parameters (policy/params/employment.yaml) at a date and a region.

Interim reader until the policy loader lands; it is the one place that reads the YAML, so the swap
touches nothing else. Money parameters come back in fen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from minsheng import regions

MONEY_UNITS = ("yuan", "yuan_per_month", "yuan_per_year")


class MissingParameter(LookupError):
    def __init__(self, name: str, as_of: date, region: str):
        super().__init__(
            f"参数 {name} 在 {as_of} ({region}) 无值 / parameter {name} has no value on {as_of} in {region}"
        )


@cache
def _document() -> dict[str, Any]:
    text = resources.files("minsheng.policy").joinpath("params/employment.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["parameters"]


def _chain(region: str) -> list[str]:
    return [r.code for r in regions.ancestors(region)] if regions.exists(region) else [region]


def entry(name: str, as_of: date, region: str = "150000") -> dict[str, Any]:
    """The value entry in force: the most specific region (banner over league over region) wins."""
    try:
        spec = _document()[name]
    except KeyError:
        raise MissingParameter(name, as_of, region) from None
    for code in _chain(region):
        for value in spec["values"]:
            if str(value.get("region", "150000")) != code:
                continue
            if value["effective_from"] <= as_of and (
                value.get("effective_to") is None or as_of < value["effective_to"]
            ):
                return {
                    **value,
                    "unit": spec["unit"],
                    "description_zh": spec["description_zh"],
                    "description_en": spec["description_en"],
                }
    raise MissingParameter(name, as_of, region)


def value(name: str, as_of: date, region: str = "150000") -> Decimal:
    found = entry(name, as_of, region)
    amount = Decimal(str(found["value"]))
    return amount * 100 if found["unit"] in MONEY_UNITS else amount


def values(names: tuple[str, ...] | list[str], as_of: date, region: str = "150000") -> dict[str, Decimal]:
    return {name: value(name, as_of, region) for name in names}
