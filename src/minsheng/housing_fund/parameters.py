"""The housing fund's parameters (`policy/params/housing_fund.yaml`), through the policy loader."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from minsheng import policy, regions
from minsheng.housing_fund.rates import RateRow, RateTable
from minsheng.policy import ParameterValue

REGION = regions.REGION_CODE
Used = ParameterValue  # a value with its date, region, status and source


def value(name: str, on: date, region: str = REGION, **dimensions: str) -> ParameterValue:
    """The value in force on `on` at `region` (a banner over its league over the region)."""
    return policy.load().value(name, on, region=region, **dimensions)


def rate_table() -> RateTable:
    """The PBoC loan-rate rows (region-wide); an open row lasts until the next of its series."""
    entries = [e for e in policy.load()["housing_fund.loan_rate"].entries if e.region == REGION]
    entries.sort(
        key=lambda e: (dict(e.dimensions)["home"], dict(e.dimensions)["term_band"], e.effective_from)
    )
    rows = []
    for index, entry in enumerate(entries):
        dims = dict(entry.dimensions)
        end = entry.effective_to
        following = entries[index + 1] if index + 1 < len(entries) else None
        if end is None and following is not None and dict(following.dimensions) == dims:
            end = following.effective_from
        rows.append(
            RateRow(
                effective_from=entry.effective_from,
                effective_to=end,
                home=dims["home"],
                term_band=dims["term_band"],
                rate=Decimal(entry.value),
                source=entry.source.as_dict(),
                status=entry.status,
            )
        )
    return RateTable(rows)


def enabled_triggers(on: date, region: str = REGION) -> list[str]:
    """The withdrawal reasons in force at `region` on `on`, in the order of the parameter file."""
    entries = policy.load()["housing_fund.withdrawal_trigger"].entries
    triggers = dict.fromkeys(dict(e.dimensions)["trigger"] for e in entries)
    return [t for t in triggers if value("housing_fund.withdrawal_trigger", on, region, trigger=t).value]
