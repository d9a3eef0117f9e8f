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

from minsheng.engine.unit import unit_runner
from minsheng.medical.parameters import parameter_set, parameter_table
from minsheng.medical.rules.run import copy_query, run_rule, run_rule_to_parquet
from minsheng.medical.rules.settlement import (
    ACCUMULATOR_TOTALS,
    ACCUMULATORS,
    CLAIMS,
    ENROLMENT,
    FILINGS,
    INSTITUTIONS,
    SETTLEMENT,
)
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


SMALL_INPUTS = {
    "claims": CLAIMS,
    "enrolment": ENROLMENT,
    "institutions": INSTITUTIONS,
    "filings": FILINGS,
    "accumulators": ACCUMULATORS,
}


def settle_rows(
    claims: list[dict],
    enrolment: list[dict],
    institutions: list[dict],
    filings: list[dict] = (),
    accumulators: list[dict] = (),
    medical_params: pa.Table | None = None,
) -> list[dict]:
    """The same rule for a claim or a few at the hospital, rows in and rows out, in about a millisecond: on
    the process's unit runner (engine.unit, the rule transpiled to SQLite). It holds only the pooling
    leagues' parameters (the rule joins a claim to its league's rows alone), so each league has its own."""
    leagues = tuple(sorted({row["pool_region"] for row in enrolment}))
    runner = unit_runner(SETTLEMENT, SMALL_INPUTS, variant=",".join(leagues))
    parameters = medical_params if medical_params is not None else parameter_table(leagues=leagues)
    return runner.run(
        {
            "claims": claims,
            "enrolment": enrolment,
            "institutions": institutions,
            "filings": filings,
            "accumulators": accumulators,
        },
        fixed={"medical_params": parameters},
    )


def accumulators_after(result: pa.Table) -> pa.Table:
    """Each person-year's accumulators after its last claim: the running totals only grow, so the maximum."""
    settled = result.filter(pc.field("settled"))
    grouped = settled.group_by(["person_id", "year"]).aggregate(
        [(column, "max") for _, column in ACCUMULATOR_TOTALS]
    )
    return pa.table(
        {
            "person_id": grouped["person_id"],
            "year": grouped["year"],
            **{name: grouped[f"{column}_max"] for name, column in ACCUMULATOR_TOTALS},
        }
    ).cast(ACCUMULATORS)


# what a batch keeps of each claim's settlement: the split, the checks and the running totals
BATCH_COLUMNS = (
    "claim_id", "person_id", "year", "settled", "pool_region", "care_type", "total_fen", "policy_fen",
    "basic_fen", "oop_policy_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen",
    "check_insured", "check_institution_known", "check_dates_valid", "check_amounts_valid",
    "check_parameters_found", "basic_paid_total_fen", "oop_policy_total_fen",
    "critical_illness_paid_total_fen", "residual_total_fen", "medical_aid_paid_total_fen",
)  # fmt: skip


def settle_files(
    claims: Path,
    enrolment: Path | pa.Table,
    institutions: Path | pa.Table,
    out: Path,
    *,
    filings: Path | pa.Table | None = None,
    accumulators: Path | pa.Table | None = None,
    params: ParameterSet | Path | str | None = None,
    as_of: date | None = None,
    threads: int | None = None,
    columns: tuple[str, ...] | None = BATCH_COLUMNS,
    accumulators_out: Path | None = None,
) -> int:
    """Batch settlement, Parquet in and Parquet out: the same rule, streamed (one window pass over the
    claims, only `columns` kept; None keeps every column). Writes the accumulators after the batch beside
    it when `accumulators_out` is given. Returns the number of claims."""
    parameters = params if isinstance(params, ParameterSet) else parameter_set(params)
    written = run_rule_to_parquet(
        SETTLEMENT,
        {
            "claims": Path(claims),
            "enrolment": enrolment,
            "institutions": institutions,
            "filings": filings if filings is not None else FILINGS.empty_table(),
            "accumulators": accumulators if accumulators is not None else ACCUMULATORS.empty_table(),
            "medical_params": parameter_table(parameters),
        },
        as_of or date.today(),
        out,
        columns=columns,
        threads=threads,
    )
    if accumulators_out is not None:
        totals = ", ".join(f"CAST(MAX({column}) AS BIGINT) AS {name}" for name, column in ACCUMULATOR_TOTALS)
        copy_query(
            f"SELECT person_id, CAST(year AS INTEGER) AS year, {totals} FROM settled WHERE settled "
            "GROUP BY person_id, year ORDER BY person_id, year",
            accumulators_out,
            settled=out,
        )
    return written
