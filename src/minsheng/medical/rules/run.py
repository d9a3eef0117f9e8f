"""Run the medical rules through the shared engine: in-process DuckDB over Arrow (a test, a file), or
Parquet in and Parquet out for batch settlement (no materialised result, no sort, only needed columns).
A claim at the hospital's counter goes through engine.unit instead (the same rule on SQLite)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa

from minsheng import engine
from minsheng.engine import Rule
from minsheng.engine.local import RuleOutputError, run_table
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


# dictionaries only for columns of few values (leagues, care types, flags): trying one on every amount column
# and giving up cost more than the rest of the write; no Bloom filters, which batch results are not searched by
PARQUET_OPTIONS = "FORMAT parquet, DICTIONARY_SIZE_LIMIT 1024, WRITE_BLOOM_FILTER false"


def _quoted(path: Path) -> str:
    return "'" + path.as_posix().replace("'", "''") + "'"


def run_rule_to_parquet(
    rule: Rule,
    sources: Mapping[str, pa.Table | Path],
    as_of: date,
    out: Path,
    *,
    columns: Sequence[str] | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> int:
    """Stream one rule's result into a Parquet file: inputs are Parquet files (scanned in parallel) or
    Arrow tables; `columns` projects the result (DuckDB then prunes what only the dropped columns needed).
    Every unit exactly once: the rows written are counted against the unit table."""
    connection = engine.connect(threads=threads, memory_limit=memory_limit)
    try:
        connection.execute("SET preserve_insertion_order = false").fetchall()
        connection.execute("SET enable_progress_bar = false").fetchall()
        # the rules write each LEFT JOIN with the small side on the right; DuckDB's estimate of a table built
        # from DISTINCTs (the settlement's profiles) is far too large and would hash the claims instead
        connection.execute("SET disabled_optimizers = 'build_side_probe_side'").fetchall()
        for name, source in sources.items():
            if isinstance(source, pa.Table):
                connection.register(name, source)
            else:
                connection.execute(
                    f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(Path(source))})"
                ).fetchall()
        connection.register("run", run_table(as_of))
        projection = ", ".join(columns) if columns else "*"
        ((written,),) = connection.execute(
            f"COPY (SELECT {projection} FROM ({rule.sql}) AS result) TO {_quoted(out)} ({PARQUET_OPTIONS})"
        ).fetchall()
        ((expected,),) = connection.execute(f"SELECT COUNT(*) FROM {rule.unit_table}").fetchall()
        if written != expected:
            raise RuleOutputError(
                f"rule {rule.name}: {expected} units in {rule.unit_table}, {written} rows out"
            )
        return written
    finally:
        connection.close()


def query_parquet(sql: str, **files: Path) -> list[tuple]:
    """A small query over Parquet files named as views (totals of a batch result)."""
    connection = engine.connect()
    try:
        for name, path in files.items():
            connection.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(path)})"
            ).fetchall()
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def copy_query(sql: str, out: Path, **files: Path) -> int:
    """Write a query over Parquet files to Parquet (e.g. the accumulators after a batch)."""
    connection = engine.connect()
    try:
        for name, path in files.items():
            connection.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(path)})"
            ).fetchall()
        ((written,),) = connection.execute(f"COPY ({sql}) TO {_quoted(out)} ({PARQUET_OPTIONS})").fetchall()
        return written
    finally:
        connection.close()
