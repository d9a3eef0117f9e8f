"""Payment-cycle API under /api/assistance/cycles: build, read with totals, approve, export, bank files,
returns, reconciliation. Every read is limited to the caller's region scope (a cycle outside it: 404)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from minsheng import regions
from minsheng.api.deps import require
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.assistance import cycle
from minsheng.assistance.cycle_models import BankFile, Cycle
from minsheng.security.principal import Principal
from minsheng.store.db import unit_of_work

router = APIRouter(prefix="/assistance/cycles", tags=["assistance payment cycle"])
READ = Depends(require("assistance.read"))
WRITE = Depends(require("assistance.write"))
APPROVE = Depends(require("assistance.approve"))


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="the month paid, YYYY-MM")
    region_code: str = Field(regions.REGION_CODE, pattern=r"^\d{6}$", description="banner, league or region")


def cycle_dict(c: Cycle) -> dict[str, Any]:
    zh, en = cycle.CYCLE_STATUS_LABELS.get(c.status, (c.status, c.status))
    return {
        "id": c.id,
        "month": c.month.strftime("%Y-%m"),
        "region_code": c.region_code,
        "status": c.status,
        "status_zh": zh,
        "status_en": en,
        "line_count": c.line_count,
        "total_fen": c.total_fen,
        "built_by": c.built_by,
        "built_at": c.built_at,
        "approved_by": c.approved_by,
        "approved_at": c.approved_at,
        "exported_by": c.exported_by,
        "exported_at": c.exported_at,
        "returns_completed_at": c.returns_completed_at,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def start_cycle(month: str, region_code: str, principal: Principal) -> cycle.BuildResult:
    if not regions.exists(region_code) or not principal.scope.allows(region_code):
        raise DomainError(
            "out_of_scope",
            f"地区 {region_code} 不在您的管辖范围内",
            f"region {region_code} is outside your scope",
            422,
            [FieldError("region_code", "in_scope", "不在管辖范围内", "outside your scope")],
        )
    return cycle.build(month, region_code, actor=principal.login)


@router.get("")
def list_cycles(principal: Principal = READ) -> list[dict]:
    """发放批次 The cycles whose region overlaps the caller's scope, newest month first."""
    with unit_of_work() as session:
        return [cycle_dict(c) for c in cycle.list_cycles(session, principal.scope)]


@router.post("", status_code=201)
def build_cycle(body: CycleIn, principal: Principal = WRITE) -> dict:
    """生成 Build (or finish, or confirm) the month's payment lines of a region in the caller's scope."""
    result = start_cycle(body.month, body.region_code, principal)
    with unit_of_work() as session:
        found = cycle.get_cycle(session, result.cycle_id, principal.scope)
        return {**cycle_dict(found), "new_lines": result.new_lines, "already_built": result.already_built}


@router.get("/{cycle_id}")
def read_cycle(cycle_id: int, principal: Principal = READ) -> dict:
    """A cycle with its lines' totals by league, programme and bank (in the caller's scope)."""
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        files = (
            session.query(BankFile).filter(BankFile.cycle_id == cycle_id).order_by(BankFile.bank_code).all()
        )
        return {
            **cycle_dict(found),
            "totals": cycle.totals(session, found, principal.scope),
            "bank_files": [
                {
                    **cycle._file_summary(f),
                    "file_name": Path(f.file_name).name,
                    "returns_imported": f.return_sha256 is not None,
                    "paid_count": f.paid_count,
                    "paid_fen": f.paid_fen,
                    "failed_count": f.failed_count,
                    "failed_fen": f.failed_fen,
                }
                for f in files
            ],
        }


@router.post("/{cycle_id}/approve")
def approve_cycle(cycle_id: int, principal: Principal = APPROVE) -> dict:
    """审批 by an approver of the cycle's region other than its builder."""
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        cycle.approve(
            session, found, actor=principal.login, permissions=principal.permissions, scope=principal.scope
        )
        return cycle_dict(found)


@router.post("/{cycle_id}/export")
def export_cycle(cycle_id: int, principal: Principal = APPROVE) -> dict:
    """生成银行文件 One CSV per paying bank of an approved cycle (rerun: the same files)."""
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        if not principal.scope.allows(found.region_code):
            raise NotFound("发放批次 payment cycle", cycle_id)
    result = cycle.export(cycle_id, actor=principal.login)
    return {
        "cycle_id": cycle_id,
        "files": [{**f, "file_name": Path(f["file_name"]).name} for f in result.files],
    }


@router.get("/{cycle_id}/files/{bank_code}")
def bank_file(cycle_id: int, bank_code: str, principal: Principal = APPROVE) -> FileResponse:
    """The payment file sent to one bank (for the whole cycle: only to approvers of its region)."""
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        record = (
            session.query(BankFile)
            .filter(BankFile.cycle_id == cycle_id, BankFile.bank_code == bank_code)
            .one_or_none()
        )
        if record is None or not principal.scope.allows(found.region_code):
            raise NotFound("银行文件 bank file", bank_code)
    path = Path(record.file_name)
    if not path.is_file() or cycle.file_sha256(path) != record.sha256:
        raise DomainError(
            "file_changed",
            "银行文件缺失或已被改动,请重新生成",
            "the bank file is missing or was changed; export again",
            409,
        )
    return FileResponse(
        path, media_type="text/csv", filename=f"{found.month:%Y-%m}-{found.region_code}-{bank_code}.csv"
    )


@router.post("/returns")
async def import_returns(request: Request, principal: Principal = WRITE) -> dict:
    """导入回盘: the bank's return file as the request body (text/csv); all or nothing."""
    content = await request.body()
    with unit_of_work() as session:
        result = cycle.import_returns(session, content, actor=principal.login, scope=principal.scope)
    return result.__dict__


@router.get("/{cycle_id}/reconciliation")
def reconciliation(cycle_id: int, principal: Principal = READ) -> dict:
    """对账 Cases, lines, bank files and returns by programme and league, to the fen."""
    with unit_of_work() as session:
        found = cycle.get_cycle(session, cycle_id, principal.scope)
        report = cycle.reconciliation(session, found, principal.scope)
    report["files"] = [{**f, "file_name": Path(f["file_name"]).name} for f in report["files"]]
    return _plain(report)
