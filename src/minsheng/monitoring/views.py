"""Monitoring pages: the caseworker's alert queue, an alert (evidence, visit, outcome, "start a 低保
application" linking to assistance's prefilled new-case page), a household's risk timeline, discovery
(eligible without a case, ranked by need), unmatched signals with a partner-file upload, and the league
dashboard (alerts by risk and level, overdue, outcomes, take-up gap by area) with ECharts.

Labels are written in both languages in the templates (`t(zh, en)`); every read goes through the
service with the caller's RegionScope (outside it: 404).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from minsheng.api.deps import require
from minsheng.api.errors import DomainError
from minsheng.monitoring import service, signals
from minsheng.monitoring.models import ALERT_STATUS, LEVEL, OUTCOME, RISK, SIGNAL_KIND, SIGNAL_SOURCE
from minsheng.registry.models import Person
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.templating import add_static_route, add_template_dir, language_of, render, script_json

router = APIRouter(prefix="/monitoring", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/monitoring", N_("监测预警"), "monitoring.read", 35))
add_static_route(router, Path(__file__).parent / "static")
READ = Depends(require("monitoring.read"))
WRITE = Depends(require("monitoring.write"))


def _context(request: Request, **values) -> dict:
    return {
        "RISK": RISK,
        "LEVEL": LEVEL,
        "OUTCOME": OUTCOME,
        "ALERT_STATUS": ALERT_STATUS,
        "SIGNAL_KIND": SIGNAL_KIND,
        "SIGNAL_SOURCE": SIGNAL_SOURCE,
        "today": _today(request),
        **values,
    }


def _today(request: Request) -> date:
    text = request.query_params.get("today")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        raise DomainError("invalid_request", "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD", 422) from None


@router.get("")
def queue(request: Request, principal: Principal = READ):
    today = _today(request)
    risk = request.query_params.get("risk") or None
    level = request.query_params.get("level") or None
    mine = request.query_params.get("mine") == "1"
    overdue = request.query_params.get("overdue") == "1"
    if (risk and risk not in RISK) or (level and level not in LEVEL):
        raise DomainError("invalid_request", "未知的风险或等级", "unknown risk or level", 422)
    with unit_of_work() as session:
        alerts = service.alert_queue(
            session,
            principal.scope,
            today,
            assigned_to=principal.login if mine else None,
            risk=risk,
            level=level,
            overdue_only=overdue,
        )
        return render(
            request,
            "monitoring/queue.html",
            _context(request, alerts=alerts, risk=risk or "", level=level or "", mine=mine, overdue=overdue),
        )


@router.get("/alerts/{alert_id}")
def alert_view(request: Request, alert_id: int, principal: Principal = READ):
    return alert_page(request, alert_id, principal)


def alert_page(request: Request, alert_id: int, principal: Principal, errors: dict | None = None):
    with unit_of_work() as session:
        alert = service.get_alert(session, principal.scope, alert_id)
        persons = {
            p.id: p for p in session.query(Person).filter(Person.household_id == alert.household_id).all()
        }
        return render(
            request,
            "monitoring/alert.html",
            _context(
                request,
                alert=alert,
                persons=persons,
                link=service.application_link(alert),
                errors=errors or {},
            ),
            422 if errors else 200,
        )


def _messages(error: DomainError, language: str) -> dict[str, str]:
    found = {f.field: (f.message_zh if language == "zh" else f.message_en) for f in error.fields}
    return found or {"form": error.message_zh if language == "zh" else error.message_en}


@router.post("/alerts/{alert_id}/visits")
async def visit(request: Request, alert_id: int, principal: Principal = WRITE):
    form = await checked_form(request)
    today = date.today()
    try:
        visited_on = date.fromisoformat(str(form.get("visited_on") or today.isoformat()))
    except ValueError:
        return alert_page(request, alert_id, principal, {"visited_on": "日期无效 / not a date"})
    photos = [str(p).strip() for p in str(form.get("photos", "")).splitlines() if str(p).strip()]
    try:
        with unit_of_work() as session:
            service.record_visit(
                session,
                principal.scope,
                alert_id,
                visited_on=visited_on,
                findings=str(form.get("findings", "")),
                photos=photos,
                actor=principal.login,
                today=today,
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return alert_page(request, alert_id, principal, _messages(error, language_of(request)))
    return RedirectResponse(f"/monitoring/alerts/{alert_id}", status_code=303)


@router.post("/alerts/{alert_id}/close")
async def close(request: Request, alert_id: int, principal: Principal = WRITE):
    form = await checked_form(request)
    case_text = str(form.get("case_id", "")).strip()
    if case_text and not case_text.isdigit():
        return alert_page(
            request, alert_id, principal, {"case_id": "案件编号应为数字 / a case id is a number"}
        )
    try:
        with unit_of_work() as session:
            service.close_alert(
                session,
                principal.scope,
                alert_id,
                outcome=str(form.get("outcome", "")) or None,
                note=str(form.get("note", "")),
                case_id=int(case_text) if case_text else None,
                actor=principal.login,
                today=date.today(),
            )
    except DomainError as error:
        if error.status_code == 404:
            raise
        return alert_page(request, alert_id, principal, _messages(error, language_of(request)))
    return RedirectResponse(f"/monitoring/alerts/{alert_id}", status_code=303)


@router.get("/households/{household_id}")
def timeline(request: Request, household_id: int, principal: Principal = READ):
    with unit_of_work() as session:
        data = service.household_timeline(session, principal.scope, household_id)
        return render(request, "monitoring/timeline.html", _context(request, **data))


@router.get("/discovery")
def discovery(request: Request, principal: Principal = READ):
    with unit_of_work() as session:
        alerts = service.discovery(session, principal.scope, limit=200)
        return render(request, "monitoring/discovery.html", _context(request, alerts=alerts))


@router.get("/signals")
def signals_view(request: Request, principal: Principal = READ):
    return unmatched(request, principal)


def unmatched(request: Request, principal: Principal, result: dict | None = None, errors: dict | None = None):
    with unit_of_work() as session:
        rows = signals.unmatched_signals(session, principal.scope, 500)
        return render(
            request,
            "monitoring/signals.html",
            _context(request, rows=rows, result=result, errors=errors or {}),
            422 if errors else 200,
        )


@router.post("/signals")
async def upload(request: Request, principal: Principal = WRITE):
    form = await checked_form(request)
    upload_file = form.get("file")
    source = str(form.get("source", ""))
    if upload_file is None or isinstance(upload_file, str) or not upload_file.filename:
        return unmatched(request, principal, errors={"file": "请选择文件 / choose a file"})
    try:
        result = signals.ingest_file(
            await upload_file.read(),
            upload_file.filename,
            source=source,
            actor=principal.login,
            today=date.today(),
        )
    except DomainError as error:
        return unmatched(request, principal, errors=_messages(error, language_of(request)))
    return unmatched(request, principal, result=result.as_dict())


@router.get("/dashboard")
def dashboard(request: Request, principal: Principal = READ):
    today = _today(request)
    language = language_of(request)
    with unit_of_work() as session:
        figures = service.dashboard(session, principal.scope, today)
    risks = list(RISK)
    chart = {
        "risks": [RISK[r][0 if language == "zh" else 1] for r in risks],
        "levels": [
            {
                "name": LEVEL[level][0 if language == "zh" else 1],
                "data": [figures["by_risk_level"][r][level] for r in risks],
            }
            for level in ("high", "medium", "low")
        ],
        "areas": [a["name_zh"] if language == "zh" else a["name_en"] for a in figures["areas"]],
        "gap": [a.get("risk_take_up_gap", 0) for a in figures["areas"]],
        "monitored": [a.get("monitored", 0) for a in figures["areas"]],
        "outcomes": [
            {"name": OUTCOME[o][0 if language == "zh" else 1], "value": n}
            for o, n in figures["outcomes"].items()
        ],
        "labels": {
            "gap": "应保未保(户)" if language == "zh" else "eligible, no case (households)",
            "monitored": "监测对象(户)" if language == "zh" else "monitored (households)",
        },
    }
    return render(
        request,
        "monitoring/dashboard.html",
        _context(
            request,
            figures=figures,
            chart_json=script_json(chart),
            league_level=principal.scope.is_region_wide,
        ),
    )
