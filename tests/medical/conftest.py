"""Helpers to build settlement inputs for one or a few persons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from minsheng.medical.parameters import parameter_set
from minsheng.medical.rules.settlement import CLAIMS, ENROLMENT, INSTITUTIONS

HERE = Path(__file__).parent
LEAGUE = "150400"  # 赤峰市
LEVEL3 = 30  # institution ids: 10 level 1, 20 level 2, 30 level 3 in the league, 40 level 3 in Beijing


def institutions() -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"institution_id": 10, "level": 1, "region_code": "150426"},
            {"institution_id": 20, "level": 2, "region_code": "150402"},
            {"institution_id": 30, "level": 3, "region_code": "150402"},
            {"institution_id": 40, "level": 3, "region_code": "110105"},
        ],
        schema=INSTITUTIONS,
    )


def enrolment(
    person_id: int,
    aid_category: str = "none",
    insurance_type: str = "resident",
    person_type: str = "resident",
    year: int = 2024,
) -> dict:
    return {
        "person_id": person_id,
        "year": year,
        "insurance_type": insurance_type,
        "person_type": person_type,
        "aid_category": aid_category,
        "pool_region": LEAGUE,
        "enrolled_on": date(year, 1, 1),
        "ended_on": None,
    }


def claim(
    claim_id: str,
    person_id: int,
    a: int,
    b: int = 0,
    c: int = 0,
    *,
    institution_id: int = LEVEL3,
    care_type: str = "inpatient",
    admitted: date = date(2024, 3, 1),
    discharged: date = date(2024, 3, 10),
) -> dict:
    return {
        "claim_id": claim_id,
        "person_id": person_id,
        "institution_id": institution_id,
        "care_type": care_type,
        "admission_date": admitted,
        "discharge_date": discharged,
        "class_a_fen": a,
        "class_b_fen": b,
        "class_c_fen": c,
    }


def table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.fixture(scope="session")
def worked_example_parameters():
    return parameter_set(HERE / "worked_example.yaml")


@pytest.fixture(scope="session")
def default_parameters():
    return parameter_set()


__all__ = ["CLAIMS", "ENROLMENT", "claim", "enrolment", "institutions", "table"]
