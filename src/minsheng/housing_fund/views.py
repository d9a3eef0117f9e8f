"""Housing-fund pages: the centres' dashboard by league, accounts, the account and loan pages (with the
schedule's principal and interest chart), and deposit-deferral applications with their decisions.

Every read goes through the service with the caller's RegionScope (outside it: 404); every form carries
the session's CSRF token. Labels are written in both languages in the templates (`t(zh, en)`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from minsheng.api.deps import require
from minsheng.api.errors import DomainError, NotFound
from minsheng.housing_fund import service
from minsheng.housing_fund.models import Account, Deferral, Employer, Loan, Withdrawal
from minsheng.registry.models import Person
from minsheng.security.principal import Principal
from minsheng.security.scope import OutOfScope
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.templating import add_static_route, add_template_dir, language_of, render, script_json

router = APIRouter(prefix="/housing-fund", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/housing-fund", N_("住房公积金"), "housing_fund.read", 60))
add_static_route(router, Path(__file__).parent / "static")
PAGE_SIZE = 50
READ = Depends(require("housing_fund.read"))
WRITE = Depends(require("housing_fund.write"))

STATES = {"normal": ("正常", "normal"), "sealed": ("封存", "sealed"), "closed": ("销户", "closed")}
KINDS = {
    "deposit": ("汇缴", "deposit"),
    "make_up": ("补缴", "make-up"),
    "interest": ("结息", "interest"),
    "withdrawal": ("提取", "withdrawal"),
    "transfer_in": ("转入", "transfer in"),
    "transfer_out": ("转出", "transfer out"),
}
METHODS = {
    "equal_instalment": ("等额本息", "equal instalments"),
    "equal_principal": ("等额本金", "equal principal"),
}
POSITIONS = {
    "paid": ("已还", "paid"),
    "due": ("今日到期", "due today"),
    "deferred": ("延期还款", "deferred"),
    "overdue": ("逾期", "overdue"),
    "due_later": ("未到期", "not yet due"),
}
DEFERRAL_STATUS = {
    "applied": ("待审核", "awaiting review"),
    "approved": ("已批准", "approved"),
    "rejected": ("不予批准", "rejected"),
    "made_up": ("已补缴", "made up"),
}
WITHDRAWAL_STATUS = {
    "approved": ("已批准", "approved"),
    "rejected": ("不予批准", "rejected"),
    "pending_review": ("审核中", "under review"),
}


def _context(request: Request, **values) -> dict:
    return {
        "STATES": STATES,
        "KINDS": KINDS,
        "METHODS": METHODS,
        "POSITIONS": POSITIONS,
        "DEFERRAL_STATUS": DEFERRAL_STATUS,
        "WITHDRAWAL_STATUS": WITHDRAWAL_STATUS,
        **values,
    }


def _today(request: Request) -> date:
    text = request.query_params.get("as_of")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise DomainError("invalid_request", "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD", 422) from None


@router.get("")
def centre_dashboard(request: Request, principal: Principal = READ):
    as_of = _today(request)
    with unit_of_work() as session:
        rows = service.dashboard(session, principal.scope, as_of)
    language = language_of(request)
    totals = {
        key: sum(r[key] for r in rows)
        for key in (
            "accounts",
            "balance_fen",
            "deposits_fen",
            "active_loans",
            "overdue_loans",
            "loans_issued_fen",
        )
    }
    chart = {
        "centres": [r["name_zh"] if language == "zh" else r["name_en"] for r in rows],
        "balance": [r["balance_fen"] / 100 for r in rows],
        "loans": [r["loans_issued_fen"] / 100 for r in rows],
        "labels": {
            "balance": "缴存余额(元)" if language == "zh" else "balances (yuan)",
            "loans": "累计发放贷款(元)" if language == "zh" else "loans issued (yuan)",
        },
    }
    return render(
        request,
        "housing_fund/dashboard.html",
        _context(
            request,
            rows=rows,
            totals=totals,
            as_of=as_of,
            chart_json=script_json(chart),
        ),
    )


@router.get("/accounts")
def account_list(request: Request, principal: Principal = READ):
    region = request.query_params.get("region") or None
    state = request.query_params.get("state") or None
    after = request.query_params.get("after")
    with unit_of_work() as session:
        try:
            accounts = service.list_accounts(
                session,
                principal.scope,
                region=region,
                state=state if state in STATES else None,
                after_id=int(after) if after and after.isdigit() else None,
                limit=PAGE_SIZE,
            )
        except OutOfScope:
            raise NotFound("行政区划 / region", region) from None
        names = _names(session, [a.person_id for a in accounts])
    return render(
        request,
        "housing_fund/accounts.html",
        _context(
            request,
            accounts=accounts,
            names=names,
            region=region or "",
            state=state or "",
            next_after=accounts[-1].id if len(accounts) == PAGE_SIZE else None,
        ),
    )


def _names(session, person_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Person.id, Person.name, Person.id_number_masked).where(Person.id.in_(person_ids))
    )
    return {pid: (name, masked) for pid, name, masked in rows}


@router.get("/accounts/{account_id}")
def account_page(request: Request, account_id: int, principal: Principal = READ):
    with unit_of_work() as session:
        result = service.statement(session, account_id, principal.scope)
        account = session.get(Account, account_id)
        employer = session.get(Employer, account.employer_id) if account.employer_id else None
        loans = session.scalars(select(Loan).where(Loan.account_id == account_id).order_by(Loan.id)).all()
        withdrawals = session.scalars(
            select(Withdrawal).where(Withdrawal.account_id == account_id).order_by(Withdrawal.id)
        ).all()
        name = _names(session, [account.person_id]).get(account.person_id, ("", ""))
    entries = result["entries"]
    totals = {
        "deposits": sum(e["amount_fen"] for e in entries if e["kind"] in ("deposit", "make_up")),
        "interest": sum(e["amount_fen"] for e in entries if e["kind"] == "interest"),
        "withdrawals": -sum(e["amount_fen"] for e in entries if e["kind"] == "withdrawal"),
    }
    return render(
        request,
        "housing_fund/account.html",
        _context(
            request,
            account=result["account"],
            entries=list(reversed(entries)),
            employer=employer,
            loans=loans,
            withdrawals=withdrawals,
            name=name,
            totals=totals,
        ),
    )


@router.get("/loans/{loan_id}")
def loan_page(request: Request, loan_id: int, principal: Principal = READ):
    as_of = _today(request)
    with unit_of_work() as session:
        detail = service.loan_detail(session, loan_id, principal.scope, as_of)
        loan = detail["loan"]
        name = _names(session, [loan["person_id"]]).get(loan["person_id"], ("", ""))
    by_year: dict[str, list[int]] = {}
    for row in detail["schedule"]:
        year = row["due_date"][:4]
        parts = by_year.setdefault(year, [0, 0])
        parts[0] += row["principal_fen"]
        parts[1] += row["interest_fen"]
    language = language_of(request)
    chart = {
        "years": list(by_year),
        "principal": [v[0] / 100 for v in by_year.values()],
        "interest": [v[1] / 100 for v in by_year.values()],
        "labels": {
            "principal": "本金" if language == "zh" else "principal",
            "interest": "利息" if language == "zh" else "interest",
        },
    }
    due = [p for p in detail["positions"] if p["status"] != "paid"]
    return render(
        request,
        "housing_fund/loan.html",
        _context(
            request,
            detail=detail,
            loan=loan,
            name=name,
            as_of=as_of,
            due=due,
            chart_json=script_json(chart),
        ),
    )


@router.get("/deferrals")
def deferral_list(request: Request, principal: Principal = READ):
    with unit_of_work() as session:
        rows = session.execute(
            select(Deferral, Employer)
            .join(Employer, Employer.id == Deferral.employer_id)
            .where(principal.scope.where(Employer.region_code))
            .order_by(Deferral.status != "applied", Deferral.id.desc())
            .limit(200)
        ).all()
    return render(
        request,
        "housing_fund/deferrals.html",
        _context(
            request,
            rows=rows,
            can_decide=principal.can("housing_fund.write"),
            message=request.query_params.get("done"),
        ),
    )


@router.post("/deferrals/{deferral_id}/decision")
async def decide(request: Request, deferral_id: int, principal: Principal = WRITE):
    form = await checked_form(request)
    with unit_of_work() as session:
        found = session.execute(
            select(Deferral.id)
            .join(Employer, Employer.id == Deferral.employer_id)
            .where(Deferral.id == deferral_id, principal.scope.where(Employer.region_code))
        ).scalar_one_or_none()
    if found is None:
        raise NotFound("缓缴申请 / deferral", deferral_id)
    approve = form.get("decision") == "approve"
    service.decide_deferral(
        None,
        deferral_id,
        approve=approve,
        on=date.today(),
        actor=principal.login,
        note=str(form.get("note") or ""),
    )
    return RedirectResponse(f"/housing-fund/deferrals?done={deferral_id}", status_code=303)
