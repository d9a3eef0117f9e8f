"""The audit log: append-only, hash-chained, so an edited or deleted row is found by `verify`.

Each record's hash covers its content and the previous record's hash. Appends are serialised on
the one-row `audit_chain_head` table (row lock on PostgreSQL, the write lock on SQLite).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from minsheng.store.base import Base, BigId, utcnow

GENESIS_HASH = "0" * 64


class AuditRecord(Base):
    """审计记录 — who did what to which record, when, from where; before and after."""

    __tablename__ = "audit_record"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    entity: Mapped[str] = mapped_column(String(64), nullable=False)
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    subject: Mapped[str | None] = mapped_column(String(64), index=True)  # the file it belongs to
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    remote_address: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class AuditChainHead(Base):
    """The last hash of the chain; its row lock serialises appends."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    record_count: Mapped[int] = mapped_column(BigId, nullable=False, default=0)
    note: Mapped[str | None] = mapped_column(Text)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _record_hash(previous_hash: str, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def _utc_text(moment: datetime) -> str:
    """One text for a timestamp whatever the database returns (SQLite drops the zone)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def _content(record: AuditRecord) -> dict[str, Any]:
    return {
        "at": _utc_text(record.at),
        "actor": record.actor,
        "action": record.action,
        "entity": record.entity,
        "entity_id": record.entity_id,
        "region_code": record.region_code,
        "subject": record.subject,
        "before": record.before,
        "after": record.after,
        "remote_address": record.remote_address,
    }


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: Any = None,
    region_code: str | None = None,
    subject: str | None = None,
    before: Any = None,
    after: Any = None,
    remote_address: str | None = None,
) -> AuditRecord:
    """Add one record to the chain inside the caller's transaction."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_hash=GENESIS_HASH, record_count=0)
        session.add(head)
        session.flush()
    record = AuditRecord(
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        region_code=region_code,
        subject=subject,
        before=_jsonable(before),
        after=_jsonable(after),
        remote_address=remote_address,
        previous_hash=head.last_hash,
    )
    record.hash = _record_hash(head.last_hash, _content(record))
    session.add(record)
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(last_hash=record.hash, record_count=AuditChainHead.record_count + 1)
    )
    session.expire(head)
    return record


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str | None = None


def verify(session: Session, batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in id order; name the first record whose hash or link does not hold."""
    previous_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        records = (
            session.execute(
                select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id).limit(batch_size)
            )
            .scalars()
            .all()
        )
        if not records:
            break
        for record in records:
            if record.previous_hash != previous_hash:
                return VerifyResult(False, checked, record.id, "链接断开 / previous hash does not match")
            if _record_hash(previous_hash, _content(record)) != record.hash:
                return VerifyResult(False, checked, record.id, "内容被修改 / content does not match its hash")
            previous_hash = record.hash
            checked += 1
            last_id = record.id
        session.expunge_all()
    head = session.get(AuditChainHead, 1)
    if head is not None and head.last_hash != previous_hash:
        return VerifyResult(False, checked, None, "链尾缺失 / records after the last one were deleted")
    return VerifyResult(True, checked)
