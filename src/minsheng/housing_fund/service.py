"""Housing-fund use cases, one transaction each: employers, accounts, deposits, interest, deferrals,
loans (checks, issue, repayment, overdue, repayment deferral, prepayment, repricing), withdrawals and
transfers. Every refusal names the field and the rule; every decision carries its reasons.

Accrual method of interest (结息): the interest year runs 1 July – 30 June and is credited on
30 June, on the daily balances (积数计息): Σ(balance of each day) × annual rate / 360, rounded half up
to the fen once, at the end (the PBoC day count `housing_fund.interest_day_count`: daily rate = annual / 360).

Penalty interest (罚息) on an overdue instalment: instalment × contract rate × (1 + mark-up) / 360 per
day overdue, rounded half up once; days inside an approved repayment deferral never count, and an
instalment falling due inside one is due the day after the deferral ends.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from minsheng import credit_code, regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.housing_fund import parameters
from minsheng.housing_fund.models import (
    Account,
    Deferral,
    Employer,
    Entry,
    Loan,
    Prepayment,
    Repayment,
    RepaymentDeferral,
    Transfer,
    Withdrawal,
)
from minsheng.housing_fund.rates import term_band
from minsheng.housing_fund.schedule import (
    Instalment,
    Schedule,
    ScheduleError,
    add_months,
    loan_schedule,
    simple_schedule,
)
from minsheng.housing_fund.schedule import (
    Prepayment as SchedulePrepayment,
)
from minsheng.money import format_yuan, round_fen
from minsheng.registry.models import Person, PersonTag
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store import audit
from minsheng.store.db import unit_of_work


def _invalid(field_name: str, rule: str, zh: str, en: str) -> DomainError:
    return DomainError("invalid_request", zh, en, 422, [FieldError(field_name, rule, zh, en)])


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from `first` to `last`, both included."""
    months, current = [], month_start(first)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


def _centre_of(region_code: str) -> str:
    if not regions.exists(region_code) or not regions.is_within(region_code, regions.REGION_CODE):
        raise _invalid(
            "region_code",
            "known_region",
            f"未知或区外的行政区划代码 {region_code}",
            f"unknown region code {region_code}",
        )
    region = regions.get(region_code)
    if region.level == "region":
        raise _invalid(
            "region_code",
            "league_or_banner",
            "请给出盟市或旗县代码",
            "give a league or banner code, not the region",
        )
    return region_code if region.level == "league" else regions.league_of(region_code).code


# ---- employers and accounts ---------------------------------------------------------------------


def _check_rate(name: str, rate: Decimal, on: date, region: str) -> list[dict]:
    low = parameters.value("housing_fund.contribution_rate_min", on, region)
    high = parameters.value("housing_fund.contribution_rate_max", on, region)
    if not low.value <= rate <= high.value:
        raise _invalid(
            name,
            "range",
            f"缴存比例 {rate} 应在 {low.value} 与 {high.value} 之间",
            f"the contribution rate {rate} must lie between {low.value} and {high.value}",
        )
    return [low.as_dict(), high.as_dict()]


def register_employer(
    engine: Engine | None,
    *,
    credit_code_text: str,
    name: str,
    region_code: str,
    employer_rate: Decimal,
    employee_rate: Decimal,
    opened_on: date,
    actor: str,
) -> int:
    """登记缴存单位: the credit code's check character, the rates within bounds."""
    try:
        code = credit_code.parse(credit_code_text).code
    except credit_code.InvalidCreditCode as problem:
        raise _invalid("credit_code", "gb32100", problem.reason_zh, problem.reason_en) from None
    if not name.strip():
        raise _invalid("name", "required", "单位名称必填", "the employer's name is required")
    centre = _centre_of(region_code)
    _check_rate("employer_rate", Decimal(employer_rate), opened_on, region_code)
    _check_rate("employee_rate", Decimal(employee_rate), opened_on, region_code)
    with unit_of_work(engine) as session:
        if session.scalar(select(Employer.id).where(Employer.credit_code == code)) is not None:
            raise Conflict(
                f"统一社会信用代码 {code} 已登记",
                f"credit code {code} is already registered",
                [FieldError("credit_code", "unique", "已登记", "already registered")],
            )
        employer = Employer(
            credit_code=code,
            name=name.strip(),
            region_code=region_code,
            centre_code=centre,
            employer_rate=Decimal(employer_rate),
            employee_rate=Decimal(employee_rate),
            opened_on=opened_on,
        )
        session.add(employer)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="housing_fund.employer.register",
            entity="housing_fund_employer",
            entity_id=employer.id,
            region_code=region_code,
            after={"credit_code": code, "name": employer.name},
        )
        return employer.id


@dataclass(frozen=True)
class WageBase:
    base_fen: int
    wage_fen: int
    floor: parameters.Used
    cap_fen: int
    average: parameters.Used
    multiple: parameters.Used

    @property
    def reason(self) -> dict:
        if self.base_fen > self.wage_fen:
            zh, en = (
                "工资低于最低工资标准,按最低工资缴存",
                "wage below the minimum wage: the minimum wage is the base",
            )
        elif self.base_fen < self.wage_fen:
            zh, en = "工资高于当地月平均工资的3倍,按上限缴存", "wage above the cap: the cap is the base"
        else:
            zh, en = "按本人上年月平均工资缴存", "the wage is the base"
        return {
            "check": "wage_base",
            "wage_fen": self.wage_fen,
            "base_fen": self.base_fen,
            "cap_fen": self.cap_fen,
            "zh": zh,
            "en": en,
            "parameters": [self.floor.as_dict(), self.average.as_dict(), self.multiple.as_dict()],
        }


def wage_base(wage_fen: int, on: date, region: str) -> WageBase:
    """缴存基数: the prior-year average monthly wage, floored at the minimum wage, capped at 3× average."""
    if wage_fen < 0:
        raise _invalid("wage", "not_negative", "工资不能为负数", "the wage cannot be negative")
    floor = parameters.value("housing_fund.minimum_wage", on, region)
    average = parameters.value("housing_fund.average_monthly_wage", on, region)
    multiple = parameters.value("housing_fund.wage_base_cap_multiple", on, region)
    cap = round_fen(Decimal(average.value) * multiple.value)
    return WageBase(min(max(wage_fen, floor.value), cap), wage_fen, floor, cap, average, multiple)


def open_account(
    engine: Engine | None, *, person_id: int, employer_id: int, wage_fen: int, opened_on: date, actor: str
) -> int:
    """开户 (or re-open a sealed account at a new employer): one open account per person."""
    with unit_of_work(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound("人员 / person", person_id)
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound("缴存单位 / employer", employer_id)
        base = wage_base(wage_fen, opened_on, employer.region_code)
        existing = session.scalars(
            select(Account).where(Account.person_id == person_id, Account.state != "closed")
        ).first()
        if existing is not None and existing.state == "normal":
            raise Conflict(
                "该职工已有正常缴存的账户,请先封存",
                "the person already has an account in normal state; seal it first",
                [FieldError("person_id", "one_open_account", "已有正常账户", "already has a normal account")],
            )
        if existing is not None:  # sealed: the same account moves to the new employer (启封)
            if existing.centre_code != employer.centre_code:
                raise Conflict(
                    "封存账户在其他城市中心,请先办理转移接续",
                    "the sealed account is at another centre: transfer it first",
                    [FieldError("employer_id", "same_centre", "须先转移", "transfer first")],
                )
            existing.employer_id, existing.state = employer.id, "normal"
            existing.wage_base_fen, existing.region_code = base.base_fen, employer.region_code
            account = existing
            action = "housing_fund.account.unseal"
        else:
            account = Account(
                account_number=uuid.uuid4().hex[:20],
                person_id=person_id,
                employer_id=employer.id,
                region_code=employer.region_code,
                centre_code=employer.centre_code,
                state="normal",
                wage_base_fen=base.base_fen,
                balance_fen=0,
                opened_on=opened_on,
            )
            session.add(account)
            session.flush()
            account.account_number = f"{employer.centre_code}{account.id:010d}"
            action = "housing_fund.account.open"
        session.flush()
        audit.append(
            session,
            actor=actor,
            action=action,
            entity="housing_fund_account",
            entity_id=account.id,
            region_code=account.region_code,
            subject=f"person:{person_id}",
            after=base.reason,
        )
        return account.id


def seal_account(engine: Engine | None, account_id: int, on: date, actor: str) -> None:
    """封存: the staff member left the employer; the balance stays and keeps earning interest."""
    with unit_of_work(engine) as session:
        account = _account(session, account_id)
        if account.state != "normal":
            raise Conflict(
                f"账户状态为 {account.state},不能封存",
                f"an account in state {account.state} cannot be sealed",
            )
        account.state, account.employer_id = "sealed", None
        audit.append(
            session,
            actor=actor,
            action="housing_fund.account.seal",
            entity="housing_fund_account",
            entity_id=account.id,
            region_code=account.region_code,
            after={"on": on},
        )


def _account(session: Session, account_id: int, scope: RegionScope = REGION_WIDE) -> Account:
    account = session.get(Account, account_id)
    if account is None or not scope.allows(account.region_code):
        raise NotFound("公积金账户 / account", account_id)
    return account


def _post(
    session: Session,
    account: Account,
    *,
    kind: str,
    amount_fen: int,
    on: date,
    period: str | None = None,
    employer_fen: int = 0,
    employee_fen: int = 0,
    reference: str | None = None,
) -> Entry:
    if account.balance_fen + amount_fen < 0:
        raise _invalid(
            "amount",
            "at_most_balance",
            f"金额 {format_yuan(-amount_fen)} 元超过账户余额 {format_yuan(account.balance_fen)} 元",
            f"{format_yuan(-amount_fen)} yuan exceeds the balance of {format_yuan(account.balance_fen)} yuan",
        )
    account.balance_fen += amount_fen
    entry = Entry(
        account_id=account.id,
        posted_on=on,
        kind=kind,
        period=period,
        employer_fen=employer_fen,
        employee_fen=employee_fen,
        amount_fen=amount_fen,
        balance_after_fen=account.balance_fen,
        reference=reference,
    )
    session.add(entry)
    return entry


# ---- deposits and deferral ----------------------------------------------------------------------


@dataclass
class DepositRun:
    employer_id: int
    period: str
    deposited: int = 0
    deferred: int = 0
    already: int = 0
    amount_fen: int = 0


def _approved_deferral(session: Session, employer_id: int, month: date) -> Deferral | None:
    return session.scalars(
        select(Deferral).where(
            Deferral.employer_id == employer_id,
            Deferral.status.in_(("approved", "made_up")),
            Deferral.first_month <= month,
            Deferral.last_month >= month,
        )
    ).first()


def deposit_month(
    engine: Engine | None, *, employer_id: int, month: date, posted_on: date, actor: str
) -> DepositRun:
    """汇缴: one month's deposits for the employer's staff, unless the month is deferred. Idempotent."""
    month = month_start(month)
    run = DepositRun(employer_id, month.strftime("%Y-%m"))
    with unit_of_work(engine) as session:
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound("缴存单位 / employer", employer_id)
        deferral = _approved_deferral(session, employer_id, month)
        accounts = session.scalars(
            select(Account)
            .where(Account.employer_id == employer_id, Account.state == "normal")
            .order_by(Account.id)
        ).all()
        done = set(
            session.scalars(
                select(Entry.account_id).where(
                    Entry.account_id.in_([a.id for a in accounts]),
                    Entry.kind.in_(("deposit", "make_up")),
                    Entry.period == run.period,
                )
            )
        )
        for account in accounts:
            if account.id in done:
                run.already += 1
                continue
            if deferral is not None and deferral.status == "approved":
                run.deferred += 1
                continue
            employer_fen = round_fen(Decimal(account.wage_base_fen) * employer.employer_rate)
            employee_fen = round_fen(Decimal(account.wage_base_fen) * employer.employee_rate)
            _post(
                session,
                account,
                kind="deposit",
                amount_fen=employer_fen + employee_fen,
                on=posted_on,
                period=run.period,
                employer_fen=employer_fen,
                employee_fen=employee_fen,
            )
            run.deposited += 1
            run.amount_fen += employer_fen + employee_fen
        audit.append(
            session,
            actor=actor,
            action="housing_fund.deposit",
            entity="housing_fund_employer",
            entity_id=employer_id,
            region_code=employer.region_code,
            after=run.__dict__,
        )
    return run


def apply_deferral(
    engine: Engine | None,
    *,
    employer_id: int,
    first_month: date,
    last_month: date,
    reason: str,
    staff_approval: str,
    applied_on: date,
    actor: str,
) -> int:
    """缓缴申请: needs the staff congress's or union's resolution (条例 Art. 20)."""
    first_month, last_month = month_start(first_month), month_start(last_month)
    if last_month < first_month:
        raise _invalid(
            "last_month", "after_first", "缓缴截止月份早于起始月份", "the last month comes before the first"
        )
    if not staff_approval.strip():
        raise _invalid(
            "staff_approval",
            "required",
            "须经职工代表大会或工会讨论通过",
            "the staff congress or union must approve",
        )
    if not reason.strip():
        raise _invalid("reason", "required", "请说明缓缴原因", "give the reason for the deferral")
    with unit_of_work(engine) as session:
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound("缴存单位 / employer", employer_id)
        longest = parameters.value(
            "housing_fund.deposit_deferral_max_months", applied_on, employer.region_code
        )
        if len(months_between(first_month, last_month)) > longest.value:
            raise _invalid(
                "last_month",
                "longest",
                f"缓缴期限不得超过 {longest.value} 个月",
                f"a deferral lasts at most {longest.value} months",
            )
        deferral = Deferral(
            employer_id=employer_id,
            applied_on=applied_on,
            first_month=first_month,
            last_month=last_month,
            reason=reason.strip(),
            staff_approval=staff_approval.strip(),
            status="applied",
        )
        session.add(deferral)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="housing_fund.deferral.apply",
            entity="housing_fund_deferral",
            entity_id=deferral.id,
            region_code=employer.region_code,
            after={"first_month": first_month, "last_month": last_month},
        )
        return deferral.id


def decide_deferral(
    engine: Engine | None, deferral_id: int, *, approve: bool, on: date, actor: str, note: str = ""
) -> None:
    """The centre's review: approved or rejected (with a note)."""
    with unit_of_work(engine) as session:
        deferral = session.get(Deferral, deferral_id)
        if deferral is None:
            raise NotFound("缓缴申请 / deferral", deferral_id)
        if deferral.status != "applied":
            raise Conflict(
                f"缓缴申请已处理({deferral.status})", f"the deferral was already decided ({deferral.status})"
            )
        if not approve and not note.strip():
            raise _invalid("note", "required", "不予批准须说明理由", "a rejection needs its reason")
        deferral.status = "approved" if approve else "rejected"
        deferral.decided_on, deferral.decided_by, deferral.decision_note = on, actor, note.strip() or None
        audit.append(
            session,
            actor=actor,
            action=f"housing_fund.deferral.{deferral.status}",
            entity="housing_fund_deferral",
            entity_id=deferral.id,
            after={"status": deferral.status, "note": note},
        )


def make_up_deposits(engine: Engine | None, deferral_id: int, *, posted_on: date, actor: str) -> DepositRun:
    """补缴: after the deferral, every deferred month is deposited for the staff still at the employer."""
    with unit_of_work(engine) as session:
        deferral = session.get(Deferral, deferral_id)
        if deferral is None:
            raise NotFound("缓缴申请 / deferral", deferral_id)
        if deferral.status != "approved":
            raise Conflict("只有已批准的缓缴可以补缴", "only an approved deferral can be made up")
        if posted_on < add_months(deferral.last_month, 1):
            raise _invalid("posted_on", "after_period", "缓缴期结束后补缴", "make up after the deferral ends")
        employer = session.get(Employer, deferral.employer_id)
        accounts = session.scalars(
            select(Account)
            .where(Account.employer_id == employer.id, Account.state == "normal")
            .order_by(Account.id)
        ).all()
        run = DepositRun(employer.id, f"{deferral.first_month:%Y-%m}..{deferral.last_month:%Y-%m}")
        for month in months_between(deferral.first_month, deferral.last_month):
            period = month.strftime("%Y-%m")
            for account in accounts:
                if account.opened_on > add_months(month, 1) - timedelta(days=1):
                    continue
                exists = session.scalar(
                    select(Entry.id).where(
                        Entry.account_id == account.id,
                        Entry.period == period,
                        Entry.kind.in_(("deposit", "make_up")),
                    )
                )
                if exists is not None:
                    run.already += 1
                    continue
                employer_fen = round_fen(Decimal(account.wage_base_fen) * employer.employer_rate)
                employee_fen = round_fen(Decimal(account.wage_base_fen) * employer.employee_rate)
                _post(
                    session,
                    account,
                    kind="make_up",
                    amount_fen=employer_fen + employee_fen,
                    on=posted_on,
                    period=period,
                    employer_fen=employer_fen,
                    employee_fen=employee_fen,
                    reference=f"deferral:{deferral.id}",
                )
                run.deposited += 1
                run.amount_fen += employer_fen + employee_fen
        deferral.status, deferral.made_up_on = "made_up", posted_on
        audit.append(
            session,
            actor=actor,
            action="housing_fund.deferral.made_up",
            entity="housing_fund_deferral",
            entity_id=deferral.id,
            region_code=employer.region_code,
            after=run.__dict__,
        )
    return run


def _account_chain(session: Session, account: Account) -> list[Account]:
    """The account and those it was transferred from, newest first."""
    chain = [account]
    while chain[-1].transferred_from_id is not None:
        chain.append(session.get(Account, chain[-1].transferred_from_id))
    return chain


def contribution_months(session: Session, account: Account, before: date) -> tuple[int, list[str]]:
    """Consecutive months deposited up to the month before `before`; a deferred month counts as paid."""
    chain = _account_chain(session, account)
    ids = [a.id for a in chain]
    paid = set(
        session.scalars(
            select(Entry.period).where(Entry.account_id.in_(ids), Entry.kind.in_(("deposit", "make_up")))
        )
    )
    employer_ids = {a.employer_id for a in chain if a.employer_id is not None}
    deferrals = session.scalars(
        select(Deferral).where(
            Deferral.employer_id.in_(employer_ids), Deferral.status.in_(("approved", "made_up"))
        )
    ).all()
    deferred_months: list[str] = []
    count, month = 0, add_months(month_start(before), -1)
    while True:
        period = month.strftime("%Y-%m")
        if period in paid:
            count += 1
        elif any(d.first_month <= month <= d.last_month for d in deferrals):
            count += 1
            deferred_months.append(period)
        else:
            break
        month = add_months(month, -1)
    return count, deferred_months


# ---- interest -----------------------------------------------------------------------------------


def interest_for_year(
    session: Session, account: Account, year: int, until: date | None = None
) -> tuple[int, Decimal, parameters.Used]:
    """Interest of the year ending 30 June `year` on the daily balances (积数), before rounding too;
    with `until`, only the days before it (the interest settled when an account closes or moves)."""
    start, end = date(year - 1, 7, 1), date(year, 6, 30)
    if until is not None:
        end = min(end, until - timedelta(days=1))
    rate = parameters.value("housing_fund.deposit_interest_rate", end, account.region_code)
    opening = session.scalar(  # a sum, not a stored balance: interest is dated 30 June whenever it is posted
        select(func.coalesce(func.sum(Entry.amount_fen), 0)).where(
            Entry.account_id == account.id, Entry.posted_on < start
        )
    )
    entries = session.execute(
        select(Entry.posted_on, Entry.amount_fen)
        .where(
            Entry.account_id == account.id,
            Entry.posted_on >= start,
            Entry.posted_on <= end,
            Entry.kind != "interest",
        )
        .order_by(Entry.posted_on, Entry.id)
    ).all()
    balance, day, product = int(opening or 0), start, 0
    for posted_on, amount in entries:
        product += balance * (posted_on - day).days
        balance, day = balance + amount, posted_on
    product += balance * max((end - day).days + 1, 0)
    day_count = parameters.value("housing_fund.interest_day_count", end, account.region_code)
    exact = Decimal(product) * rate.value / day_count.value
    return round_fen(exact), exact, rate


def _interest_year(day: date) -> int:
    """The interest year (ending 30 June) a day falls in."""
    return day.year if day <= date(day.year, 6, 30) else day.year + 1


def settle_interest(session: Session, account: Account, on: date) -> int:
    """Credit every interest year not yet credited, the current one up to the day before `on`
    (销户/转移结息); returns the interest posted."""
    credited = set(
        session.scalars(select(Entry.period).where(Entry.account_id == account.id, Entry.kind == "interest"))
    )
    total = 0
    for year in range(_interest_year(account.opened_on), _interest_year(on) + 1):
        if str(year) in credited:
            continue
        current = year == _interest_year(on)
        interest, _, rate = interest_for_year(session, account, year, until=on if current else None)
        if interest > 0:
            posted_on = on if current else date(year, 6, 30)
            _post(
                session,
                account,
                kind="interest",
                amount_fen=interest,
                on=posted_on,
                period=str(year),
                reference=rate.name,
            )
            total += interest
    return total


def credit_interest(engine: Engine | None, *, year: int, actor: str, centre_code: str | None = None) -> dict:
    """结息 on 30 June `year` for every account not closed (idempotent: once a year per account)."""
    end = date(year, 6, 30)
    summary = {"year": year, "accounts": 0, "interest_fen": 0, "already": 0}
    with unit_of_work(engine) as session:
        query = (
            select(Account).where(Account.state != "closed", Account.opened_on <= end).order_by(Account.id)
        )
        if centre_code:
            query = query.where(Account.centre_code == centre_code)
        for account in session.scalars(query):
            done = session.scalar(
                select(Entry.id).where(
                    Entry.account_id == account.id, Entry.kind == "interest", Entry.period == str(year)
                )
            )
            if done is not None:
                summary["already"] += 1
                continue
            interest, _, rate = interest_for_year(session, account, year)
            if interest > 0:
                _post(
                    session,
                    account,
                    kind="interest",
                    amount_fen=interest,
                    on=end,
                    period=str(year),
                    reference=rate.name,
                )
                summary["accounts"] += 1
                summary["interest_fen"] += interest
        audit.append(
            session, actor=actor, action="housing_fund.interest", entity="housing_fund_account", after=summary
        )
    return summary


# ---- loans --------------------------------------------------------------------------------------


@dataclass
class Check:
    check: str
    field: str
    passed: bool
    zh: str
    en: str
    value: Any = None
    limit: Any = None
    parameters: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "check": self.check,
            "field": self.field,
            "passed": self.passed,
            "zh": self.zh,
            "en": self.en,
            "value": None if self.value is None else str(self.value),
            "limit": None if self.limit is None else str(self.limit),
            "parameters": self.parameters,
        }


@dataclass
class LoanAssessment:
    passed: bool
    checks: list[Check]
    rate: Decimal | None
    rate_source: dict | None
    term_band: str
    first_payment_fen: int | None

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "checks": [c.as_dict() for c in self.checks],
            "rate": None if self.rate is None else str(self.rate),
            "rate_source": self.rate_source,
            "term_band": self.term_band,
            "first_payment_fen": self.first_payment_fen,
        }


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def assess_loan(
    session: Session,
    account: Account,
    *,
    principal_fen: int,
    months: int,
    method: str,
    home: str,
    issue_date: date,
    monthly_income_fen: int,
    price_fen: int | None = None,
) -> LoanAssessment:
    """贷款审核: every check with its values and parameters; nothing is written."""
    if principal_fen <= 0:
        raise _invalid("principal", "positive", "贷款本金必须大于零", "the principal must be more than zero")
    if months <= 0:
        raise _invalid("months", "positive", "贷款期限必须大于零", "the term must be at least one month")
    if home not in ("first", "second"):
        raise _invalid("home", "choice", "首套 first 或二套 second", "home must be first or second")
    if monthly_income_fen < 0:
        raise _invalid("monthly_income", "not_negative", "月收入不能为负数", "the income cannot be negative")
    region = account.region_code
    person = session.get(Person, account.person_id)
    p = lambda name, **dims: parameters.value(name, issue_date, region, **dims)  # noqa: E731
    checks: list[Check] = []

    checks.append(
        Check(
            "account_state",
            "account",
            account.state == "normal",
            "账户正常缴存" if account.state == "normal" else f"账户状态为 {account.state},须正常缴存",
            "the account is in normal state"
            if account.state == "normal"
            else f"the account is {account.state}; it must be in normal state",
            account.state,
            "normal",
        )
    )
    needed = p("housing_fund.loan_min_contribution_months")
    history, deferred = contribution_months(session, account, issue_date)
    note_zh = f"(含缓缴期 {len(deferred)} 个月,视同正常缴存)" if deferred else ""
    note_en = f" (including {len(deferred)} deferred months, counted as paid)" if deferred else ""
    checks.append(
        Check(
            "contribution_history",
            "account",
            history >= needed.value,
            f"连续缴存 {history} 个月{note_zh},要求至少 {needed.value} 个月",
            f"{history} consecutive months deposited{note_en}; at least {needed.value} required",
            history,
            needed.value,
            [needed.as_dict()],
        )
    )
    multiple = p("housing_fund.loan_balance_multiple")
    by_balance = round_fen(Decimal(account.balance_fen) * multiple.value)
    checks.append(
        Check(
            "balance_multiple",
            "principal",
            principal_fen <= by_balance,
            f"贷款 {format_yuan(principal_fen)} 元,余额 {format_yuan(account.balance_fen)} 元的 {multiple.value} 倍为 "
            f"{format_yuan(by_balance)} 元",
            f"loan {format_yuan(principal_fen)} yuan; {multiple.value} × the balance "
            f"{format_yuan(account.balance_fen)} is {format_yuan(by_balance)}",
            principal_fen,
            by_balance,
            [multiple.as_dict()],
        )
    )
    cap = p("housing_fund.loan_city_cap")
    checks.append(
        Check(
            "city_cap",
            "principal",
            principal_fen <= cap.value,
            f"贷款最高额度 {format_yuan(cap.value)} 元",
            f"the centre's highest loan is {format_yuan(cap.value)} yuan",
            principal_fen,
            cap.value,
            [cap.as_dict()],
        )
    )
    if price_fen is not None:
        down = p("housing_fund.loan_down_payment_ratio", home=home)
        by_price = round_fen(Decimal(price_fen) * (1 - down.value))
        checks.append(
            Check(
                "down_payment",
                "principal",
                principal_fen <= by_price,
                f"房价 {format_yuan(price_fen)} 元,首付不低于 {down.value},贷款至多 {format_yuan(by_price)} 元",
                f"price {format_yuan(price_fen)} yuan, down payment at least {down.value}: "
                f"at most {format_yuan(by_price)} yuan",
                principal_fen,
                by_price,
                [down.as_dict()],
            )
        )
    longest = p("housing_fund.loan_max_term")
    checks.append(
        Check(
            "max_term",
            "months",
            months <= longest.value * 12,
            f"贷款期限 {months} 个月,最长 {longest.value} 年",
            f"term {months} months; at most {longest.value} years",
            months,
            longest.value * 12,
            [longest.as_dict()],
        )
    )
    oldest = p("housing_fund.loan_max_age_at_maturity", sex=person.sex)
    maturity = add_months(issue_date, months)
    age_at_end = _age_on(person.birth_date, maturity)
    checks.append(
        Check(
            "age_at_maturity",
            "months",
            age_at_end <= oldest.value,
            f"贷款到期({maturity})时借款人 {age_at_end} 岁,不得超过 {oldest.value} 岁",
            f"the borrower is {age_at_end} when the loan ends ({maturity}); at most {oldest.value}",
            age_at_end,
            oldest.value,
            [oldest.as_dict()],
        )
    )
    band_years = p("housing_fund.loan_rate_term_band_years")
    band = term_band(months, band_years.value)
    rate = rate_source = first_payment = None
    try:
        used = parameters.rate_table().rate_on(issue_date, home, band)
        rate = used.rate
        rate_source = {
            "effective_from": used.effective_from.isoformat(),
            **{k: str(v) for k, v in used.source.items()},
        }
        first_payment = simple_schedule(principal_fen, rate, months, method).first_payment_fen
    except ScheduleError as error:
        raise _invalid(error.field, error.rule, error.message_zh, error.message_en) from None
    ratio = p("housing_fund.repayment_capacity_ratio")
    capacity = round_fen(Decimal(monthly_income_fen) * ratio.value)
    checks.append(
        Check(
            "repayment_capacity",
            "monthly_income",
            first_payment <= capacity,
            f"首期月供 {format_yuan(first_payment)} 元,月收入的 {ratio.value} 为 {format_yuan(capacity)} 元",
            f"first instalment {format_yuan(first_payment)} yuan; {ratio.value} of the monthly income is "
            f"{format_yuan(capacity)}",
            first_payment,
            capacity,
            [ratio.as_dict()],
        )
    )
    return LoanAssessment(all(c.passed for c in checks), checks, rate, rate_source, band, first_payment)


def issue_loan(
    engine: Engine | None,
    *,
    account_id: int,
    principal_fen: int,
    months: int,
    method: str,
    home: str,
    issue_date: date,
    monthly_income_fen: int,
    price_fen: int | None = None,
    actor: str,
) -> int:
    """发放贷款 when every check passes; otherwise a refusal naming each failed check, and nothing written."""
    if method not in ("equal_instalment", "equal_principal"):
        raise _invalid(
            "method",
            "choice",
            "还款方式应为等额本息或等额本金",
            "method: equal_instalment or equal_principal",
        )
    with unit_of_work(engine) as session:
        account = _account(session, account_id)
        if (
            session.scalar(select(Loan.id).where(Loan.account_id == account.id, Loan.status == "active"))
            is not None
        ):
            raise Conflict("该账户已有未结清的公积金贷款", "the account already has an active loan")
        assessment = assess_loan(
            session,
            account,
            principal_fen=principal_fen,
            months=months,
            method=method,
            home=home,
            issue_date=issue_date,
            monthly_income_fen=monthly_income_fen,
            price_fen=price_fen,
        )
        if not assessment.passed:
            failed = [c for c in assessment.checks if not c.passed]
            raise DomainError(
                "loan_refused",
                "贷款申请未通过:" + ";".join(c.zh for c in failed),
                "loan refused: " + "; ".join(c.en for c in failed),
                422,
                [FieldError(c.field, c.check, c.zh, c.en) for c in failed],
            )
        loan = Loan(
            loan_number=uuid.uuid4().hex[:20],
            account_id=account.id,
            person_id=account.person_id,
            centre_code=account.centre_code,
            region_code=account.region_code,
            principal_fen=principal_fen,
            months=months,
            method=method,
            home=home,
            term_band=assessment.term_band,
            issue_date=issue_date,
            rate_at_issue=assessment.rate,
            current_rate=assessment.rate,
            status="active",
            assessment=assessment.as_dict(),
        )
        session.add(loan)
        session.flush()
        loan.loan_number = f"L{account.centre_code}{loan.id:010d}"
        audit.append(
            session,
            actor=actor,
            action="housing_fund.loan.issue",
            entity="housing_fund_loan",
            entity_id=loan.id,
            region_code=loan.region_code,
            subject=f"person:{loan.person_id}",
            after=assessment.as_dict(),
        )
        return loan.id


def schedule_of(loan: Loan) -> Schedule:
    """The loan's schedule: its terms, the rate table repriced each 1 January, its prepayments."""
    table = parameters.rate_table()

    def rate_for(due: date) -> Decimal:
        return table.contract_rate(loan.issue_date, due, loan.home, loan.term_band).rate

    prepayments = [SchedulePrepayment(p.before_number, p.amount_fen, p.mode) for p in loan.prepayments]
    return loan_schedule(loan.principal_fen, loan.months, loan.method, loan.issue_date, rate_for, prepayments)


@dataclass(frozen=True)
class InstalmentPosition:
    """One instalment on a day: paid, not yet due, deferred (延期), or overdue with its penalty."""

    instalment: Instalment
    status: str  # paid | due_later | deferred | overdue | due
    due_on: date  # the day payment is due, moved past an approved repayment deferral
    days_overdue: int
    penalty_fen: int

    def as_dict(self) -> dict:
        return {
            "number": self.instalment.number,
            "due_date": self.instalment.due_date.isoformat(),
            "payment_fen": self.instalment.payment_fen,
            "principal_fen": self.instalment.principal_fen,
            "interest_fen": self.instalment.interest_fen,
            "status": self.status,
            "due_on": self.due_on.isoformat(),
            "days_overdue": self.days_overdue,
            "penalty_fen": self.penalty_fen,
        }


def _position(
    loan: Loan, instalment: Instalment, as_of: date, markup: Decimal, day_count: int
) -> InstalmentPosition:
    paid = {r.instalment_number for r in loan.repayments}
    due = instalment.due_date
    if instalment.number in paid:
        return InstalmentPosition(instalment, "paid", due, 0, 0)
    for deferral in loan.deferrals:  # an approved deferral moves the due day past its end
        if deferral.first_day <= due <= deferral.last_day:
            due = deferral.last_day + timedelta(days=1)
    if as_of < instalment.due_date:
        return InstalmentPosition(instalment, "due_later", due, 0, 0)
    if as_of < due:
        return InstalmentPosition(instalment, "deferred", due, 0, 0)
    days = (as_of - due).days
    if days == 0:
        return InstalmentPosition(instalment, "due", due, 0, 0)
    penalty = round_fen(
        Decimal(instalment.payment_fen) * instalment.annual_rate * (1 + markup) * days / day_count
    )
    return InstalmentPosition(instalment, "overdue", due, days, penalty)


def loan_position(session: Session, loan: Loan, as_of: date) -> list[InstalmentPosition]:
    markup = parameters.value("housing_fund.penalty_rate_markup", as_of, loan.region_code).value
    day_count = parameters.value("housing_fund.interest_day_count", as_of, loan.region_code).value
    return [
        _position(loan, i, as_of, markup, day_count)
        for i in schedule_of(loan).instalments
        if i.due_date <= as_of
    ]


def get_loan(session: Session, loan_id: int, scope: RegionScope = REGION_WIDE) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None or not scope.allows(loan.region_code):
        raise NotFound("公积金贷款 / loan", loan_id)
    return loan


def repay(engine: Engine | None, loan_id: int, *, instalment_number: int, paid_on: date, actor: str) -> dict:
    """Record an instalment paid on `paid_on`, with the penalty interest it carries if it was overdue."""
    with unit_of_work(engine) as session:
        loan = get_loan(session, loan_id)
        schedule = schedule_of(loan)
        if not 1 <= instalment_number <= len(schedule.instalments):
            raise _invalid("instalment_number", "range", "没有这一期", "no such instalment")
        if any(r.instalment_number == instalment_number for r in loan.repayments):
            raise Conflict(
                f"第 {instalment_number} 期已还", f"instalment {instalment_number} is already paid"
            )
        instalment = schedule.instalments[instalment_number - 1]
        markup = parameters.value("housing_fund.penalty_rate_markup", paid_on, loan.region_code).value
        day_count = parameters.value("housing_fund.interest_day_count", paid_on, loan.region_code).value
        position = _position(loan, instalment, paid_on, markup, day_count)
        repayment = Repayment(
            loan_id=loan.id,
            instalment_number=instalment_number,
            due_date=instalment.due_date,
            paid_on=paid_on,
            principal_fen=instalment.principal_fen,
            interest_fen=instalment.interest_fen,
            penalty_fen=position.penalty_fen,
            days_overdue=position.days_overdue,
            deferred=position.due_on != instalment.due_date,
        )
        session.add(repayment)
        if instalment_number == len(schedule.instalments):
            loan.status = "repaid"
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="housing_fund.loan.repay",
            entity="housing_fund_loan",
            entity_id=loan.id,
            region_code=loan.region_code,
            after=position.as_dict(),
        )
        return position.as_dict()


def approve_repayment_deferral(
    engine: Engine | None,
    loan_id: int,
    *,
    first_day: date,
    last_day: date,
    reason: str,
    approved_on: date,
    actor: str,
) -> int:
    """延期还款: instalments due in the period are neither overdue nor charged penalty interest."""
    if last_day < first_day:
        raise _invalid("last_day", "after_first", "截止日早于起始日", "the last day comes before the first")
    if not reason.strip():
        raise _invalid("reason", "required", "请说明延期原因", "give the reason")
    with unit_of_work(engine) as session:
        loan = get_loan(session, loan_id)
        deferral = RepaymentDeferral(
            loan_id=loan.id,
            first_day=first_day,
            last_day=last_day,
            reason=reason.strip(),
            approved_on=approved_on,
            approved_by=actor,
        )
        session.add(deferral)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="housing_fund.loan.defer",
            entity="housing_fund_loan",
            entity_id=loan.id,
            region_code=loan.region_code,
            after={"first_day": first_day, "last_day": last_day},
        )
        return deferral.id


def prepay(
    engine: Engine | None, loan_id: int, *, amount_fen: int, mode: str, paid_on: date, actor: str
) -> Schedule:
    """提前还款 before the next instalment due after `paid_on`: shorten the term or lower the instalment."""
    if mode not in ("shorten_term", "lower_instalment"):
        raise _invalid("mode", "choice", "缩短期限或减少月供", "mode: shorten_term or lower_instalment")
    with unit_of_work(engine) as session:
        loan = get_loan(session, loan_id)
        current = schedule_of(loan)
        upcoming = [i for i in current.instalments if i.due_date > paid_on]
        if not upcoming or upcoming[0].number < 2:
            raise _invalid(
                "paid_on", "in_term", "提前还款须在首期之后、末期之前", "prepay after the first instalment"
            )
        session.add(
            Prepayment(
                loan_id=loan.id,
                before_number=upcoming[0].number,
                amount_fen=amount_fen,
                mode=mode,
                paid_on=paid_on,
            )
        )
        session.flush()
        session.refresh(loan)
        try:
            schedule = schedule_of(loan)
        except ScheduleError as error:
            raise _invalid("amount", error.rule, error.message_zh, error.message_en) from None
        audit.append(
            session,
            actor=actor,
            action="housing_fund.loan.prepay",
            entity="housing_fund_loan",
            entity_id=loan.id,
            region_code=loan.region_code,
            after={"amount_fen": amount_fen, "mode": mode, "before": upcoming[0].number},
        )
        return schedule


def reprice_loans(engine: Engine | None, *, on: date, actor: str) -> list[dict]:
    """1 January: every active loan whose contract rate changes takes the new rate; returns the SMS notices."""
    if (on.month, on.day) != (1, 1):
        raise _invalid("on", "january_first", "贷款利率于1月1日调整", "loans reprice on 1 January")
    notices = []
    with unit_of_work(engine) as session:
        table = parameters.rate_table()
        loans = session.scalars(
            select(Loan).where(Loan.status == "active", Loan.issue_date < on).order_by(Loan.id)
        )
        for loan in loans:
            new = table.contract_rate(loan.issue_date, on, loan.home, loan.term_band).rate
            if new == loan.current_rate:
                continue
            before = loan.current_rate
            loan.current_rate = new
            upcoming = [i for i in schedule_of(loan).instalments if i.due_date >= on]
            payment = upcoming[0].payment_fen if upcoming else 0
            notice = {
                "loan_id": loan.id,
                "person_id": loan.person_id,
                "from_rate": str(before),
                "to_rate": str(new),
                "payment_fen": payment,
                "sms_zh": f"您的住房公积金贷款利率自{on:%Y年%m月%d日}起由{before * 100:.3f}%调整为{new * 100:.3f}%,"
                f"调整后月还款额为{format_yuan(payment)}元,无需办理手续。",
            }
            notices.append(notice)
            audit.append(
                session,
                actor=actor,
                action="housing_fund.loan.reprice",
                entity="housing_fund_loan",
                entity_id=loan.id,
                region_code=loan.region_code,
                before={"rate": before},
                after=notice,
            )
    return notices


# ---- withdrawals --------------------------------------------------------------------------------


def _reason(check: str, passed: bool, zh: str, en: str, *used: parameters.Used, **values: Any) -> dict:
    return {
        "check": check,
        "passed": passed,
        "zh": zh,
        "en": en,
        "values": {k: str(v) for k, v in values.items()},
        "parameters": [u.as_dict() for u in used],
    }


def _evidence_int(evidence: dict, name: str, default: int) -> int:
    raw = evidence.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise _invalid(
            f"evidence.{name}", "integer", f"{name} 应为整数", f"{name} must be a whole number"
        ) from None
    if value < 0:
        raise _invalid(f"evidence.{name}", "not_negative", f"{name} 不能为负数", f"{name} cannot be negative")
    return value


def _family_monthly_wages(session: Session, person: Person, on: date) -> int:
    from minsheng.registry.models import Income

    members = [person.id]
    if person.household_id is not None:
        members = list(session.scalars(select(Person.id).where(Person.household_id == person.household_id)))
    rows = session.scalars(
        select(Income.monthly_fen).where(
            Income.person_id.in_(members),
            Income.category == "wages",
            Income.effective_from <= on,
            (Income.effective_to.is_(None)) | (Income.effective_to > on),
        )
    )
    return sum(rows)


def withdraw(
    engine: Engine | None,
    *,
    account_id: int,
    trigger: str,
    applied_on: date,
    actor: str,
    amount_fen: int | None = None,
    evidence: dict | None = None,
) -> dict:
    """提取申请: decided at once when the data prove the trigger, otherwise queued for review with reasons."""
    evidence = dict(evidence or {})
    with unit_of_work(engine) as session:
        account = _account(session, account_id)
        region = account.region_code
        if trigger not in parameters.enabled_triggers(applied_on, region):
            raise _invalid(
                "trigger",
                "enabled",
                f"不支持的提取情形 {trigger}",
                f"{trigger} is not a withdrawal reason here",
            )
        if account.state == "closed":
            raise Conflict("账户已销户", "the account is closed")
        if amount_fen is not None and amount_fen <= 0:
            raise _invalid("amount", "positive", "提取金额必须大于零", "the amount must be more than zero")
        if amount_fen is not None and amount_fen > account.balance_fen:
            raise _invalid(
                "amount",
                "at_most_balance",
                f"提取金额超过余额 {format_yuan(account.balance_fen)} 元",
                f"the amount exceeds the balance of {format_yuan(account.balance_fen)} yuan",
            )
        person = session.get(Person, account.person_id)
        closes = parameters.value(
            "housing_fund.withdrawal_closes_account", applied_on, region, trigger=trigger
        )
        days = parameters.value("housing_fund.withdrawal_decision_days", applied_on, region)
        reasons: list[dict] = []
        status, approved = "pending_review", 0
        full = account.balance_fen  # plus the interest to date when the account closes (below)
        wanted = amount_fen if amount_fen is not None else full

        if trigger == "retirement":
            age = _age_on(person.birth_date, applied_on)
            retirement = parameters.value("housing_fund.retirement_age", applied_on, region, sex=person.sex)
            declared = person.employment_status == "retired"
            proven = age >= retirement.value or declared
            reasons.append(
                _reason(
                    "retirement_age",
                    proven,
                    f"{age} 岁,法定退休年龄 {retirement.value} 岁" + (",登记为退休" if declared else ""),
                    f"aged {age}; statutory retirement age {retirement.value}"
                    + ("; registered as retired" if declared else ""),
                    retirement,
                    age=age,
                )
            )
            if proven:
                status, approved = "approved", full
        elif trigger == "rent":
            share = parameters.value("housing_fund.rent_income_share", applied_on, region)
            cap = parameters.value("housing_fund.rent_withdrawal_monthly_cap", applied_on, region)
            rent = _evidence_int(evidence, "monthly_rent_fen", 0)
            months = _evidence_int(evidence, "months", 12)
            wages = _family_monthly_wages(session, person, applied_on)
            owns = person.household is not None and any(a.kind == "dwelling" for a in person.household.assets)
            threshold = round_fen(Decimal(wages) * share.value)
            proven = rent > 0 and rent > threshold and not owns and 1 <= months <= 12
            reasons.append(
                _reason(
                    "rent_share",
                    rent > threshold,
                    f"月租金 {format_yuan(rent)} 元,家庭月工资 {format_yuan(wages)} 元的 {share.value} 为 {format_yuan(threshold)} 元",
                    f"rent {format_yuan(rent)} a month; {share.value} of family wages {format_yuan(wages)} is {format_yuan(threshold)}",
                    share,
                    rent_fen=rent,
                    wages_fen=wages,
                )
            )
            reasons.append(
                _reason(
                    "no_own_home",
                    not owns,
                    "家庭无自有住房" if not owns else "登记有自有住房,须人工核查",
                    "no home owned" if not owns else "a home is registered: reviewed by hand",
                )
            )
            if rent == 0:
                reasons.append(
                    _reason("lease", False, "未提供租赁合同或租金数据", "no lease or rent on record")
                )
            if proven:
                status = "approved"
                approved = min(wanted, min(rent, cap.value) * months, full)
                reasons.append(
                    _reason(
                        "rent_cap",
                        True,
                        f"每月最多提取 {format_yuan(cap.value)} 元,共 {months} 个月",
                        f"at most {format_yuan(cap.value)} a month, {months} months",
                        cap,
                        months=months,
                    )
                )
        elif trigger == "death":
            proven = person.death_date is not None
            reasons.append(
                _reason(
                    "death_recorded",
                    proven,
                    "登记有死亡日期" if proven else "未登记死亡,须提交死亡证明",
                    "death recorded" if proven else "no death on record: a certificate is reviewed",
                )
            )
            if proven:
                status, approved = "approved", full
        elif trigger == "work_incapacity":
            proven = person.disability_grade in (1, 2) and person.employment_status in (
                "unable",
                "unemployed",
            )
            reasons.append(
                _reason(
                    "incapacity",
                    proven,
                    f"残疾等级 {person.disability_grade or '无'},就业状态 {person.employment_status or '未登记'}",
                    f"disability grade {person.disability_grade or 'none'}, employment {person.employment_status or 'unknown'}",
                )
            )
            if proven:
                status, approved = "approved", full
        elif trigger == "dibao":
            tagged = session.get(PersonTag, (person.id, "dibao")) is not None
            reasons.append(
                _reason(
                    "dibao_recipient",
                    tagged,
                    "登记为低保对象" if tagged else "未登记为低保对象,须核查",
                    "registered dibao recipient"
                    if tagged
                    else "not registered as a dibao recipient: reviewed",
                )
            )
            if tagged:
                status, approved = "approved", wanted
        elif trigger == "serious_illness":
            reasons.append(
                _reason(
                    "serious_illness",
                    person.serious_illness,
                    "登记患重大疾病" if person.serious_illness else "未登记重大疾病,须提交诊断证明",
                    "serious illness on record"
                    if person.serious_illness
                    else "no serious illness on record: reviewed",
                )
            )
            if person.serious_illness:
                status, approved = "approved", wanted
        else:
            reasons.append(
                _reason(
                    "documents",
                    False,
                    "须提交证明材料,由中心限时办结",
                    "documents are reviewed by the centre within the time limit",
                    days,
                )
            )
        closing = status == "approved" and bool(closes.value) and approved == full
        if closing:  # 销户结息: the interest to date is paid out with the balance
            approved += settle_interest(session, account, applied_on)
        withdrawal = Withdrawal(
            account_id=account.id,
            trigger=trigger,
            applied_on=applied_on,
            requested_fen=amount_fen,
            status=status,
            approved_fen=approved,
            decide_by=applied_on + timedelta(days=int(days.value)),
            decided_on=applied_on if status == "approved" else None,
            evidence=evidence,
            reasons=reasons,
            closes_account=closing,
        )
        session.add(withdrawal)
        session.flush()
        if status == "approved" and approved > 0:
            _post(
                session,
                account,
                kind="withdrawal",
                amount_fen=-approved,
                on=applied_on,
                reference=f"withdrawal:{withdrawal.id}",
            )
        if closing:
            account.state, account.closed_on, account.employer_id = "closed", applied_on, None
        audit.append(
            session,
            actor=actor,
            action=f"housing_fund.withdrawal.{status}",
            entity="housing_fund_withdrawal",
            entity_id=withdrawal.id,
            region_code=region,
            subject=f"person:{account.person_id}",
            after={"trigger": trigger, "approved_fen": approved, "reasons": reasons},
        )
        return {
            "id": withdrawal.id,
            "status": status,
            "approved_fen": approved,
            "closes_account": closing,
            "decide_by": withdrawal.decide_by.isoformat(),
            "reasons": reasons,
        }


# ---- transfer and statements --------------------------------------------------------------------


def transfer(
    engine: Engine | None,
    *,
    account_id: int,
    to_region_code: str,
    on: date,
    actor: str,
    to_employer_id: int | None = None,
) -> int:
    """转移接续: the balance moves to an account at the other city's centre, which keeps the history."""
    to_centre = _centre_of(to_region_code)
    with unit_of_work(engine) as session:
        source = _account(session, account_id)
        if source.state == "closed":
            raise Conflict("账户已销户", "the account is closed")
        if source.centre_code == to_centre:
            raise _invalid(
                "to_region_code",
                "other_centre",
                "转入地与转出地为同一中心",
                "the account is already at that centre",
            )
        employer = session.get(Employer, to_employer_id) if to_employer_id is not None else None
        if to_employer_id is not None and (employer is None or employer.centre_code != to_centre):
            raise _invalid(
                "to_employer_id",
                "at_centre",
                "转入单位不在转入地中心",
                "the new employer is not at that centre",
            )
        settle_interest(session, source, on)
        amount = source.balance_fen
        target = Account(
            account_number=uuid.uuid4().hex[:20],
            person_id=source.person_id,
            employer_id=employer.id if employer else None,
            region_code=employer.region_code if employer else to_region_code,
            centre_code=to_centre,
            state="normal" if employer else "sealed",
            wage_base_fen=source.wage_base_fen,
            balance_fen=0,
            opened_on=on,
            transferred_from_id=source.id,
        )
        session.add(target)
        session.flush()
        target.account_number = f"{to_centre}{target.id:010d}"
        if amount:
            _post(
                session,
                source,
                kind="transfer_out",
                amount_fen=-amount,
                on=on,
                reference=f"to:{target.account_number}",
            )
            _post(
                session,
                target,
                kind="transfer_in",
                amount_fen=amount,
                on=on,
                reference=f"from:{source.account_number}",
            )
        source.state, source.closed_on, source.employer_id = "closed", on, None
        session.add(
            Transfer(
                from_account_id=source.id,
                to_account_id=target.id,
                from_centre=source.centre_code,
                to_centre=to_centre,
                amount_fen=amount,
                transferred_on=on,
            )
        )
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="housing_fund.transfer",
            entity="housing_fund_account",
            entity_id=target.id,
            region_code=target.region_code,
            subject=f"person:{source.person_id}",
            after={"from": source.account_number, "to": target.account_number, "amount_fen": amount},
        )
        return target.id


def statement(session: Session, account_id: int, scope: RegionScope = REGION_WIDE) -> dict:
    """对账单: the account, and every posting of it and of the accounts it was transferred from."""
    account = _account(session, account_id, scope)
    chain = _account_chain(session, account)
    entries = session.scalars(
        select(Entry).where(Entry.account_id.in_([a.id for a in chain])).order_by(Entry.posted_on, Entry.id)
    ).all()
    numbers = {a.id: a.account_number for a in chain}
    return {
        "account": {
            "id": account.id,
            "account_number": account.account_number,
            "person_id": account.person_id,
            "centre_code": account.centre_code,
            "region_code": account.region_code,
            "state": account.state,
            "wage_base_fen": account.wage_base_fen,
            "balance_fen": account.balance_fen,
            "opened_on": account.opened_on.isoformat(),
            "previous_accounts": [a.account_number for a in chain[1:]],
        },
        "entries": [
            {
                "posted_on": e.posted_on.isoformat(),
                "account_number": numbers[e.account_id],
                "kind": e.kind,
                "period": e.period,
                "employer_fen": e.employer_fen,
                "employee_fen": e.employee_fen,
                "amount_fen": e.amount_fen,
                "balance_after_fen": e.balance_after_fen,
                "reference": e.reference,
            }
            for e in entries
        ],
    }


# ---- reads: lists, loan detail, the centre's dashboard -------------------------------------------


def list_accounts(
    session: Session,
    scope: RegionScope,
    *,
    region: str | None = None,
    state: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> list[Account]:
    """Accounts in scope, keyset-paged by id."""
    scope = scope.narrowed_to(region)
    query = select(Account).where(scope.where(Account.region_code)).order_by(Account.id).limit(limit)
    if state:
        query = query.where(Account.state == state)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    return list(session.scalars(query))


def list_loans(
    session: Session,
    scope: RegionScope,
    *,
    region: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> list[Loan]:
    scope = scope.narrowed_to(region)
    query = select(Loan).where(scope.where(Loan.region_code)).order_by(Loan.id).limit(limit)
    if after_id is not None:
        query = query.where(Loan.id > after_id)
    return list(session.scalars(query))


def loan_detail(session: Session, loan_id: int, scope: RegionScope, as_of: date) -> dict:
    """A loan with its schedule, each due instalment's position, its deferrals and prepayments."""
    loan = get_loan(session, loan_id, scope)
    schedule = schedule_of(loan)
    positions = loan_position(session, loan, as_of)
    overdue = [p for p in positions if p.status == "overdue"]
    return {
        "loan": {
            "id": loan.id,
            "loan_number": loan.loan_number,
            "account_id": loan.account_id,
            "person_id": loan.person_id,
            "centre_code": loan.centre_code,
            "region_code": loan.region_code,
            "principal_fen": loan.principal_fen,
            "months": loan.months,
            "method": loan.method,
            "home": loan.home,
            "term_band": loan.term_band,
            "issue_date": loan.issue_date.isoformat(),
            "rate_at_issue": str(loan.rate_at_issue),
            "current_rate": str(loan.current_rate),
            "status": loan.status,
            "assessment": loan.assessment,
        },
        "as_of": as_of.isoformat(),
        "balance_fen": loan.principal_fen
        - schedule.prepaid_fen
        - sum(p.instalment.principal_fen for p in positions if p.status == "paid"),
        "overdue_count": len(overdue),
        "overdue_fen": sum(p.instalment.payment_fen for p in overdue),
        "penalty_fen": sum(p.penalty_fen for p in overdue),
        "totals": {
            "payment_fen": schedule.total_payment_fen,
            "interest_fen": schedule.total_interest_fen,
            "prepaid_fen": schedule.prepaid_fen,
            "instalments": len(schedule.instalments),
        },
        "positions": [p.as_dict() for p in positions],
        "schedule": schedule.as_rows(),
        "deferrals": [
            {"first_day": d.first_day.isoformat(), "last_day": d.last_day.isoformat(), "reason": d.reason}
            for d in loan.deferrals
        ],
        "prepayments": [
            {
                "before_number": p.before_number,
                "amount_fen": p.amount_fen,
                "mode": p.mode,
                "paid_on": p.paid_on.isoformat(),
            }
            for p in loan.prepayments
        ],
    }


def _instalments_due(issue_date: date, months: int, as_of: date) -> int:
    """How many instalments fall due by `as_of` (the n-th is due n months after issue)."""
    elapsed = (as_of.year - issue_date.year) * 12 + as_of.month - issue_date.month
    if add_months(issue_date, max(elapsed, 0)) > as_of:
        elapsed -= 1
    return max(0, min(elapsed, months))


def dashboard(session: Session, scope: RegionScope, as_of: date) -> list[dict]:
    """The centres' figures by league: accounts, balances, deposits this year, loans, overdue loans."""
    year_start = date(as_of.year, 1, 1)
    rows: dict[str, dict] = {}

    def row(code: str) -> dict:
        if code not in rows:
            league = regions.get(code)
            rows[code] = {
                "centre_code": code,
                "name_zh": league.name_zh,
                "name_en": league.name_en,
                "accounts": 0,
                "normal_accounts": 0,
                "balance_fen": 0,
                "deposits_fen": 0,
                "loans": 0,
                "active_loans": 0,
                "loans_issued_fen": 0,
                "loans_issued_this_year": 0,
                "overdue_loans": 0,
                "deferred_employers": 0,
            }
        return rows[code]

    from sqlalchemy import case

    for code, count, normal, balance in session.execute(
        select(
            Account.centre_code,
            func.count(),
            func.sum(case((Account.state == "normal", 1), else_=0)),
            func.coalesce(func.sum(Account.balance_fen), 0),
        )
        .where(scope.where(Account.region_code))
        .group_by(Account.centre_code)
    ):
        r = row(code)
        r["accounts"], r["normal_accounts"], r["balance_fen"] = count, int(normal or 0), int(balance)
    for code, amount in session.execute(
        select(Account.centre_code, func.coalesce(func.sum(Entry.amount_fen), 0))
        .join(Entry, Entry.account_id == Account.id)
        .where(
            scope.where(Account.region_code),
            Entry.kind.in_(("deposit", "make_up")),
            Entry.posted_on >= year_start,
            Entry.posted_on <= as_of,
        )
        .group_by(Account.centre_code)
    ):
        row(code)["deposits_fen"] = int(amount)
    paid = dict(
        session.execute(
            select(Repayment.loan_id, func.count())
            .join(Loan, Loan.id == Repayment.loan_id)
            .where(scope.where(Loan.region_code), Repayment.paid_on <= as_of)
            .group_by(Repayment.loan_id)
        ).all()
    )
    deferred = {
        loan_id
        for (loan_id,) in session.execute(
            select(RepaymentDeferral.loan_id).where(
                RepaymentDeferral.first_day <= as_of, RepaymentDeferral.last_day >= as_of
            )
        )
    }
    for loan in session.execute(
        select(
            Loan.id, Loan.centre_code, Loan.principal_fen, Loan.issue_date, Loan.months, Loan.status
        ).where(scope.where(Loan.region_code), Loan.issue_date <= as_of)
    ):
        r = row(loan.centre_code)
        r["loans"] += 1
        r["loans_issued_fen"] += loan.principal_fen
        r["loans_issued_this_year"] += loan.issue_date >= year_start
        if loan.status == "active":
            r["active_loans"] += 1
            # Overdue: fewer instalments paid than have fallen due (approximate before prepayments).
            if (
                paid.get(loan.id, 0) < _instalments_due(loan.issue_date, loan.months, as_of)
                and loan.id not in deferred
            ):
                r["overdue_loans"] += 1
    for code, count in session.execute(
        select(Employer.centre_code, func.count())
        .join(Deferral, Deferral.employer_id == Employer.id)
        .where(
            scope.where(Employer.region_code),
            Deferral.status == "approved",
            Deferral.first_month <= as_of,
            Deferral.last_month >= month_start(as_of),
        )
        .group_by(Employer.centre_code)
    ):
        row(code)["deferred_employers"] = count
    return [rows[code] for code in sorted(rows)]
