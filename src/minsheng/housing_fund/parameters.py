"""The housing fund's parameters, read from `policy/params/housing_fund.yaml`.

`_read_rows` is a stop-gap until the policy loader (`minsheng.policy.load()`) lands; then it goes and
the loader is the only reader of the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from minsheng import regions
from minsheng.housing_fund.rates import RateRow, RateTable
from minsheng.money import yuan_to_fen

REGION = regions.REGION_CODE


@dataclass(frozen=True)
class Used:
    """A parameter value with what it rests on (for reasons and quotes)."""

    name: str
    value: Any
    effective_from: date
    region: str
    status: str
    source: dict

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": str(self.value),
            "effective_from": self.effective_from.isoformat(),
            "region": self.region,
            "status": self.status,
            "source": {k: str(v) for k, v in self.source.items()},
        }


@cache
def _read_rows() -> dict[str, dict]:
    path = resources.files("minsheng.policy") / "params" / "housing_fund.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["parameters"]


def _typed(unit: str, value: Any) -> Any:
    """As the policy loader types values: money in int fen, counts as int, ratios as Decimal."""
    if unit == "boolean":
        return bool(value)
    if unit == "yuan":
        return yuan_to_fen(str(value))
    if unit in ("months", "years", "days", "count"):
        return int(value)
    return Decimal(str(value))


def value(name: str, on: date, region: str = REGION, **dimensions: str) -> Used:
    """The value in force on `on` for `region` (a banner over its league over the region)."""
    declaration = _read_rows()[name]
    for code in _region_chain(region):
        for row in declaration["values"]:
            if str(row.get("region", REGION)) != code:
                continue
            if any(str(row.get(k)) != str(v) for k, v in dimensions.items()):
                continue
            end = row.get("effective_to")
            if row["effective_from"] <= on and (end is None or on < end):
                return Used(
                    name,
                    _typed(declaration["unit"], row["value"]),
                    row["effective_from"],
                    code,
                    row["status"],
                    row["source"],
                )
    raise LookupError(f"{name} has no value on {on} for {region} {dimensions}")


def _region_chain(code: str) -> list[str]:
    chain = [code]
    if code != REGION and regions.exists(code) and regions.get(code).level == "banner":
        chain.append(regions.league_of(code).code)
    if REGION not in chain:
        chain.append(REGION)
    return chain


def rate_table() -> RateTable:
    rows = _read_rows()["housing_fund.loan_rate"]["values"]
    return RateTable(
        RateRow(
            effective_from=row["effective_from"],
            effective_to=row.get("effective_to"),
            home=row["home"],
            term_band=row["term_band"],
            rate=Decimal(str(row["value"])),
            source=row["source"],
            status=row["status"],
        )
        for row in rows
    )


def enabled_triggers(on: date, region: str = REGION) -> list[str]:
    rows = _read_rows()["housing_fund.withdrawal_trigger"]["values"]
    triggers = dict.fromkeys(row["trigger"] for row in rows)
    return [t for t in triggers if value("housing_fund.withdrawal_trigger", on, region, trigger=t).value]
