"""Synthetic employment data for the demo and the benchmark: employers, vacancies and seekers that are
plausible by league and sector (energy and mining in Ordos, Baotou and Wuhai; farming and herding in
the eastern leagues; services in Hohhot), and work-relief projects scaled to the seeds' 2023 figures.

Arrays are drawn with numpy, vectorised; `seekers_table` / `vacancies_table` give the matching rule's
input shape directly (the benchmark), `generate` writes rows linked to the registry (the demo).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
from sqlalchemy import Engine, func, insert, select

from minsheng import credit_code, regions
from minsheng.employment import vocabulary as vocab
from minsheng.employment.models import (
    EmployingUnit,
    JobSeeker,
    UnemploymentRegistration,
    Vacancy,
    WorkReliefPayroll,
    WorkReliefProject,
    WorkReliefWorker,
)
from minsheng.registry.models import Household, Person, PersonTag
from minsheng.store.db import unit_of_work

OCCUPATIONS = list(vocab.OCCUPATION)
SECTOR_OF = np.array([vocab.OCCUPATION[o][2] for o in OCCUPATIONS])
# A league's tilt towards sectors (multipliers on a flat base): what its economy is known for.
LEAGUE_TILT = {
    "150100": {"it": 3, "education": 2, "public": 2, "retail": 2, "dairy": 1, "manufacturing": 2},  # Hohhot
    "150200": {"manufacturing": 4, "energy": 2, "logistics": 2},  # Baotou
    "150300": {"mining": 4, "energy": 3, "chemical": 2},  # Wuhai
    "150400": {"agriculture": 3, "mining": 2, "construction": 2},  # Chifeng
    "150500": {"agriculture": 4, "logistics": 2},  # Tongliao
    "150600": {"energy": 4, "mining": 4, "construction": 2},  # Ordos
    "150700": {"agriculture": 3, "tourism": 3},  # Hulunbuir
    "150800": {"agriculture": 4, "manufacturing": 2},  # Bayannur
    "150900": {"agriculture": 3, "logistics": 2, "care": 2},  # Ulanqab
    "152200": {"agriculture": 4},  # Hinggan
    "152500": {"agriculture": 3, "mining": 2, "tourism": 2},  # Xilingol
    "152900": {"mining": 2, "tourism": 3, "energy": 2},  # Alxa
}
# Typical monthly pay of each occupation, yuan (a plausible spread, not a statistic).
BASE_PAY_YUAN = {
    "farm_hand": 3200,
    "dairy_worker": 4200,
    "food_processing": 3800,
    "machine_operator": 5000,
    "welder": 6000,
    "electrician": 5800,
    "miner": 8000,
    "chemical_operator": 6500,
    "construction_worker": 5500,
    "driver": 5200,
    "warehouse": 4200,
    "sales": 3800,
    "cook": 4800,
    "waiter": 3200,
    "cleaner": 2600,
    "security_guard": 3000,
    "care_worker": 3800,
    "nurse": 5200,
    "teacher": 5800,
    "accountant": 5000,
    "clerk": 4000,
    "it_technician": 7000,
    "tour_guide": 4200,
    "ecommerce": 4500,
}
EDUCATION_LEVELS = np.array(list(vocab.EDUCATION_RANK.values()), dtype=np.int32)
SEEKER_EDUCATION_P = np.array([0.02, 0.08, 0.32, 0.25, 0.15, 0.16, 0.02])
VACANCY_EDUCATION_P = np.array([0.30, 0.05, 0.30, 0.20, 0.10, 0.05, 0.0])
PRIORITY_P = np.array([0.55, 0.30, 0.15])  # none, key group, hardship

# The seeds' 2023 work-relief figures (seed-figures.md), to scale the demo's projects.
WORK_RELIEF_2023 = {
    "projects": 81,
    "workers": 2918,
    "central_funds_yuan": 346_580_000,
    "wages_yuan": 19_910_000,
}
REGION_POPULATION = 24_049_155


def _occupation_weights() -> dict[str, np.ndarray]:
    weights = {}
    for league in LEAGUE_TILT:
        tilt = LEAGUE_TILT[league]
        w = np.array([tilt.get(sector, 1.0) for sector in SECTOR_OF], dtype=float)
        weights[league] = w / w.sum()
    return weights


def _banners_by_league() -> dict[str, list[str]]:
    return {league.code: [b.code for b in regions.banners(league.code)] for league in regions.leagues()}


def _league_p() -> tuple[list[str], np.ndarray]:
    leagues = regions.leagues()
    population = np.array([league.population_2020 or 1 for league in leagues], dtype=float)
    return [league.code for league in leagues], population / population.sum()


def _places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """League and banner of n units, leagues by 2020 population, banners uniform within a league."""
    codes, p = _league_p()
    league_index = rng.choice(len(codes), size=n, p=p)
    leagues = np.array(codes)[league_index]
    banners = np.empty(n, dtype=object)
    by_league = _banners_by_league()
    for i, code in enumerate(codes):
        where = np.flatnonzero(league_index == i)
        banners[where] = np.array(by_league[code])[rng.integers(0, len(by_league[code]), where.size)]
    return leagues, banners


def _occupations(rng: np.random.Generator, leagues: np.ndarray) -> np.ndarray:
    weights = _occupation_weights()
    result = np.empty(leagues.size, dtype=np.int64)
    for league, w in weights.items():
        where = np.flatnonzero(leagues == league)
        result[where] = rng.choice(len(OCCUPATIONS), size=where.size, p=w)
    return result


_SKILL_BITS = np.array(
    [[1 << vocab.SKILL_BIT[s] for s in vocab.OCCUPATION_SKILLS[o]] for o in OCCUPATIONS], dtype=np.int64
)


def _skill_masks(rng: np.random.Generator, occupation: np.ndarray, keep: float, extra: float) -> np.ndarray:
    chosen = rng.random((occupation.size, _SKILL_BITS.shape[1])) < keep
    mask = np.bitwise_or.reduce(np.where(chosen, _SKILL_BITS[occupation], 0), axis=1)
    extra_bit = np.left_shift(
        np.int64(1), rng.integers(0, len(vocab.SKILL), occupation.size).astype(np.int64)
    )
    return mask | np.where(rng.random(occupation.size) < extra, extra_bit, 0)


def _popcount(mask: np.ndarray) -> np.ndarray:
    count = np.zeros(mask.size, dtype=np.int32)
    for bit in range(len(vocab.SKILL)):
        count += ((mask >> bit) & 1).astype(np.int32)
    return count


def _pay_fen(rng: np.random.Generator, occupation: np.ndarray, spread: float) -> np.ndarray:
    base = np.array([BASE_PAY_YUAN[o] for o in OCCUPATIONS], dtype=float)[occupation]
    return (np.round(base * rng.lognormal(0.0, spread, occupation.size) / 100) * 100 * 100).astype(np.int64)


def seekers_table(n: int, seed: int = 1, first_id: int = 1) -> pa.Table:
    """n synthetic seekers in the matching rule's input shape."""
    rng = np.random.default_rng(seed)
    leagues, banners = _places(rng, n)
    occupation = _occupations(rng, leagues)
    return pa.table(
        {
            "seeker_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "banner_code": pa.array(banners.astype(str)),
            "league_code": pa.array(leagues.astype(str)),
            "skills_mask": _skill_masks(rng, occupation, keep=0.55, extra=0.4),
            "desired_occupation": pa.array(np.array(OCCUPATIONS)[occupation]),
            "education_rank": rng.choice(EDUCATION_LEVELS, size=n, p=SEEKER_EDUCATION_P),
            "expected_pay_fen": _pay_fen(rng, occupation, 0.15),
            "priority_level": rng.choice(np.arange(3, dtype=np.int32), size=n, p=PRIORITY_P),
            "match_block": np.zeros(n, dtype=np.int64),
        }
    )


def vacancies_table(n: int, seed: int = 2, first_id: int = 1) -> pa.Table:
    """n synthetic vacancies in the matching rule's input shape."""
    rng = np.random.default_rng(seed)
    leagues, banners = _places(rng, n)
    occupation = _occupations(rng, leagues)
    mask = _skill_masks(rng, occupation, keep=0.7, extra=0.2)
    return pa.table(
        {
            "vacancy_id": np.arange(first_id, first_id + n, dtype=np.int64),
            "banner_code": pa.array(banners.astype(str)),
            "league_code": pa.array(leagues.astype(str)),
            "skills_mask": mask,
            "skill_count": _popcount(mask),
            "occupation": pa.array(np.array(OCCUPATIONS)[occupation]),
            "education_min_rank": rng.choice(EDUCATION_LEVELS, size=n, p=VACANCY_EDUCATION_P),
            "pay_max_fen": _pay_fen(rng, occupation, 0.2),
            "match_block": np.zeros(n, dtype=np.int64),
        }
    )


def _org_codes(rng: np.random.Generator, n: int) -> list[str]:
    alphabet = np.array(list(credit_code.ALPHABET))
    body = alphabet[rng.integers(0, len(alphabet), (n, 8))]
    return ["MA" + "".join(row)[:7] for row in body]


def generate(engine: Engine, as_of: date, seed: int = 7) -> dict[str, int]:
    """Employers, vacancies, seekers (the registry's unemployed of working age) and work-relief
    projects for the demo database. Returns the counts written."""
    rng = np.random.default_rng(seed)
    with unit_of_work(engine) as session:
        persons = session.scalar(select(func.count()).select_from(Person)) or 0
        unemployed = session.execute(
            select(Person.id, Person.education, Household.banner_code, Person.birth_date)
            .join(Household, Household.id == Person.household_id)
            .where(Person.employment_status == "unemployed", Person.death_date.is_(None))
        ).all()
        tags = {}
        for person_id, tag in session.execute(
            select(PersonTag.person_id, PersonTag.tag).where(
                PersonTag.person_id.in_([u[0] for u in unemployed])
            )
        ):
            tags.setdefault(person_id, []).append(tag)
        already = set(session.scalars(select(JobSeeker.person_id)))
        unemployed = [u for u in unemployed if u[0] not in already and 16 <= as_of.year - u[3].year < 60]

        # employers: about one per 400 residents, at least 3 per league present in the data
        n_employers = max(12, persons // 400)
        leagues, banners = _places(rng, n_employers)
        occupation = _occupations(rng, leagues)
        codes = set(session.scalars(select(EmployingUnit.credit_code)))
        employer_rows = []
        for i, org in enumerate(_org_codes(rng, n_employers)):
            code = credit_code.make("9", "1", banners[i], org)
            if code in codes:
                continue
            codes.add(code)
            sector = SECTOR_OF[occupation[i]]
            employer_rows.append(
                {
                    "credit_code": code,
                    "name": f"{regions.get(banners[i]).name_zh}{vocab.SECTOR[sector][0]}企业{i + 1}号",
                    "banner_code": banners[i],
                    "sector": sector,
                    "enterprise_type": "enterprise",
                    "declared_size": None,
                    "version": 1,
                }
            )
        session.execute(insert(EmployingUnit), employer_rows)
        employers = session.execute(
            select(EmployingUnit.id, EmployingUnit.banner_code, EmployingUnit.sector).where(
                EmployingUnit.credit_code.in_([r["credit_code"] for r in employer_rows])
            )
        ).all()

        # vacancies: 1–4 per employer, occupations of the employer's sector where there is one
        vacancy_rows = []
        for employer_id, banner, sector in employers:
            fitting = [o for o in OCCUPATIONS if vocab.OCCUPATION[o][2] == sector] or OCCUPATIONS
            for _ in range(int(rng.integers(1, 5))):
                occupation_code = fitting[int(rng.integers(0, len(fitting)))]
                skills = [s for s in vocab.OCCUPATION_SKILLS[occupation_code] if rng.random() < 0.7]
                pay = BASE_PAY_YUAN[occupation_code] * float(rng.lognormal(0, 0.15))
                vacancy_rows.append(
                    {
                        "employer_id": employer_id,
                        "banner_code": banner,
                        "title": vocab.OCCUPATION[occupation_code][0],
                        "occupation": occupation_code,
                        "skills": skills,
                        "education_min": str(
                            rng.choice(["none", "junior", "senior", "college"], p=[0.4, 0.35, 0.15, 0.1])
                        ),
                        "pay_min_fen": round(pay * 0.8) * 100,
                        "pay_max_fen": round(pay * 1.1) * 100,
                        "positions": int(rng.integers(1, 6)),
                        "filled": 0,
                        "opens_on": as_of - timedelta(days=int(rng.integers(0, 60))),
                        "closes_on": as_of + timedelta(days=int(rng.integers(30, 120))),
                        "version": 1,
                    }
                )
        if vacancy_rows:
            session.execute(insert(Vacancy), vacancy_rows)

        # seekers: the registry's unemployed of working age, wanting work their league offers
        seeker_rows, registrations = [], []
        weights = _occupation_weights()
        for person_id, education, banner, _birth in unemployed:
            league = regions.league_of(banner).code
            occupation_code = OCCUPATIONS[int(rng.choice(len(OCCUPATIONS), p=weights[league]))]
            skills = [s for s in vocab.OCCUPATION_SKILLS[occupation_code] if rng.random() < 0.5]
            groups = [g for g in (*vocab.KEY_GROUPS, *vocab.HARDSHIP_GROUPS) if g in tags.get(person_id, [])]
            seeker_rows.append(
                {
                    "person_id": person_id,
                    "banner_code": banner,
                    "education": education,
                    "skills": skills,
                    "desired_occupation": occupation_code,
                    "expected_pay_fen": int(BASE_PAY_YUAN[occupation_code] * float(rng.lognormal(0, 0.1)))
                    * 100,
                    "available_from": as_of,
                    "status": "seeking",
                    "key_groups": sorted(
                        set(groups) | {"unemployed"}, key=(*vocab.KEY_GROUPS, *vocab.HARDSHIP_GROUPS).index
                    ),
                    "suitable_refusals": 0,
                    "registered_on": as_of - timedelta(days=int(rng.integers(0, 180))),
                    "version": 1,
                }
            )
        if seeker_rows:
            session.execute(insert(JobSeeker), seeker_rows)
            ids = dict(
                session.execute(
                    select(JobSeeker.person_id, JobSeeker.id).where(
                        JobSeeker.person_id.in_([r["person_id"] for r in seeker_rows])
                    )
                ).all()
            )
            registrations = [
                {
                    "person_id": r["person_id"],
                    "seeker_id": ids[r["person_id"]],
                    "banner_code": r["banner_code"],
                    "registered_on": r["registered_on"],
                }
                for r in seeker_rows
            ]
            session.execute(insert(UnemploymentRegistration), registrations)

        projects, workers = _work_relief(session, rng, persons, as_of)
        refunds = _retention_refunds(session, rng, [e[0] for e in employers], as_of)
    return {
        "employers": len(employer_rows),
        "vacancies": len(vacancy_rows),
        "seekers": len(seeker_rows),
        "work_relief_projects": projects,
        "work_relief_workers": workers,
        "retention_refunds": refunds,
    }


def _retention_refunds(session, rng: np.random.Generator, employer_ids: list[int], as_of: date) -> int:
    """Last year's refund decisions for the new employers, through the refund rule; some shed staff."""
    from minsheng.employment import service
    from minsheng.employment.models import RetentionRefund

    if not employer_ids:
        return 0
    employers = session.execute(
        select(
            EmployingUnit.id,
            EmployingUnit.banner_code,
            EmployingUnit.enterprise_type,
            EmployingUnit.declared_size,
        ).where(EmployingUnit.id.in_(employer_ids))
    ).all()
    n = len(employers)
    start = np.maximum(3, rng.lognormal(3.2, 1.1, n)).astype(np.int32)
    lost = (
        start * np.where(rng.random(n) < 0.12, rng.uniform(0.06, 0.3, n), rng.uniform(0, 0.05, n))
    ).astype(np.int32)
    end = np.maximum(0, start - lost).astype(np.int32)
    # unemployment insurance ≈ 1 % of a 5 000-yuan wage base a month for each insured employee
    contributions = (start.astype(np.int64) * 12 * 5_000 * rng.uniform(0.8, 1.2, n)).astype(np.int64)
    months = np.where(rng.random(n) < 0.05, rng.integers(6, 12, n), 12).astype(np.int32)
    table = pa.table(
        {
            "employer_id": np.array([e[0] for e in employers], dtype=np.int64),
            "banner_code": pa.array([e[1] for e in employers]),
            "enterprise_type": pa.array([e[2] for e in employers]),
            "declared_size": pa.array([e[3] for e in employers], pa.string()),
            "contributions_fen": contributions,
            "months_paid": months,
            "insured_at_start": start,
            "insured_at_end": end,
            "average_insured": ((start + end) // 2).astype(np.int32),
        }
    )
    year = as_of.year - 1
    rows = service.assess_refunds(table, date(year, 12, 31))
    session.execute(
        insert(RetentionRefund),
        [
            {
                "employer_id": r["employer_id"],
                "year": year,
                "contributions_fen": r["contributions_fen"],
                "months_paid": r["months_paid"],
                "insured_at_start": r["insured_at_start"],
                "insured_at_end": r["insured_at_end"],
                "average_insured": r["average_insured"],
                "size": r["size"],
                "layoff_rate": r["layoff_rate"],
                "eligible": r["eligible"],
                "refund_fen": r["refund_fen"],
                "reasons": r["reasons"],
                "decided_on": date(as_of.year, 3, 31),
                "officer": "synth",
            }
            for r in rows
        ],
    )
    return len(rows)


def _work_relief(session, rng: np.random.Generator, persons: int, as_of: date) -> tuple[int, int]:
    """Projects scaled to the seeds' 81 projects for the whole region; one in ten pays below the floor."""
    share = persons / REGION_POPULATION
    n_projects = max(3, round(WORK_RELIEF_2023["projects"] * share))
    workers_per_project = max(5, WORK_RELIEF_2023["workers"] // WORK_RELIEF_2023["projects"])
    central_per_project = WORK_RELIEF_2023["central_funds_yuan"] // WORK_RELIEF_2023["projects"]
    _leagues, banners = _places(rng, n_projects)
    existing = session.scalar(select(func.count()).select_from(WorkReliefProject)) or 0
    written_workers = 0
    for i in range(n_projects):
        central_fen = int(central_per_project * float(rng.uniform(0.5, 1.5))) * 100
        starts_on = as_of - timedelta(days=int(rng.integers(60, 240)))
        closes_on = as_of + timedelta(days=int(rng.integers(-20, 180)))
        project_id = session.execute(
            insert(WorkReliefProject).returning(WorkReliefProject.id),
            {
                "project_code": f"YGDZ-{banners[i]}-{existing + i + 1:04d}",
                "name": f"{regions.get(banners[i]).name_zh}以工代赈项目{existing + i + 1}",
                "banner_code": banners[i],
                "central_funds_fen": central_fen,
                "local_funds_fen": central_fen // 5,
                "other_funds_fen": 0,
                "starts_on": starts_on,
                "closes_on": max(closes_on, starts_on + timedelta(days=30)),
                "version": 1,
            },
        ).scalar_one()
        # wages aimed at 30–45 % of central funds, a tenth of projects short of the floor
        target_share = (
            float(rng.uniform(0.32, 0.45)) if rng.random() > 0.1 else float(rng.uniform(0.12, 0.27))
        )
        n_workers = int(workers_per_project * float(rng.uniform(0.6, 1.4)))
        months = max(1, (as_of.year - starts_on.year) * 12 + as_of.month - starts_on.month)
        # wages so far reach the target share: the last month is not yet due, about 20.5 days a month
        daily_fen = max(10_000, int(central_fen * target_share / (n_workers * max(1, months - 1) * 20.5)))
        worker_rows = [
            {
                "project_id": project_id,
                "person_id": None,
                "name": f"务工人员{j + 1}",
                "target_group": str(
                    rng.choice(list(vocab.WORK_RELIEF_TARGET_GROUP), p=[0.4, 0.15, 0.25, 0.15, 0.05])
                ),
                "daily_wage_fen": daily_fen,
                "joined_on": starts_on,
            }
            for j in range(n_workers)
        ]
        session.execute(insert(WorkReliefWorker), worker_rows)
        worker_ids = session.scalars(
            select(WorkReliefWorker.id).where(WorkReliefWorker.project_id == project_id)
        ).all()
        payroll = []
        for worker_id in worker_ids:
            for m in range(months):
                period = date(
                    starts_on.year + (starts_on.month - 1 + m) // 12, (starts_on.month - 1 + m) % 12 + 1, 1
                )
                days = int(rng.integers(15, 27))
                due = period + timedelta(days=40)
                wage = days * daily_fen
                paid = (
                    wage if due < as_of and rng.random() > 0.03 else 0
                )  # about 3 % of past-due wages left unpaid
                payroll.append(
                    {
                        "project_id": project_id,
                        "worker_id": worker_id,
                        "period": period,
                        "days_worked": days,
                        "wage_fen": wage,
                        "due_on": due,
                        "paid_fen": paid,
                        "paid_on": due - timedelta(days=5) if paid else None,
                    }
                )
        if payroll:
            session.execute(insert(WorkReliefPayroll), payroll)
        written_workers += n_workers
    return n_projects, written_workers
