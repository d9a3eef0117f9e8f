"""Partner signals (监测信号): files (CSV, Excel) or API calls, matched to persons by the keyed hash of
the ID number. An ID not in the registry is stored as `unmatched` and listed, never dropped; a record
already received (same source and partner reference) is counted as a duplicate and not stored twice.
A batch with an invalid record stores nothing and names every bad field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minsheng import idcard, regions
from minsheng.api.errors import DomainError, FieldError
from minsheng.money import yuan_to_fen
from minsheng.monitoring.models import SIGNAL_KIND, SIGNAL_SOURCE, Signal, SignalBatch
from minsheng.registry.models import Household, Person
from minsheng.security import pii
from minsheng.security.scope import RegionScope
from minsheng.store import audit

# column names a partner file may use (English or Chinese headers)
HEADERS = {
    "id_number": ("id_number", "身份证号", "证件号码"),
    "kind": ("kind", "信号类型", "类型"),
    "observed_on": ("observed_on", "发生日期", "日期"),
    "amount_yuan": ("amount_yuan", "金额", "金额(元)"),
    "previous_yuan": ("previous_yuan", "原金额", "原月收入(元)"),
    "external_ref": ("external_ref", "记录编号", "业务编号"),
    "name": ("name", "姓名"),
    "detail": ("detail", "说明", "备注"),
}
MAX_RECORDS = 100_000


@dataclass
class IngestResult:
    batch_id: int
    records: int
    matched: int
    unmatched: int
    duplicates: int
    unmatched_refs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "records": self.records,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "duplicates": self.duplicates,
            "unmatched_refs": self.unmatched_refs,
        }


def read_file(path: Path) -> list[dict[str, Any]]:
    """The records of a CSV or Excel file, with the headers mapped to the field names."""
    import polars as pl

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls"):
        frame = pl.read_excel(path, infer_schema_length=0)
    elif suffix == ".csv":
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8-lossy")
    else:
        raise DomainError(
            "unsupported_file",
            f"不支持的文件类型 {suffix}(请用 CSV 或 Excel)",
            f"unsupported file type {suffix} (use CSV or Excel)",
            422,
            [FieldError("file", "file_type", "文件须为 .csv 或 .xlsx", "the file must be .csv or .xlsx")],
        )
    rename = {}
    for name, aliases in HEADERS.items():
        for column in frame.columns:
            if column.strip() in aliases:
                rename[column] = name
    return frame.rename(rename).to_dicts()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _yuan(record: Mapping[str, Any], name: str, where: str, problems: list[FieldError]) -> int | None:
    text = _text(record.get(name))
    if not text:
        return None
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        problems.append(
            FieldError(f"{where}.{name}", "not_a_number", f"金额无效:{text}", f"not an amount: {text}")
        )
        return None
    if amount < 0:
        problems.append(
            FieldError(f"{where}.{name}", "negative", "金额不能为负数", "an amount cannot be negative")
        )
        return None
    return yuan_to_fen(amount)


def validate(
    records: Sequence[Mapping[str, Any]], today: date
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Each record checked and converted; the problems name the record and field."""
    problems: list[FieldError] = []
    clean: list[dict[str, Any]] = []
    if len(records) > MAX_RECORDS:
        problems.append(
            FieldError(
                "records",
                "too_many",
                f"一次最多 {MAX_RECORDS} 条,请分批报送",
                f"at most {MAX_RECORDS} records at once; send in batches",
            )
        )
        return [], problems
    for index, record in enumerate(records):
        where = f"records.{index}"
        number = _text(record.get("id_number")).upper()
        kind = _text(record.get("kind"))
        ref = _text(record.get("external_ref"))
        if not number:
            problems.append(FieldError(f"{where}.id_number", "required", "缺少身份证号", "ID number missing"))
        if kind not in SIGNAL_KIND:
            problems.append(
                FieldError(
                    f"{where}.kind",
                    "unknown_kind",
                    f"未知的信号类型 {kind!r}(可用:{', '.join(SIGNAL_KIND)})",
                    f"unknown signal kind {kind!r} (one of {', '.join(SIGNAL_KIND)})",
                )
            )
        if not ref or len(ref) > 64:
            problems.append(
                FieldError(
                    f"{where}.external_ref",
                    "required",
                    "缺少报送方记录编号(不超过64字)",
                    "the partner's record reference is missing (at most 64 characters)",
                )
            )
        observed_text = _text(record.get("observed_on"))[:10]
        observed: date | None = None
        try:
            observed = date.fromisoformat(observed_text)
        except ValueError:
            problems.append(
                FieldError(
                    f"{where}.observed_on",
                    "not_a_date",
                    f"日期无效:{observed_text!r}",
                    "not a date (YYYY-MM-DD)",
                )
            )
        if observed is not None and observed > today:
            problems.append(
                FieldError(
                    f"{where}.observed_on",
                    "in_future",
                    f"日期 {observed} 晚于今天",
                    f"{observed} is in the future",
                )
            )
        amount = _yuan(record, "amount_yuan", where, problems)
        previous = _yuan(record, "previous_yuan", where, problems)
        if kind in ("medical_bill", "disaster_damage") and amount is None:
            problems.append(
                FieldError(
                    f"{where}.amount_yuan",
                    "required",
                    "医疗费用和灾害损失须有金额",
                    "bills and damage need an amount",
                )
            )
        if kind == "income_drop" and (amount is None or previous is None):
            problems.append(
                FieldError(
                    f"{where}.previous_yuan",
                    "required",
                    "收入下降须报送原月收入和现月收入",
                    "an income drop needs the monthly income before and after",
                )
            )
        clean.append(
            {
                "id_number": number,
                "kind": kind,
                "external_ref": ref,
                "observed_on": observed,
                "amount_fen": amount,
                "previous_fen": previous,
                "name": _text(record.get("name"))[:64] or None,
                "detail": _text(record.get("detail"))[:500] or None,
            }
        )
    return clean, problems


def _banner_of_number(number: str) -> str | None:
    """The banner an ID number was issued in, when it is one of this region's: scopes an unmatched signal."""
    code = number[:6]
    if len(number) == 18 and regions.exists(code) and regions.is_within(code, regions.REGION_CODE):
        region = regions.get(code)
        return code if region.level == "banner" else None
    return None


def ingest_file(content: bytes, filename: str, *, source: str, actor: str, today: date) -> IngestResult:
    """A partner's uploaded CSV or Excel file, read and stored as signals in one unit of work."""
    import tempfile

    from minsheng.store.db import unit_of_work

    name = Path(filename or "signals.csv").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        message = ("文件须为 .csv 或 .xlsx", "the file must be .csv or .xlsx")
        raise DomainError("unsupported_file", *message, 422, [FieldError("file", "file_type", *message)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        records = read_file(path)
    with unit_of_work() as session:
        return ingest(
            session, records, source=source, channel="file", actor=actor, today=today, filename=name
        )


def ingest(
    session: Session,
    records: Sequence[Mapping[str, Any]],
    *,
    source: str,
    channel: str,
    actor: str,
    today: date,
    filename: str | None = None,
) -> IngestResult:
    """Store a partner's records as signals, matched by the keyed hash; all or nothing."""
    problems: list[FieldError] = []
    if source not in SIGNAL_SOURCE:
        problems.append(
            FieldError(
                "source",
                "unknown_source",
                f"未知的报送部门 {source!r}(可用:{', '.join(SIGNAL_SOURCE)})",
                f"unknown partner {source!r} (one of {', '.join(SIGNAL_SOURCE)})",
            )
        )
    clean, record_problems = validate(records, today)
    problems += record_problems
    refs = [r["external_ref"] for r in clean]
    if len(set(refs)) != len(refs):
        seen: set[str] = set()
        for index, ref in enumerate(refs):
            if ref in seen:
                problems.append(
                    FieldError(
                        f"records.{index}.external_ref",
                        "repeated",
                        f"记录编号 {ref} 在本批中重复",
                        f"reference {ref} repeats in this batch",
                    )
                )
            seen.add(ref)
    if problems:
        raise DomainError(
            "invalid_signals",
            "报送数据有误,未保存任何记录",
            "invalid records; nothing was stored",
            422,
            problems,
        )

    existing: set[str] = set()
    for chunk in _chunks(refs, 900):
        existing |= set(
            session.scalars(
                select(Signal.external_ref).where(Signal.source == source, Signal.external_ref.in_(chunk))
            )
        )
    fresh = [r for r in clean if r["external_ref"] not in existing]
    hashes = {r["id_number"]: pii.blind_index(r["id_number"]) for r in fresh}
    persons: dict[str, tuple[int, int | None, str | None]] = {}
    for chunk in _chunks(sorted(set(hashes.values())), 900):
        rows = session.execute(
            select(Person.id_number_hash, Person.id, Person.household_id, Household.banner_code)
            .outerjoin(Household, Household.id == Person.household_id)
            .where(Person.id_number_hash.in_(chunk))
        )
        for hash_, person_id, household_id, banner in rows:
            persons[hash_] = (person_id, household_id, banner)

    batch = SignalBatch(
        source=source,
        channel=channel,
        filename=filename,
        actor=actor,
        records=len(clean),
        duplicates=len(clean) - len(fresh),
    )
    session.add(batch)
    session.flush()
    matched = unmatched = 0
    unmatched_refs: list[str] = []
    for record in fresh:
        hash_ = hashes[record["id_number"]]
        found = persons.get(hash_)
        # a person who belongs to no household cannot be matched to one: reported like an unknown ID
        is_matched = found is not None and found[1] is not None
        if is_matched:
            matched += 1
        else:
            unmatched += 1
            unmatched_refs.append(record["external_ref"])
        session.add(
            Signal(
                batch_id=batch.id,
                source=source,
                external_ref=record["external_ref"],
                kind=record["kind"],
                id_number_hash=hash_,
                id_number_masked=idcard.mask(record["id_number"])[:18],
                name=record["name"],
                observed_on=record["observed_on"],
                amount_fen=record["amount_fen"],
                previous_fen=record["previous_fen"],
                detail=record["detail"],
                status="matched" if is_matched else "unmatched",
                person_id=found[0] if found else None,
                household_id=found[1] if is_matched else None,
                banner_code=found[2] if is_matched else _banner_of_number(record["id_number"]),
            )
        )
    batch.matched, batch.unmatched = matched, unmatched
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="monitoring.signals_received",
        entity="monitoring_signal_batch",
        entity_id=batch.id,
        after={
            "source": source,
            "channel": channel,
            "filename": filename,
            "records": len(clean),
            "matched": matched,
            "unmatched": unmatched,
            "duplicates": batch.duplicates,
        },
    )
    return IngestResult(batch.id, len(clean), matched, unmatched, batch.duplicates, unmatched_refs)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unmatched_signals(session: Session, scope: RegionScope, limit: int = 200) -> list[Signal]:
    """Signals no registry person was found for, newest first; region-wide callers also see those whose
    ID number names no banner of the region."""
    query = select(Signal).where(Signal.status == "unmatched", scope.where(Signal.banner_code))
    return list(session.scalars(query.order_by(Signal.id.desc()).limit(limit)))
