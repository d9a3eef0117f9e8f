"""The one place the medical rules are executed (in-process DuckDB) until the shared engine lands."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pyarrow as pa

from minsheng.medical.rules.settlement import RuleDeclaration

_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    # one connection per thread: DuckDB connections are cheap to reuse and not safe to share across threads
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = duckdb.connect(
            config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
        )
        _local.connection = connection
    return connection


def run_rule(
    rule: RuleDeclaration, tables: dict[str, pa.Table | Path | str], parameters: pa.Table
) -> pa.Table:
    """Run a rule over named inputs (Arrow tables, or Parquet paths for batch) and the parameter table."""
    connection = _connection()
    registered = []
    try:
        for name in rule.inputs:
            source = tables[name]
            if isinstance(source, pa.Table):
                connection.register(name, source)
            else:
                connection.execute(
                    f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet('{source}')"
                )
            registered.append((name, isinstance(source, pa.Table)))
        connection.register("parameters", parameters)
        return connection.sql(rule.sql).to_arrow_table()
    finally:
        for name, is_arrow in registered:
            if is_arrow:
                connection.unregister(name)
            else:
                connection.execute(f"DROP VIEW IF EXISTS {name}")
        connection.unregister("parameters")
