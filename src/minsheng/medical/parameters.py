"""Medical parameters as the settlement rule joins them: a long Arrow table built from the policy loader.

`policy.load()` is the only reader of `policy/params/medical.yaml` (Inner Mongolia placeholders on the
national rules, documented there); a scenario file (e.g. RULES §3.4's hypothetical figures) overlays
it. The settlement rule needs parameters by claim date and by several dimension sets at once, so it
joins this long form (name, league, interval, dimension columns, value) once per claim profile rather
than the loader's wide per-banner table. Each league gets every parameter: its own entry where it has
one, else the region-wide one. Money is int fen (the loader converts yuan); ratios exact decimals.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from minsheng import policy, regions
from minsheng.policy import OPEN_END, ParameterSet

DIMENSIONS = (
    "insurance_type",
    "person_type",
    "care_type",
    "hospital_level",
    "aid_category",
    "filing_type",
    "segment",
)

PARAMETERS = pa.schema(
    [
        pa.field("name", pa.string(), nullable=False),
        pa.field("region", pa.string(), nullable=False),
        pa.field("effective_from", pa.date32(), nullable=False),
        pa.field("effective_to", pa.date32()),
        *[pa.field(dimension, pa.string()) for dimension in DIMENSIONS],
        pa.field("value", pa.decimal128(38, 10), nullable=False),
        pa.field("status", pa.string()),
        pa.field("source_document", pa.string()),
    ]
)


def parameter_set(scenario: Path | str | None = None) -> ParameterSet:
    return policy.load(scenario)


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    return Decimal(str(value))


@cache
def _long_table(params: ParameterSet) -> pa.Table:
    columns: dict[str, list] = {field.name: [] for field in PARAMETERS}
    leagues = [league.code for league in regions.leagues()]
    for name in params.names():
        if not name.startswith("medical."):
            continue
        entries = params[name].entries
        for league in leagues:
            own = [e for e in entries if e.region == league]
            for entry in own or [e for e in entries if e.region == regions.REGION_CODE]:
                dimensions = dict(entry.dimensions)
                columns["name"].append(name)
                columns["region"].append(league)
                columns["effective_from"].append(entry.effective_from)
                to = entry.effective_to
                columns["effective_to"].append(None if to is None or to >= OPEN_END else to)
                for dimension in DIMENSIONS:
                    columns[dimension].append(dimensions.get(dimension))
                columns["value"].append(_number(entry.value))
                columns["status"].append(entry.status)
                columns["source_document"].append(entry.source.document)
    return pa.table(columns, schema=PARAMETERS)


def parameter_table(
    scenario: Path | str | ParameterSet | None = None, leagues: tuple[str, ...] | None = None
) -> pa.Table:
    """The long parameter table the settlement rule joins (cached per parameter set); with `leagues`, only
    their rows (the rule joins a claim to its pooling league's rows alone, so the result is the same)."""
    params = scenario if isinstance(scenario, ParameterSet) else parameter_set(scenario)
    return _long_table(params) if leagues is None else _leagues_table(params, leagues)


@cache
def _leagues_table(params: ParameterSet, leagues: tuple[str, ...]) -> pa.Table:
    table = _long_table(params)
    return table.filter(pc.is_in(table["region"], pa.array(leagues, pa.string())))


def value_at(name: str, on: date, region: str = regions.REGION_CODE, scenario=None, **dimensions: Any) -> Any:
    """One parameter's value at a date for a league (falling back to the region): money in fen."""
    return parameter_set(scenario).value(name, on, region, **dimensions).value


def sources(names: tuple[str, ...], scenario=None) -> dict[str, dict]:
    """Each parameter's description, unit, status and source documents, for a determination's reasons."""
    return _sources(tuple(names), parameter_set(scenario))


@cache
def _sources(names: tuple[str, ...], params: ParameterSet) -> dict[str, dict]:
    # cached per parameter set: every settlement cites the same documents (read-only, serialised only)
    found = {}
    for name in names:
        if name not in params:
            continue
        parameter = params[name]
        found[name] = {
            "description_zh": parameter.description_zh,
            "description_en": parameter.description_en,
            "unit": parameter.unit,
            "sources": sorted({e.source.cite("zh") for e in parameter.entries}),
            "status": sorted({e.status for e in parameter.entries}),
        }
    return found


@dataclass(frozen=True)
class SpecialDrug:
    """门诊特殊用药 — one drug of the special outpatient drug list, valid over [effective_from, effective_to)."""

    code: str
    name_zh: str
    name_en: str
    effective_from: date
    effective_to: date | None
    status: str


@cache
def special_drugs() -> tuple[SpecialDrug, ...]:
    """The 111 special outpatient drugs (a dated list beside the parameters; membership placeholders)."""
    with (policy.PARAMS_DIR / "medical_special_drugs.csv").open(encoding="utf-8") as handle:
        return tuple(
            SpecialDrug(
                code=row["code"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                effective_from=date.fromisoformat(row["effective_from"]),
                effective_to=date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
                status=row["status"],
            )
            for row in csv.DictReader(handle)
        )


def special_drugs_on(on: date) -> dict[str, SpecialDrug]:
    return {
        d.code: d
        for d in special_drugs()
        if d.effective_from <= on and (d.effective_to is None or on < d.effective_to)
    }
