"""Run rules in-process on DuckDB over Arrow tables: one household in milliseconds, or a partition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

from minsheng.engine.rule import Rule, base_inputs, chain
from minsheng.policy import ParameterSet


class RuleOutputError(RuntimeError):
    """A rule broke its contract: a unit missing or repeated. A bug in the rule, never data."""


def connect(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    config: dict[str, str | int | bool] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    return duckdb.connect(config=config)


def run_table(as_of: dt.date) -> pa.Table:
    """`run`: the one-row table of the run's date; rules read the date from here, never from a clock."""
    return pa.table({"as_of": pa.array([as_of], type=pa.date32())})


def parameter_table(rule: Rule, params: ParameterSet) -> pa.Table:
    return params.table(rule.parameters)


def execute(
    connection: duckdb.DuckDBPyConnection, rules: Iterable[Rule], params: ParameterSet, as_of: dt.date
) -> None:
    """Materialise each rule of the chain as a temporary table named after it, upstream first."""
    connection.register("run", run_table(as_of))
    for rule in rules:
        connection.register("params", parameter_table(rule, params))
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {rule.name} AS {rule.sql}").fetchall()
        connection.unregister("params")


def check_units(connection: duckdb.DuckDBPyConnection, rule: Rule, distinct_keys: bool = True) -> None:
    """Every unit exactly once: a rule never silently skips a household or a person.

    With `distinct_keys` false only the counts are compared (cheap enough for every batch partition)."""
    key = ", ".join(rule.key)
    unit_key = ", ".join(rule.key)
    distinct_sql = (
        f"(SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {rule.name}))" if distinct_keys else "COUNT(*)"
    )
    expected, produced, distinct = connection.execute(
        f"SELECT (SELECT COUNT(*) FROM {rule.unit_table}), COUNT(*), {distinct_sql} FROM {rule.name}"
    ).fetchall()[0]
    if produced != expected or distinct != produced:
        missing = connection.execute(
            f"SELECT {unit_key} FROM {rule.unit_table} EXCEPT SELECT {key} FROM {rule.name} LIMIT 5"
        ).fetchall()
        raise RuleOutputError(
            f"rule {rule.name}: {expected} units in {rule.unit_table}, {produced} rows out "
            f"({distinct} distinct); missing e.g. {missing}"
        )


def run_local_all(
    rules: Rule | Iterable[Rule],
    tables: Mapping[str, pa.Table],
    as_of: dt.date,
    params: ParameterSet,
    *,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, pa.Table]:
    """Run `rules` and what they use over Arrow `tables`; every rule's result, sorted by its key."""
    ordered = chain(rules)
    missing = base_inputs(ordered) - set(tables)
    if missing:
        raise KeyError(f"tables missing for {[r.name for r in ordered]}: {sorted(missing)}")
    own = connection is None
    con = connect(threads=1) if own else connection
    try:
        for name, table in tables.items():
            con.register(name, table)
        execute(con, ordered, params, as_of)
        results = {}
        for rule in ordered:
            check_units(con, rule)
            results[rule.name] = con.sql(
                f"SELECT * FROM {rule.name} ORDER BY {', '.join(rule.key)}"
            ).to_arrow_table()
        return results
    finally:
        if own:
            con.close()


def run_local(rule: Rule, tables: Mapping[str, pa.Table], as_of: dt.date, params: ParameterSet) -> pa.Table:
    """One rule (and what it uses) over Arrow tables in an in-process DuckDB; its result table."""
    return run_local_all(rule, tables, as_of, params)[rule.name]
