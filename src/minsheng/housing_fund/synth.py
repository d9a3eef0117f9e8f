"""A synthetic fund centre for the demo: employers, accounts, deposit histories, interest and a loan book
for the employed persons already in the registry. Vectorised with numpy; written by bulk inserts.

The amounts follow the same rules as the service (wage base floored and capped, deposits at the
employer's rates rounded half up, interest on daily balances each 30 June, loan schedules from the rate
table repriced each 1 January), so the demo's figures can be recomputed from its own data. A few
employers deferred their 2022 deposits (June – December, made up in January 2023), a few loans had their
repayments deferred in late 2022, and a few are overdue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import Engine, func, insert, select, text

from minsheng import credit_code, regions
from minsheng.housing_fund import parameters
from minsheng.housing_fund.models import (
    Account,
    Deferral,
    Employer,
    Entry,
    Loan,
    Repayment,
    RepaymentDeferral,
)
from minsheng.housing_fund.rates import term_band
from minsheng.housing_fund.schedule import add_months, loan_schedule
from minsheng.registry.models import Income, Person
from minsheng.store import audit
from minsheng.store.db import unit_of_work

STAFF_PER_EMPLOYER = 25
RATES_PERMILLE = np.array([50, 80, 100, 120])  # 5 %, 8 %, 10 %, 12 %
RATE_SHARES = np.array([0.35, 0.2, 0.15, 0.3])
DEFERRAL_FIRST, DEFERRAL_LAST, MADE_UP_ON = date(2022, 6, 1), date(2022, 12, 1), date(2023, 1, 10)
EPOCH = date(1970, 1, 1)
CHUNK = 20_000


@dataclass
class Generated:
    employers: int = 0
    accounts: int = 0
    entries: int = 0
    loans: int = 0
    repayments: int = 0
    balance_fen: int = 0
    skipped: str | None = None


def _ordinal(day: date) -> int:
    return (day - EPOCH).days


def _day(ordinal: int) -> date:
    return EPOCH + timedelta(days=int(ordinal))


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _organisation_codes(start: int, count: int) -> list[str]:
    """Nine-character organisation codes from a counter, in the credit-code alphabet."""
    alphabet = credit_code.ALPHABET
    codes = []
    for number in range(start, start + count):
        digits = []
        for _ in range(7):
            number, rest = divmod(number, len(alphabet))
            digits.append(alphabet[rest])
        codes.append("MA" + "".join(reversed(digits)))
    return codes


def _bulk_insert(connection, table, rows: list[dict], tell: Callable[[str, int], None]) -> None:
    """Plain executemany of tuples: the driver's bulk path, without building a statement per row."""
    if not rows:
        return
    columns = list(rows[0])
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    )
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        values = [tuple(row[c] for c in columns) for row in chunk]
        connection.exec_driver_sql(statement, values)
        tell(table.name, start + len(chunk))


def generate(
    engine: Engine | None,
    as_of: date,
    seed: int,
    *,
    share: float = 0.4,
    history_months: int = 48,
    loan_share: float = 0.12,
    progress: Callable[[str, int], None] | None = None,
) -> Generated:
    """Employers, accounts, deposits, interest and loans for a share of the employed persons of working age."""
    rng = np.random.default_rng(seed)
    done = Generated()
    tell = progress or (lambda _step, _n: None)
    with unit_of_work(engine) as session:
        if session.scalar(select(func.count()).select_from(Employer)):
            done.skipped = "housing-fund data already present"
            return done
        youngest, oldest = date(as_of.year - 59, as_of.month, 1), date(as_of.year - 18, as_of.month, 1)
        wages = (
            select(Income.person_id, func.max(Income.monthly_fen).label("wage"))
            .where(Income.category == "wages", Income.effective_to.is_(None))
            .group_by(Income.person_id)
            .subquery()
        )
        rows = session.execute(
            select(
                Person.id,
                Person.sex,
                Person.birth_date,
                Person.residence_region,
                func.coalesce(wages.c.wage, 0),
            )
            .outerjoin(wages, wages.c.person_id == Person.id)
            .where(
                Person.employment_status == "employed",
                Person.death_date.is_(None),
                Person.birth_date > youngest,
                Person.birth_date <= oldest,
            )
            .order_by(Person.id)
        ).all()
        banner_codes = {b.code for b in regions.banners(regions.REGION_CODE)}
        rows = [r for r in rows if r[3] in banner_codes]
        if not rows:
            done.skipped = "no employed persons of working age in the registry"
            return done
        chosen = rng.random(len(rows)) < share
        rows = [r for r, keep in zip(rows, chosen, strict=True) if keep]
        n = len(rows)
        person_id = np.array([r[0] for r in rows], dtype=np.int64)
        male = np.array([r[1] == "M" for r in rows])
        birth = np.array([_ordinal(r[2]) for r in rows], dtype=np.int64)
        banner = np.array([r[3] for r in rows])
        wage = np.array([r[4] for r in rows], dtype=np.int64)
        tell("persons", n)

        # Employers: about one per 25 staff in each banner, staff drawn to an employer of their banner.
        banner_list, banner_index = np.unique(banner, return_inverse=True)
        per_banner = np.bincount(banner_index)
        employers_per_banner = np.maximum(1, np.ceil(per_banner / STAFF_PER_EMPLOYER)).astype(np.int64)
        first_employer = np.concatenate([[0], np.cumsum(employers_per_banner)[:-1]])
        employer_of = first_employer[banner_index] + (
            rng.random(n) * employers_per_banner[banner_index]
        ).astype(np.int64)
        m = int(employers_per_banner.sum())
        employer_banner = np.repeat(banner_list, employers_per_banner)
        employer_rate = rng.choice(RATES_PERMILLE, size=m, p=RATE_SHARES)
        deferred_employer = rng.random(m) < 0.04

        employer_base_id = (session.scalar(select(func.max(Employer.id))) or 0) + 1
        account_base_id = (session.scalar(select(func.max(Account.id))) or 0) + 1
        codes = _organisation_codes(seed * 1_000_003 % 10_000_000, m)
        employer_rows = []
        for k in range(m):
            code = str(employer_banner[k])
            league = regions.league_of(code).code
            employer_rows.append(
                {
                    "id": employer_base_id + k,
                    "credit_code": credit_code.make("9", "1", code, codes[k]),
                    "name": f"{regions.get(code).name_zh}合成企业{k + 1:05d}",
                    "region_code": code,
                    "centre_code": league,
                    "employer_rate": Decimal(int(employer_rate[k])) / 1000,
                    "employee_rate": Decimal(int(employer_rate[k])) / 1000,
                    "opened_on": date(2010, 1, 1),
                    "version": 1,
                }
            )

        # Wage base: the registry wage, or a draw around the league's average; floored and capped.
        floor = {}
        cap = {}
        average = {}
        for code in banner_list:
            base = parameters.value("housing_fund.minimum_wage", as_of, str(code)).value
            avg = parameters.value("housing_fund.average_monthly_wage", as_of, str(code)).value
            multiple = parameters.value("housing_fund.wage_base_cap_multiple", as_of, str(code)).value
            floor[code], average[code], cap[code] = base, avg, int(Decimal(avg) * multiple)
        drawn = (np.array([average[b] for b in banner]) * rng.lognormal(-0.15, 0.45, n)).astype(np.int64)
        wage = np.where(wage > 0, wage, drawn)
        wage_base = np.clip(wage, np.array([floor[b] for b in banner]), np.array([cap[b] for b in banner]))
        wage_base = (wage_base // 100) * 100  # bases are declared in whole yuan
        rate = employer_rate[employer_of]
        monthly_fen = 2 * ((2 * wage_base * rate + 1000) // 2000)  # employer + employee, each half up

        # Histories: from an opening month up to the month before as_of.
        last_month = _month_index(as_of) - 1
        opened_month = last_month - rng.integers(5, history_months, n)
        months_held = last_month - opened_month + 1
        tell("accounts", n)

        account_rows = []
        for i in range(n):
            code = str(banner[i])
            account_rows.append(
                {
                    "id": account_base_id + i,
                    "account_number": f"{regions.league_of(code).code}{account_base_id + i:010d}",
                    "person_id": int(person_id[i]),
                    "employer_id": employer_base_id + int(employer_of[i]),
                    "region_code": code,
                    "centre_code": regions.league_of(code).code,
                    "state": "normal",
                    "wage_base_fen": int(wage_base[i]),
                    "balance_fen": 0,
                    "opened_on": _month_start(int(opened_month[i])),
                    "version": 1,
                }
            )

        # Deposit entries, one per account-month, vectorised.
        account_of_entry = np.repeat(np.arange(n), months_held)
        offsets = np.arange(months_held.sum()) - np.repeat(np.cumsum(months_held) - months_held, months_held)
        month_of_entry = opened_month[account_of_entry] + offsets
        amount = monthly_fen[account_of_entry]
        posted = np.array(
            [
                _ordinal(_month_start(int(k)) + timedelta(days=14))
                for k in range(month_of_entry.min(), month_of_entry.max() + 1)
            ]
        )
        posted_on = posted[month_of_entry - month_of_entry.min()]
        deferral_months = (month_of_entry >= _month_index(DEFERRAL_FIRST)) & (
            month_of_entry <= _month_index(DEFERRAL_LAST)
        )
        in_deferral = deferred_employer[employer_of[account_of_entry]] & deferral_months
        kind = np.where(in_deferral, 1, 0)  # 0 deposit, 1 make-up
        made_up = as_of >= MADE_UP_ON
        posted_on = np.where(in_deferral, _ordinal(MADE_UP_ON), posted_on)
        keep = ~in_deferral | made_up
        account_of_entry, month_of_entry, amount, posted_on, kind = (
            a[keep] for a in (account_of_entry, month_of_entry, amount, posted_on, kind)
        )
        period = month_of_entry

        # Interest each 30 June on daily balances: Σ amount × days held in the year, × rate / day count.
        interest_account, interest_amount, interest_day = [], [], []
        rate_cache: dict[int, tuple[int, int, int]] = {}
        all_account, all_amount, all_day = account_of_entry, amount, posted_on
        first_year = _month_start(int(opened_month.min())).year + 1
        for year in range(first_year, as_of.year + 1):
            end = date(year, 6, 30)
            if end >= as_of:
                break
            if year not in rate_cache:
                rate_value = parameters.value("housing_fund.deposit_interest_rate", end).value
                day_count = parameters.value("housing_fund.interest_day_count", end).value
                rate_cache[year] = (*Decimal(rate_value).as_integer_ratio(), day_count)
            numerator, denominator, day_count = rate_cache[year]
            start_ordinal, end_ordinal = _ordinal(date(year - 1, 7, 1)), _ordinal(end)
            held = all_day <= end_ordinal
            days = end_ordinal - np.maximum(all_day[held], start_ordinal) + 1
            product = np.zeros(n, dtype=np.int64)
            np.add.at(product, all_account[held], all_amount[held] * days)
            scale = denominator * day_count
            interest = (2 * product * numerator + scale) // (2 * scale)
            earning = np.nonzero(interest > 0)[0]
            interest_account.append(earning)
            interest_amount.append(interest[earning])
            interest_day.append(np.full(len(earning), end_ordinal))
            all_account = np.concatenate([all_account, earning])
            all_amount = np.concatenate([all_amount, interest[earning]])
            all_day = np.concatenate([all_day, np.full(len(earning), end_ordinal)])
        interest_accounts = (
            np.concatenate(interest_account) if interest_account else np.array([], dtype=np.int64)
        )
        interest_amounts = (
            np.concatenate(interest_amount) if interest_amount else np.array([], dtype=np.int64)
        )
        interest_days = np.concatenate(interest_day) if interest_day else np.array([], dtype=np.int64)
        interest_years = np.array([_day(d).year for d in interest_days], dtype=np.int64)

        entry_account = np.concatenate([account_of_entry, interest_accounts])
        entry_amount = np.concatenate([amount, interest_amounts])
        entry_day = np.concatenate([posted_on, interest_days])
        entry_kind = np.concatenate([kind, np.full(len(interest_accounts), 2)])
        entry_period = np.concatenate([period, interest_years])
        order = np.lexsort((entry_kind, entry_period, entry_day, entry_account))
        entry_account, entry_amount, entry_day, entry_kind, entry_period = (
            a[order] for a in (entry_account, entry_amount, entry_day, entry_kind, entry_period)
        )
        running = np.cumsum(entry_amount)
        starts = np.searchsorted(entry_account, np.arange(n))
        before = np.concatenate([[0], running])[starts]
        balance_after = running - before[entry_account]
        balance = np.zeros(n, dtype=np.int64)
        np.add.at(balance, entry_account, entry_amount)
        for i in range(n):
            account_rows[i]["balance_fen"] = int(balance[i])

        kinds = np.array(["deposit", "make_up", "interest"])
        entry_rows = [
            {
                "account_id": account_base_id + int(a),
                "posted_on": _day(d),
                "kind": str(kinds[k]),
                "period": str(p) if k == 2 else f"{p // 12}-{p % 12 + 1:02d}",
                "employer_fen": int(v) // 2 if k != 2 else 0,
                "employee_fen": int(v) // 2 if k != 2 else 0,
                "amount_fen": int(v),
                "balance_after_fen": int(b),
                "reference": "synthetic",
            }
            for a, d, k, p, v, b in zip(
                entry_account.tolist(),
                entry_day.tolist(),
                entry_kind.tolist(),
                entry_period.tolist(),
                entry_amount.tolist(),
                balance_after.tolist(),
                strict=True,
            )
        ]
        tell("entries", len(entry_rows))

        deferral_rows = []
        if as_of > DEFERRAL_FIRST:
            for k in np.nonzero(deferred_employer)[0]:
                deferral_rows.append(
                    {
                        "employer_id": employer_base_id + int(k),
                        "applied_on": date(2022, 5, 20),
                        "first_month": DEFERRAL_FIRST,
                        "last_month": DEFERRAL_LAST,
                        "reason": "受疫情影响,生产经营困难 / hit by the epidemic",
                        "staff_approval": "职工代表大会决议 / staff congress resolution",
                        "status": "made_up" if made_up else "approved",
                        "decided_on": date(2022, 5, 27),
                        "decided_by": "synthetic",
                        "made_up_on": MADE_UP_ON if made_up else None,
                        "version": 1,
                    }
                )

        # The loan book: a share of accounts with a year of history borrow for a first home mostly.
        table = parameters.rate_table()
        eligible = np.nonzero(months_held >= 12)[0]
        borrowers = eligible[rng.random(len(eligible)) < loan_share]
        loan_base_id = (session.scalar(select(func.max(Loan.id))) or 0) + 1
        loan_rows, repayment_rows, loan_deferral_rows = [], [], []
        schedules: dict[tuple, list[tuple[int, int, int]]] = {}
        for j, i in enumerate(borrowers.tolist()):
            code = str(banner[i])
            earliest = _ordinal(_month_start(int(opened_month[i]) + 6))
            latest = _ordinal(as_of) - 31
            if latest <= earliest:
                continue
            issue = _day(int(rng.integers(earliest, latest)))
            sex = "M" if male[i] else "F"
            oldest_age = parameters.value("housing_fund.loan_max_age_at_maturity", issue, code, sex=sex).value
            age_years = (issue - _day(int(birth[i]))).days // 366
            room = max(5, min(30, oldest_age - age_years - 1))
            months = int(rng.choice([y for y in (5, 10, 15, 20, 25, 30) if y <= room] or [5])) * 12
            city_cap = parameters.value("housing_fund.loan_city_cap", issue, code).value
            principal = min(int(rng.integers(2, 13)) * 5_000_000, city_cap)  # 100 000 – 600 000 yuan
            home = "first" if rng.random() < 0.9 else "second"
            method = "equal_instalment" if rng.random() < 0.7 else "equal_principal"
            band_years = parameters.value("housing_fund.loan_rate_term_band_years", issue).value
            band = term_band(months, band_years)
            issued_rate = table.rate_on(issue, home, band).rate
            current_rate = table.contract_rate(issue, as_of, home, band).rate
            loan_id = loan_base_id + len(loan_rows)

            # A schedule's amounts depend only on the rates by instalment: loans alike share one computation.
            year_rate = {
                year: table.contract_rate(issue, date(year, 12, 31), home, band).rate
                for year in range(issue.year, add_months(issue, months).year + 1)
            }
            due_dates = [add_months(issue, k) for k in range(1, months + 1)]
            rates = [year_rate[d.year] for d in due_dates]
            runs = tuple((k, r) for k, r in enumerate(rates) if k == 0 or r != rates[k - 1])
            key = (principal, months, method, runs)
            if key not in schedules:

                def rate_for(due: date, year_rate=year_rate) -> Decimal:
                    return year_rate[due.year]

                schedules[key] = [
                    (i.number, i.principal_fen, i.interest_fen)
                    for i in loan_schedule(principal, months, method, issue, rate_for).instalments
                ]
            instalments = schedules[key]
            due = [(number, p, i) for number, p, i in instalments if due_dates[number - 1] <= as_of]
            unpaid = int(rng.integers(1, 3)) if due and rng.random() < 0.03 else 0
            deferred = rng.random() < 0.05 and issue < date(2022, 10, 1)
            if deferred:
                loan_deferral_rows.append(
                    {
                        "loan_id": loan_id,
                        "first_day": date(2022, 11, 1),
                        "last_day": date(2022, 12, 31),
                        "reason": "疫情期间延期还款 / deferred during the epidemic",
                        "approved_on": date(2022, 11, 1),
                        "approved_by": "synthetic",
                    }
                )
            for number, principal_part, interest_part in due[: len(due) - unpaid]:
                due_on = due_dates[number - 1]
                in_deferral = deferred and date(2022, 11, 1) <= due_on <= date(2022, 12, 31)
                repayment_rows.append(
                    {
                        "loan_id": loan_id,
                        "instalment_number": number,
                        "due_date": due_on,
                        "paid_on": date(2023, 1, 5) if in_deferral else due_on,
                        "principal_fen": principal_part,
                        "interest_fen": interest_part,
                        "penalty_fen": 0,
                        "days_overdue": 0,
                        "deferred": in_deferral,
                    }
                )
            loan_rows.append(
                {
                    "id": loan_id,
                    "loan_number": f"L{regions.league_of(code).code}{loan_id:010d}",
                    "account_id": account_base_id + i,
                    "person_id": int(person_id[i]),
                    "centre_code": regions.league_of(code).code,
                    "region_code": code,
                    "principal_fen": principal,
                    "months": months,
                    "method": method,
                    "home": home,
                    "term_band": band,
                    "issue_date": issue,
                    "rate_at_issue": issued_rate,
                    "current_rate": current_rate,
                    "status": "repaid" if len(due) == len(instalments) and not unpaid else "active",
                    "assessment": {"synthetic": True, "seed": seed},
                    "version": 1,
                }
            )
            if j % 200 == 0:
                tell("loans", j)
        tell("loans", len(loan_rows))

        connection = session.connection()
        for model, rows_to_write in (
            (Employer, employer_rows),
            (Account, account_rows),
            (Entry, entry_rows),
            (Deferral, deferral_rows),
            (Loan, loan_rows),
            (Repayment, repayment_rows),
            (RepaymentDeferral, loan_deferral_rows),
        ):
            if model in (Entry, Repayment):  # the large ones: every value given, no defaults or JSON
                _bulk_insert(connection, model.__table__, rows_to_write, tell)
            elif rows_to_write:
                connection.execute(insert(model.__table__), rows_to_write)
        if connection.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for model in (Employer, Account, Loan):
                name = model.__tablename__
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
        done.employers, done.accounts, done.entries = len(employer_rows), len(account_rows), len(entry_rows)
        done.loans, done.repayments, done.balance_fen = (
            len(loan_rows),
            len(repayment_rows),
            int(balance.sum()),
        )
        audit.append(
            session,
            actor="synthetic",
            action="housing_fund.synthetic",
            entity="housing_fund_account",
            after={"as_of": as_of, "seed": seed, **done.__dict__},
        )
    return done
