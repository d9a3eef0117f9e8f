"""Load, validate and resolve the dated, regional, sourced parameters of `policy/params/*.yaml`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from minsheng import regions

PARAMS_DIR = Path(__file__).parent / "params"
REGION_CODE = regions.REGION_CODE
OPEN_END = dt.date(9999, 12, 31)  # valid_to of an open interval: keeps range joins to plain comparisons

MONEY_UNITS = {"yuan", "yuan_per_month", "yuan_per_year"}
DECIMAL_UNITS = {"ratio", "factor", "percent_points"}
INTEGER_UNITS = {"count", "days", "months", "years"}
UNITS = MONEY_UNITS | DECIMAL_UNITS | INTEGER_UNITS | {"boolean", "date"}
UNIT_LABELS = {
    "yuan": ("元", "yuan"),
    "yuan_per_month": ("元/月", "yuan a month"),
    "yuan_per_year": ("元/年", "yuan a year"),
    "ratio": ("", ""),
    "factor": ("倍", "×"),
    "percent_points": ("个百分点", "percentage points"),
    "count": ("", ""),
    "days": ("天", "days"),
    "months": ("个月", "months"),
    "years": ("年", "years"),
    "boolean": ("", ""),
    "date": ("", ""),
}
STATUSES = {"confirmed", "placeholder"}
SCENARIO_STATUS = "scenario"
DECIMAL_TYPE = pa.decimal128(18, 6)

PARAMETER_KEYS = {"description_zh", "description_en", "unit", "dimensions", "values"}
VALUE_KEYS = {"effective_from", "effective_to", "region", "value", "status", "source", "note", "unit"}
SCENARIO_VALUE_KEYS = VALUE_KEYS | {"scale"}
SOURCE_KEYS = {"document", "issuer", "date", "url"}


class PolicyError(ValueError):
    """Invalid parameter files: every problem with its file, line and reason."""

    def __init__(self, problems: Sequence[tuple[str, int, str]]):
        self.problems = list(problems)
        lines = [f"{file}:{line}: {reason}" for file, line, reason in self.problems]
        super().__init__("参数文件有误 / invalid parameter files:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    issuer: str = ""
    date: dt.date | None = None
    url: str = ""

    def cite(self, language: str = "zh") -> str:
        parts = [self.document]
        if self.issuer:
            parts.append(self.issuer)
        if self.date:
            parts.append(self.date.isoformat())
        text = ", ".join(parts) if language == "en" else ",".join(parts)
        return f"{text} {self.url}".strip()

    def as_dict(self) -> dict[str, str | None]:
        return {
            "document": self.document,
            "issuer": self.issuer,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated value as written in a file, already converted (money to int fen)."""

    effective_from: dt.date
    effective_to: dt.date | None  # None: until the next entry for the same region and dimensions
    region: str
    dimensions: tuple[tuple[str, str], ...]
    value: Any
    status: str
    source: Source
    note: str
    file: str
    line: int
    scale: Decimal | None = None  # scenario entries only: multiply the resolved value

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(slots=True)
class Parameter:
    name: str
    description_zh: str
    description_en: str
    unit: str
    dimensions: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)
    scales: list[Entry] = field(default_factory=list)
    file: str = ""
    line: int = 0

    @property
    def column(self) -> str:
        """Its column in a parameter table: dots become underscores, money ends in _fen."""
        return column_name(self.name, self.unit)


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """A parameter's value at a date and place, with where it came from."""

    name: str
    value: Any
    unit: str
    effective_from: dt.date
    effective_to: dt.date | None
    region: str
    status: str
    source: Source
    note: str
    description_zh: str
    description_en: str
    dimensions: tuple[tuple[str, str], ...] = ()
    scaled_by: Decimal | None = None

    def display(self, language: str = "zh") -> str:
        return format_value(self.value, self.unit, language)

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        return {
            "name": self.name,
            "value": value,
            "display_zh": self.display("zh"),
            "display_en": self.display("en"),
            "unit": self.unit,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "region": self.region,
            "status": self.status,
            "source": self.source.as_dict(),
            "note": self.note,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "dimensions": dict(self.dimensions),
            "scaled_by": str(self.scaled_by) if self.scaled_by is not None else None,
        }


def column_name(name: str, unit: str) -> str:
    base = name.replace(".", "_")
    return f"{base}_fen" if unit in MONEY_UNITS else base


def format_value(value: Any, unit: str, language: str = "zh") -> str:
    if value is None:
        return "—"
    zh, en = UNIT_LABELS[unit]
    label = zh if language == "zh" else en
    if unit in MONEY_UNITS:
        text = f"{Decimal(value) / 100:,.2f}"
    elif unit == "ratio":
        return f"{(Decimal(value) * 100).normalize():f}%"
    elif unit == "boolean":
        return ("是" if value else "否") if language == "zh" else ("yes" if value else "no")
    elif isinstance(value, dt.date):
        return value.isoformat()
    elif isinstance(value, Decimal):
        text = f"{value.normalize():f}"
    else:
        text = str(value)
    return f"{text} {label}".strip() if language == "en" or label in ("", "×") else f"{text}{label}"


# --- reading YAML with line numbers -----------------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    mapping = _LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    # exact decimals: 0.2 must stay 0.2, never a binary float
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        return mapping.key_lines.get(key, mapping.line) if key else mapping.line
    return 0


# --- conversion and validation ----------------------------------------------------------------


def _as_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def _convert(raw: Any, unit: str, value_unit: str | None) -> Any:
    """A written value in its parameter's unit; raises ValueError with the reason."""
    if isinstance(raw, bool) and unit != "boolean":
        raise ValueError(f"value {raw!r} is not a number")
    if unit in MONEY_UNITS:
        if not isinstance(raw, int | Decimal):
            raise ValueError(f"value {raw!r} is not an amount of money")
        amount = Decimal(raw)
        if amount < 0:
            raise ValueError(f"money value {raw} is negative")
        if value_unit and value_unit != unit:
            # a source that states a yearly figure for a monthly parameter (or the reverse)
            if {value_unit, unit} != {"yuan_per_month", "yuan_per_year"}:
                raise ValueError(f"value unit {value_unit!r} cannot convert to {unit!r}")
            amount = amount / 12 if value_unit == "yuan_per_year" else amount * 12
        return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if value_unit and value_unit != unit:
        raise ValueError(f"value unit {value_unit!r} differs from the parameter's unit {unit!r}")
    if unit in DECIMAL_UNITS:
        if not isinstance(raw, int | Decimal):
            raise ValueError(f"value {raw!r} is not a number")
        number = Decimal(raw)
        if unit == "ratio" and not (0 <= number <= 1):
            raise ValueError(f"ratio {raw} is outside 0–1")
        if unit == "factor" and number < 0:
            raise ValueError(f"factor {raw} is negative")
        if number != number.quantize(Decimal("0.000001")):
            raise ValueError(f"{raw} has more than 6 decimal places")
        return number
    if unit in INTEGER_UNITS:
        if not isinstance(raw, int) or raw < 0:
            raise ValueError(f"value {raw!r} is not a whole number ≥ 0")
        return raw
    if unit == "boolean":
        if not isinstance(raw, bool):
            raise ValueError(f"value {raw!r} is not true/false")
        return raw
    if unit == "date":
        try:
            return _as_date(raw)
        except ValueError:
            raise ValueError(f"value {raw!r} is not a date") from None
    raise ValueError(f"unknown unit {unit!r}")


def _region_problem(code: Any) -> str | None:
    code = str(code)
    if not regions.exists(code):
        return f"unknown region code {code!r}"
    if not regions.is_within(code, REGION_CODE):
        return f"region code {code!r} is outside {REGION_CODE}"
    return None


class _FileReader:
    def __init__(self, path: Path, scenario: bool):
        self.path = path
        self.name = str(path)
        self.scenario = scenario
        self.problems: list[tuple[str, int, str]] = []

    def problem(self, line: int, reason: str) -> None:
        self.problems.append((self.name, line, reason))

    def read(self, known: Mapping[str, Parameter]) -> tuple[dict[str, Parameter], Source | None]:
        try:
            document = yaml.load(self.path.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as problem:
            mark = getattr(problem, "problem_mark", None)
            self.problem(mark.line + 1 if mark else 0, f"not valid YAML: {problem}")
            return {}, None
        if not isinstance(document, dict):
            self.problem(1, "the file must be a mapping with 'parameters:'")
            return {}, None
        allowed = {"parameters", "scenario"} if self.scenario else {"parameters"}
        for key in document:
            if key not in allowed and not str(key).startswith("x-"):  # x-…: YAML anchors to reuse
                self.problem(_line(document, key), f"unknown key {key!r}")
        default_source = None
        if self.scenario:
            meta = document.get("scenario") or {}
            title = str(meta.get("name", self.path.stem)) if isinstance(meta, dict) else self.path.stem
            default_source = Source(document=f"情景 scenario: {title}", date=None)
        parameters = document.get("parameters")
        if not isinstance(parameters, dict):
            self.problem(_line(document, "parameters"), "'parameters:' must map names to parameters")
            return {}, default_source
        read: dict[str, Parameter] = {}
        for name, spec in parameters.items():
            parameter = self._parameter(name, spec, _line(parameters, name), known.get(name), default_source)
            if parameter is not None:
                read[name] = parameter
        return read, default_source

    def _parameter(
        self, name: str, spec: Any, line: int, base: Parameter | None, default_source: Source | None
    ) -> Parameter | None:
        if not isinstance(spec, dict):
            self.problem(line, f"parameter {name!r} must be a mapping")
            return None
        for key in spec:
            if key not in PARAMETER_KEYS:
                self.problem(_line(spec, key), f"unknown key {key!r} in parameter {name!r}")
        if base is not None and self.scenario:
            unit, dimensions = base.unit, base.dimensions
            if "unit" in spec and spec["unit"] != unit:
                self.problem(_line(spec, "unit"), f"scenario changes the unit of {name!r}")
        else:
            if base is not None:
                self.problem(line, f"parameter {name!r} is already defined in {base.file}:{base.line}")
                return None
            missing = [k for k in ("description_zh", "description_en", "unit", "values") if k not in spec]
            if missing:
                self.problem(line, f"parameter {name!r} lacks {', '.join(missing)}")
                return None
            unit = spec["unit"]
            if unit not in UNITS:
                self.problem(
                    _line(spec, "unit"), f"unknown unit {unit!r} (one of {', '.join(sorted(UNITS))})"
                )
                return None
            dimensions = tuple(str(d) for d in (spec.get("dimensions") or ()))
        parameter = Parameter(
            name=name,
            description_zh=str(spec.get("description_zh", base.description_zh if base else "")),
            description_en=str(spec.get("description_en", base.description_en if base else "")),
            unit=unit,
            dimensions=dimensions,
            file=self.name,
            line=line,
        )
        values = spec.get("values")
        if not isinstance(values, list) or not values:
            self.problem(_line(spec, "values"), f"parameter {name!r}: 'values' must be a non-empty list")
            return parameter
        for item in values:
            entry = self._entry(parameter, item, default_source)
            if entry is None:
                continue
            (parameter.scales if entry.scale is not None else parameter.entries).append(entry)
        return parameter

    def _entry(self, parameter: Parameter, item: Any, default_source: Source | None) -> Entry | None:
        name = parameter.name
        if not isinstance(item, dict):
            self.problem(0, f"parameter {name!r}: each value must be a mapping")
            return None
        line = _line(item)
        allowed = (SCENARIO_VALUE_KEYS if self.scenario else VALUE_KEYS) | set(parameter.dimensions)
        ok = True
        for key in item:
            if key not in allowed:
                self.problem(_line(item, key), f"unknown key {key!r} in a value of {name!r}")
                ok = False
        for dimension in parameter.dimensions:
            if dimension not in item and "scale" not in item:  # a scale may apply across a dimension
                self.problem(line, f"a value of {name!r} lacks its dimension {dimension!r}")
                ok = False
        try:
            start = _as_date(item["effective_from"])
            end = _as_date(item["effective_to"]) if item.get("effective_to") is not None else None
        except KeyError:
            self.problem(line, f"a value of {name!r} lacks effective_from")
            return None
        except ValueError as problem:
            self.problem(line, f"a value of {name!r} has a bad date: {problem}")
            return None
        if end is not None and end <= start:
            self.problem(
                _line(item, "effective_to"), f"effective_to {end} is not after effective_from {start}"
            )
            ok = False
        region = str(item.get("region", REGION_CODE))
        region_problem = _region_problem(region)
        if region_problem:
            self.problem(_line(item, "region"), region_problem)
            ok = False
        scale: Decimal | None = None
        value: Any = None
        if "scale" in item:
            if "value" in item:
                self.problem(line, f"a value of {name!r} has both 'value' and 'scale'")
                return None
            raw_scale = item["scale"]
            if parameter.unit not in MONEY_UNITS | DECIMAL_UNITS or not isinstance(raw_scale, int | Decimal):
                self.problem(_line(item, "scale"), "'scale' needs a number and a money or decimal parameter")
                return None
            scale = Decimal(raw_scale)
            if scale < 0:
                self.problem(_line(item, "scale"), f"scale {raw_scale} is negative")
                return None
        elif "value" not in item:
            self.problem(line, f"a value of {name!r} lacks 'value'")
            return None
        else:
            try:
                value = _convert(item["value"], parameter.unit, item.get("unit"))
            except (ValueError, InvalidOperation) as problem:
                self.problem(_line(item, "value"), f"parameter {name!r}: {problem}")
                ok = False
        status = str(item.get("status", SCENARIO_STATUS if self.scenario else ""))
        allowed_status = STATUSES | ({SCENARIO_STATUS} if self.scenario else set())
        if status not in allowed_status:
            self.problem(
                _line(item, "status") or line, f"status {status!r} is not one of {sorted(allowed_status)}"
            )
            ok = False
        source = self._source(item, name, default_source)
        if source is None:
            ok = False
        if not ok:
            return None
        dimensions = tuple((d, str(item[d])) for d in parameter.dimensions if d in item)
        return Entry(
            effective_from=start,
            effective_to=end,
            region=region,
            dimensions=dimensions,
            value=value,
            status=status,
            source=source,  # type: ignore[arg-type]
            note=str(item.get("note", "") or ""),
            file=self.name,
            line=line,
            scale=scale,
        )

    def _source(self, item: Mapping[str, Any], name: str, default_source: Source | None) -> Source | None:
        raw = item.get("source")
        if raw is None:
            if default_source is not None:
                return default_source
            self.problem(_line(item), f"a value of {name!r} lacks its source")
            return None
        if not isinstance(raw, dict) or not raw.get("document"):
            self.problem(_line(item, "source"), f"the source of a value of {name!r} must name its document")
            return None
        for key in raw:
            if key not in SOURCE_KEYS:
                self.problem(_line(raw, key), f"unknown key {key!r} in a source")
                return None
        try:
            day = _as_date(raw["date"]) if raw.get("date") else None
        except ValueError:
            self.problem(_line(raw, "date"), f"source date {raw['date']!r} is not a date")
            return None
        return Source(
            document=str(raw["document"]),
            issuer=str(raw.get("issuer", "") or ""),
            date=day,
            url=str(raw.get("url", "") or ""),
        )


def _close_intervals(parameter: Parameter, problems: list[tuple[str, int, str]]) -> None:
    """Give each open entry the start of the next as its end; report overlaps."""
    groups: dict[tuple[str, tuple], list[Entry]] = {}
    for entry in parameter.entries:
        groups.setdefault((entry.region, entry.dimensions), []).append(entry)
    closed: list[Entry] = []
    for (region, dimensions), entries in groups.items():
        entries.sort(key=lambda e: e.effective_from)
        for current, following in zip(entries, [*entries[1:], None], strict=True):
            end = current.effective_to
            if following is not None:
                if end is None:
                    end = following.effective_from
                if following.effective_from < end or following.effective_from == current.effective_from:
                    where = ", ".join(f"{k}={v}" for k, v in dimensions)
                    problems.append(
                        (
                            following.file,
                            following.line,
                            f"parameter {parameter.name!r}: interval from {following.effective_from} overlaps "
                            f"the value of line {current.line} (region {region}{', ' + where if where else ''})",
                        )
                    )
            closed.append(replace(current, effective_to=end))
    parameter.entries = closed


def _overlay(base: Parameter, overlay: Parameter) -> Parameter:
    """Scenario values replace the base values of the same region and dimensions where they overlap."""
    entries = list(base.entries)
    for new in overlay.entries:
        new_end = new.effective_to or OPEN_END
        kept: list[Entry] = []
        for old in entries:
            old_end = old.effective_to or OPEN_END
            same_place = old.region == new.region and old.dimensions == new.dimensions
            if not same_place or old_end <= new.effective_from or new_end <= old.effective_from:
                kept.append(old)
                continue
            if old.effective_from < new.effective_from:
                kept.append(replace(old, effective_to=new.effective_from))
            if new_end < old_end:
                kept.append(replace(old, effective_from=new_end))
        entries = [*kept, new]
    return replace(base, entries=entries, scales=[*base.scales, *overlay.scales])


# --- the parameter set ------------------------------------------------------------------------


class ParameterSet:
    """Every parameter, with its dated values per region; scenario overlays already applied."""

    def __init__(
        self, parameters: Mapping[str, Parameter], scenario: str | None = None, directory: Path | None = None
    ):
        self.parameters = dict(parameters)
        self.directory = directory or PARAMS_DIR
        self.scenario = scenario
        self._tables: dict[tuple, pa.Table] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise KeyError(f"未知参数 / unknown parameter {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self.parameters)

    def value(self, name: str, on: dt.date, region: str = REGION_CODE, **dimensions: Any) -> ParameterValue:
        """The value in force on `on` at `region` (a banner falls back to its league, then the region)."""
        parameter = self[name]
        wanted = self._dimension_key(parameter, dimensions)
        chain = [r.code for r in regions.ancestors(region) if regions.is_within(r.code, REGION_CODE)]
        entry = _resolve(parameter.entries, chain, wanted, on)
        if entry is None:
            where = ", ".join(f"{k}={v}" for k, v in wanted)
            raise LookupError(
                f"参数 {name} 在 {on} 于 {region} 无值 / parameter {name} has no value on {on} at {region}"
                + (f" ({where})" if where else "")
            )
        value, factor = _apply_scales(parameter, entry.value, chain, wanted, on)
        scale_entry = _scale_entry(parameter, chain, wanted, on)
        return ParameterValue(
            name=name,
            value=value,
            unit=parameter.unit,
            effective_from=entry.effective_from,
            effective_to=entry.effective_to,
            region=entry.region,
            status=SCENARIO_STATUS if scale_entry is not None else entry.status,
            source=entry.source,
            note=entry.note
            if scale_entry is None
            else f"{entry.note} ×{factor} ({scale_entry.source.document})",
            description_zh=parameter.description_zh,
            description_en=parameter.description_en,
            dimensions=wanted,
            scaled_by=factor,
        )

    @staticmethod
    def _dimension_key(parameter: Parameter, dimensions: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        unknown = set(dimensions) - set(parameter.dimensions)
        missing = set(parameter.dimensions) - set(dimensions)
        if unknown or missing:
            raise KeyError(
                f"parameter {parameter.name!r} has dimensions {list(parameter.dimensions)}; "
                f"got {sorted(dimensions)}"
            )
        return tuple((d, str(dimensions[d])) for d in parameter.dimensions)

    def dimension_values(self, dimension: str, names: Iterable[str]) -> list[str]:
        found = {
            value
            for name in names
            for entry in self[name].entries
            for key, value in entry.dimensions
            if key == dimension
        }
        return sorted(found)

    def table(self, names: Sequence[str], banners: Sequence[str] | None = None) -> pa.Table:
        """The wide table a rule joins: one row per banner × dimension values × [valid_from, valid_to).

        One column per parameter (money as int64 fen named `<name>_fen`, ratios and factors as
        decimal(18, 6), counts as int64), plus `<column>__status`, `__region` and `__source` so a
        reason can cite where each value came from. A parameter without a value in an interval is null
        there; a banner or interval where none of them has a value has no row.
        """
        cache_key = (tuple(names), tuple(banners) if banners is not None else None)
        if cache_key not in self._tables:
            self._tables[cache_key] = self._build_table(names, banners)
        return self._tables[cache_key]

    def _build_table(self, names: Sequence[str], banners: Sequence[str] | None) -> pa.Table:
        parameters = [self[name] for name in names]
        dimensions = sorted({d for p in parameters for d in p.dimensions})
        domains = [
            self.dimension_values(d, [p.name for p in parameters if d in p.dimensions]) for d in dimensions
        ]
        banner_codes = (
            list(banners) if banners is not None else [b.code for b in regions.banners(REGION_CODE)]
        )
        columns: dict[str, list[Any]] = {"banner_code": [], **{d: [] for d in dimensions}}
        columns |= {"valid_from": [], "valid_to": []}
        for p in parameters:
            columns |= {
                p.column: [],
                f"{p.column}__status": [],
                f"{p.column}__region": [],
                f"{p.column}__source": [],
            }
        for banner in banner_codes:
            chain = [r.code for r in regions.ancestors(banner) if regions.is_within(r.code, REGION_CODE)]
            for combination in product(*domains):
                combo = dict(zip(dimensions, combination, strict=True))
                keys = [tuple((d, combo[d]) for d in p.dimensions) for p in parameters]
                cuts: set[dt.date] = set()
                for p, key in zip(parameters, keys, strict=True):
                    for entry in [*p.entries, *p.scales]:
                        if entry.region in chain and _dimensions_match(entry, key):
                            cuts.add(entry.effective_from)
                            cuts.add(entry.effective_to or OPEN_END)
                bounds = sorted(cuts)
                previous: tuple | None = None
                for start, end in pairwise(bounds):
                    resolved = []
                    for p, key in zip(parameters, keys, strict=True):
                        entry = _resolve(p.entries, chain, key, start)
                        if entry is None:
                            resolved.append((None, None, None, None))
                            continue
                        value, factor = _apply_scales(p, entry.value, chain, key, start)
                        status = SCENARIO_STATUS if factor is not None else entry.status
                        resolved.append((value, status, entry.region, entry.source.cite("zh")))
                    if all(item[0] is None for item in resolved):
                        previous = None
                        continue
                    signature = tuple(resolved)
                    if previous == signature and columns["valid_to"][-1] == start:
                        columns["valid_to"][-1] = end  # same values as the row before: extend it
                        continue
                    previous = signature
                    columns["banner_code"].append(banner)
                    for d in dimensions:
                        columns[d].append(combo[d])
                    columns["valid_from"].append(start)
                    columns["valid_to"].append(end)
                    for p, (value, status, region, source) in zip(parameters, resolved, strict=True):
                        columns[p.column].append(value)
                        columns[f"{p.column}__status"].append(status)
                        columns[f"{p.column}__region"].append(region)
                        columns[f"{p.column}__source"].append(source)
        fields = [pa.field("banner_code", pa.string(), nullable=False)]
        fields += [pa.field(d, pa.string(), nullable=False) for d in dimensions]
        fields += [
            pa.field("valid_from", pa.date32(), nullable=False),
            pa.field("valid_to", pa.date32(), nullable=False),
        ]
        for p in parameters:
            fields.append(pa.field(p.column, arrow_type(p.unit)))
            fields += [
                pa.field(f"{p.column}__{suffix}", pa.string()) for suffix in ("status", "region", "source")
            ]
        schema = pa.schema(fields)
        return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in schema}, schema=schema)


def arrow_type(unit: str) -> pa.DataType:
    if unit in MONEY_UNITS or unit in INTEGER_UNITS:
        return pa.int64()
    if unit in DECIMAL_UNITS:
        return DECIMAL_TYPE
    if unit == "boolean":
        return pa.bool_()
    return pa.date32()


def _dimensions_match(entry: Entry, wanted: tuple[tuple[str, str], ...]) -> bool:
    return entry.dimensions == wanted or (entry.scale is not None and set(entry.dimensions) <= set(wanted))


def _resolve(entries: Sequence[Entry], chain: Sequence[str], wanted: tuple, day: dt.date) -> Entry | None:
    """The most specific region's entry covering `day`: banner over league over region."""
    for code in chain:
        for entry in entries:
            if entry.region == code and entry.dimensions == wanted and entry.covers(day):
                return entry
    return None


def _scale_entry(parameter: Parameter, chain: Sequence[str], wanted: tuple, day: dt.date) -> Entry | None:
    for entry in parameter.scales:
        if entry.region in chain and _dimensions_match(entry, wanted) and entry.covers(day):
            return entry
    return None


def _apply_scales(
    parameter: Parameter, value: Any, chain: Sequence[str], wanted: tuple, day: dt.date
) -> tuple[Any, Decimal | None]:
    """A scenario's scale (e.g. ×1.05) applied to the resolved value; money rounds half up to the fen."""
    factor: Decimal | None = None
    for entry in parameter.scales:
        if entry.region in chain and _dimensions_match(entry, wanted) and entry.covers(day):
            factor = (factor or Decimal(1)) * entry.scale  # type: ignore[operator]
    if factor is None or value is None:
        return value, None
    scaled = Decimal(value) * factor
    if parameter.unit in MONEY_UNITS:
        return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP)), factor
    if parameter.unit == "ratio" and scaled > 1:
        raise PolicyError(
            [(parameter.file, parameter.line, f"scenario scales ratio {parameter.name!r} above 1")]
        )
    return scaled.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), factor


def _read_files(paths: Iterable[Path]) -> dict[str, Parameter]:
    parameters: dict[str, Parameter] = {}
    problems: list[tuple[str, int, str]] = []
    for path in sorted(paths):
        reader = _FileReader(path, scenario=False)
        read, _ = reader.read(parameters)
        problems += reader.problems
        parameters |= read
    for parameter in parameters.values():
        _close_intervals(parameter, problems)
    if problems:
        raise PolicyError(problems)
    return parameters


@cache
def _default() -> ParameterSet:
    return ParameterSet(_read_files(PARAMS_DIR.rglob("*.yaml")))


def load(scenario: Path | str | None = None, directory: Path | str | None = None) -> ParameterSet:
    """The parameter set of `policy/params` (cached), with a scenario overlay on top if given."""
    if directory is None:
        base = _default()
    else:
        base = ParameterSet(_read_files(Path(directory).rglob("*.yaml")), directory=Path(directory))
    if scenario is None:
        return base
    path = Path(scenario)
    reader = _FileReader(path, scenario=True)
    read, _ = reader.read(base.parameters)
    problems = list(reader.problems)
    merged = dict(base.parameters)
    for name, parameter in read.items():
        if name in merged:
            merged[name] = _overlay(merged[name], parameter)
        else:
            merged[name] = parameter
        _close_intervals(merged[name], problems)
    if problems:
        raise PolicyError(problems)
    return ParameterSet(merged, scenario=str(path), directory=base.directory)
