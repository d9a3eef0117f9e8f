"""Casework pages: the case list with filters and overdue flags, the new-case form (prefilled from the
registry, also from a monitoring alert), the case page with its timeline and the steps this user may
take, the decision notice (printable page and PDF) and the public-notice board.

Every read goes through the caller's RegionScope (outside it: 404); every form carries the CSRF token
and the case version it was read at; a refused step is shown on the case page with its reasons.
Each step has a business date: a step done on paper earlier may be recorded with its own date (never
before the previous step, never in the future), which is also how the 7-day notice passes in a demo.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from minsheng.api.deps import require
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.assistance import banks, cases, notice, publication, service
from minsheng.assistance.api import _today
from minsheng.assistance.models import Case, CaseTask
from minsheng.registry.models import Household, Person
from minsheng.security.principal import Principal
from minsheng.security.scope import OutOfScope
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.templating import add_template_dir, language_of, render

router = APIRouter(prefix="/assistance", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/assistance/cases", N_("救助案件"), "assistance.read", 20))
nav.register(nav.NavItem("/assistance/notices", N_("公示公布"), "assistance.read", 21))
READ = Depends(require("assistance.read"))
WRITE = Depends(require("assistance.write"))
PAGE_SIZE = 50
STAGES = {
    "application": ("申请时试算", "at application"),
    "township_review": ("乡镇初审", "first review"),
    "decision": ("审核确认", "decision"),
    "review": ("定期核查", "review"),
}
TASK_KINDS = {
    "review": ("定期核查", "review"),
    "recheck": ("重新核查", "re-check"),
    "taper_end": ("渐退期满", "taper ends"),
}
EVENT_LABELS = {
    **{a: (t.label_zh, t.label_en) for a, t in cases.TRANSITIONS.items()},
    "submit": ("提出申请", "application"),
    "recompute": ("标准调整重算", "recomputed"),
    "recheck_opened": ("需重新核查", "re-check opened"),
}


def _context(request: Request, **values: Any) -> dict[str, Any]:
    language = language_of(request)

    return {
        "PROGRAMMES": cases.PROGRAMME_LABELS,
        "STATUSES": cases.STATUS_LABELS,
        "EVENTS": EVENT_LABELS,
        "TASKS": TASK_KINDS,
        "STAGES": STAGES,
        "BANKS": [(b.code, b.name_zh if language == "zh" else b.name_en) for b in banks.BANKS],
        "bank_name": lambda code: banks.bank_name(code or "", language),
        **values,
    }


def _date_param(text: str | None, field: str, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "invalid_request",
            "日期格式应为 YYYY-MM-DD",
            "dates are YYYY-MM-DD",
            422,
            [FieldError(field, "date", f"{field}: 日期格式应为 YYYY-MM-DD", f"{field}: YYYY-MM-DD")],
        ) from None


# ---------------------------------------------------------------- list


@router.get("/cases")
def case_list(request: Request, principal: Principal = READ):
    query = request.query_params
    as_of = _date_param(query.get("as_of"), "as_of", _today())
    filters = cases.CaseFilter(
        status=query.get("status") if query.get("status") in cases.STATUS_LABELS else None,
        programme=query.get("programme") if query.get("programme") in cases.PROGRAMME_LABELS else None,
        region=query.get("region") or None,
        overdue=query.get("overdue") == "1",
        case_no=query.get("case_no") or None,
    )
    before = query.get("before")
    with unit_of_work() as session:
        try:
            rows = cases.list_cases(
                session,
                principal.scope,
                as_of,
                filters,
                limit=PAGE_SIZE,
                before_id=int(before) if before and before.isdigit() else None,
            )
        except OutOfScope:
            raise NotFound("行政区划 / region", filters.region) from None
        names = _names(session, [c.applicant_person_id for c, _ in rows if c.applicant_person_id])
        overdue_count = len(cases.overdue_cases(session, principal.scope, as_of))
        tasks = cases.open_tasks(session, principal.scope, as_of, limit=20)
    return render(
        request,
        "cases/list.html",
        _context(
            request,
            rows=rows,
            names=names,
            filters=filters,
            as_of=as_of,
            overdue_count=overdue_count,
            tasks=tasks,
            next_before=rows[-1][0].id if len(rows) == PAGE_SIZE else None,
            can_open=principal.can("assistance.write"),
        ),
    )


def _names(session, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all())


# ---------------------------------------------------------------- new case


@router.get("/cases/new")
def new_case_form(request: Request, principal: Principal = WRITE):
    query = request.query_params
    household_text = (query.get("household") or "").strip()
    programme = query.get("programme") if query.get("programme") in cases.PROGRAMME_LABELS else "dibao"
    alert = (query.get("alert") or "").strip()
    context = _new_case_context(
        request, principal, household_text, programme, alert, _today().isoformat(), None, None
    )
    return render(request, "cases/new.html", context)


def _new_case_context(
    request: Request,
    principal: Principal,
    household_text: str,
    programme: str,
    alert: str,
    submitted_on: str,
    subject: str | None,
    problem: DomainError | None,
) -> dict[str, Any]:
    household = None
    members: list[Person] = []
    assessment = None
    open_cases: list[Case] = []
    lookup_problem = None
    if household_text:
        with unit_of_work() as session:
            found = None
            if household_text.isdigit():
                found = session.get(Household, int(household_text))
            if found is None:
                found = session.scalar(select(Household).where(Household.household_number == household_text))
            if found is None or not principal.scope.allows(found.banner_code):
                lookup_problem = DomainError(
                    "not_found",
                    f"未找到家庭户 {household_text}",
                    f"household {household_text} not found",
                    404,
                )
            else:
                household = found
                members = list(found.members)
                open_cases = list(
                    session.scalars(
                        select(Case).where(
                            Case.household_id == found.id,
                            Case.status.in_(cases.OPEN_STATUSES + cases.CURRENT_STATUSES),
                        )
                    ).all()
                )
                assessment = service.assess_household(session, found.id, _today()).as_dict()
    return _context(
        request,
        household_text=household_text,
        household=household,
        members=members,
        assessment=assessment,
        open_cases=open_cases,
        programme=programme,
        alert=alert,
        submitted_on=submitted_on,
        subject=subject,
        problem=problem or lookup_problem,
        person_programmes=cases.PERSON_PROGRAMMES,
    )


@router.post("/cases")
async def create_case(request: Request, principal: Principal = WRITE):
    form = await checked_form(request)
    household_text = str(form.get("household_id") or "")
    programme = str(form.get("programme") or "")
    alert = str(form.get("alert") or "").strip()
    submitted_text = str(form.get("submitted_on") or "")
    subject_text = str(form.get("subject_person_id") or "")
    try:
        if not household_text.isdigit():
            raise cases._invalid("household_id", "required", "请先选择家庭户", "choose the household first")
        submitted_on = _date_param(submitted_text, "submitted_on", _today())
        with unit_of_work() as session:
            case = cases.open_case(
                session,
                household_id=int(household_text),
                programme=programme,
                submitted_on=submitted_on,
                actor=cases.Actor.of(principal),
                subject_person_id=int(subject_text) if subject_text.isdigit() else None,
                source=f"alert:{alert}" if alert.isdigit() else None,
                special=form.get("special") == "1",
                note=str(form.get("note") or "").strip() or None,
                today=_today(),
            )
            case_id = case.id
    except DomainError as problem:
        if problem.status_code == 404:
            raise
        context = _new_case_context(
            request, principal, household_text, programme, alert, submitted_text, subject_text, problem
        )
        return render(request, "cases/new.html", context, status_code=problem.status_code)
    return RedirectResponse(f"/assistance/cases/{case_id}?done=submit", status_code=303)


# ---------------------------------------------------------------- one case


def _case_page(
    request: Request,
    principal: Principal,
    case_id: int,
    problem: DomainError | None = None,
    status_code: int = 200,
):
    today = _today()
    with unit_of_work() as session:
        case = cases.get_case(session, case_id, principal.scope)
        household = session.get(Household, case.household_id)
        members = list(household.members)
        due = cases.deadlines(case, today)
        actions = cases.allowed_actions(case, principal.permissions)
        tasks = session.scalars(
            select(CaseTask).where(CaseTask.case_id == case.id).order_by(CaseTask.due_on)
        ).all()
        events = list(case.events)
        amounts = sorted(case.amounts, key=lambda a: a.effective_month)
        adjustments = list(case.adjustments)
        last_on = max((e.occurred_on for e in events), default=case.submitted_on)
        default_on = max(today, last_on) if last_on <= today else last_on
        if case.status == "in_notice" and case.notice_to and case.notice_to >= default_on:
            confirm_from = case.notice_to + dt.timedelta(days=1)
        else:
            confirm_from = None
        context = _context(
            request,
            case=case,
            household=household,
            members=members,
            member_names={m.id: m.name for m in members},
            due=due,
            actions=actions,
            tasks=tasks,
            events=events,
            amounts=amounts,
            adjustments=adjustments,
            determination=case.determination or {},
            failed=cases.failed_checks(case.determination),
            today=today,
            default_on=min(default_on, today),
            last_on=last_on,
            confirm_from=confirm_from,
            problem=problem,
            done=request.query_params.get("done"),
            decided=case.status in notice.DECIDED and case.decided_on is not None,
            needs_notice=cases.needs_notice(case),
        )
    return render(request, "cases/case.html", context, status_code=status_code)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, principal: Principal = READ):
    return _case_page(request, principal, case_id)


@router.post("/cases/{case_id}/transition")
async def case_transition(request: Request, case_id: int, principal: Principal = READ):
    form = await checked_form(request)
    action = str(form.get("action") or "")
    version_text = str(form.get("version") or "")
    data: dict[str, Any] = {}
    if action == "record_investigation":
        data = {
            "visit_on": str(form.get("visit_on") or "") or None,
            "visitors": [str(v) for v in form.getlist("visitors")],
            "findings": str(form.get("findings") or ""),
            "information_check": form.get("information_check") == "1",
            "check_result": str(form.get("check_result") or ""),
        }
    elif action == "confirm":
        data = {
            "paying_bank": str(form.get("paying_bank") or ""),
            "payee_person_id": str(form.get("payee_person_id") or "") or None,
            "bank_account": str(form.get("bank_account") or ""),
        }
    elif action == "object":
        data = {"objector": str(form.get("objector") or "")}
    try:
        on = _date_param(str(form.get("on") or ""), "on", _today())
        with unit_of_work() as session:
            cases.transition(
                session,
                case_id,
                action,
                actor=cases.Actor.of(principal),
                on=on,
                expected_version=int(version_text) if version_text.isdigit() else None,
                reason=str(form.get("reason") or ""),
                data=data,
                today=_today(),
            )
    except DomainError as problem:
        if problem.status_code in (401, 404):
            raise
        return _case_page(request, principal, case_id, problem, problem.status_code)
    return RedirectResponse(f"/assistance/cases/{case_id}?done={action}", status_code=303)


@router.get("/cases/{case_id}/notice")
def notice_page(request: Request, case_id: int, principal: Principal = READ):
    with unit_of_work() as session:
        case = cases.get_case(session, case_id, principal.scope)
        content = notice.build(session, case)
    return render(
        request,
        "cases/notice.html",
        _context(
            request, notice=content, case_id=case_id, pdf_href=f"/assistance/cases/{case_id}/notice.pdf"
        ),
    )


@router.get("/cases/{case_id}/notice.pdf")
def notice_pdf(case_id: int, principal: Principal = READ) -> Response:
    with unit_of_work() as session:
        case = cases.get_case(session, case_id, principal.scope)
        content = notice.build(session, case)
    return notice.pdf_response(content)


# ---------------------------------------------------------------- public notices


@router.get("/notices")
def notices_page(request: Request, principal: Principal = READ):
    as_of = _date_param(request.query_params.get("as_of"), "as_of", _today())
    with unit_of_work() as session:
        board = publication.notices(session, principal.scope, as_of)
    return render(request, "cases/notices.html", _context(request, board=board, as_of=as_of))
