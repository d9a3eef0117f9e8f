"""One rule, three scales: the in-process runner, the partitioned Parquet batch and Spark (local[2])
give identical results, to the fen, on 100 000 synthetic households."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minsheng import policy
from minsheng.assistance import rules as R
from minsheng.engine import run_local_all
from minsheng.engine.batch import run_batch

from .conftest import AS_OF
from .synthetic import generate

OUTPUTS = ("assessment", "dibao", "dibao_edge", "rigid_expense", "tekun", "orphan", "household_income")
KEYS = {name: R.BY_NAME[name].key[0] for name in OUTPUTS}


def _rows(table: pa.Table, key: str) -> list[dict]:
    return table.sort_by(key).to_pylist()


@pytest.mark.slow
@pytest.mark.spark
def test_local_batch_and_spark_agree_on_100_000_households(
    params: policy.ParameterSet, tmp_path: Path
) -> None:
    pytest.importorskip("pyspark")
    from minsheng.engine.spark import run_spark, session

    tables = generate(100_000, seed=2023)
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for name, table in tables.items():
        pq.write_table(table, snapshot / f"{name}.parquet", row_group_size=50_000)

    local = run_local_all(R.ASSESSMENT, tables, AS_OF, params)
    run_batch(
        R.ASSESSMENT,
        snapshot,
        AS_OF,
        params,
        tmp_path / "batch",
        outputs=OUTPUTS,
        partitions=4,
        progress=False,
    )
    spark = run_spark(R.ASSESSMENT, snapshot, AS_OF, params, spark=session(), outputs=OUTPUTS)

    eligible = sum(local["dibao"].column("eligible").to_pylist())
    assert eligible > 1000, "the synthetic region must exercise the rule"
    assert sum(local["tekun"].column("eligible").to_pylist()) > 100
    assert sum(local["orphan"].column("eligible").to_pylist()) > 100
    for name in OUTPUTS:
        key = KEYS[name]
        expected = _rows(local[name], key)
        from_batch = _rows(pq.read_table(tmp_path / "batch" / name), key)
        from_spark = _rows(spark[name], key)  # type: ignore[arg-type]
        assert local[name].column_names == spark[name].column_names  # type: ignore[union-attr]
        assert len(expected) == len(from_batch) == len(from_spark)
        assert from_batch == expected, name
        mismatches = [(a, b) for a, b in zip(expected, from_spark, strict=True) if a != b]
        assert not mismatches, (name, mismatches[:2])
    total = sum(local["assessment"].column("total_amount_fen").to_pylist())
    assert total == sum(spark["assessment"].column("total_amount_fen").to_pylist())  # type: ignore[union-attr]
