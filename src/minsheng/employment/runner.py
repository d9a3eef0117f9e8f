"""Running a rule's SQL over named Arrow tables in an in-process DuckDB (interim, until the engine lands)."""

from __future__ import annotations

import duckdb
import pyarrow as pa


def connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})


def run_sql(
    sql: str, tables: dict[str, pa.Table], connection: duckdb.DuckDBPyConnection | None = None
) -> pa.Table:
    con = connection or connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(sql).to_arrow_table()
    finally:
        for name in tables:
            con.unregister(name)
        if connection is None:
            con.close()
