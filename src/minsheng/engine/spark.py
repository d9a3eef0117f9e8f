"""Run rules on Apache Spark: the same SQL, transpiled by sqlglot (DuckDB → Spark SQL), over temp views.

Tests and the benchmark use local mode (`local[2]`); a cluster runs the same code with a different
master. Workers run this interpreter (PYSPARK_PYTHON), so the Arrow versions match.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from minsheng.engine.local import run_table
from minsheng.engine.rule import Rule, base_inputs, chain
from minsheng.policy import ParameterSet


def session(master: str = "local[2]", app_name: str = "minsheng", memory: str = "2g") -> Any:
    """A Spark session with session time zone UTC (dates stay dates) and Arrow transfers on."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _frame(spark: Any, source: pa.Table | Path) -> Any:
    if isinstance(source, pa.Table):
        return spark.createDataFrame(_plain_types(source))
    return spark.read.parquet(str(source))


def _plain_types(table: pa.Table) -> pa.Table:
    """Dictionary-encoded columns decoded: Spark takes plain Arrow types."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        elif pa.types.is_list(column.type) and pa.types.is_dictionary(column.type.value_type):
            column = column.cast(pa.list_(column.type.value_type.value_type))
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def run_spark(
    rules: Rule | Iterable[Rule],
    source: Path | Mapping[str, pa.Table],
    as_of: dt.date,
    params: ParameterSet,
    *,
    spark: Any = None,
    outputs: Iterable[str] | None = None,
    out_dir: Path | None = None,
) -> dict[str, pa.Table] | dict[str, Path]:
    """Run the chain on Spark. With `out_dir`, results are written as Parquet (one folder per rule)
    and their paths returned; otherwise they come back as Arrow tables, sorted by key."""
    ordered = chain(rules)
    wanted = (
        list(outputs)
        if outputs is not None
        else [r.name for r in ([rules] if isinstance(rules, Rule) else rules)]
    )
    spark = spark or session()
    needed = base_inputs(ordered)
    for name in needed:
        item = source[name] if isinstance(source, Mapping) else Path(source) / f"{name}.parquet"
        _frame(spark, item).createOrReplaceTempView(name)
    spark.createDataFrame(run_table(as_of)).createOrReplaceTempView("run")
    for rule in ordered:
        spark.createDataFrame(_plain_types(params.table(rule.parameters))).createOrReplaceTempView("params")
        frame = spark.sql(rule.spark_sql)
        # materialise once: later rules and the outputs read it without recomputing the chain
        frame = frame.localCheckpoint(eager=True)
        frame.createOrReplaceTempView(rule.name)
    results: dict[str, Any] = {}
    for name in wanted:
        rule = next(r for r in ordered if r.name == name)
        frame = spark.table(name)
        if out_dir is not None:
            path = out_dir / name
            frame.write.mode("overwrite").parquet(str(path))
            results[name] = path
        else:
            results[name] = frame.orderBy(*rule.key).toArrow()
    return results
