"""The residents' pension rule on Spark gives what it gives on DuckDB, to the fen (slow: starts a JVM)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from minsheng import policy
from minsheng.engine import run_local
from minsheng.insurance import rules

pytestmark = [pytest.mark.slow, pytest.mark.spark]
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


@pytest.mark.parametrize("as_of", [date(2023, 10, 1), date(2025, 1, 1)])
def test_spark_and_duckdb_agree_on_5000_persons(as_of):
    pytest.importorskip("pyspark")
    from benchmarks.bench_insurance import pension_tables
    from minsheng.engine.spark import run_spark

    tables = pension_tables(5_000, seed=3)
    params = policy.load()
    local = run_local(rules.RESIDENT_PENSION, tables, as_of, params).sort_by("person_id").to_pylist()
    spark = run_spark(rules.RESIDENT_PENSION, tables, as_of, params)["resident_pension"]
    assert spark.sort_by("person_id").select(list(local[0])).to_pylist() == local
    assert any(row["starts_this_month"] for row in local) or as_of.month == 1
