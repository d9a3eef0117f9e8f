"""The employment rules on Spark give what they give on DuckDB, to the fen (slow: starts a JVM)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from minsheng import policy
from minsheng.employment import rules, synth
from minsheng.employment.matching import _blocked
from minsheng.engine.spark import run_spark

pytestmark = [pytest.mark.slow, pytest.mark.spark]
AS_OF = date(2024, 9, 1)


@pytest.fixture(scope="module")
def spark():
    from minsheng.engine.spark import session

    return session()


def _employers(n: int) -> pa.Table:
    rng = np.random.default_rng(5)
    start = rng.integers(1, 600, n)
    return pa.table(
        {
            "employer_id": np.arange(1, n + 1, dtype=np.int64),
            "banner_code": pa.array(rng.choice(["150426", "150102", "150602"], n)),
            "enterprise_type": pa.array(rng.choice(["enterprise", "enterprise", "social_group"], n)),
            "declared_size": pa.array([None] * n, pa.string()),
            "contributions_fen": rng.integers(0, 10**8, n),
            "months_paid": rng.integers(9, 13, n).astype(np.int32),
            "insured_at_start": start.astype(np.int32),
            "insured_at_end": (start - rng.integers(0, 40, n)).clip(0).astype(np.int32),
            "average_insured": start.astype(np.int32),
        }
    )


def _projects(n: int) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(6)
    projects = pa.table(
        {
            "project_id": np.arange(1, n + 1, dtype=np.int64),
            "banner_code": pa.array(rng.choice(["150426", "150102"], n)),
            "central_funds_fen": rng.integers(10**6, 10**9, n),
            "starts_on": pa.array([date(2024, 3, 1)] * n, pa.date32()),
            "closes_on": pa.array([date(2024, 9, 1 + int(d)) for d in rng.integers(0, 29, n)], pa.date32()),
        }
    )
    lines = 8 * n
    payroll = pa.table(
        {
            "project_id": rng.integers(1, n + 1, lines),
            "worker_id": rng.integers(1, 60, lines),
            "wage_fen": (wage := rng.integers(10**4, 10**7, lines)),
            "paid_fen": (wage * rng.choice([0, 1, 1, 1], lines)),
            "due_on": pa.array([date(2024, 8, int(d)) for d in rng.integers(1, 31, lines)], pa.date32()),
        }
    )
    return projects, payroll


def _same(local: pa.Table, remote: pa.Table, key: list[str]) -> None:
    left = local.sort_by([(k, "ascending") for k in key]).to_pylist()
    right = remote.select(local.column_names).sort_by([(k, "ascending") for k in key]).to_pylist()
    assert left == right


def test_refund_and_work_relief_agree(spark):
    params = policy.load()
    employers = _employers(300)
    local = rules.run(rules.RETENTION_REFUND, {"employers": employers}, AS_OF)
    remote = run_spark(rules.RETENTION_REFUND, {"employers": employers}, AS_OF, params, spark=spark)[
        "retention_refund"
    ]
    _same(local, remote, ["employer_id"])
    projects, payroll = _projects(40)
    local = rules.run(rules.WORK_RELIEF, {"projects": projects, "payroll": payroll}, AS_OF)
    remote = run_spark(
        rules.WORK_RELIEF, {"projects": projects, "payroll": payroll}, AS_OF, params, spark=spark
    )
    _same(local, remote["work_relief"], ["project_id"])


def test_matching_agrees(spark):
    seekers = _blocked(synth.seekers_table(400, seed=8), "desired_occupation", "league")
    vacancies = _blocked(synth.vacancies_table(150, seed=9), "occupation", "league")
    request = pa.table({"rank_by": ["seeker"], "top_n": pa.array([5], pa.int32())})
    tables = {"seekers": seekers, "vacancies": vacancies, "request": request}
    local = rules.run_ranking(rules.MATCH, tables, AS_OF)
    remote = run_spark(rules.MATCH, tables, AS_OF, policy.load(), spark=spark)["match"]
    _same(local, remote, ["seeker_id", "vacancy_id"])
