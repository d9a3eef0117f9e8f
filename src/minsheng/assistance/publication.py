"""公示 and 公布: what the village or community notice board shows.

During the notice (公示) the first-review opinion is posted: the applicant's name, the household size and
the proposed amount, with the notice's dates, so neighbours can object. After the decision the approved
cases are published (公布) with the same three facts. Children's cases are never posted (民发〔2019〕62号).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minsheng.assistance import cases
from minsheng.assistance.models import Case
from minsheng.registry.models import Household, Person
from minsheng.security.scope import RegionScope


def _row(session: Session, case: Case, as_of: dt.date) -> dict[str, Any]:
    household = session.get(Household, case.household_id)
    applicant = session.get(Person, case.applicant_person_id) if case.applicant_person_id else household.head
    living = [m for m in household.members if m.death_date is None or m.death_date > as_of]
    determination = case.determination or {}
    amount = (
        cases.amount_for_month(case, case.start_month)
        if case.start_month
        else (determination.get("amount_fen") if determination.get("eligible") else None)
    )
    return {
        "case_id": case.id,
        "case_no": case.case_no,
        "banner_code": case.banner_code,
        "programme": case.programme,
        "programme_zh": cases.PROGRAMME_LABELS[case.programme][0],
        "applicant": applicant.name if applicant else "",
        "household_size": len(living),
        "amount_fen": amount if case.programme in cases.PAYING_PROGRAMMES else None,
        "notice_from": case.notice_from,
        "notice_to": case.notice_to,
        "days_left": (case.notice_to - as_of).days + 1 if case.notice_to and case.notice_to >= as_of else 0,
        "decided_on": case.decided_on,
        "status": case.status,
        "version": case.version,
    }


def notices(session: Session, scope: RegionScope, as_of: dt.date, published_days: int = 30) -> dict[str, Any]:
    """Cases in notice now (and objections), and those approved in the last `published_days` days."""
    posted = session.scalars(
        select(Case)
        .where(
            scope.where(Case.banner_code),
            Case.status.in_(("in_notice", "objection")),
            Case.programme.not_in(tuple(cases.CHILD_PROGRAMMES)),
        )
        .order_by(Case.notice_to, Case.id)
    ).all()
    since = as_of - dt.timedelta(days=published_days)
    approved = session.scalars(
        select(Case)
        .where(
            scope.where(Case.banner_code),
            Case.status.in_(("active", "confirmed")),
            Case.decided_on >= since,
            Case.programme.not_in(tuple(cases.CHILD_PROGRAMMES)),
        )
        .order_by(Case.decided_on.desc(), Case.id.desc())
        .limit(200)
    ).all()
    return {
        "as_of": as_of,
        "in_notice": [_row(session, c, as_of) for c in posted],
        "published": [_row(session, c, as_of) for c in approved],
    }
