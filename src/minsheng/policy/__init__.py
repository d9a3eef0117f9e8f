"""Policy as data: dated, regional, sourced parameters (政策参数) and their lookup.

Every standard, ratio, threshold and rate lives in `policy/params/*.yaml`, never in code::

    parameters:
      dibao.standard:                       # dotted name; its table column is dibao_standard_fen
        description_zh: 最低生活保障标准(每人每月)
        description_en: dibao standard per person per month
        unit: yuan_per_month                # yuan, yuan_per_month, yuan_per_year (→ int fen at load),
                                            # ratio (exact Decimal 0–1), factor, percent_points,
                                            # count, days, months, years, boolean, date
        dimensions: [hukou]                 # optional; each value then names its hukou
        values:
          - effective_from: 2023-01-01      # half-open [effective_from, effective_to); without
            effective_to: 2024-01-01        #   effective_to a value lasts until the next one
            region: "150100"                # GB/T 2260; default 150000; banner > league > region
            hukou: urban
            value: 840                      # optional `unit: yuan_per_year` converts ÷12, half up
            status: confirmed               # or placeholder (documented in `note`)
            source: {document: …, issuer: …, date: 2023-05-01, url: …}
            note: why, in a line

Use::

    from minsheng import policy
    params = policy.load()                                  # every file, validated, cached
    params = policy.load(Path("rural+5%.yaml"))             # a scenario overlay on top
    v = params.value("dibao.standard", date(2023, 6, 1), region="150102", hukou="urban")
    v.value, v.unit, v.region, v.status, v.source.cite()    # 84000 fen, the code it came from…
    table = params.table(["dibao.standard", "dibao_edge.income_factor"])

`table(names)` is what a rule joins: one row per banner × dimension values × [valid_from, valid_to)
(open end = 9999-12-31), a column per parameter (money int64 `<name>_fen`, ratios and factors
decimal(18, 6)) and `<column>__status`, `__region`, `__source`. Join it on `banner_code`, the
dimensions and `run.as_of >= valid_from AND run.as_of < valid_to`.

A scenario file has the same shape (plus an optional `scenario: {name: …}` and no need for a
source). Its values replace the base values of the same region and dimensions where they overlap; a
value written as `scale: 1.05` instead of `value:` multiplies whatever is in force under its region
(money rounds half up to the fen), so "rural standard +5 %" is one entry even where leagues
override the regional value.

Invalid files raise `PolicyError` listing every problem with file, line and reason: unknown keys,
overlapping intervals for the same region and dimensions, a ratio outside 0–1, an unknown region code,
a missing source, a value of the wrong type.
"""

from __future__ import annotations

from minsheng.policy.loader import (
    MONEY_UNITS,
    OPEN_END,
    PARAMS_DIR,
    Parameter,
    ParameterSet,
    ParameterValue,
    PolicyError,
    Source,
    column_name,
    format_value,
    load,
)

__all__ = [
    "MONEY_UNITS",
    "OPEN_END",
    "PARAMS_DIR",
    "Parameter",
    "ParameterSet",
    "ParameterValue",
    "PolicyError",
    "Source",
    "column_name",
    "format_value",
    "load",
]
