"""Payment-cycle pages: the list of cycles (and building one), a cycle with its totals and the chart by
league, its actions (approve, export, import a return file) and the reconciliation report.

Reads go through `cycle` with the caller's RegionScope (outside it: 404); every form carries the
session's CSRF token; a refused action shows its reasons on the cycle's page, naming line and field.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from minsheng import regions
from minsheng.api.deps import require
from minsheng.api.errors import DomainError
from minsheng.assistance import banks, cycle
from minsheng.assistance.cycle_api import start_cycle
from minsheng.assistance.cycle_models import BankFile
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.templating import (
    add_static_route,
    add_template_dir,
    language_of,
    region_label,
    render,
    script_json,
)

router = APIRouter(prefix="/assistance/cycles", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
add_static_route(router, Path(__file__).parent / "static")
nav.register(nav.NavItem("/assistance/cycles", N_("月度发放"), "assistance.read", 22))
READ = Depends(require("assistance.read"))
WRITE = Depends(require("assistance.write"))
APPROVE = Depends(require("assistance.approve"))


def _context(request: Request, **values) -> dict:
    language = language_of(request)

    return {
        "league_name": lambda code: region_label(code, language),
        "bank_name": lambda code: banks.bank_name(code, language),
        "PROGRAMMES": cycle.PROGRAMMES_ZH,
        "STATUSES": cycle.CYCLE_STATUS_LABELS,
        "REASONS": banks.RETURN_REASONS,
        **values,
    }


@router.get("")
def cycles_page(request: Request, principal: Principal = READ):
    with unit_of_work() as session:
        rows = cycle.list_cycles(session, principal.scope)
    return render(
        request,
        "cycles/list.html",
        _context(
            request, cycles=rows, can_build=principal.can("assistance.write"), scope=principal.scope.code
        ),
    )


@router.post("")
async def build_from_page(request: Request, principal: Principal = WRITE):
    form = await checked_form(request)
    try:
        result = start_cycle(str(form.get("month") or ""), str(form.get("region_code") or ""), principal)
    except DomainError as problem:
        with unit_of_work() as session:
            rows = cycle.list_cycles(session, principal.scope)
        return render(
            request,
            "cycles/list.html",
            _context(request, cycles=rows, can_build=True, scope=principal.scope.code, problem=problem),
            status_code=problem.status_code,
        )
    return RedirectResponse(f"/assistance/cycles/{result.cycle_id}", status_code=303)


def _cycle_page(request: Request, cycle_id: int, principal: Principal, problem=None, notice=None):
    language = language_of(request)
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        totals = cycle.totals(session, found, principal.scope)
        files = (
            session.execute(
                select(BankFile).where(BankFile.cycle_id == cycle_id).order_by(BankFile.bank_code)
            )
            .scalars()
            .all()
        )
    leagues = totals["league"]
    chart = {
        "leagues": [
            regions.get(r["key"]).label(language) if regions.exists(r["key"]) else r["key"] for r in leagues
        ],
        "amount": [r["amount_fen"] / 100 for r in leagues],
        "lines": [r["lines"] for r in leagues],
        "labels": {
            "amount": "发放金额(元)" if language == "zh" else "amount (yuan)",
            "lines": "笔数" if language == "zh" else "lines",
        },
    }
    return render(
        request,
        "cycles/cycle.html",
        _context(
            request,
            cycle=found,
            totals=totals,
            files=files,
            chart_json=script_json(chart),
            can_approve=principal.can("assistance.approve") and principal.scope.allows(found.region_code),
            can_write=principal.can("assistance.write"),
            is_builder=principal.login == found.built_by,
            problem=problem,
            notice=notice,
        ),
        status_code=problem.status_code if problem is not None else 200,
    )


@router.get("/{cycle_id}")
def cycle_page(request: Request, cycle_id: int, principal: Principal = READ):
    return _cycle_page(request, cycle_id, principal)


@router.post("/{cycle_id}/approve")
async def approve_from_page(request: Request, cycle_id: int, principal: Principal = APPROVE):
    await checked_form(request)
    try:
        with unit_of_work() as session:
            found = cycle.get_cycle(session, cycle_id, principal.scope)
            cycle.approve(
                session,
                found,
                actor=principal.login,
                permissions=principal.permissions,
                scope=principal.scope,
            )
    except DomainError as problem:
        return _cycle_page(request, cycle_id, principal, problem=problem)
    return RedirectResponse(f"/assistance/cycles/{cycle_id}", status_code=303)


@router.post("/{cycle_id}/export")
async def export_from_page(request: Request, cycle_id: int, principal: Principal = APPROVE):
    await checked_form(request)
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        allowed = principal.scope.allows(found.region_code)
    try:
        if not allowed:
            raise DomainError(
                "out_of_scope", "批次地区不在您的管辖范围内", "the cycle's region is outside your scope", 404
            )
        cycle.export(cycle_id, actor=principal.login)
    except DomainError as problem:
        return _cycle_page(request, cycle_id, principal, problem=problem)
    return RedirectResponse(f"/assistance/cycles/{cycle_id}", status_code=303)


@router.post("/{cycle_id}/returns")
async def returns_from_page(request: Request, cycle_id: int, principal: Principal = WRITE):
    form = await checked_form(request)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        problem = DomainError("no_file", "请选择银行回盘文件", "choose the bank's return file", 422)
        return _cycle_page(request, cycle_id, principal, problem=problem)
    content = await upload.read()
    try:
        with unit_of_work() as session:
            cycle.get_cycle(session, cycle_id, principal.scope)
            result = cycle.import_returns(
                session,
                content,
                actor=principal.login,
                file_name=upload.filename or "return.csv",
                scope=principal.scope,
            )
    except DomainError as problem:
        return _cycle_page(request, cycle_id, principal, problem=problem)
    notice = f"{result.bank_code}: 成功 {result.paid} 笔,失败 {result.failed} 笔 / paid {result.paid}, failed {result.failed}"
    return _cycle_page(request, cycle_id, principal, notice=notice)


@router.get("/{cycle_id}/reconciliation")
def reconciliation_page(request: Request, cycle_id: int, principal: Principal = READ):
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        report = cycle.reconciliation(session, found, principal.scope)
    return render(request, "cycles/reconciliation.html", _context(request, cycle=found, report=report))
