"""Dynamic management: review schedule, taper after finding work, re-check after a death, and a changed
standard recomputed with arrears or overpayments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from minsheng import policy
from minsheng.assistance import cases
from minsheng.assistance.models import Adjustment, Case, CaseAmount, CaseTask
from minsheng.registry.models import Income, Person
from minsheng.store.db import unit_of_work

from .casework import APPROVER, CASEWORKER, case_params, member, poor_household
from .test_cases import investigate, new_case, step

D = dt.date

RAISE = """
scenario: {name: 农村低保标准自7月起提高10%}
parameters:
  dibao.standard:
    values:
      - {effective_from: 2023-07-01, hukou: rural, scale: 1.10}
"""


@pytest.fixture(scope="module")
def params(tmp_path_factory):
    return case_params(tmp_path_factory.mktemp("dynamic-params"))


def active_case(params, household_id: int | None = None) -> int:
    case_id = new_case(household_id or poor_household(), params)
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "publish_notice", D(2023, 6, 6), params=params)
    step(case_id, "confirm", D(2023, 6, 13), APPROVER, params, data={"paying_bank": "ABC"})
    return case_id


def test_able_bodied_members_are_reviewed_every_six_months(engine, params) -> None:
    from minsheng.registry import service as registry
    from minsheng.registry.schemas import HouseholdIn

    with unit_of_work() as session:
        household_id = registry.register_household(
            session,
            HouseholdIn(
                banner_code="150426",
                hukou="rural",
                members=[
                    member("head", D(1950, 1, 1), "老人", bank_account="6228480000000000011"),
                    member("child", D(1990, 1, 1), "儿子", employment_status="unemployed"),
                ],
            ),
            actor="test",
        ).id
    case_id = active_case(params, household_id)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.review_interval_months == 6 and case.next_review_on == D(2024, 1, 1)


def test_review_after_finding_work_starts_a_taper(engine, params) -> None:
    case_id = active_case(params)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        amount = cases.amount_for_month(case, D(2023, 7, 1))
        head = session.scalars(select(Person).where(Person.household_id == case.household_id)).first()
        head.employment_status = "employed"
        session.add(
            Income(person_id=head.id, category="wages", monthly_fen=500000, effective_from=D(2023, 9, 1))
        )
    assert step(case_id, "review", D(2023, 10, 10), params=params) == "active"
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.taper_until == D(2024, 4, 1) == case.end_month  # November to April: six months
        assert cases.amount_for_month(case, D(2024, 4, 1)) == amount  # paid on through the taper
        assert case.determination["outcome"] == "taper"
        kinds = session.scalars(
            select(CaseTask.kind).where(CaseTask.case_id == case_id, CaseTask.done_on.is_(None))
        )
        assert set(kinds) == {"review", "taper_end"}
    with unit_of_work() as session:
        assert cases.close_expired(session, D(2024, 4, 30), "system:test") == 0  # April is still paid
    with unit_of_work() as session:
        assert cases.close_expired(session, D(2024, 5, 2), "system:test") == 1
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.status == "ended" and case.events[-1].reason.startswith("渐退期满")
        assert cases.close_expired(session, D(2024, 6, 2), "system:test") == 0


def test_review_still_eligible_sets_the_new_amount_from_next_month(engine, params) -> None:
    case_id = active_case(params)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        before = cases.amount_for_month(case, D(2023, 7, 1))
        head = session.scalars(select(Person).where(Person.household_id == case.household_id)).first()
        session.add(
            Income(person_id=head.id, category="transfer", monthly_fen=20000, effective_from=D(2023, 9, 1))
        )
    step(case_id, "review", D(2023, 10, 10), params=params)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert cases.amount_for_month(case, D(2023, 10, 1)) == before
        assert cases.amount_for_month(case, D(2023, 11, 1)) == before - 20000
        assert case.determination["outcome"] == "continue"


def test_a_death_opens_one_recheck(engine, params) -> None:
    case_id = active_case(params)
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        spouse = session.scalars(
            select(Person).where(
                Person.household_id == case.household_id, Person.relationship_to_head == "spouse"
            )
        ).one()
        spouse.death_date = D(2023, 8, 20)
    with unit_of_work() as session:
        assert cases.check_deaths(session, D(2023, 8, 25), "system:test") == 1
    with unit_of_work() as session:
        assert cases.check_deaths(session, D(2023, 8, 26), "system:test") == 0
        task = session.scalars(
            select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.kind == "recheck")
        ).one()
        assert task.due_on == D(2023, 11, 30)


def test_a_changed_standard_recomputes_with_arrears_once(engine, params, tmp_path) -> None:
    case_id = active_case(params)
    scenario = tmp_path / "raise.yaml"
    scenario.write_text(RAISE, encoding="utf-8")
    raised = policy.load(scenario, directory=params.directory)
    with unit_of_work() as session:
        old = cases.amount_for_month(session.get(Case, case_id), D(2023, 7, 1))
        result = cases.recompute(session, D(2023, 7, 1), D(2023, 10, 15), "system:test", raised)
    assert result.changed == 1 and result.adjustments == 3  # July, August and September were paid
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        new = cases.amount_for_month(case, D(2023, 10, 1))
        assert new > old
        adjustments = session.scalars(select(Adjustment).where(Adjustment.case_id == case_id)).all()
        assert [a.month for a in adjustments] == [D(2023, 7, 1), D(2023, 8, 1), D(2023, 9, 1)]
        assert all(a.amount_fen == new - old for a in adjustments) and result.arrears_fen == 3 * (new - old)
        rows = session.scalars(select(CaseAmount).where(CaseAmount.case_id == case_id)).all()
        assert [(r.effective_month, r.monthly_amount_fen) for r in rows] == [(D(2023, 7, 1), new)]
    with unit_of_work() as session:
        again = cases.recompute(session, D(2023, 7, 1), D(2023, 10, 15), "system:test", raised)
    assert again.changed == 0 and again.adjustments == 0
    # back to the old standard: the same three months are now overpaid
    with unit_of_work() as session:
        back = cases.recompute(session, D(2023, 7, 1), D(2023, 10, 15), "system:test", params)
    assert back.adjustments == 3 and back.overpaid_fen == 3 * (new - old)


def test_scheduled_reviews_run_for_due_cases_only(engine, params) -> None:
    due = active_case(params)
    with unit_of_work() as session:
        counts = cases.run_reviews(session, D(2024, 6, 30), "system:review", params)
        assert counts == {}
        counts = cases.run_reviews(session, D(2024, 7, 1), "system:review", params)
        assert counts == {"continue": 1}
        assert session.get(Case, due).next_review_on == D(2025, 7, 1)


def test_caseworker_cannot_end_but_approver_can(engine, params) -> None:
    case_id = active_case(params)
    from minsheng.api.deps import Forbidden

    with pytest.raises(Forbidden):
        step(case_id, "end", D(2023, 9, 1), CASEWORKER, params, reason="迁出本旗")
    assert step(case_id, "end", D(2023, 9, 1), APPROVER, params, reason="迁出本旗") == "ended"
    with unit_of_work() as session:
        assert session.get(Case, case_id).end_month == D(2023, 9, 1)


def test_recompute_reports_a_case_it_cannot_apply_the_rules_to(engine, params, tmp_path) -> None:
    """A 特困 member who left the household: the case is named for a re-check, its amounts untouched."""
    from minsheng.registry import service as registry
    from minsheng.registry.schemas import HouseholdIn

    with unit_of_work() as session:
        household = registry.register_household(
            session,
            HouseholdIn(
                banner_code="150426",
                hukou="rural",
                members=[member("head", D(1940, 1, 1), "独居老人", bank_account="6228480000000000022")],
            ),
            actor="test",
        )
        elder = household.members[0].id
        household_id = household.id
    case_id = new_case(household_id, params, programme="tekun", subject_person_id=elder)
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "publish_notice", D(2023, 6, 6), params=params)
    assert step(case_id, "confirm", D(2023, 6, 13), APPROVER, params, data={"paying_bank": "ABC"}) == "active"
    with unit_of_work() as session:  # the batch path gives the decision's amount: nothing to change
        same = cases.recompute(session, D(2023, 7, 1), D(2023, 9, 15), "system:test", params)
    assert (same.changed, same.problems) == (0, [])
    with unit_of_work() as session:
        before = [(a.effective_month, a.monthly_amount_fen) for a in session.get(Case, case_id).amounts]
        assert before[0][1] > 0
        session.get(Person, elder).household_id = None  # moved to an institution's collective household
    scenario = tmp_path / "raise.yaml"
    scenario.write_text(RAISE, encoding="utf-8")
    with unit_of_work() as session:
        result = cases.recompute(
            session,
            D(2023, 7, 1),
            D(2023, 9, 15),
            "system:test",
            policy.load(scenario, directory=params.directory),
        )
    assert (
        result.adjustments == 0 and len(result.problems) == 1 and result.problems[0].startswith("TK150426-")
    )
    with unit_of_work() as session:
        assert [
            (a.effective_month, a.monthly_amount_fen) for a in session.get(Case, case_id).amounts
        ] == before


def test_a_near_dibao_status_is_confirmed_without_money_and_reviewed(engine, params) -> None:
    from minsheng.registry import service as registry
    from minsheng.registry.schemas import HouseholdIn

    with unit_of_work() as session:
        household_id = registry.register_household(
            session,
            HouseholdIn(
                banner_code="150426",
                hukou="rural",
                members=[
                    member("head", D(1970, 1, 1), "边缘户", wages_yuan=1000, employment_status="employed")
                ],
            ),
            actor="test",
        ).id
    case_id = new_case(household_id, params, programme="dibao_edge")
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "publish_notice", D(2023, 6, 6), params=params)
    assert step(case_id, "confirm", D(2023, 6, 13), APPROVER, params) == "confirmed"
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.amounts == [] and case.paying_bank is None and case.next_review_on == D(2024, 1, 1)
    assert step(case_id, "review", D(2024, 1, 5), params=params) == "confirmed"
    with unit_of_work() as session:
        assert session.get(Case, case_id).determination["outcome"] == "continue"
