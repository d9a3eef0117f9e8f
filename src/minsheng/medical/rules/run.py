"""Run the medical rules through the shared engine (the only runner): in-process DuckDB over Arrow."""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from minsheng import engine
from minsheng.engine import Rule
from minsheng.policy import ParameterSet


def run_rule(
    rule: Rule, tables: dict[str, pa.Table], params: ParameterSet, as_of: date, threads: int | None = None
) -> pa.Table:
    """One rule over named Arrow inputs; `threads` for batch work (the engine's default is one)."""
    connection = engine.connect(threads=threads) if threads else None
    try:
        return engine.run_local_all(rule, tables, as_of, params, connection=connection)[rule.name]
    finally:
        if connection is not None:
            connection.close()
