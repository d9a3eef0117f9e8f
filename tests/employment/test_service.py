"""Employment use cases on SQLite and PostgreSQL, including the issue's acceptance stories."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from minsheng.api.errors import Conflict, DomainError, NotFound
from minsheng.employment import service
from minsheng.employment.models import JobSeeker
from minsheng.employment.schemas import (
    AttendanceIn,
    EmployerIn,
    OutcomeIn,
    PublicWelfarePostIn,
    RefundIn,
    SeekerIn,
    VacancyIn,
    VisitIn,
    WorkReliefProjectIn,
    WorkReliefWorkerIn,
)
from minsheng.registry.models import Person
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store.db import unit_of_work

from .conftest import ACTOR, TODAY, new_credit_code, person, register_household


def employer(session, banner="150426", **fields):
    data = {
        "credit_code": new_credit_code(banner),
        "name": "赤峰乳业有限公司",
        "banner_code": banner,
        "sector": "manufacturing",
    } | fields
    return service.register_employer(session, REGION_WIDE, EmployerIn(**data), actor=ACTOR)


def vacancy(session, employer_id, **fields):
    data = {
        "employer_id": employer_id,
        "title": "乳品加工工",
        "occupation": "dairy_worker",
        "skills": ["dairy", "food_safety"],
        "education_min": "junior",
        "pay_min_yuan": "3500",
        "pay_max_yuan": "4500",
        "positions": 2,
        "opens_on": date(2024, 6, 1),
    } | fields
    return service.post_vacancy(session, REGION_WIDE, VacancyIn(**data), actor=ACTOR)


def test_graduate_registered_matched_referred_and_placed_leaves_both_lists(engine):
    with unit_of_work() as session:
        household = register_household(
            session,
            person("head", birth=date(1970, 3, 1), name="王军", employment_status="unemployed"),
            person("child", birth=date(2001, 9, 1), name="王小明", education="bachelor", tags=["graduate"]),
        )
        graduate_id = household.members[1].id
        dairy = employer(session)
        good = vacancy(session, dairy.id)
        far = vacancy(
            session,
            employer(session, banner="150102").id,
            title="会计",
            occupation="accountant",
            skills=["accounting"],
            pay_max_yuan="3000",
            pay_min_yuan="2500",
        )
    with unit_of_work() as session:
        seeker = service.register_seeker(
            session,
            REGION_WIDE,
            SeekerIn(
                person_id=graduate_id,
                desired_occupation="dairy_worker",
                skills=["dairy", "office"],
                expected_pay_yuan="4000",
            ),
            actor=ACTOR,
            today=TODAY,
        )
        assert seeker.key_groups == ["graduate", "unemployed", "zero_employment_household"]
    with unit_of_work() as session:
        # registered unemployment is what the officer recorded, not the registry's status field
        assert [r.person_id for r in service.list_unemployed(session, REGION_WIDE)] == [graduate_id]
        assert [z.household_id for z in service.list_zero_employment(session, REGION_WIDE)] == [household.id]
        matches = service.match_vacancies(session, REGION_WIDE, seeker.id, today=TODAY)
        assert [m.vacancy_id for m in matches] == [good.id, far.id]
        best = matches[0]
        assert best.score > matches[1].score
        texts = " ".join(r["text_zh"] for r in best.reasons)
        assert "1/2" in texts and "本旗县" in texts and "4,500.00" in texts
        assert best.points["occupation"] == 15.0 and best.points["distance"] == 20.0
        referral = service.refer(session, REGION_WIDE, seeker.id, good.id, actor=ACTOR, today=TODAY)
        assert referral.score == best.score and referral.reasons
    with unit_of_work() as session:
        service.record_interview(
            session, REGION_WIDE, referral.id, on=date(2024, 7, 3), note="面试通过", actor=ACTOR
        )
        service.record_outcome(
            session, REGION_WIDE, referral.id, OutcomeIn(outcome="placed", on=date(2024, 7, 8)), actor=ACTOR
        )
    with unit_of_work() as session:
        assert graduate_id not in {r.person_id for r in service.list_unemployed(session, REGION_WIDE)}
        assert service.list_zero_employment(session, REGION_WIDE) == []
        cleared = service.list_zero_employment(session, REGION_WIDE, include_cleared=True)
        assert cleared[0].cleared_on == date(2024, 7, 8) and cleared[0].cleared_reason == "member_working"
        assert session.get(Person, graduate_id).employment_status == "employed"
        assert session.get(JobSeeker, seeker.id).status == "placed"
        stats = service.statistics(session, REGION_WIDE, year=2024, today=TODAY)
        assert stats["placements"] == 1 and stats["key_groups_placed"]["graduate"] == 1
        assert stats["zero_employment_cleared"] == 1 and stats["referrals"] == 1


def test_zero_employment_needs_everyone_in_the_labour_force_unemployed(engine):
    with unit_of_work() as session:
        farming = register_household(
            session,
            person("head", employment_status="unemployed"),
            person("spouse", employment_status="farming"),
        )
        idle = register_household(
            session,
            person("head", employment_status="unemployed"),
            person("spouse", employment_status="unable"),
            person("parent", birth=date(1950, 1, 1), employment_status="retired"),
        )
        result = service.refresh_zero_employment(session, REGION_WIDE, today=TODAY, actor=ACTOR)
        assert result["opened"] == 1
        assert [z.household_id for z in service.list_zero_employment(session, REGION_WIDE)] == [idle.id]
        assert farming.id not in {z.household_id for z in service.list_zero_employment(session, REGION_WIDE)}
        # a second run changes nothing
        assert service.refresh_zero_employment(session, REGION_WIDE, today=TODAY, actor=ACTOR)["opened"] == 0


def test_three_suitable_refusals_are_counted_for_dibao(engine):
    with unit_of_work() as session:
        h = register_household(session, person("head", employment_status="unemployed"))
        e = employer(session)
        seeker = service.register_seeker(
            session,
            REGION_WIDE,
            SeekerIn(person_id=h.members[0].id, desired_occupation="dairy_worker"),
            actor=ACTOR,
            today=TODAY,
        )
        for i, suitable in enumerate((True, False, True, True)):
            v = vacancy(session, e.id, title=f"岗位{i}")
            referral = service.refer(session, REGION_WIDE, seeker.id, v.id, actor=ACTOR, today=TODAY)
            service.record_outcome(
                session,
                REGION_WIDE,
                referral.id,
                OutcomeIn(outcome="refused", on=TODAY, suitable=suitable),
                actor=ACTOR,
            )
        table = service.refusal_counts(session)
        assert table.to_pylist() == [{"person_id": h.members[0].id, "suitable_refusals": 3}]
        with pytest.raises(ValidationError) as missing:
            OutcomeIn(outcome="refused", on=TODAY)
        assert "suitable" in str(missing.value)


def test_scope_hides_seekers_outside_it_and_credit_code_is_checked(engine):
    with unit_of_work() as session:
        h = register_household(session, person("head", employment_status="unemployed"))
        seeker = service.register_seeker(
            session,
            REGION_WIDE,
            SeekerIn(person_id=h.members[0].id, desired_occupation="cook"),
            actor=ACTOR,
            today=TODAY,
        )
        with pytest.raises(NotFound):
            service.get_seeker(session, RegionScope("150102"), seeker.id)
        with pytest.raises(Conflict):
            service.register_seeker(
                session,
                REGION_WIDE,
                SeekerIn(person_id=h.members[0].id, desired_occupation="cook"),
                actor=ACTOR,
                today=TODAY,
            )
    with pytest.raises(ValidationError) as bad:
        EmployerIn(credit_code="91110000600037341K", name="x", banner_code="150426", sector="retail")
    assert "check character should be L" in str(bad.value)


def test_work_relief_project_below_30_percent_is_flagged_with_the_shortfall(engine):
    with unit_of_work() as session:
        project = service.create_project(
            session,
            REGION_WIDE,
            WorkReliefProjectIn(
                project_code="WR-150426-01",
                name="翁牛特旗高标准农田以工代赈",
                banner_code="150426",
                central_funds_yuan="1000000",
                local_funds_yuan="200000",
                starts_on=date(2024, 4, 1),
                closes_on=date(2024, 10, 31),
            ),
            actor=ACTOR,
        )
        h = register_household(session, person("head", employment_status="farming"))
        worker = service.add_worker(
            session,
            REGION_WIDE,
            project.id,
            WorkReliefWorkerIn(
                person_id=h.members[0].id,
                name="张三",
                target_group="poverty_alleviated",
                daily_wage_yuan="200",
                joined_on=date(2024, 4, 1),
            ),
            actor=ACTOR,
        )
        may = service.record_attendance(
            session,
            REGION_WIDE,
            project.id,
            AttendanceIn(
                worker_id=worker.id, period=date(2024, 5, 1), days_worked=25, due_on=date(2024, 6, 10)
            ),
            actor=ACTOR,
        )
        june = service.record_attendance(
            session,
            REGION_WIDE,
            project.id,
            AttendanceIn(
                worker_id=worker.id, period=date(2024, 6, 1), days_worked=20, due_on=date(2024, 7, 10)
            ),
            actor=ACTOR,
        )
        service.pay_wages(
            session, REGION_WIDE, may.id, amount_fen=may.wage_fen, paid_on=date(2024, 6, 8), actor=ACTOR
        )
        service.pay_wages(
            session, REGION_WIDE, june.id, amount_fen=100_000, paid_on=date(2024, 7, 9), actor=ACTOR
        )
    with unit_of_work() as session:
        [row] = service.check_projects(session, REGION_WIDE, today=date(2024, 9, 15))
        # 300 000 yuan due (30 % of 1 000 000); 5 000 + 1 000 paid → 294 000 short; 3 000 in arrears
        assert row["required_fen"] == 30_000_000 and row["paid_fen"] == 600_000
        assert row["shortfall_fen"] == 29_400_000 and row["share_status"] == "warning"
        assert row["arrears_fen"] == 300_000 and row["workers_in_arrears"] == 1
        failed = {r["check"]: r["text_zh"] for r in row["reasons"] if not r["passed"]}
        assert "294,000.00" in failed["share_ok"] and "3,000.00" in failed["arrears_ok"]
        with pytest.raises(DomainError):
            service.pay_wages(session, REGION_WIDE, june.id, amount_fen=400_000, paid_on=TODAY, actor=ACTOR)
        stats = service.statistics(session, REGION_WIDE, year=2024, today=date(2024, 9, 15))
        assert stats["work_relief"]["below_floor"] == 1 and stats["work_relief"]["arrears_fen"] == 300_000


def test_refund_granted_to_sme_and_refused_over_layoff_limit(engine):
    with unit_of_work() as session:
        sme = employer(session, name="小微企业")
        shrinking = employer(session, name="裁员企业")
        granted = service.decide_refund(
            session,
            REGION_WIDE,
            RefundIn(
                employer_id=sme.id,
                year=2023,
                contributions_yuan="30000",
                months_paid=12,
                insured_at_start=50,
                insured_at_end=49,
                average_insured=50,
            ),
            actor=ACTOR,
            today=TODAY,
        )
        refused = service.decide_refund(
            session,
            REGION_WIDE,
            RefundIn(
                employer_id=shrinking.id,
                year=2023,
                contributions_yuan="30000",
                months_paid=12,
                insured_at_start=200,
                insured_at_end=180,
                average_insured=190,
            ),
            actor=ACTOR,
            today=TODAY,
        )
        assert granted.eligible and granted.refund_fen == 1_800_000 and granted.size == "sme"
        assert not refused.eligible and refused.refund_fen == 0
        reason = next(r for r in refused.reasons if not r["passed"])
        assert reason["check"] == "layoff_ok" and "10%" in reason["text_zh"] and "5.5%" in reason["text_zh"]
        with pytest.raises(Conflict):
            service.decide_refund(
                session,
                REGION_WIDE,
                RefundIn(
                    employer_id=sme.id,
                    year=2023,
                    contributions_yuan="1",
                    months_paid=12,
                    insured_at_start=1,
                    insured_at_end=1,
                    average_insured=1,
                ),
                actor=ACTOR,
                today=TODAY,
            )
        stats = service.statistics(session, REGION_WIDE, year=2023, today=TODAY)
        assert stats["retention_refunds"] == {
            "decided": 2,
            "granted": 1,
            "refused": 1,
            "refund_fen": 1_800_000,
            "contributions_fen": 6_000_000,
        }


def test_public_welfare_placement_period_and_subsidy(engine):
    with unit_of_work() as session:
        h = register_household(
            session,
            person("head", birth=date(1966, 10, 15), employment_status="unemployed", tags=["dibao"]),
            person("spouse", birth=date(1990, 1, 1), sex="F", employment_status="unemployed"),
        )
        head, young = h.members
        post = service.create_post(
            session,
            REGION_WIDE,
            PublicWelfarePostIn(
                banner_code="150426",
                unit_name="乌丹镇",
                title="保洁员",
                positions=2,
                opens_on=date(2024, 1, 1),
            ),
            actor=ACTOR,
        )
        placement = service.place_public_welfare(
            session, REGION_WIDE, post.id, head.id, started_on=date(2024, 7, 16), actor=ACTOR
        )
        # 57 years old: within five years of 60, so placed until retirement (past the three years)
        assert head.sex == "M" and head.birth_date.year == 1966
        assert placement.until_retirement and placement.planned_end_on == head.birth_date.replace(year=2026)
        assert service.list_zero_employment(session, REGION_WIDE) == []  # the head now works
        with pytest.raises(DomainError) as refused:  # 34, no hardship tag: not a person in difficulty
            service.place_public_welfare(
                session, REGION_WIDE, post.id, young.id, started_on=date(2024, 7, 16), actor=ACTOR
            )
        assert any(f.rule == "difficulty_ok" for f in refused.value.fields)
        [subsidy] = service.public_welfare_subsidies(session, REGION_WIDE, month=date(2024, 7, 1))
        # 16 of 31 days: 1 980 × 16/31 = 1 021.935… → 1 021.94; 780 × 16/31 = 402.580… → 402.58
        assert subsidy["days_in_force"] == 16
        assert subsidy["post_subsidy_fen"] == 102_194 and subsidy["social_insurance_subsidy_fen"] == 40_258


def test_visits_need_a_subject_in_scope(engine):
    with unit_of_work() as session:
        h = register_household(session, person("head"))
        visit = service.record_visit(
            session,
            REGION_WIDE,
            VisitIn(household_id=h.id, visited_on=TODAY, purpose="零就业家庭走访"),
            actor=ACTOR,
        )
        assert visit.banner_code == "150426"
        with pytest.raises(NotFound):
            service.record_visit(
                session,
                RegionScope("150102"),
                VisitIn(household_id=h.id, visited_on=TODAY, purpose="x"),
                actor=ACTOR,
            )
