"""Settle claims through the three tiers: shapes the inputs of the settlement rule and runs it.

`settle` takes Arrow tables and returns the rule's result, one row per claim; the service calls it for
one claim with the person's accumulators, the CLI for a file of claims. Parameters come from the policy
loader (a scenario overlays them); the engine runs the rule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from minsheng.medical.parameters import parameter_set, parameter_table
from minsheng.medical.rules.run import run_rule
from minsheng.medical.rules.settlement import ACCUMULATORS, FILINGS, SETTLEMENT
from minsheng.policy import ParameterSet


def settle(
    claims: pa.Table,
    enrolment: pa.Table,
    institutions: pa.Table,
    filings: pa.Table | None = None,
    accumulators: pa.Table | None = None,
    params: ParameterSet | Path | str | None = None,
    *,
    medical_params: pa.Table | None = None,
    as_of: date | None = None,
    threads: int | None = None,
) -> pa.Table:
    """Settle claims in date order per person and year, on top of the prior accumulators given."""
    parameters = params if isinstance(params, ParameterSet) else parameter_set(params)
    if as_of is None:
        latest = pc.max(claims["discharge_date"]).as_py() if claims.num_rows else None
        as_of = latest or date(2000, 1, 1)
    return run_rule(
        SETTLEMENT,
        {
            "claims": claims,
            "enrolment": enrolment,
            "institutions": institutions,
            "filings": filings if filings is not None else FILINGS.empty_table(),
            "accumulators": accumulators if accumulators is not None else ACCUMULATORS.empty_table(),
            "medical_params": medical_params if medical_params is not None else parameter_table(parameters),
        },
        parameters,
        as_of,
        threads=threads,
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
