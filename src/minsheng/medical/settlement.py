"""Settle claims through the three tiers: a thin layer that shapes inputs for the settlement rule.

`settle` takes Arrow tables (or Parquet paths) and returns the rule's result; the service calls it for
one claim with the person's accumulators, the CLI for a file of claims.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from minsheng.medical.parameters import parameter_table
from minsheng.medical.rules.run import run_rule
from minsheng.medical.rules.settlement import ACCUMULATORS, FILINGS, SETTLEMENT

Source = pa.Table | Path | str


def settle(
    claims: Source,
    enrolment: Source,
    institutions: Source,
    filings: Source | None = None,
    accumulators: Source | None = None,
    parameters: pa.Table | None = None,
) -> pa.Table:
    """Settle claims in date order per person and year, on top of the prior accumulators given."""
    return run_rule(
        SETTLEMENT,
        {
            "claims": claims,
            "enrolment": enrolment,
            "institutions": institutions,
            "filings": filings if filings is not None else FILINGS.empty_table(),
            "accumulators": accumulators if accumulators is not None else ACCUMULATORS.empty_table(),
        },
        parameters if parameters is not None else parameter_table(),
    )


def accumulators_after(result: pa.Table) -> pa.Table:
    """Each person-year's accumulators after its last claim: the running totals only grow, so the maximum."""
    settled = result.filter(pc.field("settled"))
    totals = {
        "basic_paid_fen": "basic_paid_total_fen",
        "oop_policy_fen": "oop_policy_total_fen",
        "critical_illness_paid_fen": "critical_illness_paid_total_fen",
        "residual_fen": "residual_total_fen",
        "medical_aid_paid_fen": "medical_aid_paid_total_fen",
    }
    grouped = settled.group_by(["person_id", "year"]).aggregate(
        [(column, "max") for column in totals.values()]
    )
    return pa.table(
        {
            "person_id": grouped["person_id"],
            "year": grouped["year"],
            **{name: grouped[f"{column}_max"] for name, column in totals.items()},
        }
    ).cast(ACCUMULATORS)
