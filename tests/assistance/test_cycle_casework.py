"""The cycle pays what casework decided: a case confirmed through the procedure is paid from its first
month, and the arrears of a raised standard (recomputed by casework) are paid once, in the next cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from minsheng import policy
from minsheng.assistance import cases, cycle
from minsheng.assistance.cycle_models import Cycle, PaymentLine
from minsheng.assistance.models import Adjustment, Case
from minsheng.store.db import unit_of_work

from .casework import case_params
from .test_dynamic import RAISE, active_case

D = dt.date


@pytest.fixture(scope="module")
def params(tmp_path_factory):
    return case_params(tmp_path_factory.mktemp("cycle-casework-params"))


def line_of(engine, case_id: int, month: dt.date) -> tuple:
    with unit_of_work(engine) as s:
        line = s.execute(
            select(PaymentLine).where(PaymentLine.case_id == case_id, PaymentLine.month == month)
        ).scalar_one_or_none()
        return (
            None if line is None else (line.base_fen, line.adjustment_fen, line.amount_fen, line.paying_bank)
        )


def test_a_confirmed_case_is_paid_and_its_arrears_once(engine, params, tmp_path) -> None:
    case_id = active_case(params)  # confirmed 2023-06-13: paid from July, through ABC
    with unit_of_work(engine) as s:
        case = s.get(Case, case_id)
        july_amount = cases.amount_for_month(case, D(2023, 7, 1))
    assert cycle.build("2023-06", engine=engine).lines == 0  # not yet a paid month
    for month in ("2023-07", "2023-08", "2023-09"):
        cycle.build(month, actor="builder", engine=engine)
    assert line_of(engine, case_id, D(2023, 7, 1)) == (july_amount, 0, july_amount, "ABC")

    scenario = tmp_path / "raise.yaml"
    scenario.write_text(RAISE, encoding="utf-8")
    raised = policy.load(scenario, directory=params.directory)
    with unit_of_work(engine) as s:
        cases.recompute(s, D(2023, 7, 1), D(2023, 10, 15), "system:test", raised)
    with unit_of_work(engine) as s:
        new = cases.amount_for_month(s.get(Case, case_id), D(2023, 10, 1))
    assert new > july_amount
    october = cycle.build("2023-10", actor="builder", engine=engine)
    arrears = 3 * (new - july_amount)
    assert line_of(engine, case_id, D(2023, 10, 1)) == (new, arrears, new + arrears, "ABC")
    with unit_of_work(engine) as s:
        assert set(s.scalars(select(Adjustment.settled_in_month).where(Adjustment.case_id == case_id))) == {
            D(2023, 10, 1)
        }
        assert cycle.reconciliation(s, s.get(Cycle, october.cycle_id))["ok"]
    november = cycle.build("2023-11", actor="builder", engine=engine)
    assert line_of(engine, case_id, D(2023, 11, 1)) == (new, 0, new, "ABC") and november.lines == 1
