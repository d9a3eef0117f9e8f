"""Monitoring API under /api/monitoring: partner signals in (JSON or a file), alerts, visits and
outcomes, discovery, a household's timeline and the dashboard's figures.

Reads need `monitoring.read`, writes `monitoring.write`; every read is limited to the caller's region
scope (outside it: 404). A partner's system posts signals with an API token holding monitoring.write.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from pydantic import BaseModel, Field

from minsheng.api.deps import require
from minsheng.monitoring import service, signals
from minsheng.monitoring.models import Alert, Signal
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
READ = Depends(require("monitoring.read"))
WRITE = Depends(require("monitoring.write"))


class SignalRecord(BaseModel):
    external_ref: str = Field(max_length=64, description="the partner's own record id (idempotency)")
    id_number: str = Field(max_length=18)
    kind: str = Field(description="medical_bill, job_loss, unemployment_registration, disability_certified, "
                      "death, disaster_damage, income_drop")  # fmt: skip
    observed_on: date
    amount_yuan: str | None = Field(None, description="bill, damage, or monthly income after a drop (yuan)")
    previous_yuan: str | None = Field(None, description="monthly income before a drop (yuan)")
    name: str | None = Field(None, max_length=64)
    detail: str | None = Field(None, max_length=500)


class SignalsIn(BaseModel):
    source: str = Field(description="the partner: medical, tax, social_insurance, employment, …")
    records: list[SignalRecord] = Field(max_length=signals.MAX_RECORDS)


class IngestOut(BaseModel):
    batch_id: int
    records: int
    matched: int
    unmatched: int
    duplicates: int
    unmatched_refs: list[str]


class SignalOut(BaseModel):
    id: int
    source: str
    external_ref: str
    kind: str
    id_number_masked: str
    observed_on: date
    amount_fen: int | None
    previous_fen: int | None
    status: str
    household_id: int | None
    banner_code: str | None


class VisitIn(BaseModel):
    visited_on: date
    findings: str = Field(max_length=4000)
    photos: list[str] = Field(default_factory=list, max_length=20)


class CloseIn(BaseModel):
    outcome: str | None = Field(
        None, description="applied, referred_employment, referred_medical, no_hardship"
    )
    note: str | None = Field(None, max_length=500)
    case_id: int | None = Field(None, ge=1)


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "id": s.id,
        "source": s.source,
        "external_ref": s.external_ref,
        "kind": s.kind,
        "id_number_masked": s.id_number_masked,
        "observed_on": s.observed_on,
        "amount_fen": s.amount_fen,
        "previous_fen": s.previous_fen,
        "status": s.status,
        "household_id": s.household_id,
        "banner_code": s.banner_code,
    }


def alert_dict(alert: Alert, today: date, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": alert.id,
        "household_id": alert.household_id,
        "banner_code": alert.banner_code,
        "risk": alert.risk,
        "level": alert.level,
        "status": alert.status,
        "need_fen": alert.need_fen,
        "assigned_to": alert.assigned_to,
        "opened_on": alert.opened_on,
        "due_on": alert.due_on,
        "overdue": alert.status != "closed" and alert.due_on < today,
        "last_seen_on": alert.last_seen_on,
        "risk_cleared_on": alert.risk_cleared_on,
        "escalated_on": alert.escalated_on,
        "escalated_to": alert.escalated_to,
        "outcome": alert.outcome,
        "case_id": alert.case_id,
        "closed_on": alert.closed_on,
        "application_link": service.application_link(alert),
    }
    if detail:
        data["evidence"] = alert.evidence
        data["visits"] = [
            {
                "id": v.id,
                "visited_on": v.visited_on,
                "visitor": v.visitor,
                "findings": v.findings,
                "photos": v.photos,
            }
            for v in alert.visits
        ]
        data["outcome_note"] = alert.outcome_note
    return data


@router.post("/signals", response_model=IngestOut)
def post_signals(data: SignalsIn, principal: Principal = WRITE) -> dict[str, Any]:
    with unit_of_work() as session:
        result = signals.ingest(
            session,
            [r.model_dump(mode="json") for r in data.records],
            source=data.source,
            channel="api",
            actor=principal.login,
            today=date.today(),
        )
    return result.as_dict()


@router.post("/signals/file", response_model=IngestOut)
async def post_signal_file(
    source: str = Form(...), file: UploadFile = File(...), principal: Principal = WRITE
) -> dict[str, Any]:
    result = signals.ingest_file(
        await file.read(), file.filename or "", source=source, actor=principal.login, today=date.today()
    )
    return result.as_dict()


@router.get("/signals/unmatched", response_model=list[SignalOut])
def get_unmatched(
    limit: int = Query(200, ge=1, le=1000), principal: Principal = READ
) -> list[dict[str, Any]]:
    with unit_of_work() as session:
        return [_signal(s) for s in signals.unmatched_signals(session, principal.scope, limit)]


@router.get("/alerts")
def get_alerts(
    risk: str | None = None,
    level: str | None = None,
    mine: bool = False,
    include_closed: bool = False,
    overdue: bool = False,
    limit: int = Query(200, ge=1, le=1000),
    principal: Principal = READ,
) -> list[dict[str, Any]]:
    today = date.today()
    with unit_of_work() as session:
        rows = service.alert_queue(
            session,
            principal.scope,
            today,
            assigned_to=principal.login if mine else None,
            risk=risk,
            level=level,
            include_closed=include_closed,
            overdue_only=overdue,
            limit=limit,
        )
        return [alert_dict(a, today) for a in rows]


@router.get("/alerts/{alert_id}")
def get_alert(alert_id: int, principal: Principal = READ) -> dict[str, Any]:
    with unit_of_work() as session:
        return alert_dict(service.get_alert(session, principal.scope, alert_id), date.today(), detail=True)


@router.post("/alerts/{alert_id}/visits", status_code=201)
def post_visit(alert_id: int, data: VisitIn, principal: Principal = WRITE) -> dict[str, Any]:
    with unit_of_work() as session:
        visit = service.record_visit(
            session,
            principal.scope,
            alert_id,
            visited_on=data.visited_on,
            findings=data.findings,
            photos=data.photos,
            actor=principal.login,
            today=date.today(),
        )
        return {
            "id": visit.id,
            "alert_id": alert_id,
            "visited_on": visit.visited_on,
            "visitor": visit.visitor,
        }


@router.post("/alerts/{alert_id}/close")
def post_close(alert_id: int, data: CloseIn, principal: Principal = WRITE) -> dict[str, Any]:
    today = date.today()
    with unit_of_work() as session:
        alert = service.close_alert(
            session,
            principal.scope,
            alert_id,
            outcome=data.outcome,
            note=data.note,
            case_id=data.case_id,
            actor=principal.login,
            today=today,
        )
        return alert_dict(alert, today, detail=True)


@router.get("/discovery")
def get_discovery(
    limit: int = Query(100, ge=1, le=1000), principal: Principal = READ
) -> list[dict[str, Any]]:
    """主动发现: households eligible with no case, ranked by need, with the rule's reasons."""
    today = date.today()
    with unit_of_work() as session:
        return [alert_dict(a, today, detail=True) for a in service.discovery(session, principal.scope, limit)]


@router.get("/households/{household_id}/timeline")
def get_timeline(household_id: int, principal: Principal = READ) -> dict[str, Any]:
    today = date.today()
    with unit_of_work() as session:
        timeline = service.household_timeline(session, principal.scope, household_id)
        entries = []
        for entry in timeline["entries"]:
            if entry["type"] == "signal":
                entries.append({"on": entry["on"], "type": "signal", **_signal(entry["signal"])})
            else:
                event = entry["event"]
                entries.append(
                    {
                        "on": entry["on"],
                        "type": "event",
                        "alert_id": event.alert_id,
                        "risk": entry["alert"].risk if entry["alert"] else None,
                        "kind": event.kind,
                        "actor": event.actor,
                        "detail": event.detail,
                    }
                )
        return {
            "household_id": household_id,
            "alerts": [alert_dict(a, today) for a in timeline["alerts"]],
            "entries": entries,
        }


@router.get("/dashboard")
def get_dashboard(principal: Principal = READ) -> dict[str, Any]:
    with unit_of_work() as session:
        figures = service.dashboard(session, principal.scope, date.today())
        run = figures.pop("run")
        figures["run"] = (
            None if run is None else {"id": run.id, "as_of": run.as_of, "households": run.households}
        )
        return figures
