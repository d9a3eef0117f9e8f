"""Assistance cases (审核确认): the procedure of 民发〔2021〕57号 as a state machine.

    submitted ─accept→ investigating ─township_review→ township_reviewed ─publish_notice→ in_notice
    in_notice ─object→ objection ─reinvestigate→ investigating
    in_notice (after the notice's last day) or township_reviewed (children: no notice) ─confirm→
        active (paying programmes) | confirmed (低保边缘, 刚性支出: a status, no money)
    township_reviewed | in_notice ─refuse→ refused;  open ─withdraw→ withdrawn
    active | confirmed ─review→ same (amount, taper or end proposed);  active ─suspend→ suspended ─resume→ active
    active | suspended | confirmed ─end→ ended

Each transition belongs to one permission (caseworker: `assistance.write`, county approver:
`assistance.approve`), checks its preconditions, is recorded as a `CaseEvent` (who, the business date,
why) and in the audit chain, and names the version it read: a second caseworker acting on the same
version gets a Conflict, never a second transition. The determination of the rules is stored with the
case at the first review and at the decision; amounts live per period in `assistance_case_amount`.

Dates are passed in (`on`): a step is recorded on its business date, which may not precede the
previous step's, and the notice is over only when the decision date is after its last day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from minsheng import idcard, policy
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.assistance import service
from minsheng.assistance.banks import BANK_CODES
from minsheng.assistance.models import Adjustment, Case, CaseAmount, CaseEvent, CaseTask
from minsheng.assistance.workdays import calendar
from minsheng.registry.models import Household, Person
from minsheng.security.scope import RegionScope
from minsheng.store import audit

WRITE = "assistance.write"
APPROVE = "assistance.approve"

PROGRAMME_LABELS: dict[str, tuple[str, str]] = {
    "dibao": ("最低生活保障", "minimum living guarantee (dibao)"),
    "tekun": ("特困人员救助供养", "support for persons in extreme difficulty"),
    "orphan": ("孤儿基本生活保障", "orphan allowance"),
    "de_facto_child": ("事实无人抚养儿童基本生活补贴", "de facto unsupported child allowance"),
    "dibao_edge": ("低保边缘家庭认定", "near-dibao household status"),
    "rigid_expense": ("刚性支出困难家庭认定", "rigid-expenditure hardship status"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "submitted": ("已申请", "submitted"),
    "investigating": ("调查核实中", "under investigation"),
    "township_reviewed": ("乡镇已初审", "first review done"),
    "in_notice": ("公示中", "in public notice"),
    "objection": ("公示有异议", "objection raised"),
    "confirmed": ("已认定", "recognised"),
    "active": ("保障中", "receiving assistance"),
    "suspended": ("暂停发放", "suspended"),
    "ended": ("已终止", "ended"),
    "refused": ("不予确认", "refused"),
    "withdrawn": ("已撤回", "withdrawn"),
}
CASE_NO_PREFIX = {
    "dibao": "DB",
    "tekun": "TK",
    "orphan": "GE",
    "de_facto_child": "SW",
    "dibao_edge": "BY",
    "rigid_expense": "GX",
}
# The rule whose determination decides each programme; person programmes read the subject's row.
RULE_OF = {
    "dibao": "dibao",
    "dibao_edge": "dibao_edge",
    "rigid_expense": "rigid_expense",
    "tekun": "tekun",
    "orphan": "orphan",
    "de_facto_child": "orphan",
}
PERSON_PROGRAMMES = frozenset({"tekun", "orphan", "de_facto_child"})
# 民发〔2019〕62号: no public notice for children, to protect them.
CHILD_PROGRAMMES = frozenset({"orphan", "de_facto_child"})
# 低保边缘 and 刚性支出 are a recognised status (for medical aid, education aid …), not a monthly payment.
PAYING_PROGRAMMES = frozenset({"dibao", "tekun", "orphan", "de_facto_child"})
OPEN_STATUSES = ("submitted", "investigating", "township_reviewed", "in_notice", "objection")
CURRENT_STATUSES = ("active", "suspended", "confirmed")
IRREGULAR_EMPLOYMENT = frozenset({"farming", "self_employed", "other"})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    permission: str
    label_zh: str
    label_en: str
    reason_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", ("submitted",), WRITE, "受理并开始调查", "accept and start the investigation"),
        Transition(
            "record_investigation",
            ("investigating",),
            WRITE,
            "记录入户调查与信息核对",
            "record the home visit and information check",
        ),
        Transition("township_review", ("investigating",), WRITE, "乡镇初审", "township first review"),
        Transition("publish_notice", ("township_reviewed",), WRITE, "张榜公示", "post the public notice"),
        Transition("object", ("in_notice",), WRITE, "登记公示异议", "record an objection", True),
        Transition(
            "reinvestigate", ("objection",), WRITE, "重新调查核实", "investigate again (objection)", True
        ),
        Transition(
            "confirm", ("township_reviewed", "in_notice"), APPROVE, "审核确认(批准)", "confirm (approve)"
        ),
        Transition(
            "refuse", ("township_reviewed", "in_notice", "objection"), APPROVE, "不予确认", "refuse", True
        ),
        Transition("withdraw", OPEN_STATUSES, WRITE, "撤回申请", "withdraw the application", True),
        Transition("review", ("active", "confirmed"), WRITE, "定期核查", "periodic review"),
        Transition("suspend", ("active",), APPROVE, "暂停发放", "suspend payment", True),
        Transition("resume", ("suspended",), APPROVE, "恢复发放", "resume payment", True),
        Transition("end", CURRENT_STATUSES, APPROVE, "终止救助", "end assistance", True),
    )
}


# ---------------------------------------------------------------- helpers


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_from(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from `first` to `last` inclusive."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _invalid(field: str, rule: str, zh: str, en: str) -> DomainError:
    return DomainError(
        "invalid_request", zh, en, 422, [FieldError(field, rule, f"{field}: {zh}", f"{field}: {en}")]
    )


def _param(name: str, on: dt.date, region: str, params: policy.ParameterSet | None = None) -> Any:
    return (params or policy.load()).value(name, on, region=region).value


def label(table: dict[str, tuple[str, str]], key: str | None, language: str = "zh") -> str:
    pair = table.get(key or "")
    if pair is None:
        return key or ""
    return pair[0] if language == "zh" else pair[1]


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff principal's login, permissions and scope, or a citizen (portal)."""

    login: str
    permissions: frozenset[str]
    scope: RegionScope

    @classmethod
    def of(cls, principal: Any) -> Actor:
        return cls(principal.login, principal.permissions, principal.scope)


# ---------------------------------------------------------------- reads


def get_case(session: Session, case_id: int, scope: RegionScope) -> Case:
    case = session.get(Case, case_id)
    if case is None or not scope.allows(case.banner_code):
        raise NotFound("救助案件 / case", case_id)
    return case


@dataclass(frozen=True)
class Deadlines:
    start_by: dt.date  # the investigation starts at the latest on this working day
    decide_by: dt.date  # the decision at the latest on this working day
    provisional: bool  # a date falls in a year whose holiday notice is not on file
    start_overdue: bool
    decision_overdue: bool
    working_days_used: int

    @property
    def overdue(self) -> bool:
        return self.start_overdue or self.decision_overdue


def deadlines(case: Case, as_of: dt.date, params: policy.ParameterSet | None = None) -> Deadlines:
    cal = calendar()
    start_days = _param(
        "assistance.procedure.start_working_days", case.submitted_on, case.banner_code, params
    )
    decision_days = _param(
        "assistance.procedure.special_working_days"
        if case.special
        else "assistance.procedure.decision_working_days",
        case.submitted_on,
        case.banner_code,
        params,
    )
    start_by = cal.add_working_days(case.submitted_on, start_days)
    decide_by = cal.add_working_days(case.submitted_on, decision_days)
    started = case.accepted_on
    decided = case.decided_on
    open_case = case.status in OPEN_STATUSES
    return Deadlines(
        start_by=start_by,
        decide_by=decide_by,
        provisional=not (cal.covers(case.submitted_on) and cal.covers(decide_by)),
        start_overdue=(started is None and open_case and as_of > start_by)
        or (started is not None and started > start_by),
        decision_overdue=(decided is None and open_case and as_of > decide_by)
        or (decided is not None and decided > decide_by),
        working_days_used=cal.working_days_between(case.submitted_on, decided or as_of),
    )


@dataclass
class CaseFilter:
    status: str | None = None
    programme: str | None = None
    region: str | None = None
    overdue: bool = False
    case_no: str | None = None
    household_id: int | None = None


def list_cases(
    session: Session,
    scope: RegionScope,
    as_of: dt.date,
    filters: CaseFilter | None = None,
    *,
    limit: int = 100,
    before_id: int | None = None,
) -> list[tuple[Case, Deadlines]]:
    """Cases in scope, newest first, with their deadlines; `overdue` keeps open cases past a deadline."""
    filters = filters or CaseFilter()
    query = select(Case).where(scope.where(Case.banner_code))
    if filters.region:
        query = query.where(scope.narrowed_to(filters.region).where(Case.banner_code))
    if filters.status:
        query = query.where(Case.status == filters.status)
    if filters.programme:
        query = query.where(Case.programme == filters.programme)
    if filters.case_no:
        query = query.where(Case.case_no == filters.case_no.strip())
    if filters.household_id:
        query = query.where(Case.household_id == filters.household_id)
    if filters.overdue:
        query = query.where(Case.status.in_(OPEN_STATUSES))
    if before_id is not None:
        query = query.where(Case.id < before_id)
    query = query.order_by(Case.id.desc())
    found: list[tuple[Case, Deadlines]] = []
    # Overdue is a working-day computation, so it filters after the query, page by page.
    batch = limit if not filters.overdue else max(limit * 4, 200)
    while True:
        rows = session.scalars(query.limit(batch)).all()
        for case in rows:
            due = deadlines(case, as_of)
            if filters.overdue and not due.overdue:
                continue
            found.append((case, due))
            if len(found) == limit:
                return found
        if len(rows) < batch:
            return found
        query = query.where(Case.id < rows[-1].id)


def overdue_cases(
    session: Session, scope: RegionScope, as_of: dt.date, limit: int = 500
) -> list[tuple[Case, Deadlines]]:
    return list_cases(session, scope, as_of, CaseFilter(overdue=True), limit=limit)


def allowed_actions(case: Case, permissions: Iterable[str]) -> list[Transition]:
    """The transitions this user may offer on the case now (preconditions are checked on submit)."""
    permissions = set(permissions)
    actions = []
    for transition in TRANSITIONS.values():
        if case.status not in transition.sources or transition.permission not in permissions:
            continue
        if transition.action == "publish_notice" and case.programme in CHILD_PROGRAMMES:
            continue
        if transition.action == "confirm" and case.status == "township_reviewed" and needs_notice(case):
            continue
        actions.append(transition)
    return actions


def needs_notice(case: Case) -> bool:
    return case.programme not in CHILD_PROGRAMMES


def amount_for_month(case: Case, month: dt.date) -> int | None:
    """The monthly amount in force in `month` (the period row with the greatest effective month)."""
    rows = [row for row in case.amounts if row.effective_month <= month]
    return max(rows, key=lambda row: row.effective_month).monthly_amount_fen if rows else None


# ---------------------------------------------------------------- determinations


def determine(
    session: Session,
    household_id: int,
    programme: str,
    subject_person_id: int | None,
    on: dt.date,
    params: policy.ParameterSet | None = None,
) -> dict[str, Any]:
    """The rules' determination for the programme, as stored with a case (with reasons, zh and en)."""
    assessment = service.assess_household(session, household_id, on, params)
    return _pick(assessment, programme, subject_person_id)


def _pick(assessment: service.HouseholdAssessment, programme: str, subject_person_id: int | None) -> dict:
    rule = RULE_OF[programme]
    if programme in PERSON_PROGRAMMES and subject_person_id is None:
        return _household_total(assessment, programme)
    if programme in PERSON_PROGRAMMES:
        items = assessment.persons.get(subject_person_id or -1, [])
        chosen = next((d for d in items if d.rule == rule), None)
        if chosen is None:
            raise _invalid(
                "subject_person_id",
                "not_member",
                "申请对象不是该户成员",
                "the subject is not a member of the household",
            )
    else:
        chosen = assessment.determination(rule)
    result = chosen.as_dict()
    if programme in CHILD_PROGRAMMES:
        category = chosen.row.get("category")
        wanted = "orphan" if programme == "orphan" else "unsupported_child"
        matches = category == wanted
        result["reasons"].append(
            {
                "rule": "case",
                "check": "programme_matches",
                "title_zh": "申请类别",
                "title_en": "programme",
                "passed": matches,
                "text_zh": "儿童登记类别与申请项目相符"
                if matches
                else f"儿童登记类别({category or '无'})与申请项目({PROGRAMME_LABELS[programme][0]})不符",
                "text_en": "the child's registered category matches the programme"
                if matches
                else f"the child's registered category ({category or 'none'}) does not match the programme",
                "parameters": [],
            }
        )
        if not matches:
            result["eligible"] = False
    result["as_of"] = assessment.as_of.isoformat()
    result["programme"] = programme
    result["scenario"] = assessment.scenario
    result["household_total_fen"] = assessment.summary.get("total_amount_fen")
    return audit._jsonable(result)


def _household_total(assessment: service.HouseholdAssessment, programme: str) -> dict[str, Any]:
    """A person programme's case kept for the whole household (cases loaded without a member, such as
    a migration's): the sum over the members the rule finds eligible, with each member's reasons."""
    rule = RULE_OF[programme]
    chosen = [d for items in assessment.persons.values() for d in items if d.rule == rule]
    if programme in CHILD_PROGRAMMES:
        wanted = "orphan" if programme == "orphan" else "unsupported_child"
        chosen = [d for d in chosen if d.row.get("category") == wanted]
    eligible = [d for d in chosen if d.eligible]
    reasons = [r.as_dict() for d in (eligible or chosen) for r in d.reasons]
    return audit._jsonable(
        {
            "rule": rule,
            "title_zh": chosen[0].title_zh if chosen else PROGRAMME_LABELS[programme][0],
            "title_en": chosen[0].title_en if chosen else PROGRAMME_LABELS[programme][1],
            "eligible": bool(eligible),
            "amount_fen": sum(int(d.row.get("amount_fen") or 0) for d in eligible),
            "persons": [d.row.get("person_id") for d in eligible],
            "reasons": reasons,
            "as_of": assessment.as_of.isoformat(),
            "programme": programme,
            "scenario": assessment.scenario,
            "household_total_fen": assessment.summary.get("total_amount_fen"),
        }
    )


def failed_checks(determination: dict | None) -> list[dict]:
    return [r for r in (determination or {}).get("reasons", []) if not r.get("passed")]


def monthly_amount(determination: dict | None) -> int:
    if not determination or not determination.get("eligible"):
        return 0
    return int(determination.get("amount_fen") or 0)


# ---------------------------------------------------------------- writes


def _next_case_no(session: Session, programme: str, banner: str, year: int) -> str:
    stem = f"{CASE_NO_PREFIX[programme]}{banner}-{year}-"
    # Numbers of this stem with a 6-digit serial (a range, so other schemes such as migrated "S…" ones
    # sort outside it and the index answers it).
    last = session.scalar(
        select(func.max(Case.case_no)).where(Case.case_no >= f"{stem}000000", Case.case_no <= f"{stem}999999")
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:06d}"


def _event(
    session: Session,
    case: Case,
    action: str,
    from_status: str | None,
    actor: str,
    on: dt.date,
    reason: str | None = None,
    data: dict | None = None,
    audited: bool = True,
) -> CaseEvent:
    event = CaseEvent(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        occurred_on=on,
        actor=actor,
        reason=reason,
        data=audit._jsonable(data) if data is not None else None,
    )
    session.add(event)
    if not audited:  # a batch job writes one audit record for the run instead
        return event
    audit.append(
        session,
        actor=actor,
        action=f"assistance.case.{action}",
        entity="assistance_case",
        entity_id=case.id,
        region_code=case.banner_code,
        subject=f"household:{case.household_id}",
        before={"status": from_status} if from_status else None,
        after={"status": case.status, "on": on, "reason": reason, "data": data, "case_no": case.case_no},
    )
    return event


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "案件已被他人处理,请刷新后重试", "the case was changed by someone else; reload and try again"
        ) from None


def open_case(
    session: Session,
    *,
    household_id: int,
    programme: str,
    submitted_on: dt.date,
    actor: Actor,
    subject_person_id: int | None = None,
    applicant_person_id: int | None = None,
    source: str | None = None,
    channel: str = "counter",
    special: bool = False,
    note: str | None = None,
    params: policy.ParameterSet | None = None,
    today: dt.date | None = None,
) -> Case:
    """申请 — an application (at the counter, from an alert or online) for one programme."""
    if today is not None and submitted_on > today:
        raise _invalid(
            "submitted_on",
            "in_future",
            f"申请日期 {submitted_on} 晚于今天",
            f"the date {submitted_on} is after today",
        )
    if channel == "counter" and WRITE not in actor.permissions:
        from minsheng.api.deps import Forbidden

        raise Forbidden(WRITE)
    if programme not in PROGRAMME_LABELS:
        raise _invalid(
            "programme", "unknown", f"未知的救助项目 {programme!r}", f"unknown programme {programme!r}"
        )
    household = session.get(Household, household_id)
    if household is None or not actor.scope.allows(household.banner_code):
        raise NotFound("家庭户 / household", household_id)
    if household.dissolved_on is not None:
        raise _invalid("household", "dissolved", "该户已注销", "the household is dissolved")
    members = {m.id: m for m in household.members}
    if programme in PERSON_PROGRAMMES:
        if subject_person_id not in members:
            raise _invalid(
                "subject_person_id",
                "required",
                "特困、孤儿和事实无人抚养儿童须指明本户的申请对象",
                "tekun and child allowances name the member they concern",
            )
    else:
        subject_person_id = None
    if applicant_person_id is not None and applicant_person_id not in members:
        raise _invalid(
            "applicant_person_id", "not_member", "申请人须为本户成员", "the applicant must be a member"
        )
    if source is not None and len(source) > 40:
        raise _invalid("source", "too_long", "来源过长", "source too long")
    duplicate = session.scalar(
        select(Case.case_no).where(
            Case.household_id == household_id,
            Case.programme == programme,
            Case.status.in_(OPEN_STATUSES + CURRENT_STATUSES),
            (Case.subject_person_id == subject_person_id)
            if subject_person_id is not None
            else Case.subject_person_id.is_(None),
        )
    )
    if duplicate is not None:
        raise Conflict(
            f"该户已有同一项目的在办或在保案件 {duplicate}",
            f"the household already has an open or current case for this programme: {duplicate}",
            [FieldError("programme", "duplicate", f"已有案件 {duplicate}", f"case {duplicate} exists")],
        )
    determination = determine(session, household_id, programme, subject_person_id, submitted_on, params)
    head = household.head
    case = Case(
        case_no=_next_case_no(session, programme, household.banner_code, submitted_on.year),
        household_id=household_id,
        banner_code=household.banner_code,
        programme=programme,
        status="submitted",
        subject_person_id=subject_person_id,
        applicant_person_id=applicant_person_id or (head.id if head else None),
        payee_person_id=subject_person_id or (head.id if head else None),
        channel=channel,
        source=source,
        special=special,
        submitted_on=submitted_on,
        determination={**determination, "stage": "application"},
        created_by=actor.login,
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("案件编号冲突,请重试", "case number taken concurrently; try again") from None
    _event(
        session,
        case,
        "submit",
        None,
        actor.login,
        submitted_on,
        note,
        {"channel": channel, "source": source, "eligible": determination.get("eligible")},
    )
    _flush(session)
    return case


def transition(
    session: Session,
    case_id: int,
    action: str,
    *,
    actor: Actor,
    on: dt.date,
    expected_version: int | None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    params: policy.ParameterSet | None = None,
    today: dt.date | None = None,
) -> Case:
    """One step of the procedure on a case, by its role, on a business date; a stale version conflicts.

    `on` may record a step done earlier on paper (never before the previous step), not one in the
    future: with `today` given (the pages and the API give the server's date), a later date is refused."""
    step = TRANSITIONS.get(action)
    if step is None:
        raise _invalid("action", "unknown", f"未知的操作 {action!r}", f"unknown action {action!r}")
    case = get_case(session, case_id, actor.scope)
    if step.permission not in actor.permissions:
        from minsheng.api.deps import Forbidden

        raise Forbidden(step.permission)
    if expected_version is None:
        raise _invalid("version", "required", "须提交所读取的版本号", "send the version you read")
    if case.version != expected_version:
        raise Conflict(
            f"案件 {case.case_no} 已被他人处理(当前版本 {case.version},您读取的是 {expected_version}),请刷新",
            f"case {case.case_no} was changed by someone else (version {case.version}, yours {expected_version});"
            " reload",
            [FieldError("version", "stale", "version: 版本已过期", "version: stale version")],
        )
    if case.status not in step.sources:
        raise Conflict(
            f"案件当前状态为「{label(STATUS_LABELS, case.status)}」,不能「{step.label_zh}」",
            f"the case is {label(STATUS_LABELS, case.status, 'en')}; cannot {step.label_en}",
            [FieldError("action", "wrong_status", f"状态 {case.status}", f"status {case.status}")],
        )
    reason = (reason or "").strip() or None
    if step.reason_required and not reason:
        raise _invalid(
            "reason", "required", f"「{step.label_zh}」须说明理由", f"{step.label_en} needs a reason"
        )
    if today is not None and on > today:
        raise _invalid(
            "on", "in_future", f"日期 {on} 晚于今天 {today}", f"the date {on} is after today {today}"
        )
    last_on = max((e.occurred_on for e in case.events), default=case.submitted_on)
    if on < last_on:
        raise _invalid(
            "on",
            "before_previous_step",
            f"日期 {on} 早于上一步骤的日期 {last_on}",
            f"the date {on} is before the previous step's {last_on}",
        )
    data = dict(data or {})
    before = case.status
    handler = _HANDLERS[action]
    try:
        recorded = handler(session, case, on, reason, data, params)
        _event(session, case, action, before, actor.login, on, reason, recorded)
        session.flush()
    except StaleDataError:
        # Another transaction moved the case between our read and our write (its UPDATE … WHERE
        # version = ours matched nothing): one of the two wins, the other is told.
        raise Conflict(
            "案件已被他人处理,请刷新后重试", "the case was changed by someone else; reload and try again"
        ) from None
    return case


# ---- the handlers: each checks its preconditions, changes the case, returns what the event records


def _accept(session, case, on, reason, data, params):
    case.status = "investigating"
    case.accepted_on = on
    return {"start_by": deadlines(case, on, params).start_by}


def _record_investigation(session, case, on, reason, data, params):
    visitors = [str(v).strip() for v in (data.get("visitors") or []) if str(v).strip()]
    findings = str(data.get("findings") or "").strip()
    visit_on = data.get("visit_on") or on
    if isinstance(visit_on, str):
        try:
            visit_on = dt.date.fromisoformat(visit_on)
        except ValueError:
            raise _invalid("visit_on", "date", "日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD") from None
    if visit_on > on or visit_on < case.submitted_on:
        raise _invalid(
            "visit_on",
            "within_case",
            "入户日期须在申请之后、记录之日之前",
            "the visit falls between application and now",
        )
    if len(set(visitors)) < 2:
        raise _invalid(
            "visitors",
            "two_staff",
            "入户调查须有两名以上工作人员",
            "a home visit needs at least two staff members",
        )
    if not findings:
        raise _invalid("findings", "required", "须填写调查情况", "record what the visit found")
    record = dict(case.investigation or {})
    record["home_visit"] = {
        "on": visit_on.isoformat(),
        "visitors": sorted(set(visitors)),
        "findings": findings,
    }
    if data.get("information_check"):
        record["information_check"] = {
            "on": on.isoformat(),
            "result": str(data.get("check_result") or "").strip(),
        }
    case.investigation = audit._jsonable(record)
    return {"investigation": record}


def _township_review(session, case, on, reason, data, params):
    record = case.investigation or {}
    missing = [
        FieldError(name, "required", f"{name}: {zh}", f"{name}: {en}")
        for name, zh, en in (
            ("home_visit", "尚未记录入户调查", "no home visit recorded"),
            ("information_check", "尚未完成信息核对", "the information check is not done"),
        )
        if name not in record
    ]
    if missing:
        raise DomainError(
            "precondition",
            "初审前须完成入户调查和信息核对",
            "investigate and check information first",
            422,
            missing,
        )
    determination = determine(session, case.household_id, case.programme, case.subject_person_id, on, params)
    case.determination = {**determination, "stage": "township_review"}
    case.township_reviewed_on = on
    case.status = "township_reviewed"
    opinion = "recommend" if determination.get("eligible") else "not_recommended"
    return {
        "opinion": opinion,
        "eligible": determination.get("eligible"),
        "amount_fen": determination.get("amount_fen"),
    }


def _publish_notice(session, case, on, reason, data, params):
    if not needs_notice(case):
        raise _invalid("action", "no_notice_for_children", "儿童保障不公示", "no public notice for children")
    if not (case.determination or {}).get("eligible"):
        raise _invalid(
            "action",
            "not_recommended",
            "初审不符合条件的申请不公示,应由县级作出不予确认决定",
            "a household the first review finds ineligible is not posted; the county refuses instead",
        )
    days = _param("assistance.procedure.notice_days", on, case.banner_code, params)
    case.notice_from = on
    case.notice_to = on + dt.timedelta(days=days - 1)
    case.status = "in_notice"
    return {"notice_from": case.notice_from, "notice_to": case.notice_to, "notice_days": days}


def _object(session, case, on, reason, data, params):
    if case.notice_to is not None and on > case.notice_to:
        raise _invalid("on", "after_notice", "公示期已结束,不能再登记异议", "the notice has ended")
    case.status = "objection"
    return {"objector": str(data.get("objector") or "").strip() or None}


def _reinvestigate(session, case, on, reason, data, params):
    case.status = "investigating"
    record = dict(case.investigation or {})
    record.pop("home_visit", None)  # a new visit (or 民主评议) must be recorded before a new review
    case.investigation = record
    case.notice_from = case.notice_to = None
    return {}


def _confirm(session, case, on, reason, data, params):
    if case.status == "in_notice":
        if case.notice_to is None or on <= case.notice_to:
            raise _invalid(
                "on",
                "notice_running",
                f"公示期至 {case.notice_to} 结束,之后方可确认",
                f"the public notice runs until {case.notice_to}; confirm after it",
            )
    elif needs_notice(case):
        raise _invalid("action", "notice_required", "须先公示", "post the public notice first")
    determination = determine(session, case.household_id, case.programme, case.subject_person_id, on, params)
    if not determination.get("eligible"):
        failed = "; ".join(r["text_zh"] for r in failed_checks(determination))
        raise DomainError(
            "not_eligible",
            f"按 {on} 的规则不符合条件,不能批准,应作不予确认: {failed}",
            f"on {on} the rules find the application ineligible; refuse it instead",
            422,
            [FieldError("determination", "not_eligible", failed, "not eligible")],
        )
    household = session.get(Household, case.household_id)
    members = {m.id: m for m in household.members}
    start = add_months(first_of_month(on), 1)  # paid from the month after the decision
    recorded: dict[str, Any] = {}
    if case.programme in PAYING_PROGRAMMES:
        payee_id = int(data.get("payee_person_id") or case.payee_person_id or 0)
        payee = members.get(payee_id)
        if payee is None:
            raise _invalid(
                "payee_person_id", "not_member", "收款人须为本户成员", "the payee must be a member"
            )
        account = str(data.get("bank_account") or "").strip()
        if account:
            if not account.isdigit() or not 12 <= len(account) <= 32:
                raise _invalid(
                    "bank_account", "format", "银行账号应为 12–32 位数字", "an account is 12–32 digits"
                )
            payee.bank_account = account
        if not payee.bank_account:
            raise _invalid(
                "bank_account", "required", "收款人没有登记银行账户", "the payee has no bank account"
            )
        bank = str(data.get("paying_bank") or case.paying_bank or "")
        if bank not in BANK_CODES:
            raise _invalid("paying_bank", "unknown", "请选择代发银行", "choose the paying bank")
        case.payee_person_id, case.paying_bank = payee.id, bank
        amount = monthly_amount(determination)
        session.add(
            CaseAmount(
                case=case, effective_month=start, monthly_amount_fen=amount, reason=f"确认 confirmed {on}"
            )
        )
        case.status = "active"
        recorded.update(amount_fen=amount, paying_bank=bank, payee_person_id=payee.id)
    else:
        case.status = "confirmed"
        if case.programme == "rigid_expense":
            months = _param("rigid_expense.validity_months", on, case.banner_code, params)
            case.end_month = add_months(start, months - 1)
    case.start_month = start
    case.decided_on = on
    case.determination = {**determination, "stage": "decision", "decision": "approved"}
    interval = _review_interval(session, case, on, params)
    case.review_interval_months = interval
    case.next_review_on = add_months(start, interval)
    _schedule(session, case, "review", case.next_review_on, on, f"定期核查 every {interval} months")
    recorded.update(start_month=start, next_review_on=case.next_review_on, review_interval_months=interval)
    return recorded


def _refuse(session, case, on, reason, data, params):
    if case.status == "in_notice" and case.notice_to is not None and on <= case.notice_to:
        raise _invalid("on", "notice_running", "公示期未满", "the public notice is still running")
    determination = determine(session, case.household_id, case.programme, case.subject_person_id, on, params)
    case.determination = {**determination, "stage": "decision", "decision": "refused"}
    case.decided_on = on
    case.status = "refused"
    days = _param("assistance.procedure.refusal_notice_working_days", on, case.banner_code, params)
    return {
        "failed_checks": [r["check"] for r in failed_checks(determination)],
        "notify_by": calendar().add_working_days(on, days),
    }


def _withdraw(session, case, on, reason, data, params):
    case.status = "withdrawn"
    return {}


def _suspend(session, case, on, reason, data, params):
    case.status = "suspended"
    return {"from_month": add_months(first_of_month(on), 1)}


def _resume(session, case, on, reason, data, params):
    case.status = "active"
    return {}


def _end(session, case, on, reason, data, params):
    last = first_of_month(on)  # paid through the month of the decision, stopped from the next
    if case.start_month is not None and last < case.start_month:
        last = add_months(case.start_month, -1)
    case.end_month = last if case.end_month is None or last < case.end_month else case.end_month
    case.status = "ended"
    for task in _open_tasks(session, case.id):
        task.done_on = on
    return {"end_month": case.end_month}


def _review(session, case, on, reason, data, params):
    """定期核查: the rules again on the review date; a new amount from next month, a taper, or an end
    proposed to the approver (the case stays active until the approver ends it)."""
    return review_case(session, case, on, params)


_HANDLERS = {
    "accept": _accept,
    "record_investigation": _record_investigation,
    "township_review": _township_review,
    "publish_notice": _publish_notice,
    "object": _object,
    "reinvestigate": _reinvestigate,
    "confirm": _confirm,
    "refuse": _refuse,
    "withdraw": _withdraw,
    "review": _review,
    "suspend": _suspend,
    "resume": _resume,
    "end": _end,
}


# ---------------------------------------------------------------- dynamic management (动态管理)


def _open_tasks(session: Session, case_id: int, kind: str | None = None) -> Sequence[CaseTask]:
    query = select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.done_on.is_(None))
    if kind:
        query = query.where(CaseTask.kind == kind)
    return session.scalars(query).all()


def _schedule(session: Session, case: Case, kind: str, due_on: dt.date, on: dt.date, note: str) -> CaseTask:
    for task in _open_tasks(session, case.id, kind):
        if task.due_on == due_on:
            return task
        if kind == "review":
            task.done_on = on  # one review scheduled at a time
    task = CaseTask(case_id=case.id, kind=kind, due_on=due_on, created_on=on, note=note)
    session.add(task)
    return task


def _review_interval(session: Session, case: Case, on: dt.date, params: policy.ParameterSet | None) -> int:
    """Every 6 months for households with irregular income or able-bodied members, else 12."""
    if case.programme in CHILD_PROGRAMMES or case.programme == "tekun":
        irregular = False
    else:
        irregular = household_is_irregular(session, case.household_id, on, case.banner_code, params)
    name = "assistance.review.interval_short_months" if irregular else "assistance.review.interval_months"
    return int(_param(name, on, case.banner_code, params))


def _income_in_force(income: Any, category: str, on: dt.date) -> bool:
    return (
        income.category == category
        and income.monthly_fen > 0
        and income.effective_from <= on
        and (income.effective_to is None or on < income.effective_to)
    )


def household_is_irregular(
    session: Session, household_id: int, on: dt.date, region: str, params: policy.ParameterSet | None = None
) -> bool:
    """收入不固定 (farming, self-employment, business income) or an able-bodied member (of working age,
    without a severe disability or serious illness, not a student)."""
    age_from = int(_param("assistance.review.able_bodied_age_from", on, region, params))
    age_below = int(_param("assistance.review.able_bodied_age_below", on, region, params))
    grade_max = int(_param("assistance.review.disability_grade_max", on, region, params))
    household = session.get(Household, household_id)
    for person in household.members:
        if person.death_date is not None and person.death_date <= on:
            continue
        if person.employment_status in IRREGULAR_EMPLOYMENT:
            return True
        if any(_income_in_force(i, "business", on) for i in person.incomes):
            return True
        disabled = person.disability_grade is not None and person.disability_grade <= grade_max
        if (
            age_from <= idcard.age_on(person.birth_date, on) < age_below
            and not disabled
            and not person.serious_illness
            and person.employment_status not in ("student", "unable")
        ):
            return True
    return False


def _found_work(session: Session, household_id: int, on: dt.date) -> bool:
    household = session.get(Household, household_id)
    for person in household.members:
        if person.death_date is not None and person.death_date <= on:
            continue
        if person.employment_status == "employed":
            return True
        if any(_income_in_force(i, "wages", on) for i in person.incomes):
            return True
    return False


def review_case(session: Session, case: Case, on: dt.date, params: policy.ParameterSet | None = None) -> dict:
    """The rules on `on` for an active case; returns what happened (the caller records the event)."""
    determination = determine(session, case.household_id, case.programme, case.subject_person_id, on, params)
    next_month = add_months(first_of_month(on), 1)
    outcome: dict[str, Any] = {"eligible": determination.get("eligible")}
    for task in _open_tasks(session, case.id):
        if task.kind in ("review", "recheck") and task.due_on <= add_months(on, 1):
            task.done_on = on
    interval = _review_interval(session, case, on, params)
    case.review_interval_months = interval
    case.next_review_on = add_months(first_of_month(on), interval)
    _schedule(session, case, "review", case.next_review_on, on, f"定期核查 every {interval} months")
    outcome["next_review_on"] = case.next_review_on
    if determination.get("eligible"):
        amount = monthly_amount(determination)
        case.taper_until = None
        if case.programme in PAYING_PROGRAMMES and amount != amount_for_month(case, next_month):
            _set_amount(session, case, next_month, amount, f"定期核查 review {on}")
            outcome["amount_fen"] = amount
            outcome["from_month"] = next_month
        outcome["outcome"] = "continue"
    elif case.programme == "dibao" and _found_work(session, case.household_id, on):
        if case.taper_until is None:
            months = int(_param("assistance.taper.max_months", on, case.banner_code, params))
            case.taper_until = add_months(next_month, months - 1)
            case.end_month = case.taper_until
            _schedule(session, case, "taper_end", case.taper_until, on, f"渐退期 taper of {months} months")
            outcome["taper_months"] = months
        outcome["outcome"] = "taper"
        outcome["taper_until"] = case.taper_until
    else:
        outcome["outcome"] = "end_proposed"
        outcome["failed_checks"] = [r["check"] for r in failed_checks(determination)]
    case.determination = {**determination, "stage": "review", "outcome": outcome["outcome"]}
    return outcome


def _set_amount(session: Session, case: Case, month: dt.date, amount: int, reason: str) -> None:
    for row in case.amounts:
        if row.effective_month == month:
            row.monthly_amount_fen, row.reason = amount, reason[:200]
            return
    session.add(CaseAmount(case=case, effective_month=month, monthly_amount_fen=amount, reason=reason[:200]))


def due_reviews(session: Session, as_of: dt.date, scope: RegionScope | None = None) -> Sequence[Case]:
    query = select(Case).where(Case.status.in_(("active", "confirmed")), Case.next_review_on <= as_of)
    if scope is not None:
        query = query.where(scope.where(Case.banner_code))
    return session.scalars(query.order_by(Case.id)).all()


def run_reviews(
    session: Session, as_of: dt.date, actor: str, params: policy.ParameterSet | None = None
) -> dict[str, int]:
    """Every active case whose review is due, reviewed by the rules on `as_of` (the scheduled job)."""
    counts: dict[str, int] = {}
    reviewed: dict[str, list[int]] = {}
    for case in due_reviews(session, as_of):
        before = case.status
        outcome = review_case(session, case, as_of, params)
        _event(
            session,
            case,
            "review",
            before,
            actor,
            as_of,
            "定期核查(自动) scheduled review",
            outcome,
            audited=False,
        )
        counts[outcome["outcome"]] = counts.get(outcome["outcome"], 0) + 1
        reviewed.setdefault(outcome["outcome"], []).append(case.id)
    if reviewed:
        audit.append(
            session,
            actor=actor,
            action="assistance.case.review_run",
            entity="assistance_case",
            after={"as_of": as_of, "cases_by_outcome": reviewed},
        )
    _flush(session)
    return counts


def close_expired(session: Session, as_of: dt.date, actor: str) -> int:
    """Cases whose last month (a taper's end, a 刚性支出 status's 12 months) is past: ended, once."""
    current = first_of_month(as_of)
    expired = session.scalars(
        select(Case)
        .where(Case.status.in_(CURRENT_STATUSES), Case.end_month.is_not(None), Case.end_month < current)
        .order_by(Case.id)
    ).all()
    for case in expired:
        before = case.status
        case.status = "ended"
        for task in _open_tasks(session, case.id):
            task.done_on = as_of
        reason = "渐退期满 / taper ended" if case.taper_until else "认定有效期满 / the status's term ended"
        last_on = max((e.occurred_on for e in case.events), default=as_of)
        _event(
            session, case, "end", before, actor, max(as_of, last_on), reason, {"end_month": case.end_month}
        )
    _flush(session)
    return len(expired)


def check_deaths(
    session: Session, as_of: dt.date, actor: str, params: policy.ParameterSet | None = None
) -> int:
    """A member's death after a case's decision opens a re-check task (within 3 months) once."""
    rows = session.execute(
        select(Case, Person)
        .join(Person, Person.household_id == Case.household_id)
        .where(
            Case.status.in_(("active", "suspended", "confirmed")),
            Person.death_date.is_not(None),
            Person.death_date <= as_of,
            Person.death_date >= Case.submitted_on,
        )
        .order_by(Case.id, Person.id)
    ).all()
    opened = 0
    for case, person in rows:
        note = f"person:{person.id} died {person.death_date}"
        exists = session.scalar(
            select(CaseTask.id).where(
                CaseTask.case_id == case.id, CaseTask.kind == "recheck", CaseTask.note == note
            )
        )
        if exists is not None:
            continue
        months = int(
            _param("assistance.recheck_after_death_months", person.death_date, case.banner_code, params)
        )
        due = add_months(first_of_month(person.death_date), months + 1) - dt.timedelta(days=1)
        session.add(CaseTask(case_id=case.id, kind="recheck", due_on=due, created_on=as_of, note=note))
        _event(
            session,
            case,
            "recheck_opened",
            case.status,
            actor,
            max(as_of, max((e.occurred_on for e in case.events), default=as_of)),
            f"家庭成员死亡,须于 {due} 前重新核查 / a member died: re-check by {due}",
            {"person_id": person.id, "death_date": person.death_date, "due_on": due},
        )
        opened += 1
    _flush(session)
    return opened


def open_tasks(
    session: Session, scope: RegionScope, as_of: dt.date, limit: int = 200
) -> list[tuple[CaseTask, Case]]:
    rows = session.execute(
        select(CaseTask, Case)
        .join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.done_on.is_(None), scope.where(Case.banner_code))
        .order_by(CaseTask.due_on, CaseTask.id)
        .limit(limit)
    ).all()
    return [(task, case) for task, case in rows]


@dataclass
class Recomputation:
    cases: int = 0
    changed: int = 0
    amount_rows: int = 0
    adjustments: int = 0
    arrears_fen: int = 0
    overpaid_fen: int = 0
    # cases left unchanged because the rules could not be applied (the member left the household …),
    # each to be re-checked by hand: reported, never skipped silently
    problems: list[str] = field(default_factory=list)


def recompute(
    session: Session,
    from_month: dt.date,
    as_of: dt.date,
    actor: str,
    params: policy.ParameterSet | None = None,
    scope: RegionScope | None = None,
    paid_through: dt.date | None = None,
) -> Recomputation:
    """A changed standard: every active or suspended paying case, month by month from `from_month`
    to the month of `as_of`, through the rules with that month's parameters and registry data.

    A month whose amount differs from the one in force gets its own amount row (so the cycle pays the
    new amount from then on). Months already paid (through `paid_through`, by default the month
    before `as_of`) at the old amount get an adjustment of the difference: arrears (+) or an
    overpayment (−), which the payment cycle settles. Running it again finds nothing to change."""
    params = params or policy.load()
    from_month = first_of_month(from_month)
    last_month = first_of_month(as_of)
    paid_through = first_of_month(paid_through) if paid_through else add_months(last_month, -1)
    query = select(Case).where(
        Case.status.in_(("active", "suspended")), Case.programme.in_(PAYING_PROGRAMMES)
    )
    if scope is not None:
        query = query.where(scope.where(Case.banner_code))
    cases = session.scalars(query.order_by(Case.id)).all()
    result = Recomputation(cases=len(cases))
    if not cases or from_month > last_month:
        return result
    from minsheng.registry.export import snapshot_for_households

    months = months_from(from_month, last_month)
    paid_before = {(c.id, m): amount_for_month(c, m) or 0 for c in cases for m in months}
    suspended_from = {c.id: _suspended_from(c) for c in cases}
    household_ids = sorted({c.household_id for c in cases})
    changed: set[int] = set()
    for month in months:
        households, members = snapshot_for_households(session, household_ids, month)
        rows = _month_rows(households, members, month, params)
        for case in cases:
            if case.start_month is None or month < case.start_month:
                continue
            if case.end_month is not None and month > case.end_month:
                continue
            try:
                new_amount = _amount_from_rows(rows, case)
            except DomainError as problem:
                if not any(p.startswith(f"{case.case_no} ") for p in result.problems):
                    result.problems.append(f"{case.case_no} (from {month:%Y-%m}): {problem.message_zh}")
                continue
            if new_amount != (amount_for_month(case, month) or 0):
                _set_amount(session, case, month, new_amount, f"标准调整重算 recomputed {as_of}")
                result.amount_rows += 1
                changed.add(case.id)
            paid = suspended_from[case.id] is None or month < suspended_from[case.id]
            difference = new_amount - paid_before[(case.id, month)]
            if month <= paid_through and paid and difference:
                session.add(
                    Adjustment(
                        case_id=case.id,
                        month=month,
                        amount_fen=difference,
                        reason=("补发 arrears" if difference > 0 else "追回 overpayment")
                        + f": 重算 recomputed {as_of}",
                    )
                )
                result.adjustments += 1
                changed.add(case.id)
                if difference > 0:
                    result.arrears_fen += difference
                else:
                    result.overpaid_fen -= difference
    for case in cases:
        if case.id in changed:
            _event(
                session,
                case,
                "recompute",
                case.status,
                actor,
                max(as_of, max((e.occurred_on for e in case.events), default=as_of)),
                f"标准调整,自 {from_month:%Y-%m} 起重算 / standards changed: recomputed from {from_month:%Y-%m}",
                {"from_month": from_month, "paid_through": paid_through},
                audited=False,
            )
    result.changed = len(changed)
    if changed:
        audit.append(
            session,
            actor=actor,
            action="assistance.case.recompute",
            entity="assistance_case",
            region_code=None,
            after={
                "from_month": from_month,
                "as_of": as_of,
                "paid_through": paid_through,
                "scenario": params.scenario,
                "cases": sorted(changed),
                "amount_rows": result.amount_rows,
                "adjustments": result.adjustments,
                "arrears_fen": result.arrears_fen,
                "overpaid_fen": result.overpaid_fen,
            },
        )
    _flush(session)
    return result


@dataclass
class _MonthRows:
    """The rules' amounts for one month, without the reasons (a recomputation needs only the money)."""

    dibao: dict[int, tuple[bool, int]]
    persons: dict[int, dict[int, dict[str, Any]]]  # household → person → {"tekun": …, "orphan": …}


def _month_rows(households: Any, members: Any, month: dt.date, params: policy.ParameterSet) -> _MonthRows:
    from minsheng.assistance import rules as R
    from minsheng.engine import run_local_all

    results = run_local_all(R.ASSESSMENT, {"households": households, "members": members}, month, params)
    dibao = {
        r["household_id"]: (bool(r["eligible"]), int(r["amount_fen"] or 0))
        for r in results["dibao"].select(["household_id", "eligible", "amount_fen"]).to_pylist()
    }
    persons: dict[int, dict[int, dict[str, Any]]] = {}
    for rule, columns in (
        ("tekun", ["person_id", "household_id", "eligible", "amount_fen"]),
        ("orphan", ["person_id", "household_id", "eligible", "amount_fen", "category"]),
    ):
        for r in results[rule].select(columns).to_pylist():
            persons.setdefault(r["household_id"], {}).setdefault(r["person_id"], {})[rule] = r
    return _MonthRows(dibao, persons)


def _amount_from_rows(rows: _MonthRows, case: Case) -> int:
    """The month's amount of a paying case, as `_pick` + `monthly_amount` give it, from the bare rows."""
    missing = _invalid(
        "household",
        "not_in_registry",
        "该户不在登记库中或已无成员",
        "the household is gone from the registry",
    )
    if case.programme == "dibao":
        if case.household_id not in rows.dibao:
            raise missing
        eligible, amount = rows.dibao[case.household_id]
        return amount if eligible else 0
    members = rows.persons.get(case.household_id)
    if members is None:
        raise missing
    rule = RULE_OF[case.programme]
    wanted = None
    if case.programme in CHILD_PROGRAMMES:
        wanted = "orphan" if case.programme == "orphan" else "unsupported_child"

    def amount_of(row: dict[str, Any] | None) -> int:
        if row is None or not row["eligible"] or (wanted is not None and row.get("category") != wanted):
            return 0
        return int(row["amount_fen"] or 0)

    if case.subject_person_id is None:
        return sum(amount_of(found.get(rule)) for found in members.values())
    if case.subject_person_id not in members:
        raise _invalid(
            "subject_person_id",
            "not_member",
            "申请对象不是该户成员",
            "the subject is not a member of the household",
        )
    return amount_of(members[case.subject_person_id].get(rule))


def _suspended_from(case: Case) -> dt.date | None:
    """The first unpaid month of a suspended case (months from then on were not paid)."""
    if case.status != "suspended":
        return None
    for event in reversed(case.events):
        if event.action == "suspend":
            return add_months(first_of_month(event.occurred_on), 1)
    return None
