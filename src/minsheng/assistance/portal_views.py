"""Citizen portal pages under /portal (一网通办): login with a one-time code, the household's possible
entitlements with their reasons, online application, the status of each application and the decision.

The portal's session kind is `citizen` in the signed cookie: it never holds a staff user id, so no
staff page or API answers it, and staff login clears it (and portal login clears a staff session).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from minsheng.api.errors import DomainError
from minsheng.assistance import cases, notice, portal
from minsheng.assistance.api import _today
from minsheng.assistance.case_views import EVENT_LABELS
from minsheng.config import get_settings
from minsheng.registry.models import Person
from minsheng.store.db import unit_of_work
from minsheng.web.forms import checked_form
from minsheng.web.templating import add_template_dir, render

router = APIRouter(prefix="/portal", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
SESSION_KEY = "citizen"
PENDING_KEY = "portal_pending"
# What a citizen sees of the procedure: the step, never the staff member's login.
PUBLIC_STEPS = {
    "submit",
    "accept",
    "township_review",
    "publish_notice",
    "object",
    "reinvestigate",
    "confirm",
    "refuse",
    "withdraw",
    "review",
    "suspend",
    "resume",
    "end",
    "recompute",
}


def _context(request: Request, **values: Any) -> dict[str, Any]:
    return {
        "PROGRAMMES": cases.PROGRAMME_LABELS,
        "STATUSES": cases.STATUS_LABELS,
        "EVENTS": EVENT_LABELS,
        "portal": True,
        **values,
    }


def _citizen(request: Request) -> portal.Citizen | None:
    data = request.session.get(SESSION_KEY) if "session" in request.scope else None
    if not data:
        return None
    now = int(time.time())
    if now - int(data.get("seen", 0)) > get_settings().session_idle_minutes * 60:
        request.session.pop(SESSION_KEY, None)
        return None
    data["seen"] = now
    request.session[SESSION_KEY] = data
    return portal.Citizen(int(data["pid"]), int(data["hid"]), str(data["mid"]))


def _login_redirect() -> RedirectResponse:
    return RedirectResponse("/portal/login", status_code=303)


@router.get("/login")
def login_form(request: Request):
    return render(request, "portal/login.html", _context(request, id_number="", phone=""))


@router.post("/login")
async def login(request: Request):
    form = await checked_form(request)
    id_number = str(form.get("id_number") or "").strip()
    phone = str(form.get("phone") or "").strip()
    try:
        with unit_of_work() as session:
            hashed = portal.request_code(
                session, id_number, phone, request.client.host if request.client else None
            )
    except DomainError as problem:
        context = _context(request, id_number="", phone=phone, problem=problem)
        return render(request, "portal/login.html", context, status_code=problem.status_code)
    request.session[PENDING_KEY] = hashed
    return RedirectResponse("/portal/verify", status_code=303)


@router.get("/verify")
def verify_form(request: Request):
    if not request.session.get(PENDING_KEY):
        return _login_redirect()
    return render(request, "portal/verify.html", _context(request))


@router.post("/verify")
async def verify(request: Request):
    form = await checked_form(request)
    hashed = request.session.get(PENDING_KEY)
    if not hashed:
        return _login_redirect()
    with unit_of_work() as session:
        result = portal.verify_code(session, hashed, str(form.get("code") or ""))
    if isinstance(result, DomainError):
        return render(
            request, "portal/verify.html", _context(request, problem=result), status_code=result.status_code
        )
    request.session.clear()  # a new session kind: nothing of a staff or earlier session carries over
    request.session[SESSION_KEY] = {
        "pid": result.person_id,
        "hid": result.household_id,
        "mid": result.masked_id,
        "seen": int(time.time()),
    }
    return RedirectResponse("/portal", status_code=303)


@router.post("/logout")
async def logout(request: Request):
    await checked_form(request)
    request.session.clear()
    return _login_redirect()


@router.get("")
def home(request: Request):
    citizen = _citizen(request)
    if citizen is None:
        return _login_redirect()
    today = _today()
    with unit_of_work() as session:
        household = portal.household_of(session, citizen)
        members = list(household.members)
        entitled = portal.entitlements(session, citizen, today)
        applications = portal.household_cases(session, citizen)
        me = session.get(Person, citizen.person_id)
    return render(
        request,
        "portal/home.html",
        _context(
            request,
            citizen=citizen,
            me=me,
            household=household,
            members=members,
            entitled=entitled,
            applications=applications,
            today=today,
            done=request.query_params.get("done"),
            person_programmes=cases.PERSON_PROGRAMMES,
        ),
    )


@router.post("/apply")
async def apply(request: Request):
    citizen = _citizen(request)
    if citizen is None:
        return _login_redirect()
    form = await checked_form(request)
    subject = str(form.get("subject_person_id") or "")
    try:
        with unit_of_work() as session:
            case = portal.apply(
                session,
                citizen,
                str(form.get("programme") or ""),
                int(subject) if subject.isdigit() else None,
                _today(),
            )
            case_id = case.id
    except DomainError as problem:
        if problem.status_code == 401:
            raise
        with unit_of_work() as session:
            household = portal.household_of(session, citizen)
            context = _context(
                request,
                citizen=citizen,
                me=session.get(Person, citizen.person_id),
                household=household,
                members=list(household.members),
                entitled=portal.entitlements(session, citizen, _today()),
                applications=portal.household_cases(session, citizen),
                today=_today(),
                problem=problem,
                person_programmes=cases.PERSON_PROGRAMMES,
            )
        return render(request, "portal/home.html", context, status_code=problem.status_code)
    return RedirectResponse(f"/portal/cases/{case_id}?done=1", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int):
    citizen = _citizen(request)
    if citizen is None:
        return _login_redirect()
    with unit_of_work() as session:
        case = portal.case_of(session, citizen, case_id)
        events = [e for e in case.events if e.action in PUBLIC_STEPS]
        decided = case.status in notice.DECIDED and case.decided_on is not None
        content = notice.build(session, case) if decided else None
        context = _context(
            request,
            case=case,
            events=events,
            notice=content,
            determination=case.determination or {},
            failed=cases.failed_checks(case.determination),
            amount=cases.amount_for_month(case, case.start_month) if case.start_month else None,
            done=request.query_params.get("done"),
        )
    return render(request, "portal/case.html", context)


@router.get("/cases/{case_id}/notice.pdf")
def case_notice_pdf(request: Request, case_id: int):
    citizen = _citizen(request)
    if citizen is None:
        return _login_redirect()
    with unit_of_work() as session:
        case = portal.case_of(session, citizen, case_id)
        content = notice.build(session, case)
    return notice.pdf_response(content)
