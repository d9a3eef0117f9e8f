"""Employment pages for the officer: overview and seeker registration, a seeker's ranked vacancies with
reasons, referral and outcome, the unemployed and zero-employment lists, work-relief projects.

Every read and write goes through `employment.service` with the caller's RegionScope (404 outside it).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from minsheng.api.deps import require
from minsheng.api.errors import DomainError, FieldError
from minsheng.employment import service
from minsheng.employment import vocabulary as vocab
from minsheng.employment.models import EmployingUnit, Referral, Vacancy
from minsheng.employment.schemas import OutcomeIn, SeekerIn
from minsheng.registry.models import Person
from minsheng.registry.schemas import field_errors
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.forms import checked_form
from minsheng.web.nav import N_
from minsheng.web.templating import add_template_dir, language_of, render

router = APIRouter(prefix="/employment", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/employment", N_("就业服务"), "employment.read", 30))


def _today(request: Request) -> date:
    text = request.query_params.get("as_of")
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def _vocabularies(language: str) -> dict[str, list[tuple[str, str]]]:
    pick = 0 if language == "zh" else 1
    return {
        "occupation": [(code, labels[pick]) for code, labels in vocab.OCCUPATION.items()],
        "skill": [(code, labels[pick]) for code, labels in vocab.SKILL.items()],
    }


def _messages(errors: list[FieldError], language: str) -> dict[str, str]:
    return {e.field: (e.message_zh if language == "zh" else e.message_en) for e in errors}


@router.get("")
def employment_home(request: Request, principal: Principal = Depends(require("employment.read"))):
    return _home(request, principal)


def _home(request: Request, principal: Principal, errors: dict[str, str] | None = None, values=None):
    today = _today(request)
    with unit_of_work() as session:
        figures = service.statistics(session, principal.scope, year=today.year, today=today)
        seekers = service.list_seekers(session, principal.scope, limit=50)
        names = dict(
            session.execute(
                select(Person.id, Person.name).where(Person.id.in_([s.person_id for s in seekers]))
            ).all()
        )
        rows = [
            {
                "id": s.id,
                "name": names.get(s.person_id, ""),
                "banner_code": s.banner_code,
                "occupation": s.desired_occupation,
                "groups": s.key_groups,
                "refusals": s.suitable_refusals,
            }
            for s in seekers
        ]
    language = language_of(request)
    return render(
        request,
        "employment/home.html",
        {
            "figures": figures,
            "seekers": rows,
            "vocab": _vocabularies(language),
            "occupations": {
                code: labels[0 if language == "zh" else 1] for code, labels in vocab.OCCUPATION.items()
            },
            "errors": errors or {},
            "values": values or {},
        },
        422 if errors else 200,
    )


@router.post("/seekers")
async def register_seeker(request: Request, principal: Principal = Depends(require("employment.write"))):
    form = await checked_form(request)
    values = {
        "person_id": str(form.get("person_id", "")).strip(),
        "desired_occupation": str(form.get("desired_occupation", "")),
        "skills": [str(s) for s in form.getlist("skills")],
        "expected_pay_yuan": str(form.get("expected_pay_yuan", "") or "0"),
        "unemployed": form.get("unemployed") == "on",
    }
    language = language_of(request)
    try:
        data = SeekerIn.model_validate(values)
        with unit_of_work() as session:
            seeker = service.register_seeker(
                session, principal.scope, data, actor=principal.login, today=_today(request)
            )
    except ValidationError as error:
        return _home(request, principal, _messages(field_errors(error), language), values)
    except DomainError as error:
        if error.status_code == 404:
            raise
        fields = error.fields or [FieldError("person_id", error.code, error.message_zh, error.message_en)]
        return _home(request, principal, _messages(fields, language), values)
    return RedirectResponse(f"/employment/seekers/{seeker.id}", status_code=303)


@router.get("/seekers/{seeker_id}")
def seeker_page(seeker_id: int, request: Request, principal: Principal = Depends(require("employment.read"))):
    today = _today(request)
    language = language_of(request)
    with unit_of_work() as session:
        seeker = service.get_seeker(session, principal.scope, seeker_id)
        person = session.get(Person, seeker.person_id)
        matches = (
            service.match_vacancies(session, principal.scope, seeker.id, today=today)
            if seeker.status == "seeking"
            else []
        )
        referrals = session.execute(
            select(Referral, Vacancy, EmployingUnit)
            .join(Vacancy, Vacancy.id == Referral.vacancy_id)
            .join(EmployingUnit, EmployingUnit.id == Vacancy.employer_id)
            .where(Referral.seeker_id == seeker.id)
            .order_by(Referral.id.desc())
        ).all()
        referral_rows = [
            {
                "id": r.id,
                "title": v.title,
                "employer": e.name,
                "referred_on": r.referred_on,
                "score": r.score,
                "status": r.status,
                "open": r.status in ("referred", "interviewed"),
            }
            for r, v, e in referrals
        ]
        context: dict[str, Any] = {
            "seeker": seeker,
            "person": {"name": person.name, "id_number_masked": person.id_number_masked},
            "matches": [asdict(m) for m in matches],
            "referrals": referral_rows,
            "status": {
                code: labels[0 if language == "zh" else 1] for code, labels in vocab.REFERRAL_STATUS.items()
            },
            "occupations": {
                code: labels[0 if language == "zh" else 1] for code, labels in vocab.OCCUPATION.items()
            },
            "today": today,
        }
    return render(request, "employment/seeker.html", context)


@router.post("/seekers/{seeker_id}/referrals")
async def refer(
    seeker_id: int, request: Request, principal: Principal = Depends(require("employment.write"))
):
    form = await checked_form(request)
    try:
        vacancy_id = int(str(form.get("vacancy_id", "")))
    except ValueError:
        raise DomainError("vacancy_id", "请选择岗位", "choose a vacancy") from None
    with unit_of_work() as session:
        service.refer(
            session, principal.scope, seeker_id, vacancy_id, actor=principal.login, today=_today(request)
        )
    return RedirectResponse(f"/employment/seekers/{seeker_id}", status_code=303)


@router.post("/referrals/{referral_id}/outcome")
async def outcome(
    referral_id: int, request: Request, principal: Principal = Depends(require("employment.write"))
):
    form = await checked_form(request)
    suitable = form.get("suitable")
    try:
        data = OutcomeIn.model_validate(
            {
                "outcome": str(form.get("outcome", "")),
                "on": str(form.get("on", "")) or _today(request).isoformat(),
                "suitable": None if suitable in (None, "") else suitable == "yes",
            }
        )
    except ValidationError as error:
        problems = field_errors(error)
        raise DomainError(
            "invalid", problems[0].message_zh, problems[0].message_en, fields=problems
        ) from None
    with unit_of_work() as session:
        referral = service.record_outcome(session, principal.scope, referral_id, data, actor=principal.login)
        seeker_id = referral.seeker_id
    return RedirectResponse(f"/employment/seekers/{seeker_id}", status_code=303)


@router.get("/unemployed")
def unemployed_page(request: Request, principal: Principal = Depends(require("employment.read"))):
    with unit_of_work() as session:
        rows = service.list_unemployed(session, principal.scope)
    return render(request, "employment/unemployed.html", {"rows": rows})


@router.get("/zero-employment")
def zero_employment_page(request: Request, principal: Principal = Depends(require("employment.read"))):
    with unit_of_work() as session:
        rows = service.list_zero_employment(session, principal.scope, include_cleared=True)
    return render(request, "employment/zero_employment.html", {"rows": rows})


@router.post("/zero-employment/refresh")
async def refresh_zero_employment(
    request: Request, principal: Principal = Depends(require("employment.write"))
):
    await checked_form(request)
    with unit_of_work() as session:
        service.refresh_zero_employment(
            session, principal.scope, today=_today(request), actor=principal.login
        )
    return RedirectResponse("/employment/zero-employment", status_code=303)


@router.get("/work-relief")
def work_relief_page(request: Request, principal: Principal = Depends(require("employment.read"))):
    with unit_of_work() as session:
        rows = service.check_projects(session, principal.scope, today=_today(request))
    return render(
        request,
        "employment/work_relief.html",
        {"rows": rows, "today": _today(request), "SHARE_STATUS": vocab.WORK_RELIEF_SHARE_STATUS},
    )
