"""The settlement rule on Spark (sqlglot's Spark SQL) agrees with DuckDB to the fen."""

from __future__ import annotations

import os
import sys
from datetime import date

import pytest

from minsheng.medical.parameters import parameter_set, parameter_table
from minsheng.medical.rules.settlement import ACCUMULATORS, CLAIMS, ENROLMENT, FILINGS, SETTLEMENT
from minsheng.medical.settlement import settle

from .conftest import claim, enrolment, institutions, table

pytestmark = [pytest.mark.slow, pytest.mark.spark]

COLUMNS = (
    "claim_id", "settled", "policy_fen", "basic_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen",
    "filing_type", "basic_paid_total_fen", "oop_policy_total_fen", "critical_illness_paid_total_fen",
    "residual_total_fen", "medical_aid_paid_total_fen",
)  # fmt: skip


def test_spark_and_duckdb_settle_alike():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from minsheng.engine.spark import run_spark

    params = parameter_set()
    claims = table(
        [
            claim("a", 1, 10_000_000, 3_000_000, 1_000_000),
            claim("b", 1, 2_000_000, 500_000, 0, admitted=date(2024, 5, 1), discharged=date(2024, 5, 9)),
            claim("c", 2, 500_000, institution_id=40),
            claim("d", 3, 700_000, care_type="outpatient", institution_id=10),
            claim("e", 4, 900_000),
        ],
        CLAIMS,
    )
    enrolled = table([enrolment(1, "dibao"), enrolment(2), enrolment(3, "tekun")], ENROLMENT)
    filings = table(
        [{"person_id": 2, "filing_type": "emergency", "valid_from": date(2024, 1, 1), "valid_to": None}],
        FILINGS,
    )
    tables = {
        "claims": claims, "enrolment": enrolled, "institutions": institutions(), "filings": filings,
        "accumulators": ACCUMULATORS.empty_table(), "medical_params": parameter_table(params),
    }  # fmt: skip
    local = settle(claims, enrolled, institutions(), filings, params=params).sort_by("claim_id")
    spark = run_spark(SETTLEMENT, tables, date(2024, 12, 31), params)[SETTLEMENT.name].sort_by("claim_id")
    assert local.select(list(COLUMNS)).to_pylist() == spark.select(list(COLUMNS)).to_pylist()
