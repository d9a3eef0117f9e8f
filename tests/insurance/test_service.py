"""Insurance service on SQLite and PostgreSQL: the acceptance stories, refused input, coverage and the
uninsured, contribution years for the unemployment benefit, work injury and elderly-care facilities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from minsheng.api.errors import DomainError
from minsheng.insurance import service
from minsheng.insurance.models import Enrolment, PensionAward
from minsheng.insurance.schemas import EnrolmentIn, FacilityIn, WorkInjuryIn
from minsheng.medical.models import Enrolment as MedicalEnrolment
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

from .conftest import ACTOR, BAYANNUR, TODAY, register, resident_years

SEPTEMBER_60 = date(1963, 9, 12)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_resident_who_turns_60_in_september_starts_in_october_with_the_parts(engine):
    with unit_of_work(engine) as session:
        farmer = register(session, SEPTEMBER_60)
        resident_years(session, farmer, range(2009, 2024))
    with unit_of_work(engine) as session:
        assert service.pension_starts(session, date(2023, 9, 1)).starting == []
        starts = service.pension_starts(session, date(2023, 10, 1))
        [row] = starts.starting
        assert row["person_id"] == farmer and row["name"] == "魏延年"
        assert row["start_month"] == date(2023, 10, 1)
        assert (row["basic_national_fen"], row["basic_topup_fen"], row["account_pension_fen"]) == (
            10_300,
            0,
            3_561,
        )
        assert row["monthly_pension_fen"] == 13_861
        assert all(r["passed"] for r in row["reasons"])
        [award] = service.award_starts(session, date(2023, 10, 1), actor=ACTOR, today=date(2023, 10, 1))
        assert award.monthly_fen == 13_861 and award.start_month == date(2023, 10, 1)
    with unit_of_work(engine) as session:
        # a rerun of the month awards nobody twice
        assert service.award_starts(session, date(2023, 10, 1), actor=ACTOR, today=date(2023, 10, 2)) == []
        assert _count(session, PensionAward) == 1
        record = service.person_record(session, farmer, date(2023, 11, 15))
        assert record["pension"]["eligible"] and record["award"].monthly_fen == 13_861
        assert len(record["enrolments"]) == 15


def test_twelve_years_are_offered_arrears_and_the_pension_starts_after_payment(engine):
    with unit_of_work(engine) as session:
        short = register(session, date(1963, 9, 3), name="李桂兰", sex="F")
        resident_years(session, short, range(2012, 2024))
    with unit_of_work(engine) as session:
        starts = service.pension_starts(session, date(2023, 10, 1))
        assert starts.starting == []
        [row] = starts.short
        assert row["person_id"] == short and row["contribution_years"] == 12
        assert row["arrears_years"] == 3 and row["arrears_fen"] == 60_000
    with unit_of_work(engine) as session:
        award = service.pay_arrears(session, short, date(2023, 11, 20), actor=ACTOR)
        assert award.start_month == date(2023, 12, 1) and award.contribution_years == 15
        # three arrears years of 200 yuan added: 12 × 330 + 3 × 200 = 4 560 yuan → ÷ 139
        assert award.account_balance_fen == 456_000 and award.account_pension_fen == 3_281
        arrears = session.scalars(select(Enrolment.year).where(Enrolment.arrears.is_(True))).all()
        assert sorted(arrears) == [2009, 2010, 2011]
    with unit_of_work(engine) as session, pytest.raises(DomainError):
        service.pay_arrears(session, short, date(2023, 12, 1), actor=ACTOR)


def _enrol(session, **fields):
    values = {
        "person_id": fields.pop("person_id"),
        "year": 2023,
        "scheme": "resident_pension",
        "banner_code": BAYANNUR,
    }
    values.update(fields)
    return service.enrol(session, EnrolmentIn(**values), actor=ACTOR, today=TODAY)


def test_bad_enrolment_is_refused_naming_the_field_and_changes_nothing(engine):
    with unit_of_work(engine) as session:
        person = register(session, date(1990, 5, 1), employment_status="employed")
        young = register(session, date(2010, 5, 1), employment_status="student")
        _enrol(session, person_id=person, personal_yuan="300")
    cases = [
        ({"banner_code": "150802"}, "scheme", "duplicate"),  # a second resident scheme in one year
        ({"year": 1985}, "year", "before_birth"),
        ({"year": 2004}, "year", "before_scheme"),
        ({"person_id": young}, "year", "under_minimum_age"),
        ({"year": 2030}, "year", "future"),
        (
            {
                "scheme": "employee_pension",
                "months_paid": 6,
                "contribution_base_yuan": "4000",
                "employer_name": "某厂",
            },
            "months_paid",
            "pension_months_exceed_year",
        ),
        (
            {"scheme": "work_injury", "year": 2022, "contribution_base_yuan": "4000"},
            "employer_name",
            "required",
        ),
        (
            {"scheme": "unemployment", "year": 2022, "employer_name": "某厂"},
            "contribution_base_yuan",
            "required",
        ),
    ]
    for fields, field, rule in cases:
        with unit_of_work(engine) as session:
            with pytest.raises(DomainError) as refused:
                _enrol(session, **{"person_id": person, **fields})
            assert (field, rule) in [(f.field, f.rule) for f in refused.value.fields], fields
            assert refused.value.fields[0].message_zh and refused.value.fields[0].message_en
    with pytest.raises(ValidationError) as too_many:
        EnrolmentIn(person_id=person, year=2023, scheme="unemployment", banner_code=BAYANNUR, months_paid=13)
    assert too_many.value.errors()[0]["loc"] == ("months_paid",)
    with unit_of_work(engine) as session:
        assert _count(session, Enrolment) == 1


def test_contribution_years_for_the_unemployment_benefit(engine):
    with unit_of_work(engine) as session:
        worker = register(session, date(1985, 2, 1), employment_status="employed")
        for year, months in ((2020, 12), (2021, 12), (2022, 7), (2023, 12)):
            _enrol(
                session,
                person_id=worker,
                year=year,
                scheme="unemployment",
                months_paid=months,
                employer_name="包头某厂",
                contribution_base_yuan="5000",
            )
    with unit_of_work(engine) as session:
        assert service.contribution_years(session, worker, date(2024, 1, 1)) == Decimal("3.58")  # 43 months
        assert service.contribution_years(session, worker, date(2023, 3, 31)) == Decimal(
            "2.83"
        )  # 31 + 3 months
        assert service.contribution_years(session, worker, date(2019, 12, 31)) == Decimal("0.00")


def test_coverage_by_league_with_the_gap_to_95_and_the_uninsured(engine):
    as_of = date(2023, 12, 31)
    with unit_of_work(engine) as session:
        covered = [register(session, date(1970 + k, 3, 1)) for k in range(8)]
        for person in covered:
            resident_years(session, person, [2023])
        uninsured = [
            register(session, date(1980, 1, 1), name="赵六"),
            register(session, date(1995, 1, 1), banner="150102", hukou="urban", employment_status="employed"),
        ]
        register(session, date(2010, 1, 1), employment_status="student")  # under 16: not counted
        register(session, date(2005, 1, 1), employment_status="student")  # a student: not counted
        for person in covered[:2]:  # the medical module's enrolment, counted beside the seeds' figure
            session.add(
                MedicalEnrolment(
                    person_id=person,
                    year=2023,
                    insurance_type="resident",
                    person_type="resident",
                    pool_region="150800",
                    enrolled_on=date(2023, 1, 1),
                )
            )
        pensioner = register(session, date(1945, 1, 1))  # 60 at launch: drawing since, covered by the award
        _enrol(session, person_id=pensioner, year=2009, status="receiving", months_paid=0)
    with unit_of_work(engine) as session:
        [award] = service.award_starts(session, date(2009, 10, 1), actor=ACTOR, today=date(2009, 10, 1))
        assert award.person_id == pensioner and award.monthly_fen == 5_500 and award.contribution_years == 0
    with unit_of_work(engine) as session:
        report = service.coverage(session, 2023, as_of)
        leagues = {row["code"]: row for row in report["leagues"]}
        bayannur, hohhot = leagues["150800"], leagues["150100"]
        assert (bayannur["eligible"], bayannur["pension"]) == (10, 9)
        assert bayannur["pension_rate"] == Decimal("0.9") and bayannur["target"] == Decimal("0.95")
        assert bayannur["gap"] == Decimal("0.05") and not bayannur["meets_target"]
        assert bayannur["persons_to_enrol"] == 1  # 0.95 × 10 − 9 = 0.5 → one more person
        assert (hohhot["eligible"], hohhot["pension"], hohhot["pension_rate"]) == (1, 0, Decimal(0))
        assert report["region"]["eligible"] == 11
        seeds = {s["scheme"]: s for s in report["seeds"]}
        assert set(seeds) == {"pension", "work_injury", "unemployment", "medical"}
        assert seeds["medical"]["synthetic"] == report["region"]["medical"] == 2
        assert seeds["pension"]["seed_2023"] == 17_419_000 and seeds["pension"]["synthetic"] == 9
        listing = service.uninsured(session, 2023, as_of)
        assert {p["person_id"] for p in listing["persons"]} == set(uninsured)
        assert {row["code"]: row["count"] for row in listing["by_banner"]} == {"150102": 1, BAYANNUR: 1}
        assert "*" in listing["persons"][0]["id_number_masked"]
        # a banner officer sees only their banner, in the list and in the counts
        scoped = service.uninsured(session, 2023, as_of, RegionScope("150102"))
        assert [p["person_id"] for p in scoped["persons"]] == [uninsured[1]] and scoped["total"] == 1
        scoped_cover = service.coverage(session, 2023, as_of, RegionScope("150102"))
        assert [row["code"] for row in scoped_cover["banners"]] == ["150102"]


def test_work_injury_cases_record_the_benefit_type_and_whether_insured(engine):
    with unit_of_work(engine) as session:
        worker = register(session, date(1985, 2, 1), employment_status="employed")
        _enrol(
            session,
            person_id=worker,
            scheme="work_injury",
            employer_name="乌海某矿",
            contribution_base_yuan="6000",
        )
        case_ = service.record_work_injury(
            session,
            WorkInjuryIn(
                person_id=worker,
                banner_code=BAYANNUR,
                employer_name="乌海某矿",
                injury_date=date(2023, 4, 2),
                recognised_on=date(2023, 5, 10),
                benefit_type="disability_lump_sum",
                disability_grade=8,
                amount_yuan="52000",
            ),
            actor=ACTOR,
        )
        assert case_.insured and case_.amount_fen == 5_200_000
    with unit_of_work(engine) as session, pytest.raises(DomainError) as refused:
        service.record_work_injury(
            session,
            WorkInjuryIn(
                person_id=worker,
                banner_code=BAYANNUR,
                employer_name="乌海某矿",
                injury_date=date(2023, 4, 2),
                recognised_on=date(2023, 3, 1),
                benefit_type="disability_allowance",
            ),
            actor=ACTOR,
        )
    assert {f.field for f in refused.value.fields} == {"recognised_on", "disability_grade"}


def test_facilities_and_their_coverage_by_league(engine):
    with unit_of_work(engine) as session:
        service.register_facility(
            session,
            FacilityIn(
                code="F-1",
                name="五原县隆兴昌镇区域养老服务中心",
                kind="township_centre",
                banner_code=BAYANNUR,
                township="隆兴昌镇",
                capacity=60,
                services=["residential", "日间照料"],
                built_year=2023,
            ),
            actor=ACTOR,
        )
        service.register_facility(
            session,
            FacilityIn(
                code="F-2",
                name="新红村养老服务站",
                kind="village_station",
                banner_code=BAYANNUR,
                township="隆兴昌镇",
                village="新红村",
                capacity=10,
                built_year=2023,
            ),
            actor=ACTOR,
        )
        with pytest.raises(DomainError) as refused:
            service.register_facility(
                session,
                FacilityIn(
                    code="F-3",
                    name="x",
                    kind="mutual_aid_home",
                    banner_code=BAYANNUR,
                    township="t",
                    capacity=5,
                    built_year=2020,
                ),
                actor=ACTOR,
            )
        assert refused.value.fields[0].field == "village"
    with unit_of_work(engine) as session:
        report = service.facility_coverage(session, date(2023, 12, 31))
        bayannur = next(row for row in report["leagues"] if row["code"] == "150800")
        assert bayannur["township_centres"] == 1 and bayannur["capacity"] == 70
        assert bayannur["township_coverage"] == Decimal(1) / 53
        assert bayannur["village_coverage"] == Decimal(1) / 748
        built = {row["kind"]: row for row in report["built_2023"]}
        assert (
            built["township_centre"]["seed_2023"] == 350 and built["township_centre"]["synthetic_2023"] == 1
        )
        facility = service.facilities(session)[0]
        assert facility.services == ["residential", "day_care"]
