"""Medical parameters as the settlement rule reads them: one long Arrow table, region overrides resolved.

Values come from `policy/params/medical.yaml` (placeholders for Inner Mongolia, documented there) plus
an optional overlay in the same format (a scenario, or the hypothetical figures of RULES §3.4). Each
league gets every parameter: its own row where it has one, else the region-wide ("150000") row, so the
rule joins on the league code alone. The 111 special outpatient drugs are a dated list beside it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from minsheng import regions

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
        pa.field("value", pa.decimal128(18, 6), nullable=False),
        pa.field("status", pa.string()),
        pa.field("source_document", pa.string()),
    ]
)


@dataclass(frozen=True)
class ParameterValue:
    name: str
    region: str
    effective_from: date
    effective_to: date | None
    dimensions: dict[str, str]
    value: Decimal
    status: str
    source: dict[str, Any]
    note: str | None
    unit: str


def _params_file(file_name: str) -> Path:
    return Path(str(resources.files("minsheng.policy").joinpath("params", file_name)))


def _read_parameter_file(path: Path) -> dict[str, dict]:
    """Private reader of the policy YAML format, until the shared policy loader replaces it."""
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)["parameters"]


def _rows(parameters: dict[str, dict]) -> list[ParameterValue]:
    rows = []
    for name, spec in parameters.items():
        for item in spec["values"]:
            rows.append(
                ParameterValue(
                    name=name,
                    region=str(item.get("region", regions.REGION_CODE)),
                    effective_from=item["effective_from"],
                    effective_to=item.get("effective_to"),
                    dimensions={d: str(item[d]) for d in spec.get("dimensions", [])},
                    value=Decimal(int(item["value"])) if isinstance(item["value"], bool) else Decimal(str(item["value"])),
                    status=item.get("status", "placeholder"),
                    source=item.get("source", {}),
                    note=item.get("note"),
                    unit=spec.get("unit", ""),
                )
            )
    return rows


@cache
def _default_values() -> tuple[ParameterValue, ...]:
    return tuple(_rows(_read_parameter_file(_params_file("medical.yaml"))))


def load_values(overlay: Path | dict | None = None) -> list[ParameterValue]:
    """Every medical parameter value; an overlay replaces whole parameters by name."""
    values = list(_default_values())
    if overlay is None:
        return values
    replacing = _rows(overlay if isinstance(overlay, dict) else _read_parameter_file(Path(overlay)))
    replaced = {value.name for value in replacing}
    return [value for value in values if value.name not in replaced] + replacing


def _resolve_regions(values: Iterable[ParameterValue]) -> list[ParameterValue]:
    """Give each league every parameter; a league's own rows replace the region-wide ones."""
    by_key: dict[tuple, list[ParameterValue]] = {}
    for value in values:
        by_key.setdefault((value.name, tuple(sorted(value.dimensions.items()))), []).append(value)
    resolved = []
    league_codes = [league.code for league in regions.leagues()]
    for group in by_key.values():
        region_wide = [v for v in group if v.region == regions.REGION_CODE]
        for league in league_codes:
            own = [v for v in group if v.region == league]
            for value in own or region_wide:
                resolved.append(value if value.region == league else _with_region(value, league))
    return resolved


def _with_region(value: ParameterValue, region: str) -> ParameterValue:
    return ParameterValue(**{**value.__dict__, "region": region})


def parameter_table(overlay: Path | dict | None = None) -> pa.Table:
    """The long parameter table the settlement and supervision rules join."""
    values = _resolve_regions(load_values(overlay))
    columns: dict[str, list] = {field.name: [] for field in PARAMETERS}
    for value in values:
        columns["name"].append(value.name)
        columns["region"].append(value.region)
        columns["effective_from"].append(value.effective_from)
        columns["effective_to"].append(value.effective_to)
        for dimension in DIMENSIONS:
            columns[dimension].append(value.dimensions.get(dimension))
        columns["value"].append(value.value)
        columns["status"].append(value.status)
        columns["source_document"].append(value.source.get("document"))
    return pa.table(columns, schema=PARAMETERS)


def value_at(
    name: str, on: date, region: str = regions.REGION_CODE, overlay=None, **dimensions: str
) -> Decimal:
    """One parameter's value at a date, for a league (falling back to the region), e.g. premiums."""
    candidates = [
        v
        for v in load_values(overlay)
        if v.name == name
        and v.effective_from <= on
        and (v.effective_to is None or on < v.effective_to)
        and all(v.dimensions.get(k) == str(x) for k, x in dimensions.items())
    ]
    own = [v for v in candidates if v.region == region]
    chosen = own or [v for v in candidates if v.region == regions.REGION_CODE]
    if not chosen:
        raise LookupError(f"参数缺失 / parameter missing: {name} {dimensions} on {on} in {region}")
    return chosen[0].value


def sources(names: Iterable[str]) -> dict[str, dict]:
    """Each parameter's description, unit and source documents, for a determination's reasons."""
    specs = _read_parameter_file(_params_file("medical.yaml"))
    found = {}
    for name in names:
        spec = specs.get(name)
        if spec is None:
            continue
        documents = sorted({str(v.get("source", {}).get("document")) for v in spec["values"]})
        statuses = sorted({v.get("status", "placeholder") for v in spec["values"]})
        found[name] = {
            "description_zh": spec["description_zh"],
            "description_en": spec["description_en"],
            "unit": spec["unit"],
            "sources": documents,
            "status": statuses,
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
    with _params_file("medical_special_drugs.csv").open(encoding="utf-8") as handle:
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
