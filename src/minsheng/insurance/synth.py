"""Synthetic insurance data for the persons already in the registry: enrolment and contribution
histories, residents' pensions in payment, and the elderly-care facilities of every banner.

Calibration: the seeds count 17.419 M pension, 3.6635 M work-injury and 3.2787 M unemployment insured
in a region of 24.05 M (2020 census). Each count's share of the population is the share this
generator reaches in the synthetic population: pension among the persons of 16 and over who are not
students, work injury and unemployment among the employed in the employees' pension. Those shares
come from `policy/params/insurance.yaml` (the seed figures), never from constants here.

Vectorised with numpy; enrolment rows go in through ADBC bulk ingest (Arrow, no ORM rows); pensions
are decided by the engine rule over the generated Arrow tables, exactly as the service decides them.
The contribution grades and wage levels below are synthetic-data assumptions, not policy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, func, insert, select, text

from minsheng import regions
from minsheng.insurance import rules
from minsheng.insurance.models import FACILITY_SERVICE, Enrolment, Facility, PensionAward
from minsheng.registry.models import Person
from minsheng.store import audit
from minsheng.store.db import unit_of_work

RESIDENT_GRADES_YUAN = np.array([200, 300, 500, 1000, 2000])  # synthetic choice of contribution grade
RESIDENT_GRADE_SHARES = np.array([0.5, 0.25, 0.13, 0.08, 0.04])
RESIDENT_SUBSIDY_YUAN = np.array([30, 35, 45, 60, 80])  # synthetic government subsidy per grade
BASE_YUAN, BASE_SIGMA, BASE_GROWTH = 5200.0, 0.35, 0.06  # employees' base: level, spread, yearly growth
PAID_YEAR_SHARE = 0.94  # a contributor skips about one year in sixteen
EMPLOYERS_PER_BANNER = 40
STATUS_CODES = ("contributing", "receiving")
SCHEME_CODES = ("employee_pension", "resident_pension", "work_injury", "unemployment")


@dataclass
class Generated:
    persons: int = 0
    enrolments: int = 0
    pension_insured: int = 0
    work_injury_insured: int = 0
    unemployment_insured: int = 0
    awards: int = 0
    facilities: int = 0
    seconds: float = 0.0
    skipped: str | None = None

    def as_dict(self) -> dict[str, int | float]:
        return {k: v for k, v in asdict(self).items() if k != "skipped"}


def _share(name: str) -> float:
    """A seed count as a share of the region's 2020 census population."""
    population = sum(league.population_2020 or 0 for league in regions.leagues())
    return rules.parameter(name, date(2023, 6, 30)) / population


def _explode(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner index, year) for every year in [start, end] of every owner; empty where end < start."""
    count = np.maximum(end - start + 1, 0)
    owner = np.repeat(np.arange(len(start)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return owner, start[owner] + offset


def _half_up(numerator: np.ndarray, ratio: Decimal) -> np.ndarray:
    """numerator × ratio to whole fen, half up, in integers (ratios have at most 6 decimals)."""
    scaled = int(ratio * 1_000_000)
    return (2 * numerator * scaled + 1_000_000) // 2_000_000


def generate(
    engine: Engine | None,
    as_of: date,
    seed: int,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> Generated:
    """Histories up to `as_of`'s year for the registry's persons, pensions in payment and facilities;
    once only (a database that already has enrolment rows is left alone)."""
    started = time.perf_counter()
    tell = progress or (lambda _step, _n: None)
    rng = np.random.default_rng(seed)
    done = Generated()
    year = as_of.year
    with unit_of_work(engine) as session:
        if session.scalar(select(func.count()).select_from(Enrolment)):
            done.skipped = "insurance data already present"
            return done
        rows = session.execute(
            select(
                Person.id,
                Person.birth_date,
                Person.hukou,
                Person.residence_region,
                Person.employment_status,
                Person.death_date,
                Person.sex,
            ).order_by(Person.id)
        ).all()
    banner_codes = {b.code for b in regions.banners(regions.REGION_CODE)}
    rows = [r for r in rows if r[3] in banner_codes]
    n = len(rows)
    done.persons = n
    tell("persons", n)
    facilities = _facilities(rng, as_of)
    if not n:
        done.facilities = _insert_facilities(engine, facilities)
        done.skipped = "no persons in the registry"
        return done

    person_id = np.array([r[0] for r in rows], dtype=np.int64)
    birth = np.array([r[1] for r in rows], dtype="datetime64[D]")
    rural = np.array([r[2] == "rural" for r in rows])
    banner = np.array([r[3] for r in rows])
    status = np.array([r[4] or "" for r in rows])
    dead = np.array([r[5] is not None and r[5] <= as_of for r in rows])
    born_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    born_key = (
        (birth.astype("datetime64[M]").astype(np.int64) % 12 + 1) * 100
        + (birth - birth.astype("datetime64[M]")).astype(np.int64)
        + 1
    )
    age = year - born_year - (born_key > as_of.month * 100 + as_of.day)

    minimum_age = rules.parameter("insurance.resident_pension.minimum_age", as_of)
    pension_age = rules.parameter("insurance.resident_pension.pension_age", as_of)
    eligible = ~dead & (age >= minimum_age) & (status != "student")
    alive = int((~dead).sum())
    p_pension = min(0.99, _share("insurance.seed.pension_insured") * alive / max(1, int(eligible.sum())))
    covered = eligible & (rng.random(n) < p_pension)
    flexible = (status == "self_employed") & (rng.random(n) < 0.3)  # 灵活就业 in the employees' scheme
    employee = covered & (np.isin(status, ["employed", "retired"]) | flexible)
    resident = covered & ~employee

    working = employee & (status == "employed") & (age < pension_age)
    p_injury = min(0.98, _share("insurance.seed.work_injury_insured") * alive / max(1, int(working.sum())))
    p_unemployment = min(
        0.98, _share("insurance.seed.unemployment_insured") * alive / max(1, int(working.sum()))
    )
    injury = working & (rng.random(n) < p_injury)
    unemployment = working & (rng.random(n) < p_unemployment)

    # Residents' scheme: from the scheme's start in the place (or age 16) after a delay, to the year of 60.
    launch = {
        h: rules.parameter("insurance.resident_pension.launch_date", as_of, hukou=h)
        for h in ("rural", "urban")
    }
    launch_year = np.where(rural, launch["rural"].year, launch["urban"].year)
    launch_key = np.where(
        rural,
        launch["rural"].month * 100 + launch["rural"].day,
        launch["urban"].month * 100 + launch["urban"].day,
    )
    aged_at_launch = (launch_year - born_year) * 10000 + launch_key - born_key >= pension_age * 10000
    delay = np.where(rng.random(n) < 0.55, 0, rng.integers(1, 8, n))
    r_start = np.minimum(np.maximum(launch_year, born_year + minimum_age) + delay, year)
    r_end = np.minimum(year, born_year + pension_age)
    r_rows = resident & ~aged_at_launch
    r_owner, r_year = _explode(np.where(r_rows, r_start, 1), np.where(r_rows, r_end, 0))
    keep = (rng.random(len(r_owner)) < PAID_YEAR_SHARE) | ((r_year == year) & (age[r_owner] < pension_age))
    r_owner, r_year = r_owner[keep], r_year[keep]
    # Reaching 60 short of 15 years, most pay the arrears (补缴) into the years before they started.
    minimum_years = rules.parameter("insurance.resident_pension.minimum_years", as_of)
    paid_years = np.bincount(r_owner, minlength=n)
    short = r_rows & (age >= pension_age) & (paid_years < minimum_years) & (rng.random(n) < 0.9)
    a_owner, a_year = _explode(
        np.where(short, r_start - (minimum_years - paid_years), 1), np.where(short, r_start - 1, 0)
    )
    grade = rng.choice(len(RESIDENT_GRADES_YUAN), size=n, p=RESIDENT_GRADE_SHARES)
    r_owner, r_year = np.concatenate([r_owner, a_owner]), np.concatenate([r_year, a_year])
    r_arrears = np.concatenate([np.zeros(len(r_owner) - len(a_owner), bool), np.ones(len(a_owner), bool)])
    r_personal = RESIDENT_GRADES_YUAN[grade[r_owner]].astype(np.int64) * 100
    r_subsidy = np.where(r_arrears, 0, RESIDENT_SUBSIDY_YUAN[grade[r_owner]].astype(np.int64) * 100)

    # Employees' scheme: from a start after 18 (not before 2006) to now, or to retirement before now.
    e_start = np.minimum(np.maximum(2006, born_year + 18 + rng.integers(0, 8, n)), year)
    retired = (status == "retired") | (age >= pension_age)
    e_end = np.where(retired, np.minimum(year - 1, born_year + 55 + rng.integers(0, 5, n)), year)
    e_owner, e_year = _explode(np.where(employee, e_start, 1), np.where(employee, e_end, 0))
    e_months = np.where(e_year == e_start[e_owner], rng.integers(1, 13, len(e_owner)), 12)
    base_yuan = np.round(BASE_YUAN * rng.lognormal(0, BASE_SIGMA, n))
    e_base = _base(base_yuan, e_owner, e_year, year)
    e_personal = np.zeros(len(e_owner), dtype=np.int64)
    e_employer = np.zeros(len(e_owner), dtype=np.int64)
    for y in np.unique(e_year):
        at = e_year == y
        on = date(int(y), 7, 1)
        payroll = e_base[at] * e_months[at]
        e_personal[at] = _half_up(payroll, rules.parameter("insurance.employee_pension.personal_rate", on))
        e_employer[at] = _half_up(payroll, rules.parameter("insurance.employee_pension.employer_rate", on))

    # Work injury and unemployment: the last years of the same jobs, at most ten.
    employer_number = rng.integers(1, EMPLOYERS_PER_BANNER + 1, n)
    recent = np.maximum(e_start, year - 9)
    i_owner, i_year = _explode(np.where(injury, recent, 1), np.where(injury, year, 0))
    u_owner, u_year = _explode(np.where(unemployment, recent, 1), np.where(unemployment, year, 0))
    tell("histories", len(r_owner) + len(e_owner) + len(i_owner) + len(u_owner))

    # Pensions in payment: the engine rule over the generated rows, as the service would decide.
    candidates = np.flatnonzero(resident & (age >= pension_age))
    awards = _pensions(
        candidates, person_id, banner, rural, birth, r_owner, r_year, r_personal, r_subsidy, as_of
    )
    awarded = np.zeros(n, dtype=bool)
    awarded[np.searchsorted(person_id, np.array([a["person_id"] for a in awards], dtype=np.int64))] = True
    # Retired employees and resident pensioners draw: one receiving row in the year.
    receiving = np.flatnonzero((employee & retired) | awarded)

    def part(
        owner,
        years,
        scheme,
        *,
        status=0,
        months=None,
        base=None,
        personal=None,
        employer=None,
        subsidy=None,
        credit=None,
        arrears=None,
        named=False,
    ) -> dict[str, np.ndarray]:
        m = len(owner)
        zeros = np.zeros(m, dtype=np.int64)
        return {
            "owner": owner,
            "year": np.asarray(years, dtype=np.int64),
            "scheme": np.full(m, scheme, dtype=np.int8),
            "status": np.full(m, status, dtype=np.int8),
            "months_paid": zeros + (12 if months is None else months),
            "contribution_base_fen": np.full(m, -1, dtype=np.int64) if base is None else base,
            "personal_fen": zeros if personal is None else personal,
            "employer_fen": zeros if employer is None else employer,
            "subsidy_fen": zeros if subsidy is None else subsidy,
            "account_credit_fen": zeros if credit is None else credit,
            "arrears": np.zeros(m, dtype=bool) if arrears is None else arrears,
            "named": np.full(m, named),
        }

    e, r, wi, un = (SCHEME_CODES.index(k) for k in SCHEME_CODES)
    parts = [
        part(
            e_owner,
            e_year,
            e,
            months=e_months,
            base=e_base,
            personal=e_personal,
            employer=e_employer,
            credit=e_personal,
            named=True,
        ),
        part(
            r_owner,
            r_year,
            r,
            personal=r_personal,
            subsidy=r_subsidy,
            credit=r_personal + r_subsidy,
            arrears=r_arrears,
        ),
        part(i_owner, i_year, wi, base=_base(base_yuan, i_owner, i_year, year), named=True),
        part(u_owner, u_year, un, base=_base(base_yuan, u_owner, u_year, year), named=True),
        part(
            receiving, np.full(len(receiving), year), np.where(employee[receiving], e, r), status=1, months=0
        ),
    ]
    columns = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    # one row per person, year and scheme; a contribution wins over the receiving row of the same year
    order = np.lexsort((columns["status"], columns["scheme"], columns["year"], columns["owner"]))
    columns = {key: value[order] for key, value in columns.items()}
    same = (
        (columns["owner"][1:] == columns["owner"][:-1])
        & (columns["year"][1:] == columns["year"][:-1])
        & (columns["scheme"][1:] == columns["scheme"][:-1])
    )
    first = np.concatenate([[True], ~same])
    columns = {key: value[first] for key, value in columns.items()}
    table = _table(columns, person_id, banner, employer_number)
    done.enrolments = table.num_rows
    pension_now = (columns["year"] == year) & (columns["scheme"] <= r)
    done.pension_insured = len(np.unique(columns["owner"][pension_now]))
    done.work_injury_insured = int(injury.sum())
    done.unemployment_insured = int(unemployment.sum())
    _ingest(engine, table, as_of)
    tell("enrolments", table.num_rows)
    done.awards = _insert_awards(engine, awards, as_of)
    done.facilities = _insert_facilities(engine, facilities)
    tell("facilities", done.facilities)
    with unit_of_work(engine) as session:
        audit.append(
            session,
            actor="synth",
            action="insurance.synth",
            entity="insurance",
            region_code=regions.REGION_CODE,
            after={**done.as_dict(), "seed": seed, "as_of": as_of},
        )
    done.seconds = time.perf_counter() - started
    return done


def _base(base_yuan: np.ndarray, owner: np.ndarray, years: np.ndarray, year: int) -> np.ndarray:
    """A person's monthly base in whole yuan (as fen), grown back from `year` at the synthetic growth."""
    return (np.round(base_yuan[owner] * (1 + BASE_GROWTH) ** (years - year)) * 100).astype(np.int64)


def _table(
    columns: dict[str, np.ndarray], person_id: np.ndarray, banner: np.ndarray, employer_number: np.ndarray
) -> pa.Table:
    """The enrolment rows as Arrow: codes to strings, synthetic employer names where an employer pays."""
    owner = columns["owner"]
    banner_list, banner_index = np.unique(banner, return_inverse=True)
    banner_names = np.array([regions.get(code).name_zh + "合成单位" for code in banner_list], dtype=object)
    names = pc.binary_join_element_wise(
        pa.array(banner_names[banner_index[owner]], pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(employer_number[owner]), pa.string()), 3, "0"),
        "",
    )
    names = pc.if_else(
        pa.array(columns["named"] & (columns["status"] == 0)), names, pa.scalar(None, pa.string())
    )
    base = columns["contribution_base_fen"]
    return pa.table(
        {
            "person_id": pa.array(person_id[owner]),
            "year": pa.array(columns["year"]),
            "scheme": pa.array(np.array(SCHEME_CODES, dtype=object)[columns["scheme"]], pa.string()),
            "status": pa.array(np.array(STATUS_CODES, dtype=object)[columns["status"]], pa.string()),
            "banner_code": pa.array(banner[owner].astype(object), pa.string()),
            "employer_name": names,
            "contribution_base_fen": pa.array(base, mask=base < 0),
            "months_paid": pa.array(columns["months_paid"]),
            "personal_fen": pa.array(columns["personal_fen"]),
            "employer_fen": pa.array(columns["employer_fen"]),
            "subsidy_fen": pa.array(columns["subsidy_fen"]),
            "account_credit_fen": pa.array(columns["account_credit_fen"]),
            "arrears": pa.array(columns["arrears"]),
        }
    )


def _pensions(
    candidates: np.ndarray,
    person_id: np.ndarray,
    banner: np.ndarray,
    rural: np.ndarray,
    birth: np.ndarray,
    r_owner: np.ndarray,
    r_year: np.ndarray,
    r_personal: np.ndarray,
    r_subsidy: np.ndarray,
    as_of: date,
) -> list[dict]:
    if not len(candidates):
        return []
    persons = pa.table(
        {
            "person_id": pa.array(person_id[candidates]),
            "banner_code": pa.array(banner[candidates].astype(object), pa.string()),
            "hukou": pa.array(np.where(rural[candidates], "rural", "urban").astype(object), pa.string()),
            "birth_date": pa.array(birth[candidates].astype("datetime64[D]"), pa.date32()),
            "death_date": pa.nulls(len(candidates), pa.date32()),
        },
        schema=rules.PERSONS,
    )
    mine = np.isin(r_owner, candidates)
    contributions = pa.table(
        {
            "person_id": pa.array(person_id[r_owner[mine]]),
            "year": pa.array(r_year[mine].astype(np.int32)),
            "scheme": pa.array(np.full(int(mine.sum()), "resident_pension", dtype=object), pa.string()),
            "status": pa.array(np.full(int(mine.sum()), "contributing", dtype=object), pa.string()),
            "months_paid": pa.array(np.full(int(mine.sum()), 12, dtype=np.int32)),
            "account_credit_fen": pa.array((r_personal + r_subsidy)[mine]),
        },
        schema=rules.CONTRIBUTIONS,
    )
    month = date(as_of.year, as_of.month, 1)
    decided = rules.run(rules.RESIDENT_PENSION, {"persons": persons, "contributions": contributions}, month)
    checks = rules.RESIDENT_PENSION.check_columns
    out = []
    for row in decided.filter(decided.column("eligible")).to_pylist():
        row["reasons"] = [{"rule": "resident_pension", "check": c, "passed": bool(row[c])} for c in checks]
        out.append(row)
    return out


def _insert_awards(engine: Engine | None, awards: list[dict], as_of: date) -> int:
    if not awards:
        return 0
    with unit_of_work(engine) as session:
        session.execute(
            insert(PensionAward),
            [
                {
                    "person_id": a["person_id"],
                    "scheme": "resident_pension",
                    "banner_code": a["banner_code"],
                    "start_month": a["start_month"],
                    "basic_national_fen": a["basic_national_fen"],
                    "basic_topup_fen": a["basic_topup_fen"],
                    "account_balance_fen": a["account_balance_fen"],
                    "account_pension_fen": a["account_pension_fen"],
                    "monthly_fen": a["monthly_pension_fen"],
                    "contribution_years": a["contribution_years"],
                    "awarded_on": as_of,
                    "reasons": a["reasons"],
                    "version": 1,
                }
                for a in awards
            ],
        )
    return len(awards)


def _ingest(engine: Engine | None, table: pa.Table, as_of: date) -> None:
    """Append the enrolment rows through ADBC in one transaction, ids after the largest in the table."""
    from minsheng.store.db import default_engine
    from minsheng.synth.load import _adbc, _frame  # the registry loader's bulk path, shared

    engine = engine or default_engine()
    with engine.connect() as connection:
        first = (connection.execute(select(func.max(Enrolment.id))).scalar() or 0) + 1
    m = table.num_rows
    dialect = engine.dialect.name
    stamp = (
        pa.scalar(time_now(), pa.timestamp("us", tz="UTC"))
        if dialect == "postgresql"
        else pa.scalar(time_now().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"))
    )
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}
    columns |= {
        "id": pa.array(np.arange(first, first + m, dtype=np.int64)),
        "recorded_on": pa.repeat(pa.scalar(as_of, pa.date32()), m),
        "created_at": pa.repeat(stamp, m),
    }
    frame = _frame(Enrolment.__table__, dialect, columns, m)
    with _adbc(engine) as connection:
        cursor = connection.cursor()
        try:
            for start in range(0, m, 500_000):
                cursor.adbc_ingest("insurance_enrolment", frame.slice(start, 500_000), mode="append")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    if dialect == "postgresql":
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('insurance_enrolment', 'id'), "
                    "(SELECT coalesce(max(id), 1) FROM insurance_enrolment))"
                )
            )


def time_now():
    from minsheng.store.base import utcnow

    return utcnow().replace(microsecond=0)


# ---------------------------------------------------------------- elderly-care facilities


def _facilities(rng: np.random.Generator, as_of: date) -> list[dict]:
    """Townships and villages per banner from the league counts; centres, stations and homes built over
    the years, with exactly the seed's 2023 builds (350 centres, 2 000 stations, 200 homes upgraded)."""
    rows: list[dict] = []
    built_2023 = {
        kind: rules.parameter("eldercare.built", date(2023, 6, 30), facility_kind=kind)
        for kind in ("township_centre", "village_station", "mutual_aid_home")
    }
    towns: list[tuple[str, str]] = []
    villages: list[tuple[str, str, str]] = []
    for league in regions.leagues():
        banners = regions.banners(league.code)
        t_total = rules.parameter("eldercare.township_count", as_of, region=league.code)
        v_total = rules.parameter("eldercare.village_count", as_of, region=league.code)
        t_split = np.diff(np.linspace(0, t_total, len(banners) + 1).round().astype(int))
        v_split = np.diff(np.linspace(0, v_total, len(banners) + 1).round().astype(int))
        for b, t_count, v_count in zip(banners, t_split, v_split, strict=True):
            names = [f"{b.name_zh}第{k + 1}苏木乡镇" for k in range(max(1, t_count))]
            towns += [(b.code, name) for name in names]
            for j in range(v_count):
                villages.append(
                    (b.code, names[j % len(names)], f"{names[j % len(names)]}第{j // len(names) + 1}嘎查村")
                )
    services = list(FACILITY_SERVICE)

    def pick(count: int, pool: int) -> np.ndarray:
        return rng.permutation(pool)[: min(count, pool)]

    new_centres = (
        set(pick(built_2023["township_centre"], len(towns)).tolist()) if as_of.year >= 2023 else set()
    )
    old_centres = {i for i in range(len(towns)) if i not in new_centres and rng.random() < 0.35}
    for k, i in enumerate(sorted(new_centres | old_centres)):
        code, township = towns[i]
        rows.append(
            {
                "code": f"TC{code}{k:05d}",
                "name": f"{township}区域养老服务中心",
                "kind": "township_centre",
                "banner_code": code,
                "township": township,
                "village": None,
                "capacity": int(rng.integers(20, 121)),
                "services": sorted(rng.choice(services, size=4, replace=False).tolist()),
                "built_year": 2023 if i in new_centres else int(rng.integers(2012, 2023)),
            }
        )
    chosen = pick(built_2023["village_station"], len(villages)) if as_of.year >= 2023 else np.array([], int)
    new_stations = set(chosen.tolist())
    old_stations = {i for i in range(len(villages)) if i not in new_stations and rng.random() < 0.2}
    for k, i in enumerate(sorted(new_stations | old_stations)):
        code, township, village = villages[i]
        rows.append(
            {
                "code": f"VS{code}{k:05d}",
                "name": f"{village}养老服务站",
                "kind": "village_station",
                "banner_code": code,
                "township": township,
                "village": village,
                "capacity": int(rng.integers(5, 31)),
                "services": sorted(rng.choice(services[1:], size=3, replace=False).tolist()),
                "built_year": 2023 if i in new_stations else int(rng.integers(2015, 2023)),
            }
        )
    homes = pick(max(built_2023["mutual_aid_home"] * 6, 1), len(villages))
    upgraded = set(homes[: built_2023["mutual_aid_home"]].tolist()) if as_of.year >= 2023 else set()
    for k, i in enumerate(homes.tolist()):
        code, township, village = villages[i]
        rows.append(
            {
                "code": f"MA{code}{k:05d}",
                "name": f"{village}互助养老幸福院",
                "kind": "mutual_aid_home",
                "banner_code": code,
                "township": township,
                "village": village,
                "capacity": int(rng.integers(8, 41)),
                "services": ["meals", "residential"],
                "built_year": int(rng.integers(2010, 2020)),
                "upgraded_year": 2023 if i in upgraded else None,
            }
        )
    return rows


def _insert_facilities(engine: Engine | None, rows: list[dict]) -> int:
    if not rows:
        return 0
    with unit_of_work(engine) as session:
        if session.scalar(select(func.count()).select_from(Facility)):
            return 0
        session.execute(
            insert(Facility),
            [{"upgraded_year": None, **r, "active": True, "version": 1} for r in rows],
        )
    return len(rows)
