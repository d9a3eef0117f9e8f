"""The shell's own pages: login, logout, language switch, the region page and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from minsheng.api.deps import end_session, require, start_session
from minsheng.config import get_settings
from minsheng.security import service
from minsheng.security.principal import Principal
from minsheng.store.audit import AuditRecord
from minsheng.store.db import unit_of_work
from minsheng.web import dashboard, i18n
from minsheng.web.forms import checked_form, local_path
from minsheng.web.templating import language_of, render, script_json, translate

router = APIRouter(include_in_schema=False)
AUDIT_PAGE_SIZE = 50


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


@router.get("/login")
def login_form(request: Request, next: str | None = None):
    return render(request, "login.html", {"next_path": local_path(next), "login_value": ""})


@router.post("/login")
async def login(request: Request):
    form = await checked_form(request)
    login_name = str(form.get("login", "")).strip()
    password = str(form.get("password", ""))
    next_path = local_path(str(form.get("next", "/")))
    with unit_of_work() as session:
        result = service.authenticate(session, login_name, password, _client(request))
        if result.ok:
            start_session(request, result.user)
            return RedirectResponse(next_path, status_code=303)
    if result.locked_until is not None:
        local = result.locked_until.astimezone(ZoneInfo(get_settings().timezone))
        error = translate(request, "尝试次数过多,请在 %(time)s 之后再试") % {"time": local.strftime("%H:%M")}
        status = 429
    else:
        error = translate(request, "登录名或密码不正确")
        status = 401
    context = {"next_path": next_path, "login_value": login_name, "error": error}
    return render(request, "login.html", context, status_code=status)


@router.post("/logout")
async def logout(request: Request):
    await checked_form(request)
    end_session(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{language}")
def switch_language(language: str, next: str | None = None):
    response = RedirectResponse(local_path(next), status_code=303)
    if language in i18n.LANGUAGES:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE, language, max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response


@router.get("/")
def region_page(request: Request, principal: Principal = Depends(require("dashboard.read"))):
    language = language_of(request)
    with unit_of_work() as session:
        figures = dashboard.build(session, principal.scope, today())
    name_key = "name_zh" if language == "zh" else "name_en"
    chart = {
        "areas": [
            {"code": a["code"], "name": a[name_key], "households": a["households"], "persons": a["persons"]}
            for a in figures.areas
        ],
        "key_groups": [
            {"tag": g["tag"], "name": g[language], "persons": g["persons"]} for g in figures.key_groups
        ],
        "changes_by_day": figures.changes_by_day,
        "labels": {
            "households": translate(request, "户数"),
            "persons": translate(request, "人数"),
            "changes": translate(request, "登记变更"),
        },
    }
    if figures.area_level == "league":
        title = translate(request, "各盟市户数与人数")
    else:
        title = translate(request, "各旗县户数与人数")
    return render(
        request,
        "dashboard.html",
        {
            "scope_code": principal.scope.code,
            "totals": {
                "households": figures.households,
                "persons": figures.persons,
                "changes": figures.changes,
            },
            # Escaped for a <script type="application/json"> block: no "</" can close it early.
            "chart_json": script_json(chart),
            "by_area_title": title,
        },
    )


@router.get("/audit")
def audit_log(
    request: Request,
    action: str | None = None,
    subject: str | None = None,
    before: int | None = None,
    principal: Principal = Depends(require("audit.read")),
):
    with unit_of_work() as session:
        query = select(AuditRecord).where(principal.scope.where(AuditRecord.region_code))
        if action:
            query = query.where(AuditRecord.action.startswith(action.strip(), autoescape=True))
        if subject:
            query = query.where(AuditRecord.subject == subject.strip())
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if before is not None:
            query = query.where(AuditRecord.id < before)
        records = session.scalars(query.order_by(AuditRecord.id.desc()).limit(AUDIT_PAGE_SIZE)).all()
    next_before = records[-1].id if len(records) == AUDIT_PAGE_SIZE else None
    return render(
        request,
        "audit.html",
        {
            "records": records,
            "total": total,
            "action": action,
            "subject": subject,
            "next_before": next_before,
        },
    )
