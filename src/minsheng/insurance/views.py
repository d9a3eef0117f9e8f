"""Insurance pages: the coverage dashboard (participation by league against 95 %, with a chart, the
seeds' figures beside and elderly-care facility coverage), the uninsured list, the month's pension
starts, and a person's insurance record with the pension's reasons.

Every read goes through the service with the caller's RegionScope (outside it: 404). Excel downloads
link to the API's `?format=xlsx`. Labels are written in both languages in the templates (`t(zh, en)`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request

from minsheng.api.deps import require
from minsheng.api.errors import DomainError, NotFound
from minsheng.insurance import service
from minsheng.insurance.models import FACILITY_KIND, SCHEME, WORK_INJURY_BENEFIT
from minsheng.security.principal import Principal
from minsheng.security.scope import OutOfScope
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.nav import N_
from minsheng.web.templating import add_static_route, add_template_dir, language_of, render, script_json

router = APIRouter(prefix="/insurance", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/insurance", N_("社会保险"), "dashboard.read", 55))
add_static_route(router, Path(__file__).parent / "static")
PAGE_SIZE = 100
DASHBOARD = Depends(require("dashboard.read"))
READ = Depends(require("registry.read"))


def _context(request: Request, **values) -> dict:
    def pct(value) -> str:
        return "—" if value is None else f"{value * 100:.2f}%"

    return {
        "pct": pct,
        "SCHEME": SCHEME,
        "FACILITY_KIND": FACILITY_KIND,
        "WORK_INJURY_BENEFIT": WORK_INJURY_BENEFIT,
        **values,
    }


def _int(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if not text:
        return default
    if not text.isdigit():
        raise DomainError("invalid_request", f"{name} 应为整数", f"{name} must be a whole number", 422)
    return int(text)


def _month(request: Request) -> date:
    text = request.query_params.get("month")
    if not text:
        today = date.today()
        return date(today.year, today.month, 1)
    try:
        return date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        raise DomainError("invalid_request", "月份格式应为 YYYY-MM", "months are YYYY-MM", 422) from None


@router.get("")
def coverage_dashboard(request: Request, principal: Principal = DASHBOARD):
    year = _int(request, "year", date.today().year)
    as_of = date(year, 12, 31)
    with unit_of_work() as session:
        report = service.coverage(session, year, as_of, principal.scope)
        facilities = service.facility_coverage(session, as_of, principal.scope)
    language = language_of(request)
    rows = report["leagues"] if principal.scope.is_region_wide else report["banners"]
    chart = {
        "areas": [r["name_zh"] if language == "zh" else r["name_en"] for r in rows],
        "rates": [
            None if r["pension_rate"] is None else round(float(r["pension_rate"]) * 100, 2) for r in rows
        ],
        "target": round(float(rows[0]["target"]) * 100, 2) if rows else 95,
        "labels": {
            "rate": "养老保险参保率(%)" if language == "zh" else "pension participation (%)",
            "target": "目标" if language == "zh" else "target",
        },
    }
    return render(
        request,
        "insurance/dashboard.html",
        _context(
            request,
            year=year,
            report=report,
            rows=rows,
            level="league" if principal.scope.is_region_wide else "banner",
            facilities=facilities,
            chart_json=script_json(chart),
        ),
    )


@router.get("/uninsured")
def uninsured_list(request: Request, principal: Principal = READ):
    year = _int(request, "year", date.today().year)
    banner = request.query_params.get("banner") or None
    with unit_of_work() as session:
        try:
            listing = service.uninsured(
                session,
                year,
                date(year, 12, 31),
                principal.scope,
                banner=banner,
                limit=PAGE_SIZE,
                after_id=_int(request, "after", 0),
            )
        except OutOfScope:
            raise NotFound("行政区划 / region", banner) from None
    return render(
        request,
        "insurance/uninsured.html",
        _context(request, year=year, banner=banner or "", listing=listing),
    )


@router.get("/pension-starts")
def pension_starts(request: Request, principal: Principal = READ):
    month = _month(request)
    with unit_of_work() as session:
        starts = service.pension_starts(session, month, principal.scope)
    return render(request, "insurance/starts.html", _context(request, month=month, starts=starts))


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: int, principal: Principal = READ):
    today = date.today()
    with unit_of_work() as session:
        record = service.person_record(session, person_id, today, principal.scope)
    return render(request, "insurance/person.html", _context(request, record=record, today=today))
