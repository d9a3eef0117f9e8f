"""Insurance and elderly-care API under /api/insurance: a thin router over `insurance.service`.

Reads of a person's record and of lists need `registry.read`, dashboards `dashboard.read`, and writes
`employment.write` (the 人社 officer's permission; roles carry no `insurance.*` permission yet). Every
query runs inside the caller's region scope; lists answer JSON or, with `?format=xlsx`, a workbook.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Response

from minsheng.api.deps import current_scope, require
from minsheng.api.errors import DomainError, FieldError
from minsheng.insurance import service
from minsheng.insurance.export import COVERAGE_COLUMNS, STARTS_COLUMNS, UNINSURED_COLUMNS
from minsheng.insurance.models import Enrolment, Facility, PensionAward, WorkInjuryCase
from minsheng.insurance.schemas import EnrolmentIn, FacilityIn, WorkInjuryIn
from minsheng.security.principal import Principal
from minsheng.security.scope import OutOfScope, RegionScope
from minsheng.spreadsheet import XLSX, to_xlsx
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/insurance", tags=["insurance"])
READ = Depends(require("registry.read"))
DASHBOARD = Depends(require("dashboard.read"))
WRITE_PERMISSION = "employment.write"
FORMAT = Query("json", pattern="^(json|xlsx)$", description="json, or xlsx for an Excel workbook")
MONTH = Query(..., pattern=r"^\d{4}-\d{2}$", description="the month, YYYY-MM")


def _month(text: str) -> date:
    try:
        return date(int(text[:4]), int(text[5:7]), 1)
    except ValueError:
        raise DomainError(
            "invalid_month",
            f"月份「{text}」无效",
            f"month {text!r} is not valid",
            422,
            [FieldError("month", "month", "应为 YYYY-MM", "expected YYYY-MM")],
        ) from None


def _xlsx(rows: list[dict[str, Any]], columns, name: str) -> Response:
    return Response(
        to_xlsx(rows, columns, name),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _scoped(scope: RegionScope, region: str | None) -> RegionScope:
    try:
        return scope.narrowed_to(region)
    except OutOfScope:
        from minsheng.api.errors import NotFound

        raise NotFound("区划", region) from None


def enrolment_out(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.id,
        "person_id": e.person_id,
        "year": e.year,
        "scheme": e.scheme,
        "status": e.status,
        "banner_code": e.banner_code,
        "employer_name": e.employer_name,
        "contribution_base_fen": e.contribution_base_fen,
        "months_paid": e.months_paid,
        "personal_fen": e.personal_fen,
        "employer_fen": e.employer_fen,
        "subsidy_fen": e.subsidy_fen,
        "account_credit_fen": e.account_credit_fen,
        "arrears": e.arrears,
    }


def award_out(a: PensionAward | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "id": a.id,
        "person_id": a.person_id,
        "banner_code": a.banner_code,
        "start_month": a.start_month,
        "basic_national_fen": a.basic_national_fen,
        "basic_topup_fen": a.basic_topup_fen,
        "account_balance_fen": a.account_balance_fen,
        "account_pension_fen": a.account_pension_fen,
        "monthly_fen": a.monthly_fen,
        "contribution_years": a.contribution_years,
        "awarded_on": a.awarded_on,
    }


def case_out(c: WorkInjuryCase) -> dict[str, Any]:
    return {
        "id": c.id,
        "person_id": c.person_id,
        "banner_code": c.banner_code,
        "employer_name": c.employer_name,
        "injury_date": c.injury_date,
        "recognised_on": c.recognised_on,
        "benefit_type": c.benefit_type,
        "disability_grade": c.disability_grade,
        "amount_fen": c.amount_fen,
        "insured": c.insured,
    }


def facility_out(f: Facility) -> dict[str, Any]:
    return {
        "id": f.id,
        "code": f.code,
        "name": f.name,
        "kind": f.kind,
        "banner_code": f.banner_code,
        "township": f.township,
        "village": f.village,
        "capacity": f.capacity,
        "services": f.services,
        "built_year": f.built_year,
        "upgraded_year": f.upgraded_year,
    }


def _pension_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "launch_date"}


@router.get("/persons/{person_id}", dependencies=[READ], summary="个人参保档案 a person's insurance record")
def person_record(
    person_id: int, as_of: date | None = None, scope: RegionScope = Depends(current_scope)
) -> dict[str, Any]:
    with unit_of_work() as session:
        record = service.person_record(session, person_id, as_of or date.today(), scope)
        return {
            "person": record["person"],
            "enrolments": [enrolment_out(e) for e in record["enrolments"]],
            "years": {k: str(v) for k, v in record["years"].items()},
            "pension": _pension_out(record["pension"]),
            "award": award_out(record["award"]),
            "work_injury_cases": [case_out(c) for c in record["work_injury_cases"]],
        }


@router.get(
    "/persons/{person_id}/contribution-years",
    dependencies=[READ],
    summary="累计缴费年限 years of contributions to a scheme up to a day",
)
def contribution_years(
    person_id: int,
    on: date | None = None,
    scheme: str = Query(
        "unemployment", pattern="^(employee_pension|resident_pension|work_injury|unemployment)$"
    ),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        service.history(session, person_id, scope)  # 404 outside the scope
        day = on or date.today()
        return {
            "person_id": person_id,
            "scheme": scheme,
            "on": day,
            "years": str(service.contribution_years(session, person_id, day, scheme)),
        }


@router.post("/enrolments", status_code=201, summary="参保缴费登记 record a year in a scheme")
def enrol(
    data: EnrolmentIn,
    principal: Principal = Depends(require(WRITE_PERMISSION)),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        return enrolment_out(
            service.enrol(session, data, actor=principal.login, today=date.today(), scope=scope)
        )


@router.get(
    "/pension-starts", dependencies=[READ], summary="待遇领取名单 residents' pensions starting in a month"
)
def pension_starts(
    month: str = MONTH,
    region: str | None = None,
    format: str = FORMAT,
    scope: RegionScope = Depends(current_scope),
):
    with unit_of_work() as session:
        starts = service.pension_starts(session, _month(month), _scoped(scope, region))
    if format == "xlsx":
        return _xlsx(starts.starting + starts.short, STARTS_COLUMNS, f"pension-starts-{month}")
    return {
        "month": starts.month,
        "starting": [_pension_out(r) for r in starts.starting],
        "short": [_pension_out(r) for r in starts.short],
    }


@router.post("/pension-starts/{month}/award", summary="核发 put the month's starters into payment")
def award_starts(
    month: str,
    principal: Principal = Depends(require(WRITE_PERMISSION)),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        awards = service.award_starts(
            session, _month(month), actor=principal.login, today=date.today(), scope=scope
        )
        return {"awarded": [award_out(a) for a in awards]}


@router.post("/persons/{person_id}/arrears", summary="补缴 the offered arrears are paid; the pension starts")
def pay_arrears(
    person_id: int,
    paid_on: date | None = None,
    principal: Principal = Depends(require(WRITE_PERMISSION)),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        award = service.pay_arrears(
            session, person_id, paid_on or date.today(), actor=principal.login, scope=scope
        )
        return award_out(award)  # type: ignore[return-value]


@router.get(
    "/coverage", dependencies=[DASHBOARD], summary="参保率 coverage by league and banner against the target"
)
def coverage(
    year: int = Query(..., ge=2000, le=2100),
    as_of: date | None = None,
    region: str | None = None,
    level: str = Query("league", pattern="^(league|banner)$"),
    format: str = FORMAT,
    scope: RegionScope = Depends(current_scope),
):
    with unit_of_work() as session:
        report = service.coverage(session, year, as_of or date(year, 12, 31), _scoped(scope, region))
    if format == "xlsx":
        return _xlsx(
            report["leagues" if level == "league" else "banners"], COVERAGE_COLUMNS, f"coverage-{year}"
        )
    return report


@router.get("/uninsured", dependencies=[READ], summary="全民参保 working-age persons in no pension scheme")
def uninsured(
    year: int = Query(..., ge=2000, le=2100),
    as_of: date | None = None,
    banner: str | None = None,
    after_id: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=5000),
    format: str = FORMAT,
    scope: RegionScope = Depends(current_scope),
):
    with unit_of_work() as session:
        listing = service.uninsured(
            session, year, as_of or date(year, 12, 31), _scoped(scope, banner), limit=limit, after_id=after_id
        )
    if format == "xlsx":
        return _xlsx(listing["persons"], UNINSURED_COLUMNS, f"uninsured-{year}")
    return listing


@router.post("/work-injury-cases", status_code=201, summary="工伤待遇登记 record a work-injury case")
def record_work_injury(
    data: WorkInjuryIn,
    principal: Principal = Depends(require(WRITE_PERMISSION)),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        return case_out(service.record_work_injury(session, data, actor=principal.login, scope=scope))


@router.get("/facilities", dependencies=[READ], summary="养老服务设施 elderly-care facilities")
def facilities(
    kind: str | None = Query(None, pattern="^(township_centre|village_station|mutual_aid_home)$"),
    region: str | None = None,
    after_id: int = Query(0, ge=0),
    limit: int = Query(200, ge=1, le=5000),
    scope: RegionScope = Depends(current_scope),
) -> list[dict[str, Any]]:
    with unit_of_work() as session:
        rows = service.facilities(session, _scoped(scope, region), kind=kind, limit=limit, after_id=after_id)
        return [facility_out(f) for f in rows]


@router.post("/facilities", status_code=201, summary="登记养老服务设施 register a facility")
def register_facility(
    data: FacilityIn,
    principal: Principal = Depends(require(WRITE_PERMISSION)),
    scope: RegionScope = Depends(current_scope),
) -> dict[str, Any]:
    with unit_of_work() as session:
        return facility_out(service.register_facility(session, data, actor=principal.login, scope=scope))


@router.get(
    "/facilities/coverage", dependencies=[DASHBOARD], summary="乡镇与村级养老服务设施覆盖率 by league"
)
def facility_coverage(
    as_of: date | None = None, scope: RegionScope = Depends(current_scope)
) -> dict[str, Any]:
    with unit_of_work() as session:
        return service.facility_coverage(session, as_of or date.today(), scope)
