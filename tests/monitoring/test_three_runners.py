"""One rule, three scales for monitoring: the in-process runner, the partitioned Parquet batch and Spark
(local[2]) prepare the same month's determination and find the same risks, levels and needs for every
household of a synthetic region with synthetic partner signals, claims, registrations and cases."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minsheng import policy
from minsheng.engine import run_local_all
from minsheng.engine.batch import run_batch
from minsheng.monitoring import rules as M

AS_OF = dt.date(2024, 6, 20)
RISKS = [rule.name for rule in M.RISK_RULES]
MONTHLY_KEYS = {rule.name: list(rule.key) for rule in (M.ELIGIBILITY, M.HOUSEHOLD_MEMBERS, M.MEMBER_FLAGS)}


def _region(folder: Path, persons: int) -> dict[str, pa.Table]:
    """A synthetic region and monitoring inputs at the demo's rates, as Arrow tables."""
    from minsheng.synth.generate import write

    write(folder, persons, seed=7, as_of=AS_OF)
    households = pq.read_table(folder / "households.parquet")
    members = pq.read_table(folder / "members.parquet")
    rng = random.Random(7)
    banner = dict(
        zip(households["household_id"].to_pylist(), households["banner_code"].to_pylist(), strict=True)
    )
    people = list(zip(members["person_id"].to_pylist(), members["household_id"].to_pylist(), strict=True))
    kinds = ["medical_bill", "income_drop", "job_loss", "disaster_damage", "disability_certified", "death"]
    signals, claims, registrations = [], [], []
    for index, (person_id, household_id) in enumerate(rng.sample(people, len(people) // 20)):
        on = AS_OF - dt.timedelta(days=rng.randint(0, 400))
        signals.append(
            (index, household_id, banner[household_id], person_id, rng.choice(kinds), on,
             rng.randint(0, 5_000_000), rng.randint(0, 800_000))
        )  # fmt: skip
    for index, (person_id, household_id) in enumerate(rng.sample(people, len(people) // 10)):
        on = AS_OF - dt.timedelta(days=rng.randint(0, 400))
        claims.append((index, household_id, banner[household_id], person_id, on, rng.randint(0, 3_000_000)))
    for person_id, household_id in rng.sample(people, len(people) // 50):
        registrations.append((household_id, person_id, AS_OF - dt.timedelta(days=rng.randint(0, 300)), None))
    cases = [
        (index, household_id, rng.choice(["dibao", "tekun"]), "active")
        for index, household_id in enumerate(rng.sample(sorted(banner), len(banner) // 25))
    ]
    tables = {"households": households, "members": members}
    for name, rows in (
        ("signals", signals),
        ("medical_claims", claims),
        ("unemployment", registrations),
        ("cases", cases),
    ):
        schema = M.INPUT_SCHEMAS[name]
        columns = list(zip(*rows, strict=True))
        tables[name] = pa.table(
            {f.name: pa.array(list(c), type=f.type) for f, c in zip(schema, columns, strict=True)}
        )
    return tables


def _sorted(table: pa.Table, name: str) -> list[dict]:
    return table.sort_by([(key, "ascending") for key in MONTHLY_KEYS[name]]).to_pylist()


def _rows(table: pa.Table) -> list[dict]:
    return (
        table.select(["household_id", *RISKS, *[f"{r}_need_fen" for r in RISKS], "monitored"])
        .sort_by("household_id")
        .to_pylist()
    )


@pytest.mark.slow
@pytest.mark.spark
def test_local_batch_and_spark_find_the_same_risks(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    from minsheng.engine.spark import run_spark, session

    params = policy.load()
    tables = _region(tmp_path / "region", 20_000)
    monthly = run_local_all(M.MONTHLY_RULES, tables, AS_OF, params)
    tables.update({name: monthly[name] for name in M.MONTHLY_TABLES})
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for name, table in tables.items():
        pq.write_table(table.sort_by("household_id"), snapshot / f"{name}.parquet", row_group_size=2_000)

    run_batch(
        M.MONTHLY_RULES,
        snapshot,
        AS_OF,
        params,
        tmp_path / "monthly",
        outputs=M.MONTHLY_TABLES,
        partitions=3,
        progress=False,
    )
    spark_monthly = run_spark(
        M.MONTHLY_RULES, snapshot, AS_OF, params, spark=session(), outputs=M.MONTHLY_TABLES
    )
    for name in M.MONTHLY_TABLES:
        batch_monthly = pq.read_table(tmp_path / "monthly" / name)
        assert (
            _sorted(batch_monthly, name) == _sorted(monthly[name], name) == _sorted(spark_monthly[name], name)
        )

    local = run_local_all(M.MONITORED_POPULATION, tables, AS_OF, params)[M.MONITORED_POPULATION.name]
    found = {risk: sum(1 for v in local[risk].to_pylist() if v) for risk in RISKS}
    assert all(
        found[risk] > 0 for risk in ("medical_burden", "zero_employment", "take_up_gap", "sudden_hardship")
    )

    run_batch(
        M.MONITORED_POPULATION, snapshot, AS_OF, params, tmp_path / "batch", partitions=3, progress=False
    )
    batch = pq.read_table(tmp_path / "batch" / M.MONITORED_POPULATION.name)
    assert _rows(batch) == _rows(local)

    spark = run_spark(M.MONITORED_POPULATION, snapshot, AS_OF, params, spark=session())
    assert _rows(spark[M.MONITORED_POPULATION.name]) == _rows(local)
