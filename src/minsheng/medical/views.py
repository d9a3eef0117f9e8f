"""Medical pages: fund spending by tier and league with the low-income reimbursement rate, settlement
lookup, an institution's claims and flags, and supervision cases. Every query filters through the
caller's RegionScope; a record outside it answers 404."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from sqlalchemy import case, func, select

from minsheng import regions
from minsheng.api.deps import require
from minsheng.api.errors import NotFound
from minsheng.medical import service
from minsheng.medical.models import (
    AID_CATEGORY,
    CARE_TYPE,
    Claim,
    Enrolment,
    Flag,
    Institution,
    SupervisionCase,
)
from minsheng.medical.parameters import value_at
from minsheng.medical.supervision import RULES
from minsheng.registry.models import Person
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work
from minsheng.web import nav
from minsheng.web.nav import N_
from minsheng.web.templating import add_template_dir, render

router = APIRouter(prefix="/medical", include_in_schema=False)
add_template_dir(Path(__file__).parent / "templates")
nav.register(nav.NavItem("/medical", N_("医疗保障"), "medical.read", 40))

LOW_INCOME = ("tekun", "dibao", "relapse_poverty")


@router.get("")
def medical_home(
    request: Request, year: int | None = None, principal: Principal = Depends(require("medical.read"))
):
    """Fund spending by tier and league, coverage, and the low-income inpatient reimbursement rate; by
    default the latest year with settled claims."""
    scope = principal.scope
    with unit_of_work() as session:
        if year is None:
            year = session.scalar(select(func.max(Claim.year))) or date.today().year
        settled = (Claim.status == "settled") & (Claim.year == year) & scope.where(Claim.pool_region)
        rows = session.execute(
            select(
                Claim.pool_region,
                func.count(),
                func.sum(Claim.total_fen),
                func.sum(Claim.basic_fen),
                func.sum(Claim.critical_illness_fen),
                func.sum(Claim.medical_aid_fen),
                func.sum(Claim.self_pay_fen),
            )
            .where(settled)
            .group_by(Claim.pool_region)
            .order_by(Claim.pool_region)
        ).all()
        low = session.execute(
            select(
                func.sum(Claim.total_fen),
                func.sum(Claim.basic_fen + Claim.critical_illness_fen + Claim.medical_aid_fen),
            )
            .join(Enrolment, (Enrolment.person_id == Claim.person_id) & (Enrolment.year == Claim.year))
            .where(settled, Claim.care_type == "inpatient", Enrolment.aid_category.in_(LOW_INCOME))
        ).one()
        enrolled = session.execute(
            select(
                Enrolment.pool_region,
                func.count(),
                func.sum(case((Enrolment.aid_category != "none", 1), else_=0)),
                func.sum(Enrolment.subsidy_fen),
            )
            .where(Enrolment.year == year, scope.where(Enrolment.pool_region))
            .group_by(Enrolment.pool_region)
        ).all()
        cases = session.scalars(
            select(SupervisionCase)
            .where(scope.where(SupervisionCase.region_code))
            .order_by(SupervisionCase.id.desc())
            .limit(10)
        ).all()
        # the living residents of the registry per league: the base of the participation rate
        residents: dict[str, int] = {}
        for region_code, count in session.execute(
            select(Person.residence_region, func.count())
            .where(Person.death_date.is_(None), scope.where(Person.residence_region))
            .group_by(Person.residence_region)
        ).all():
            if regions.exists(region_code):
                league = regions.league_of(region_code).code
                residents[league] = residents.get(league, 0) + count
    goal = value_at("medical.low_income.inpatient_reimbursement_goal", date(year, 12, 31))
    coverage_goal = value_at("medical.coverage.goal", date(year, 12, 31))
    leagues = [
        {
            "code": r[0], "claims": r[1], "total": r[2] or 0, "basic": r[3] or 0, "critical_illness": r[4] or 0,
            "medical_aid": r[5] or 0, "self_pay": r[6] or 0,
        }
        for r in rows
    ]  # fmt: skip
    totals = {
        k: sum(x[k] for x in leagues)
        for k in ("claims", "total", "basic", "critical_illness", "medical_aid", "self_pay")
    }
    low_total, low_paid = (low[0] or 0), (low[1] or 0)
    return render(
        request,
        "medical/home.html",
        {
            "year": year,
            "leagues": leagues,
            "totals": totals,
            "low_rate": (low_paid / low_total) if low_total else None,
            "goal": goal,
            "coverage_goal": coverage_goal,
            "enrolled": [
                {
                    "code": e[0],
                    "persons": e[1],
                    "assisted": e[2] or 0,
                    "subsidy": e[3] or 0,
                    "residents": residents.get(e[0], 0),
                    "rate": (e[1] / residents[e[0]]) if residents.get(e[0]) else None,
                }
                for e in enrolled
            ],
            "cases": cases,
        },
    )


@router.get("/claims/{claim_id}")
def claim_page(request: Request, claim_id: int, principal: Principal = Depends(require("medical.read"))):
    """结算单: the split across the tiers and the reasons."""
    with unit_of_work() as session:
        claim = service.claim_in_scope(session, claim_id, principal.scope)
        institution = session.get(Institution, claim.institution_id)
        items = list(claim.items)
    return render(
        request,
        "medical/claim.html",
        {
            "claim": claim,
            "institution": institution,
            "items": items,
            "care_types": CARE_TYPE,
            "categories": AID_CATEGORY,
        },
    )


@router.get("/institutions/{institution_id}")
def institution_page(
    request: Request, institution_id: int, principal: Principal = Depends(require("medical.read"))
):
    """定点机构: its recent claims and the supervision flags against it."""
    with unit_of_work() as session:
        institution = session.get(Institution, institution_id)
        if institution is None or not principal.scope.allows(institution.region_code):
            raise NotFound("定点医药机构 / institution", institution_id)
        claims = session.scalars(
            select(Claim).where(Claim.institution_id == institution_id).order_by(Claim.id.desc()).limit(100)
        ).all()
        flags = session.scalars(
            select(Flag).where(Flag.institution_id == institution_id).order_by(Flag.id.desc()).limit(200)
        ).all()
    return render(
        request,
        "medical/institution.html",
        {"institution": institution, "claims": claims, "flags": flags, "rules": RULES},
    )


@router.get("/cases")
def cases_page(request: Request, principal: Principal = Depends(require("medical.read"))):
    """监管案件: cases with the loss, refusal, recovery and fine."""
    with unit_of_work() as session:
        cases = session.scalars(
            select(SupervisionCase)
            .where(principal.scope.where(SupervisionCase.region_code))
            .order_by(SupervisionCase.id.desc())
            .limit(200)
        ).all()
        total = session.execute(
            select(
                func.coalesce(
                    func.sum(
                        SupervisionCase.refused_fen + SupervisionCase.recovered_fen + SupervisionCase.fine_fen
                    ),
                    0,
                )
            ).where(principal.scope.where(SupervisionCase.region_code))
        ).scalar_one()
    return render(request, "medical/cases.html", {"cases": cases, "total": total})
