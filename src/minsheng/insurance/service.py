"""Insurance use cases, one transaction each: enrolment with its checks, the contribution history, the
residents' pension (starts of the month, arrears, awards), work-injury cases, coverage and the
uninsured (全民参保计划), and the elderly-care facilities with their coverage.

The pension is decided by the engine rule `rules.RESIDENT_PENSION` only; this module gathers its
inputs from the database (scoped) and writes what it decides.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pyarrow as pa
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.insurance import rules
from minsheng.insurance.models import (
    EMPLOYER_SCHEMES,
    PENSION_SCHEMES,
    SCHEME,
    Enrolment,
    Facility,
    PensionAward,
    WorkInjuryCase,
)
from minsheng.insurance.schemas import EnrolmentIn, FacilityIn, WorkInjuryIn
from minsheng.medical.models import Enrolment as MedicalEnrolment
from minsheng.money import yuan_to_fen
from minsheng.registry.models import Person
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store import audit

SEED_FIGURES = {
    "employee_pension": None,
    "pension": "insurance.seed.pension_insured",
    "work_injury": "insurance.seed.work_injury_insured",
    "unemployment": "insurance.seed.unemployment_insured",
    "medical": "insurance.seed.medical_insured",
}


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _person(session: Session, person_id: int, scope: RegionScope) -> Person:
    person = session.get(Person, person_id)
    if person is None or not scope.allows(person.residence_region):
        raise NotFound("人员", person_id)
    return person


def _refuse(field: str, rule: str, zh: str, en: str, status: int = 422) -> DomainError:
    return DomainError("invalid_enrolment", zh, en, status, [FieldError(field, rule, zh, en)])


# ---------------------------------------------------------------- enrolment


def enrol(
    session: Session, data: EnrolmentIn, *, actor: str, today: date, scope: RegionScope = REGION_WIDE
) -> Enrolment:
    """参保登记 — record one person's year in one scheme; bad input is refused whole, naming the field."""
    person = _person(session, data.person_id, scope)
    if not scope.allows(data.banner_code):
        raise _refuse(
            "banner_code",
            "scope",
            f"旗县 {data.banner_code} 不在您的管辖范围内",
            f"banner {data.banner_code} is outside your region",
            403,
        )
    problems: list[FieldError] = []

    def problem(field: str, rule: str, zh: str, en: str) -> None:
        problems.append(FieldError(field, rule, zh, en))

    if data.year < person.birth_date.year:
        problem(
            "year",
            "before_birth",
            f"缴费年度 {data.year} 早于出生年份 {person.birth_date.year}",
            f"contribution year {data.year} is before the person's birth in {person.birth_date.year}",
        )
    if data.year > today.year:
        problem("year", "future", f"缴费年度 {data.year} 尚未到来", f"year {data.year} is in the future")
    if person.death_date is not None and data.year > person.death_date.year:
        problem(
            "year",
            "after_death",
            f"缴费年度 {data.year} 晚于死亡日期 {person.death_date}",
            f"year {data.year} is after the person's death on {person.death_date}",
        )
    if data.scheme == "resident_pension" and data.status == "contributing":
        try:
            minimum_age = rules.parameter("insurance.resident_pension.minimum_age", date(data.year, 12, 31))
        except LookupError:
            minimum_age = None
            problem(
                "year",
                "before_scheme",
                f"{data.year} 年城乡居民养老保险制度尚未建立",
                f"the residents' pension did not exist in {data.year}",
            )
        if minimum_age is not None and 0 <= data.year - person.birth_date.year < minimum_age:
            problem(
                "year",
                "under_minimum_age",
                f"{data.year} 年未满 {minimum_age} 周岁,不能参加城乡居民养老保险",
                f"under {minimum_age} in {data.year}: too young for the residents' pension",
            )
    if data.scheme in EMPLOYER_SCHEMES and not data.employer_name:
        problem(
            "employer_name",
            "required",
            f"{SCHEME[data.scheme][0]}须由用人单位参保,请填写单位名称",
            f"{SCHEME[data.scheme][1]} is paid by an employer: give its name",
        )
    if data.scheme != "resident_pension" and data.months_paid > 0 and not data.contribution_base_yuan:
        problem(
            "contribution_base_yuan",
            "required",
            "职工险种须填写缴费基数",
            "an employees' scheme needs the contribution base",
        )
    if data.status == "receiving" and data.months_paid:
        problem(
            "months_paid",
            "receiving",
            "领取待遇期间不缴费,缴费月数应为0",
            "no contributions while drawing benefits: months paid must be 0",
        )
    same_year = session.scalars(
        select(Enrolment).where(Enrolment.person_id == person.id, Enrolment.year == data.year)
    ).all()
    twin = next((e for e in same_year if e.scheme == data.scheme), None)
    if twin is not None:
        raise Conflict(
            f"{person.name} 已于 {twin.banner_code} 参加 {data.year} 年度{SCHEME[data.scheme][0]},不能重复参保",
            f"person {person.id} is already in the {SCHEME[data.scheme][1]} for {data.year} "
            f"(banner {twin.banner_code}): no second enrolment in one year",
            [FieldError("scheme", "duplicate", "同一年度重复参保", "enrolled twice in one year")],
        )
    if data.scheme in PENSION_SCHEMES:
        other = [e for e in same_year if e.scheme in PENSION_SCHEMES]
        months = data.months_paid + sum(e.months_paid for e in other)
        if other and months > 12:
            problem(
                "months_paid",
                "pension_months_exceed_year",
                f"{data.year} 年职工与居民养老保险缴费月数合计 {months} 个月,超过12个月(重复参保)",
                f"{months} months in the employees' and residents' pensions in {data.year}: more than 12 "
                "(insured twice)",
            )
    if problems:
        raise DomainError(
            "invalid_enrolment",
            "参保信息有误,未作任何更改",
            "the enrolment is invalid; nothing was changed",
            422,
            problems,
        )
    enrolment = Enrolment(
        person_id=person.id,
        year=data.year,
        scheme=data.scheme,
        status=data.status,
        banner_code=data.banner_code,
        employer_name=data.employer_name,
        employer_credit_code=data.employer_credit_code,
        contribution_base_fen=data.contribution_base_fen,
        months_paid=data.months_paid,
        personal_fen=yuan_to_fen(data.personal_yuan),
        employer_fen=yuan_to_fen(data.employer_yuan),
        subsidy_fen=yuan_to_fen(data.subsidy_yuan),
        account_credit_fen=data.account_credit_fen,
        arrears=data.arrears,
        recorded_on=today,
    )
    session.add(enrolment)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="insurance.enrol",
        entity="insurance_enrolment",
        entity_id=enrolment.id,
        region_code=data.banner_code,
        subject=f"person:{person.id}",
        after={"year": data.year, "scheme": data.scheme, "months_paid": data.months_paid},
    )
    return enrolment


def history(session: Session, person_id: int, scope: RegionScope = REGION_WIDE) -> list[Enrolment]:
    """The contribution history: every enrolment row of the person, by year and scheme."""
    _person(session, person_id, scope)
    return list(
        session.scalars(
            select(Enrolment)
            .where(Enrolment.person_id == person_id)
            .order_by(Enrolment.year, Enrolment.scheme)
        )
    )


def contribution_years(session: Session, person_id: int, on: date, scheme: str = "unemployment") -> Decimal:
    """Years of contributions to `scheme` paid up to `on`: months ÷ 12, two decimals, rounded down.

    A year's months count in full for past years; in `on`'s own year at most the months begun by then.
    Rounding down never lifts anyone over a threshold (失业保险金: 1, 5, 10 years).
    """
    rows = session.execute(
        select(Enrolment.year, Enrolment.months_paid).where(
            Enrolment.person_id == person_id,
            Enrolment.scheme == scheme,
            Enrolment.status == "contributing",
            Enrolment.year <= on.year,
        )
    ).all()
    months = sum(m if year < on.year else min(m, on.month) for year, m in rows)
    return (Decimal(months) / 12).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


# ---------------------------------------------------------------- the residents' pension


def _persons_table(persons: list[Person]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "person_id": p.id,
                "banner_code": p.residence_region,
                "hukou": p.hukou,
                "birth_date": p.birth_date,
                "death_date": p.death_date,
            }
            for p in persons
        ],
        schema=rules.PERSONS,
    )


def _contributions_table(session: Session, person_ids: list[int]) -> pa.Table:
    rows: list[dict[str, Any]] = []
    for chunk in range(0, len(person_ids), 5000):  # bounded IN lists on both databases
        ids = person_ids[chunk : chunk + 5000]
        rows += [
            r._asdict()
            for r in session.execute(
                select(
                    Enrolment.person_id,
                    Enrolment.year,
                    Enrolment.scheme,
                    Enrolment.status,
                    Enrolment.months_paid,
                    Enrolment.account_credit_fen,
                ).where(Enrolment.person_id.in_(ids))
            )
        ]
    return pa.Table.from_pylist(rows, schema=rules.CONTRIBUTIONS)


def decide_pensions(session: Session, persons: list[Person], month: date) -> list[dict[str, Any]]:
    """The rule's row for each person as of the first of `month`, with its reasons."""
    if not persons:
        return []
    as_of = month_start(month)
    table = rules.run(
        rules.RESIDENT_PENSION,
        {
            "persons": _persons_table(persons),
            "contributions": _contributions_table(session, [p.id for p in persons]),
        },
        as_of,
    )
    out = table.to_pylist()
    for row in out:
        row["reasons"] = rules.explain(rules.RESIDENT_PENSION, row, as_of)
    return out


def pension(
    session: Session, person_id: int, month: date, scope: RegionScope = REGION_WIDE
) -> dict[str, Any]:
    """One person's residents' pension determination for `month`, with reasons."""
    person = _person(session, person_id, scope)
    return decide_pensions(session, [person], month)[0]


@dataclass
class StartsList:
    month: date
    starting: list[dict[str, Any]]  # eligible, first paid month is `month`
    short: list[dict[str, Any]]  # reach the age that month but are short of years: arrears offered


def pension_starts(session: Session, month: date, scope: RegionScope = REGION_WIDE) -> StartsList:
    """待遇领取名单 — who starts the residents' pension in `month`, with the amount's parts.

    Candidates are the scheme's members born in the months whose pension would start around
    `month` (a window, since a league may set its own age or offset); the rule decides exactly.
    """
    month = month_start(month)
    age = rules.parameter("insurance.resident_pension.pension_age", month)
    offset = rules.parameter("insurance.resident_pension.start_month_offset", month)
    born_from = add_months(month, -(age * 12 + offset) - 2)
    born_to = add_months(month, -(age * 12 + offset) + 3)
    by_age = and_(Person.birth_date >= born_from, Person.birth_date < born_to)
    # in the month the scheme started, those already of pension age start too (国发〔2009〕32号)
    for hukou in ("rural", "urban"):
        launch = rules.parameter("insurance.resident_pension.launch_date", month, hukou=hukou)
        if month_start(launch) == month:
            at_launch = and_(Person.hukou == hukou, Person.birth_date <= years_before(launch, age))
            by_age = or_(by_age, at_launch)
    members = select(Enrolment.person_id).where(Enrolment.scheme == "resident_pension")
    persons = list(
        session.scalars(
            select(Person)
            .where(
                by_age,
                Person.id.in_(members),
                scope.where(Person.residence_region),
            )
            .order_by(Person.residence_region, Person.id)
        )
    )
    rows = decide_pensions(session, persons, month)
    names = {p.id: p for p in persons}
    starting, short = [], []
    for row in rows:
        if row["start_month"] != month or not row["alive"] or not row["no_employee_pension"]:
            continue
        person = names[row["person_id"]]
        row |= {"name": person.name, "id_number_masked": person.id_number_masked}
        if row["starts_this_month"]:
            starting.append(row)
        elif not row["enough_years"]:
            short.append(row)
    return StartsList(month=month, starting=starting, short=short)


def _award(session: Session, row: dict[str, Any], start: date, *, actor: str, today: date) -> PensionAward:
    award = PensionAward(
        person_id=row["person_id"],
        scheme="resident_pension",
        banner_code=row["banner_code"],
        start_month=start,
        basic_national_fen=row["basic_national_fen"],
        basic_topup_fen=row["basic_topup_fen"],
        account_balance_fen=row["account_balance_fen"],
        account_pension_fen=row["account_pension_fen"],
        monthly_fen=row["monthly_pension_fen"],
        contribution_years=row["contribution_years"],
        awarded_on=today,
        reasons=row["reasons"],
    )
    session.add(award)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="insurance.pension_award",
        entity="insurance_pension_award",
        entity_id=award.id,
        region_code=row["banner_code"],
        subject=f"person:{row['person_id']}",
        after={"start_month": start, "monthly_fen": award.monthly_fen},
    )
    return award


def award_starts(
    session: Session, month: date, *, actor: str, today: date, scope: RegionScope = REGION_WIDE
) -> list[PensionAward]:
    """Put the month's starters into payment; a person already awarded is left as is (rerun-safe)."""
    starts = pension_starts(session, month, scope)
    done = set(
        session.scalars(
            select(PensionAward.person_id).where(
                PensionAward.person_id.in_([r["person_id"] for r in starts.starting] or [0])
            )
        )
    )
    return [
        _award(session, row, starts.month, actor=actor, today=today)
        for row in starts.starting
        if row["person_id"] not in done
    ]


def pay_arrears(
    session: Session, person_id: int, paid_on: date, *, actor: str, scope: RegionScope = REGION_WIDE
) -> PensionAward:
    """补缴 — the offered arrears are paid: one arrears year per missing year (the latest years before
    the pension age without a resident year), then the pension starts the month after payment."""
    person = _person(session, person_id, scope)
    row = decide_pensions(session, [person], paid_on)[0]
    if session.scalar(select(PensionAward.id).where(PensionAward.person_id == person.id)) is not None:
        raise Conflict("已在领取城乡居民养老金", "already drawing the residents' pension")
    if not row["reached_age"] or row["arrears_years"] <= 0:
        raise _refuse(
            "person_id",
            "no_arrears",
            "此人无需补缴(未到领取年龄或缴费年限已够)",
            "no arrears to pay: not yet of pension age, or enough years already",
            409,
        )
    taken = set(
        session.scalars(
            select(Enrolment.year).where(
                Enrolment.person_id == person.id, Enrolment.scheme.in_(PENSION_SCHEMES)
            )
        )
    )
    minimum_age = rules.parameter("insurance.resident_pension.minimum_age", paid_on)
    last_year = person.birth_date.year + row["pension_age"] - 1
    years = [y for y in range(last_year, person.birth_date.year + minimum_age - 1, -1) if y not in taken]
    years = years[: row["arrears_years"]]
    if len(years) < row["arrears_years"]:
        raise _refuse(
            "person_id", "no_free_years", "可补缴年度不足", "not enough years left to pay arrears into"
        )
    for year in years:
        session.add(
            Enrolment(
                person_id=person.id,
                year=year,
                scheme="resident_pension",
                status="contributing",
                banner_code=person.residence_region,
                months_paid=12,
                personal_fen=row["arrears_per_year_fen"],
                account_credit_fen=row["arrears_per_year_fen"],
                arrears=True,
                recorded_on=paid_on,
            )
        )
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="insurance.arrears",
        entity="person",
        entity_id=person.id,
        region_code=person.residence_region,
        subject=f"person:{person.id}",
        after={"years": years, "amount_fen": row["arrears_fen"]},
    )
    start = max(row["start_month"], add_months(paid_on, 1))
    decided = decide_pensions(session, [person], start)[0]
    if not decided["eligible"]:
        raise _refuse(
            "person_id", "not_eligible", "补缴后仍不符合领取条件", "still not eligible after the arrears"
        )
    return _award(session, decided, start, actor=actor, today=paid_on)


# ---------------------------------------------------------------- work injury


def record_work_injury(
    session: Session, data: WorkInjuryIn, *, actor: str, scope: RegionScope = REGION_WIDE
) -> WorkInjuryCase:
    """工伤待遇 — a recognised injury with its benefit type; whether the year was insured is recorded."""
    person = _person(session, data.person_id, scope)
    problems = []
    if data.recognised_on < data.injury_date:
        problems.append(
            FieldError(
                "recognised_on", "before_injury", "认定日期早于受伤日期", "recognised before the injury"
            )
        )
    if data.injury_date < person.birth_date:
        problems.append(
            FieldError(
                "injury_date", "before_birth", "受伤日期早于出生日期", "injury before the person's birth"
            )
        )
    if data.benefit_type in ("disability_lump_sum", "disability_allowance") and data.disability_grade is None:
        problems.append(
            FieldError(
                "disability_grade",
                "required",
                "伤残待遇须填写伤残等级",
                "a disability benefit needs the grade",
            )
        )
    if problems:
        raise DomainError(
            "invalid_work_injury", "工伤信息有误", "the work-injury case is invalid", 422, problems
        )
    insured = (
        session.scalar(
            select(Enrolment.id).where(
                Enrolment.person_id == person.id,
                Enrolment.scheme == "work_injury",
                Enrolment.year == data.injury_date.year,
            )
        )
        is not None
    )
    case_ = WorkInjuryCase(
        person_id=person.id,
        banner_code=data.banner_code,
        employer_name=data.employer_name,
        employer_credit_code=data.employer_credit_code,
        injury_date=data.injury_date,
        recognised_on=data.recognised_on,
        benefit_type=data.benefit_type,
        disability_grade=data.disability_grade,
        amount_fen=None if data.amount_yuan is None else yuan_to_fen(data.amount_yuan),
        insured=insured,
        note=data.note,
    )
    session.add(case_)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="insurance.work_injury",
        entity="insurance_work_injury_case",
        entity_id=case_.id,
        region_code=data.banner_code,
        subject=f"person:{person.id}",
        after={"benefit_type": data.benefit_type, "insured": insured},
    )
    return case_


# ---------------------------------------------------------------- coverage and the uninsured


def _eligible_filter(as_of: date):
    """法定参保人员: alive, 16 or over on `as_of`, not a full-time student."""
    minimum_age = rules.parameter("insurance.resident_pension.minimum_age", as_of)
    return and_(
        Person.birth_date <= years_before(as_of, minimum_age),
        or_(Person.death_date.is_(None), Person.death_date > as_of),
        or_(Person.employment_status.is_(None), Person.employment_status != "student"),
    )


def _covered(year: int, schemes: tuple[str, ...]):
    enrolled = exists().where(
        Enrolment.person_id == Person.id, Enrolment.year == year, Enrolment.scheme.in_(schemes)
    )
    if "resident_pension" not in schemes:
        return enrolled
    drawing = exists().where(
        PensionAward.person_id == Person.id, PensionAward.start_month <= date(year, 12, 31)
    )
    return or_(enrolled, drawing)


def _target(code: str, as_of: date) -> Decimal:
    return rules.parameter("insurance.coverage.pension_target", as_of, region=code)


def coverage(session: Session, year: int, as_of: date, scope: RegionScope = REGION_WIDE) -> dict[str, Any]:
    """参保率 — by banner, league and region: pension participation against the target, and the counts
    of the work-injury and unemployment insured beside the employed; the seeds' 2023 figures beside."""
    one = lambda condition: func.sum(case((condition, 1), else_=0))  # noqa: E731
    eligible = _eligible_filter(as_of)
    # basic medical enrolment is the medical module's; counted here beside the seeds' 21.6 M
    medical = exists().where(MedicalEnrolment.person_id == Person.id, MedicalEnrolment.year == year)
    rows = session.execute(
        select(
            Person.residence_region,
            func.count(Person.id),
            one(eligible),
            one(and_(eligible, _covered(year, PENSION_SCHEMES))),
            one(and_(eligible, _covered(year, ("employee_pension",)))),
            one(and_(eligible, _covered(year, ("resident_pension",)))),
            one(_covered(year, ("work_injury",))),
            one(_covered(year, ("unemployment",))),
            one(and_(eligible, Person.employment_status == "employed")),
            one(medical),
        )
        .where(scope.where(Person.residence_region))
        .group_by(Person.residence_region)
    ).all()
    keys = (
        "persons",
        "eligible",
        "pension",
        "employee_pension",
        "resident_pension",
        "work_injury",
        "unemployment",
        "employed",
        "medical",
    )
    banners: dict[str, dict[str, int]] = {}
    for code, *counts in rows:
        if regions.exists(code) and regions.get(code).level == "banner":
            banners[code] = {k: int(v or 0) for k, v in zip(keys, counts, strict=True)}

    def finish(code: str, counts: dict[str, int]) -> dict[str, Any]:
        target = _target(code, as_of)
        rate = Decimal(counts["pension"]) / counts["eligible"] if counts["eligible"] else None
        needed = (
            max(0, math.ceil(target * counts["eligible"] - counts["pension"])) if counts["eligible"] else 0
        )
        return {
            "code": code,
            "name_zh": regions.get(code).name_zh,
            "name_en": regions.get(code).label("en"),
            **counts,
            "pension_rate": rate,
            "target": target,
            "gap": None if rate is None else max(Decimal(0), target - rate),
            "meets_target": rate is not None and rate >= target,
            "persons_to_enrol": needed,
            "work_injury_rate": Decimal(counts["work_injury"]) / counts["employed"]
            if counts["employed"]
            else None,
            "unemployment_rate": Decimal(counts["unemployment"]) / counts["employed"]
            if counts["employed"]
            else None,
        }

    league_totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    region_total = dict.fromkeys(keys, 0)
    for code, counts in banners.items():
        league = regions.league_of(code).code
        for k in keys:
            league_totals[league][k] += counts[k]
            region_total[k] += counts[k]
    real_population = sum(league.population_2020 or 0 for league in regions.leagues())
    seeds = []
    for scheme, name in SEED_FIGURES.items():
        if name is None:
            continue
        try:
            seed = rules.parameter(name, date(2023, 6, 30))
        except LookupError:
            continue
        synthetic = region_total.get(scheme)
        seeds.append(
            {
                "scheme": scheme,
                "seed_2023": seed,
                "seed_share_of_population": Decimal(seed) / real_population,
                "synthetic": synthetic,
                "synthetic_share_of_population": (
                    Decimal(synthetic) / region_total["persons"]
                    if synthetic is not None and region_total["persons"]
                    else None
                ),
            }
        )
    return {
        "year": year,
        "as_of": as_of,
        "scope": scope.code,
        "region": finish(scope.code, region_total) if region_total["eligible"] else None,
        "leagues": [finish(code, league_totals[code]) for code in sorted(league_totals)],
        "banners": [finish(code, banners[code]) for code in sorted(banners)],
        "seeds": seeds,
    }


def uninsured(
    session: Session,
    year: int,
    as_of: date,
    scope: RegionScope = REGION_WIDE,
    *,
    banner: str | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> dict[str, Any]:
    """全民参保计划 — working-age persons (16–59) in no pension scheme in `year`, by banner; the list is
    paged by person id (keyset, never OFFSET)."""
    scope = scope.narrowed_to(banner)
    oldest = rules.parameter("insurance.coverage.working_age_max", as_of)
    condition = and_(
        _eligible_filter(as_of),
        Person.birth_date > years_before(as_of, oldest + 1),
        ~_covered(year, PENSION_SCHEMES),
        scope.where(Person.residence_region),
    )
    by_banner = dict(
        session.execute(
            select(Person.residence_region, func.count(Person.id))
            .where(condition)
            .group_by(Person.residence_region)
            .order_by(Person.residence_region)
        ).all()
    )
    persons = session.scalars(
        select(Person).where(condition, Person.id > after_id).order_by(Person.id).limit(limit)
    ).all()
    return {
        "year": year,
        "total": sum(by_banner.values()),
        "by_banner": [
            {"code": code, "name_zh": regions.get(code).name_zh, "count": count}
            for code, count in by_banner.items()
            if regions.exists(code)
        ],
        "persons": [
            {
                "person_id": p.id,
                "name": p.name,
                "id_number_masked": p.id_number_masked,
                "sex": p.sex,
                "age": as_of.year
                - p.birth_date.year
                - ((as_of.month, as_of.day) < (p.birth_date.month, p.birth_date.day)),
                "banner_code": p.residence_region,
                "hukou": p.hukou,
                "employment_status": p.employment_status,
            }
            for p in persons
        ],
        "next_after_id": persons[-1].id if len(persons) == limit else None,
    }


# ---------------------------------------------------------------- elderly-care facilities


def register_facility(
    session: Session, data: FacilityIn, *, actor: str, scope: RegionScope = REGION_WIDE
) -> Facility:
    """养老服务设施登记."""
    if not scope.allows(data.banner_code):
        raise NotFound("旗县", data.banner_code)
    problems = []
    if data.kind != "township_centre" and not data.village:
        problems.append(
            FieldError("village", "required", "村级设施须填写嘎查村", "a village facility needs its village")
        )
    if data.upgraded_year is not None and data.upgraded_year < data.built_year:
        problems.append(
            FieldError(
                "upgraded_year", "before_built", "提升年份早于建成年份", "upgraded before it was built"
            )
        )
    if problems:
        raise DomainError("invalid_facility", "设施信息有误", "the facility is invalid", 422, problems)
    if session.scalar(select(Facility.id).where(Facility.code == data.code)) is not None:
        raise Conflict(
            f"设施编码 {data.code} 已存在",
            f"facility code {data.code} exists",
            [FieldError("code", "duplicate", "编码重复", "duplicate code")],
        )
    facility = Facility(**data.model_dump())
    session.add(facility)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="eldercare.facility",
        entity="eldercare_facility",
        entity_id=facility.id,
        region_code=data.banner_code,
        after={"code": data.code, "kind": data.kind},
    )
    return facility


def facilities(
    session: Session,
    scope: RegionScope = REGION_WIDE,
    *,
    kind: str | None = None,
    limit: int = 200,
    after_id: int = 0,
) -> list[Facility]:
    query = select(Facility).where(scope.where(Facility.banner_code), Facility.id > after_id)
    if kind:
        query = query.where(Facility.kind == kind)
    return list(session.scalars(query.order_by(Facility.id).limit(limit)))


def facility_coverage(session: Session, as_of: date, scope: RegionScope = REGION_WIDE) -> dict[str, Any]:
    """乡镇级和村级养老服务设施覆盖率 by league, and the year's builds against the seed's 2023 figures."""
    rows = session.execute(
        select(
            Facility.banner_code,
            Facility.kind,
            Facility.township,
            Facility.village,
            Facility.capacity,
            Facility.built_year,
            Facility.upgraded_year,
        ).where(scope.where(Facility.banner_code), Facility.active.is_(True))
    ).all()
    per_league: dict[str, dict[str, Any]] = {}
    for banner, kind, township, village, capacity, _built, _upgraded in rows:
        league = regions.league_of(banner).code
        entry = per_league.setdefault(
            league,
            {"townships": set(), "villages": set(), "capacity": 0, "counts": defaultdict(int)},
        )
        entry["counts"][kind] += 1
        entry["capacity"] += capacity
        if kind == "township_centre":
            entry["townships"].add((banner, township))
        else:
            entry["villages"].add((banner, township, village))
    leagues_out = []
    for league in regions.leagues():
        if not scope.allows(league.code) and not regions.is_within(scope.code, league.code):
            continue
        entry = per_league.get(
            league.code, {"townships": set(), "villages": set(), "capacity": 0, "counts": {}}
        )
        towns = rules.parameter("eldercare.township_count", as_of, region=league.code)
        villages = rules.parameter("eldercare.village_count", as_of, region=league.code)
        leagues_out.append(
            {
                "code": league.code,
                "name_zh": league.name_zh,
                "name_en": league.label("en"),
                "township_centres": entry["counts"].get("township_centre", 0),
                "village_stations": entry["counts"].get("village_station", 0),
                "mutual_aid_homes": entry["counts"].get("mutual_aid_home", 0),
                "capacity": entry["capacity"],
                "townships": towns,
                "villages": villages,
                "township_coverage": Decimal(len(entry["townships"])) / towns if towns else None,
                "village_coverage": Decimal(len(entry["villages"])) / villages if villages else None,
            }
        )
    built: dict[tuple[str, int], int] = defaultdict(int)
    for _banner, kind, _t, _v, _c, built_year, upgraded in rows:
        built[(kind, built_year)] += 1
        if kind == "mutual_aid_home" and upgraded:
            built[("mutual_aid_home_upgraded", upgraded)] += 1
    seed_year = date(2023, 6, 30)
    built_2023 = [
        {
            "kind": kind,
            "seed_2023": rules.parameter("eldercare.built", seed_year, facility_kind=kind),
            "synthetic_2023": built[("mutual_aid_home_upgraded", 2023)]
            if kind == "mutual_aid_home"
            else built[(kind, 2023)],
        }
        for kind in ("township_centre", "village_station", "mutual_aid_home")
    ]
    return {"as_of": as_of, "leagues": leagues_out, "built_2023": built_2023}


# ---------------------------------------------------------------- one person's file


def person_record(
    session: Session, person_id: int, today: date, scope: RegionScope = REGION_WIDE
) -> dict[str, Any]:
    """个人参保档案 — enrolment by year, the residents' pension as of this month, awards, injuries."""
    person = _person(session, person_id, scope)
    rows = history(session, person_id, scope)
    award = session.scalar(select(PensionAward).where(PensionAward.person_id == person.id))
    cases = session.scalars(
        select(WorkInjuryCase)
        .where(WorkInjuryCase.person_id == person.id)
        .order_by(WorkInjuryCase.injury_date)
    ).all()
    return {
        "person": {
            "person_id": person.id,
            "name": person.name,
            "id_number_masked": person.id_number_masked,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "hukou": person.hukou,
            "banner_code": person.residence_region,
            "employment_status": person.employment_status,
        },
        "enrolments": rows,
        "years": {scheme: contribution_years(session, person.id, today, scheme) for scheme in SCHEME},
        "pension": decide_pensions(session, [person], today)[0],
        "award": award,
        "work_injury_cases": list(cases),
    }
