"""The monthly payment cycle (月度发放): build, approve, export bank files, import returns, reconcile.

- `build(month, region)` writes one payment line per payable case for the month, keyed (case, month):
  the case's monthly amount at that month, plus its unsettled adjustments (arrears +, overpayments −),
  plus the failed lines of earlier months it re-issues. Set-based SQL (INSERT … SELECT … ON CONFLICT DO
  NOTHING) in case-id chunks, each chunk one transaction: a chunk marks its adjustments and failed
  lines with the month and writes its lines together, so a crash at any point leaves either all of a
  chunk or none of it, and a rerun continues where the last commit ended. What a build may see (the
  largest case and adjustment ids) is fixed when the cycle is first created, so a rerun sees the same.
- `approve` by a holder of `assistance.approve` other than the builder.
- `export` writes one CSV per paying bank (layout in `banks.BANK_FILE_LAYOUT`): deterministic content,
  written to a temporary file and renamed into place, then recorded with its SHA-256.
- `import_returns` reads a bank's return file, checks everything (frame, totals, control line, each
  line against what was sent) and changes nothing if anything is wrong, naming the line and field.
- `reconciliation` puts cases, lines, bank files and returns side by side by programme and league.

A payable case in month M: status `active`, start_month ≤ M ≤ end_month (or no end), an amount row in
effect at M, a paying bank and a payee with a bank account.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.assistance import banks
from minsheng.assistance.cycle_models import BankFile, Cycle, PaymentLine, PaymentReturn
from minsheng.assistance.models import Adjustment, Case
from minsheng.config import get_settings
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.db import default_engine, unit_of_work

CHUNK_CASES = 100_000
STREAM_ROWS = 50_000
PROGRAMMES_ZH = {
    "dibao": ("低保", "dibao"),
    "tekun": ("特困供养", "extreme difficulty"),
    "orphan": ("孤儿", "orphan"),
    "de_facto_child": ("事实无人抚养儿童", "de facto unsupported child"),
    "dibao_edge": ("低保边缘", "near-dibao"),
    "rigid_expense": ("刚性支出困难", "rigid expenditure"),
}
CYCLE_STATUS_LABELS = {
    "building": ("生成中", "building"),
    "built": ("已生成待审批", "built, awaiting approval"),
    "approved": ("已审批", "approved"),
    "exported": ("已生成银行文件", "bank files exported"),
    "returns_imported": ("回盘已导入", "returns imported"),
}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def month_of(value: str | date) -> date:
    """The first day of a month given as YYYY-MM (or any date in it)."""
    if isinstance(value, date):
        return value.replace(day=1)
    try:
        year, month = str(value).strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        raise DomainError(
            "invalid_month",
            f"月份应为 YYYY-MM,而不是 {value!r}",
            f"the month is YYYY-MM, not {value!r}",
            422,
            [FieldError("month", "format", "月份格式应为 YYYY-MM", "the month is YYYY-MM")],
        ) from None


def _check_region(code: str) -> str:
    if not regions.exists(code) or not regions.is_within(code, regions.REGION_CODE):
        raise DomainError(
            "unknown_region",
            f"未知的地区代码 {code!r}",
            f"unknown region code {code!r}",
            422,
            [FieldError("region", "unknown_region", "未知的地区代码", "unknown region code")],
        )
    return code


def _region_bounds(code: str) -> tuple[str, str] | None:
    """The half-open banner-code range of a region, or None for the whole region."""
    scope = RegionScope(code)
    if scope.is_region_wide:
        return None
    prefix = scope.prefix
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def league_of(banner_code: str) -> str:
    return banner_code[:4] + "00"


# --- build --------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    cycle_id: int
    month: date
    region_code: str
    status: str
    lines: int
    total_fen: int
    new_lines: int
    already_built: bool = False


def _payable(region: tuple[str, str] | None, amount_joined: bool = False) -> str:
    """The SQL condition on `c` (a case) joined to `p` (its payee): payable in :m, in the chunk."""
    where = [
        "c.status = 'active'",
        "c.start_month IS NOT NULL AND c.start_month <= :m",
        "(c.end_month IS NULL OR c.end_month >= :m)",
        "c.id > :lo AND c.id <= :hi",
        "c.paying_bank IS NOT NULL",
        "p.bank_account IS NOT NULL AND p.bank_account <> ''",
        "NOT EXISTS (SELECT 1 FROM assistance_payment_line x WHERE x.month = :m AND x.case_id = c.id)",
    ]
    if not amount_joined:
        where.append(
            "EXISTS (SELECT 1 FROM assistance_case_amount a WHERE a.case_id = c.id AND a.effective_month <= :m)"
        )
    if region is not None:
        where.append("c.banner_code >= :plo AND c.banner_code < :phi")
    return " AND ".join(where)


def _chunk_statements(region: tuple[str, str] | None) -> list[str]:
    payable_ids = (
        "SELECT c.id FROM assistance_case c JOIN person p ON p.id = c.payee_person_id"
        " AND p.id >= :pmin AND p.id <= :pmax WHERE " + _payable(region)
    )
    mark_adjustments = (
        "UPDATE assistance_adjustment SET settled_in_month = :m"
        " WHERE settled_in_month IS NULL AND id <= :adj_cutoff AND case_id > :lo AND case_id <= :hi"
        f" AND case_id IN ({payable_ids})"
    )
    mark_reissues = (
        "UPDATE assistance_payment_line SET reissued_in_month = :m"
        " WHERE status = 'failed' AND reissued_in_month IS NULL AND month < :m"
        f" AND case_id > :lo AND case_id <= :hi AND case_id IN ({payable_ids})"
    )
    gross = "(g.base_fen + g.adjustment_fen + g.reissue_fen)"
    insert_lines = f"""
INSERT INTO assistance_payment_line (
  cycle_id, case_id, month, case_no, household_id, banner_code, programme, paying_bank,
  payee_person_id, payee_name, account, base_fen, adjustment_fen, reissue_fen, carried_fen,
  amount_fen, status)
SELECT :cycle, g.id, :m, g.case_no, g.household_id, g.banner_code, g.programme, g.paying_bank,
  g.payee_person_id, g.payee_name, g.account, g.base_fen, g.adjustment_fen, g.reissue_fen,
  CASE WHEN {gross} < 0 THEN {gross} ELSE 0 END,
  CASE WHEN {gross} < 0 THEN 0 ELSE {gross} END,
  'pending'
FROM (
  SELECT c.id, c.case_no, c.household_id, c.banner_code, c.programme, c.paying_bank, c.payee_person_id,
    p.name AS payee_name, p.bank_account AS account,
    a.monthly_amount_fen AS base_fen,
    COALESCE(adj.total, 0) AS adjustment_fen,
    COALESCE(re.total, 0) AS reissue_fen
  FROM assistance_case c
  -- the chunk's payees only: the person table is read by key range, not whole, for every chunk
  JOIN person p ON p.id = c.payee_person_id AND p.id >= :pmin AND p.id <= :pmax
  -- the amount in effect: the latest period not after the month (a join, so it is read once)
  JOIN assistance_case_amount a ON a.case_id = c.id AND a.effective_month <= :m
    AND NOT EXISTS (SELECT 1 FROM assistance_case_amount later WHERE later.case_id = c.id
                    AND later.effective_month <= :m AND later.effective_month > a.effective_month)
  LEFT JOIN (SELECT case_id, SUM(amount_fen) AS total FROM assistance_adjustment
             WHERE settled_in_month = :m AND case_id > :lo AND case_id <= :hi GROUP BY case_id) adj
    ON adj.case_id = c.id
  LEFT JOIN (SELECT case_id, SUM(amount_fen) AS total FROM assistance_payment_line
             WHERE reissued_in_month = :m AND case_id > :lo AND case_id <= :hi GROUP BY case_id) re
    ON re.case_id = c.id
  WHERE {_payable(region, amount_joined=True)}
) g
WHERE true
ON CONFLICT (month, case_id) DO NOTHING"""
    carry_remainders = (
        "INSERT INTO assistance_adjustment (case_id, month, amount_fen, reason, created_at)"
        " SELECT case_id, month, carried_fen, CAST(:carry_reason AS VARCHAR(200)), :now FROM assistance_payment_line"
        " WHERE month = :m AND cycle_id = :cycle AND carried_fen < 0 AND case_id > :lo AND case_id <= :hi"
        " AND NOT EXISTS (SELECT 1 FROM assistance_adjustment j"
        " WHERE j.case_id = assistance_payment_line.case_id AND j.month = :m AND j.reason = CAST(:carry_reason AS VARCHAR(200)))"
    )
    return [mark_adjustments, mark_reissues, insert_lines, carry_remainders]


def _open_cycle(engine: Engine, month: date, region_code: str, actor: str) -> Cycle:
    """The cycle of (month, region), created with its cutoffs on the first run."""
    with unit_of_work(engine) as session:
        cycle = session.execute(
            select(Cycle).where(Cycle.month == month, Cycle.region_code == region_code)
        ).scalar_one_or_none()
        if cycle is not None:
            return cycle
        cycle = Cycle(
            month=month,
            region_code=region_code,
            status="building",
            case_cutoff_id=session.scalar(select(func.coalesce(func.max(Case.id), 0))),
            adjustment_cutoff_id=session.scalar(select(func.coalesce(func.max(Adjustment.id), 0))),
            built_by=actor,
            built_at=_now(),
        )
        session.add(cycle)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="assistance.cycle.create",
            entity="assistance_cycle",
            entity_id=cycle.id,
            region_code=region_code,
            after={"month": month, "region_code": region_code, "case_cutoff_id": cycle.case_cutoff_id},
        )
    return cycle


def _resume_after(engine: Engine, cycle: Cycle) -> int:
    """The largest case id already lined in this cycle: chunks up to it committed whole."""
    with engine.connect() as connection:
        value = connection.execute(
            text("SELECT MAX(case_id) FROM assistance_payment_line WHERE month = :m AND cycle_id = :c"),
            {"m": cycle.month, "c": cycle.id},
        ).scalar()
    return int(value or 0)


def build(
    month: str | date,
    region_code: str = regions.REGION_CODE,
    *,
    actor: str = "system",
    engine: Engine | None = None,
    chunk: int = CHUNK_CASES,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Write the month's payment lines for every payable case of the region (idempotent, resumable)."""
    engine = engine or default_engine()
    month = month_of(month)
    region_code = _check_region(region_code)
    cycle = _open_cycle(engine, month, region_code, actor)
    if cycle.status != "building":
        count, total = _line_totals(engine, cycle)
        return BuildResult(cycle.id, month, region_code, cycle.status, count, total, 0, True)
    bounds = _region_bounds(region_code)
    statements = [text(s) for s in _chunk_statements(bounds)]
    # A crash leaves whole chunks; chunks before the last lined case are done (their ranges are
    # disjoint and ascending), so the rerun starts at the chunk holding it.
    start = _resume_after(engine, cycle)
    lo = (start // chunk) * chunk if start else 0
    new_lines = 0
    done_before = lo
    while lo < cycle.case_cutoff_id:
        hi = min(lo + chunk, cycle.case_cutoff_id)
        values: dict[str, Any] = {
            "m": month,
            "lo": lo,
            "hi": hi,
            "cycle": cycle.id,
            "adj_cutoff": cycle.adjustment_cutoff_id,
            "now": _now(),
            "carry_reason": f"扣减结转 / overpayment carried from {month:%Y-%m}",
        }
        if bounds is not None:
            values["plo"], values["phi"] = bounds
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # compiling the plan costs more than it saves here
                connection.execute(text("SET LOCAL jit = off"))
                connection.execute(text("SET LOCAL work_mem = '256MB'"))  # the payee hash stays in memory
            values["pmin"], values["pmax"] = connection.execute(
                text(
                    "SELECT MIN(payee_person_id), MAX(payee_person_id) FROM assistance_case WHERE id > :lo AND id <= :hi"
                ),
                values,
            ).one()
            statements_to_run = statements if values["pmin"] is not None else []  # no case with a payee here
            for statement in statements_to_run:
                result = connection.execute(statement, values)
                if statement is statements[2]:
                    new_lines += max(result.rowcount or 0, 0)
        lo = hi
        if progress is not None:
            progress(lo - done_before, cycle.case_cutoff_id - done_before)
    count, total = _line_totals(engine, cycle)
    with unit_of_work(engine) as session:
        cycle = session.get(Cycle, cycle.id)
        if cycle.status == "building":
            cycle.status = "built"
            cycle.line_count = count
            cycle.total_fen = total
            audit.append(
                session,
                actor=actor,
                action="assistance.cycle.build",
                entity="assistance_cycle",
                entity_id=cycle.id,
                region_code=region_code,
                after={"month": month, "lines": count, "total_fen": total},
            )
    return BuildResult(cycle.id, month, region_code, cycle.status, count, total, new_lines)


def _line_totals(engine: Engine, cycle: Cycle) -> tuple[int, int]:
    with engine.connect() as connection:
        count, total = connection.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM assistance_payment_line"
                " WHERE month = :m AND cycle_id = :c"
            ),
            {"m": cycle.month, "c": cycle.id},
        ).one()
    return int(count), int(total)


# --- reading cycles -----------------------------------------------------------------------------


def _visible(scope: RegionScope, cycle: Cycle) -> bool:
    """A cycle is seen by whoever's scope overlaps its region (the lines shown are then scoped)."""
    return scope.allows(cycle.region_code) or regions.is_within(scope.code, cycle.region_code)


def get_cycle(session: Session, cycle_id: int, scope: RegionScope) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None or not _visible(scope, cycle):
        raise NotFound("发放批次 payment cycle", cycle_id)
    return cycle


def find_cycle(session: Session, month: str | date, region_code: str) -> Cycle:
    month = month_of(month)
    cycle = session.execute(
        select(Cycle).where(Cycle.month == month, Cycle.region_code == region_code)
    ).scalar_one_or_none()
    if cycle is None:
        raise NotFound("发放批次 payment cycle", f"{month:%Y-%m} {region_code}")
    return cycle


def list_cycles(session: Session, scope: RegionScope) -> list[Cycle]:
    cycles = session.execute(select(Cycle).order_by(Cycle.month.desc(), Cycle.region_code)).scalars().all()
    return [c for c in cycles if _visible(scope, c)]


# --- approve ------------------------------------------------------------------------------------


def approve(
    session: Session, cycle: Cycle, *, actor: str, permissions: frozenset[str], scope: RegionScope
) -> Cycle:
    """审批: an approver in whose scope the cycle's region lies, never the one who built it."""
    if "assistance.approve" not in permissions:
        raise DomainError("forbidden", "无权审批发放批次", "not permitted to approve payment cycles", 403)
    if not scope.allows(cycle.region_code):
        if not regions.is_within(scope.code, cycle.region_code):  # not even visible to the caller
            raise NotFound("发放批次 payment cycle", cycle.id)
        raise DomainError(
            "out_of_scope",
            f"批次地区 {cycle.region_code} 超出您的审批范围({scope.code})",
            f"the cycle's region {cycle.region_code} is wider than the region you approve for ({scope.code})",
            403,
        )
    if cycle.status != "built":
        label = CYCLE_STATUS_LABELS.get(cycle.status, (cycle.status, cycle.status))
        raise Conflict(
            f"批次状态为“{label[0]}”,只有已生成的批次可以审批",
            f"the cycle is {label[1]}; only a built cycle can be approved",
            [FieldError("status", "not_built", "批次未处于待审批状态", "the cycle is not awaiting approval")],
        )
    if actor == cycle.built_by:
        raise Conflict(
            "生成批次的人不能审批同一批次",
            "the person who built a cycle cannot approve it",
            [
                FieldError(
                    "approved_by", "four_eyes", "审批人须与生成人不同", "the approver must not be the builder"
                )
            ],
        )
    cycle.status = "approved"
    cycle.approved_by = actor
    cycle.approved_at = _now()
    try:
        session.flush()  # the version check: two approvers at once, one wins
    except StaleDataError:
        raise Conflict(
            "批次刚被他人改动(可能已审批),请刷新后再试",
            "the cycle was just changed by someone else (perhaps approved); reload and try again",
        ) from None
    audit.append(
        session,
        actor=actor,
        action="assistance.cycle.approve",
        entity="assistance_cycle",
        entity_id=cycle.id,
        region_code=cycle.region_code,
        after={"month": cycle.month, "lines": cycle.line_count, "total_fen": cycle.total_fen},
    )
    return cycle


# --- export -------------------------------------------------------------------------------------


def _file_dir(cycle: Cycle, out_dir: Path | None = None) -> Path:
    base = out_dir or (get_settings().resolved_data_dir / "cycles")
    return Path(base) / f"{cycle.month:%Y-%m}-{cycle.region_code}"


def _header(bank_code: str, cycle: Cycle) -> str:
    return f"H,{bank_code},{cycle.month:%Y-%m},{cycle.region_code}\n"


def _unexportable(engine: Engine, cycle: Cycle) -> None:
    """Refuse a cycle whose payee name or account holds a comma or line break (the layout has no quoting)."""
    with engine.connect() as connection:
        found = connection.execute(
            text(
                "SELECT case_no, payee_name, account FROM assistance_payment_line"
                " WHERE month = :m AND cycle_id = :c AND amount_fen > 0 AND ("
                " payee_name LIKE :comma OR payee_name LIKE :lf OR payee_name LIKE :cr"
                " OR account LIKE :comma OR account LIKE :lf OR account LIKE :cr) ORDER BY case_id LIMIT 1"
            ),
            {"m": cycle.month, "c": cycle.id, "comma": "%,%", "lf": "%\n%", "cr": "%\r%"},
        ).first()
    if found is not None:
        case_no, name, _account = found
        what = "payee_name" if any(mark in name for mark in ",\r\n") else "account"
        raise DomainError(
            "unexportable",
            f"案件 {case_no} 的{what}含有逗号或换行,无法写入银行文件",
            f"case {case_no}: the {what} holds a comma or line break and cannot go in a bank file",
            422,
            [FieldError(what, "no_comma", "不得含有逗号或换行", "must not hold a comma or line break")],
        )


def _payment_rows(engine: Engine, cycle: Cycle) -> Iterator[tuple]:
    """Every detail line to pay as (bank, text, amount), bank by bank in case order: one pass, the
    text made by the database (the layout is plain: checked by `_unexportable` first)."""
    statement = text(
        "SELECT paying_bank, 'D,' || case_no || ',' || payee_name || ',' || account || ','"
        " || CAST(amount_fen AS TEXT) || ',' || programme || ',' || banner_code, amount_fen"
        " FROM assistance_payment_line WHERE month = :m AND cycle_id = :c AND amount_fen > 0"
        " ORDER BY paying_bank, case_id"
    )
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL work_mem = '256MB'"))  # sort in memory
        result = connection.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(
            statement, {"m": cycle.month, "c": cycle.id}
        )
        for partition in result.partitions():
            yield from partition


def _write_payment_file(
    cycle: Cycle, bank_code: str, path: Path, rows: Iterable[tuple]
) -> tuple[int, int, str]:
    """Write the bank's file atomically; returns (lines, total fen, sha256 of the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = hashlib.sha256()
    whole = hashlib.sha256()
    count = total = 0
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as out:

            def emit(data: str) -> None:
                raw = data.encode("utf-8")
                body.update(raw)
                whole.update(raw)
                out.write(raw)

            emit(_header(bank_code, cycle))
            emit("D," + ",".join(banks.LAYOUTS[bank_code].payment_columns) + "\n")
            buffer: list[str] = []
            for _bank, line, amount in rows:
                buffer.append(line)
                count += 1
                total += amount
                if len(buffer) >= STREAM_ROWS:
                    emit("\n".join(buffer) + "\n")
                    buffer.clear()
            if buffer:
                emit("\n".join(buffer) + "\n")
            emit(f"T,{count},{total}\n")
            control = f"C,{body.hexdigest()}\n".encode()
            whole.update(control)
            out.write(control)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)  # atomic: the bank never sees half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count, total, whole.hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ExportResult:
    cycle_id: int
    files: list[dict[str, Any]] = field(default_factory=list)


def export(
    cycle_id: int,
    *,
    actor: str = "system",
    engine: Engine | None = None,
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """One file per paying bank of an approved cycle (rerun: files already recorded are checked)."""
    engine = engine or default_engine()
    with unit_of_work(engine) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle is None:
            raise NotFound("发放批次 payment cycle", cycle_id)
        if cycle.status not in ("approved", "exported", "returns_imported"):
            label = CYCLE_STATUS_LABELS.get(cycle.status, (cycle.status, cycle.status))
            raise Conflict(
                f"批次状态为“{label[0]}”,审批后才能生成银行文件",
                f"the cycle is {label[1]}; bank files are made only after approval",
                [FieldError("status", "not_approved", "批次未审批", "the cycle is not approved")],
            )
        recorded = {
            f.bank_code: f
            for f in session.execute(select(BankFile).where(BankFile.cycle_id == cycle_id)).scalars()
        }
    result = ExportResult(cycle_id)
    directory = _file_dir(cycle, out_dir)
    for stale in directory.glob(".*.csv.*"):  # a killed export's temporary files, never renamed into place
        stale.unlink(missing_ok=True)
    written: list[tuple[str, Path, int, int, str]] = []
    bank_codes: list[str] = []
    _unexportable(engine, cycle)
    for bank_code, rows in groupby(_payment_rows(engine, cycle), key=itemgetter(0)):
        bank_codes.append(bank_code)
        if progress is not None:
            progress(bank_code)
        existing = recorded.get(bank_code)
        path = Path(existing.file_name) if existing else directory / f"{bank_code}.csv"
        if existing is not None and path.is_file() and file_sha256(path) == existing.sha256:
            deque(rows, maxlen=0)  # already sent and intact
            continue
        count, total, digest = _write_payment_file(cycle, bank_code, path, rows)
        if existing is not None and digest != existing.sha256:
            raise Conflict(
                f"{bank_code} 的银行文件与已登记的校验值不符(批次明细已被改动?)",
                f"the {bank_code} bank file does not match its recorded checksum (were lines changed?)",
            )
        if existing is None:
            written.append((bank_code, path, count, total, digest))
    with unit_of_work(engine) as session:  # recorded after the read ends: files first, then their records
        for bank_code, path, count, total, digest in written:
            record = BankFile(
                cycle_id=cycle_id,
                bank_code=bank_code,
                file_name=str(path.resolve()),
                line_count=count,
                total_fen=total,
                sha256=digest,
                exported_by=actor,
                exported_at=_now(),
            )
            session.add(record)
            session.flush()
            audit.append(
                session,
                actor=actor,
                action="assistance.cycle.export",
                entity="assistance_bank_file",
                entity_id=record.id,
                region_code=cycle.region_code,
                after={"bank": bank_code, "lines": count, "total_fen": total, "sha256": digest},
            )
            recorded[bank_code] = record
        result.files = [_file_summary(recorded[code]) for code in bank_codes]
    with unit_of_work(engine) as session:
        cycle = session.get(Cycle, cycle_id)
        if cycle.status == "approved":
            cycle.status = "exported"
            cycle.exported_by = actor
            cycle.exported_at = _now()
            if not bank_codes:  # nothing to pay: no returns to wait for
                cycle.status = "returns_imported"
                cycle.returns_completed_at = _now()
    return result


def _file_summary(record: BankFile) -> dict[str, Any]:
    return {
        "bank_code": record.bank_code,
        "file_name": record.file_name,
        "line_count": record.line_count,
        "total_fen": record.total_fen,
        "sha256": record.sha256,
    }


# --- returns ------------------------------------------------------------------------------------


def _bad(line: int, column: str, rule: str, zh: str, en: str) -> FieldError:
    return FieldError(
        f"line {line}.{column}", rule, f"第 {line} 行 {column}:{zh}", f"line {line} {column}: {en}"
    )


class ReturnFileRejected(DomainError):
    def __init__(self, problems: list[FieldError]):
        first = problems[0]
        super().__init__(
            "return_file_rejected",
            f"回盘文件有误,未作任何更改:{first.message_zh}",
            f"the return file was refused and nothing changed: {first.message_en}",
            422,
            problems,
        )


@dataclass
class ImportResult:
    cycle_id: int
    bank_code: str
    paid: int
    paid_fen: int
    failed: int
    failed_fen: int
    already_imported: bool = False


MAX_PROBLEMS = 20


def import_returns(
    session: Session,
    content: bytes,
    *,
    actor: str,
    file_name: str = "return.csv",
    scope: RegionScope | None = None,
) -> ImportResult:
    """Apply a bank's return file to its lines, all or nothing."""
    problems: list[FieldError] = []
    try:
        text_content = content.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise ReturnFileRejected(
            [
                _bad(
                    text_content_line(content, problem.start),
                    "encoding",
                    "utf8",
                    "不是 UTF-8 编码",
                    "not UTF-8",
                )
            ]
        ) from None
    if not text_content.endswith("\n"):
        text_content += "\n"
    rows = text_content.split("\n")[:-1]
    if len(rows) < 4:
        raise ReturnFileRejected(
            [
                _bad(
                    len(rows) or 1,
                    "file",
                    "too_short",
                    "文件不完整(至少需要表头、列名、合计和控制行)",
                    "incomplete file (needs header, column line, totals and control line)",
                )
            ]
        )
    header = rows[0].split(",")
    if len(header) != 4 or header[0] != "H":
        raise ReturnFileRejected(
            [_bad(1, "header", "format", "表头应为 H,银行,月份,地区", "the header is H,bank,month,region")]
        )
    bank_code, month_text, region_code = header[1], header[2], header[3]
    if bank_code not in banks.BY_CODE:
        raise ReturnFileRejected(
            [
                _bad(
                    1,
                    "bank",
                    "unknown_bank",
                    f"未知的银行代码 {bank_code!r}",
                    f"unknown bank code {bank_code!r}",
                )
            ]
        )
    try:
        month = month_of(month_text)
    except DomainError:
        raise ReturnFileRejected(
            [_bad(1, "month", "format", "月份应为 YYYY-MM", "the month is YYYY-MM")]
        ) from None
    cycle = session.execute(
        select(Cycle).where(Cycle.month == month, Cycle.region_code == region_code)
    ).scalar_one_or_none()
    if cycle is None or (scope is not None and not scope.allows(region_code)):
        raise ReturnFileRejected(
            [
                _bad(
                    1,
                    "region",
                    "no_cycle",
                    f"没有 {month_text} {region_code} 的发放批次",
                    f"no payment cycle for {month_text} {region_code}",
                )
            ]
        )
    bank_file = session.execute(
        select(BankFile).where(BankFile.cycle_id == cycle.id, BankFile.bank_code == bank_code)
    ).scalar_one_or_none()
    if bank_file is None:
        raise ReturnFileRejected(
            [
                _bad(
                    1,
                    "bank",
                    "not_sent",
                    f"本批次没有发给 {bank_code} 的文件",
                    f"no file was sent to {bank_code} in this cycle",
                )
            ]
        )
    digest = hashlib.sha256(content).hexdigest()
    if bank_file.return_sha256 is not None:
        if bank_file.return_sha256 == digest:
            return ImportResult(
                cycle.id,
                bank_code,
                bank_file.paid_count or 0,
                bank_file.paid_fen or 0,
                bank_file.failed_count or 0,
                bank_file.failed_fen or 0,
                True,
            )
        raise Conflict(
            f"{bank_code} 的回盘已于 {bank_file.returns_imported_at:%Y-%m-%d} 导入,不能再导入另一份",
            f"the {bank_code} returns were already imported; a different file cannot be imported again",
        )
    expected_columns = "R," + ",".join(banks.LAYOUTS[bank_code].return_columns)
    if rows[1] != expected_columns:
        problems.append(
            _bad(
                2,
                "columns",
                "format",
                f"列名行应为 {expected_columns}",
                f"the column line is {expected_columns}",
            )
        )
    sent = {
        case_no: (line_id, amount)
        for line_id, case_no, amount in session.execute(
            select(PaymentLine.id, PaymentLine.case_no, PaymentLine.amount_fen).where(
                PaymentLine.month == cycle.month,
                PaymentLine.cycle_id == cycle.id,
                PaymentLine.paying_bank == bank_code,
                PaymentLine.amount_fen > 0,
            )
        )
    }
    returns: list[dict[str, Any]] = []
    seen: set[str] = set()
    body = hashlib.sha256((rows[0] + "\n" + rows[1] + "\n").encode("utf-8"))
    count = total = 0
    totals_line = control_line = None
    now = _now()
    for index, row in enumerate(rows[2:], start=3):
        if len(problems) >= MAX_PROBLEMS:
            break
        fields = row.split(",")
        kind = fields[0]
        if kind == "C":
            control_line = (index, fields)
            if index != len(rows):
                problems.append(
                    _bad(
                        index, "control", "last", "控制行必须是最后一行", "the control line must be the last"
                    )
                )
            break
        body.update((row + "\n").encode("utf-8"))
        if kind == "T":
            totals_line = (index, fields)
            continue
        if totals_line is not None:
            problems.append(
                _bad(
                    index,
                    "kind",
                    "after_totals",
                    "合计行之后只能是控制行",
                    "only the control line may follow the totals",
                )
            )
            continue
        if kind != "R" or len(fields) != 5:
            problems.append(
                _bad(
                    index,
                    "kind",
                    "format",
                    "明细行应为 R,案件号,状态,金额(分),原因",
                    "a detail line is R,case_no,status,amount_fen,reason",
                )
            )
            continue
        _, case_no, status, amount_text, reason = fields
        if case_no in seen:
            problems.append(
                _bad(index, "case_no", "duplicate", f"案件 {case_no} 重复", f"case {case_no} appears twice")
            )
            continue
        seen.add(case_no)
        if case_no not in sent:
            problems.append(
                _bad(
                    index,
                    "case_no",
                    "not_sent",
                    f"案件 {case_no} 不在发给本行的文件中",
                    f"case {case_no} was not in the file sent to this bank",
                )
            )
            continue
        line_id, amount = sent[case_no]
        if not amount_text.isdigit():
            problems.append(
                _bad(
                    index,
                    "amount_fen",
                    "integer",
                    f"金额 {amount_text!r} 应为非负整数(分)",
                    f"amount {amount_text!r} must be a whole number of fen",
                )
            )
            continue
        if int(amount_text) != amount:
            problems.append(
                _bad(
                    index,
                    "amount_fen",
                    "matches_sent",
                    f"金额 {amount_text} 与发送的 {amount} 不符",
                    f"amount {amount_text} differs from the {amount} sent",
                )
            )
            continue
        if status not in ("PAID", "FAILED"):
            problems.append(
                _bad(
                    index,
                    "status",
                    "paid_or_failed",
                    f"状态 {status!r} 应为 PAID 或 FAILED",
                    f"status {status!r} must be PAID or FAILED",
                )
            )
            continue
        if status == "PAID" and reason:
            problems.append(
                _bad(
                    index,
                    "reason",
                    "empty_when_paid",
                    "成功的明细不应有失败原因",
                    "a paid line has no reason",
                )
            )
            continue
        if status == "FAILED" and reason not in banks.RETURN_REASONS:
            problems.append(
                _bad(
                    index,
                    "reason",
                    "known_reason",
                    f"失败原因 {reason!r} 不是约定的代码",
                    f"failure reason {reason!r} is not a known code",
                )
            )
            continue
        count += 1
        total += amount
        returns.append(
            {
                "bank_file_id": bank_file.id,
                "line_id": line_id,
                "status": status.lower(),
                "amount_fen": amount,
                "reason": reason or None,
                "imported_at": now,
            }
        )
    if not problems:
        if totals_line is None:
            problems.append(
                _bad(len(rows), "totals", "missing", "缺少合计行 T", "the totals line T is missing")
            )
        else:
            index, fields = totals_line
            if len(fields) != 3 or not fields[1].isdigit() or not fields[2].lstrip("-").isdigit():
                problems.append(
                    _bad(
                        index,
                        "totals",
                        "format",
                        "合计行应为 T,笔数,金额(分)",
                        "the totals line is T,count,amount_fen",
                    )
                )
            elif int(fields[1]) != count:
                problems.append(
                    _bad(
                        index,
                        "count",
                        "matches_lines",
                        f"合计笔数 {fields[1]} 与明细 {count} 笔不符",
                        f"the total count {fields[1]} differs from the {count} detail lines",
                    )
                )
            elif int(fields[2]) != total:
                problems.append(
                    _bad(
                        index,
                        "amount_fen",
                        "matches_lines",
                        f"合计金额 {fields[2]} 与明细之和 {total} 不符",
                        f"the total {fields[2]} differs from the detail sum {total}",
                    )
                )
        if control_line is None:
            problems.append(
                _bad(len(rows), "control", "missing", "缺少控制行 C", "the control line C is missing")
            )
        elif len(control_line[1]) != 2 or control_line[1][1] != body.hexdigest():
            problems.append(
                _bad(
                    control_line[0],
                    "control",
                    "checksum",
                    "控制行校验值与文件内容不符",
                    "the control line's checksum does not match the file",
                )
            )
    if not problems and len(seen) != len(sent):
        missing = sorted(set(sent) - seen)[:5]
        problems.append(
            _bad(
                len(rows),
                "case_no",
                "every_line",
                f"缺少 {len(sent) - len(seen)} 笔的回盘,如 {', '.join(missing)}",
                f"{len(sent) - len(seen)} lines have no return, e.g. {', '.join(missing)}",
            )
        )
    if problems:
        raise ReturnFileRejected(problems)
    session.execute(PaymentReturn.__table__.insert(), returns)
    session.execute(
        text(
            "UPDATE assistance_payment_line SET"
            " status = (SELECT r.status FROM assistance_payment_return r WHERE r.line_id = assistance_payment_line.id),"
            " return_reason = (SELECT r.reason FROM assistance_payment_return r WHERE r.line_id = assistance_payment_line.id)"
            " WHERE id IN (SELECT line_id FROM assistance_payment_return WHERE bank_file_id = :f)"
        ),
        {"f": bank_file.id},
    )
    paid = [r for r in returns if r["status"] == "paid"]
    failed = [r for r in returns if r["status"] == "failed"]
    bank_file.return_sha256 = digest
    bank_file.return_file_name = file_name[:200]
    bank_file.returns_imported_by = actor
    bank_file.returns_imported_at = now
    bank_file.paid_count, bank_file.paid_fen = len(paid), sum(r["amount_fen"] for r in paid)
    bank_file.failed_count, bank_file.failed_fen = len(failed), sum(r["amount_fen"] for r in failed)
    session.flush()
    waiting = session.scalar(
        select(func.count())
        .select_from(BankFile)
        .where(BankFile.cycle_id == cycle.id, BankFile.return_sha256.is_(None))
    )
    if waiting == 0 and cycle.status == "exported":
        cycle.status = "returns_imported"
        cycle.returns_completed_at = now
    audit.append(
        session,
        actor=actor,
        action="assistance.cycle.returns",
        entity="assistance_bank_file",
        entity_id=bank_file.id,
        region_code=cycle.region_code,
        after={
            "bank": bank_code,
            "month": month,
            "paid": bank_file.paid_count,
            "paid_fen": bank_file.paid_fen,
            "failed": bank_file.failed_count,
            "failed_fen": bank_file.failed_fen,
            "sha256": digest,
        },
    )
    return ImportResult(
        cycle.id,
        bank_code,
        bank_file.paid_count,
        bank_file.paid_fen,
        bank_file.failed_count,
        bank_file.failed_fen,
    )


def text_content_line(content: bytes, offset: int) -> int:
    return content[:offset].count(b"\n") + 1


def return_file(
    lines: list[tuple[str, str, int, str]], bank_code: str, month: date, region_code: str
) -> bytes:
    """A return file in the bank's layout (what a bank sends; the demo and tests play the bank)."""
    out = [
        f"H,{bank_code},{month:%Y-%m},{region_code}\n",
        "R," + ",".join(banks.BANK_FILE_LAYOUT.return_columns) + "\n",
    ]
    total = 0
    for case_no, status, amount, reason in lines:
        out.append(f"R,{case_no},{status},{amount},{reason}\n")
        total += amount
    out.append(f"T,{len(lines)},{total}\n")
    body = "".join(out).encode("utf-8")
    return body + f"C,{hashlib.sha256(body).hexdigest()}\n".encode()


def read_payment_file(path: Path) -> list[tuple[str, str, str, int, str, str]]:
    """The detail lines of a payment file, after checking its totals and control line."""
    return parse_payment_file(Path(path).read_bytes(), path)


def parse_payment_file(raw: bytes, path: Path) -> list[tuple[str, str, str, int, str, str]]:
    """`read_payment_file` over bytes already read (`path` names the file in errors)."""
    rows = raw.decode("utf-8").split("\n")[:-1]
    body = "".join(r + "\n" for r in rows[:-1]).encode("utf-8")
    if rows[-1] != f"C,{hashlib.sha256(body).hexdigest()}":
        raise DomainError(
            "bad_bank_file",
            f"银行文件 {path} 控制行不符",
            f"bank file {path}: control line does not match",
            409,
        )
    details = []
    for row in rows[2:-2]:
        _, case_no, name, account, amount, programme, banner = row.split(",")
        details.append((case_no, name, account, int(amount), programme, banner))
    _, count, total = rows[-2].split(",")
    if int(count) != len(details) or int(total) != sum(d[3] for d in details):
        raise DomainError(
            "bad_bank_file", f"银行文件 {path} 合计不符", f"bank file {path}: totals do not match", 409
        )
    return details


# --- totals and reconciliation ------------------------------------------------------------------


def _scope_sql(scope: RegionScope | None, column: str, values: dict[str, Any]) -> str:
    if scope is None or scope.is_region_wide:
        return ""
    lo, hi = _region_bounds(scope.code)
    values["slo"], values["shi"] = lo, hi
    return f" AND {column} >= :slo AND {column} < :shi"


def _active_cases_sql(cycle: Cycle, scope: RegionScope | None, values: dict[str, Any]) -> str:
    """The condition on `assistance_case c` for cases the cycle's month owes, in its region and scope."""
    values.update(m=cycle.month, cut=cycle.case_cutoff_id)
    where = [
        "c.status = 'active'",
        "c.start_month <= :m",
        "(c.end_month IS NULL OR c.end_month >= :m)",
        "c.id <= :cut",
    ]
    bounds = _region_bounds(cycle.region_code)
    if bounds is not None:
        values["plo"], values["phi"] = bounds
        where.append("c.banner_code >= :plo AND c.banner_code < :phi")
    return " AND ".join(where) + _scope_sql(scope, "c.banner_code", values)


def totals(session: Session, cycle: Cycle, scope: RegionScope | None = None) -> dict[str, Any]:
    """The cycle's lines by league, programme and bank, in the caller's scope."""
    values: dict[str, Any] = {"c": cycle.id, "m": cycle.month}
    where = "month = :m AND cycle_id = :c" + _scope_sql(scope, "banner_code", values)
    league = "SUBSTR(banner_code, 1, 4)"
    result: dict[str, Any] = {}
    for key, expression in (("league", league), ("programme", "programme"), ("bank", "paying_bank")):
        rows = session.execute(
            text(
                f"SELECT {expression} AS k, COUNT(*), SUM(amount_fen), SUM(base_fen), SUM(adjustment_fen),"
                f" SUM(reissue_fen), SUM(carried_fen), SUM(CASE WHEN status = 'paid' THEN amount_fen ELSE 0 END),"
                f" SUM(CASE WHEN status = 'failed' THEN amount_fen ELSE 0 END)"
                f" FROM assistance_payment_line WHERE {where} GROUP BY {expression} ORDER BY {expression}"
            ),
            values,
        ).all()
        result[key] = [
            {
                "key": (k + "00") if key == "league" else k,
                "lines": int(n),
                "amount_fen": int(a or 0),
                "base_fen": int(b or 0),
                "adjustment_fen": int(adj or 0),
                "reissue_fen": int(r or 0),
                "carried_fen": int(cr or 0),
                "paid_fen": int(p or 0),
                "failed_fen": int(f or 0),
            }
            for k, n, a, b, adj, r, cr, p, f in rows
        ]
    result["all"] = {
        name: sum(row[name] for row in result["league"])
        for name in (
            "lines",
            "amount_fen",
            "base_fen",
            "adjustment_fen",
            "reissue_fen",
            "carried_fen",
            "paid_fen",
            "failed_fen",
        )
    }
    return result


def _case_side(
    session: Session, cycle: Cycle, scope: RegionScope | None
) -> dict[tuple[str, str], dict[str, int]]:
    """What the case tables say the month owes, case by case, summed (independent of the lines)."""
    values: dict[str, Any] = {}
    active = _active_cases_sql(cycle, scope, values)
    gross = "(o.base_fen + o.adjustment_fen + o.reissue_fen)"
    rows = session.execute(
        text(
            f"""
SELECT o.programme, o.league, COUNT(*),
  SUM(CASE WHEN o.payable = 1 THEN 1 ELSE 0 END),
  SUM(CASE WHEN o.payable = 1 THEN o.base_fen ELSE 0 END),
  SUM(CASE WHEN o.payable = 1 THEN o.adjustment_fen ELSE 0 END),
  SUM(CASE WHEN o.payable = 1 THEN o.reissue_fen ELSE 0 END),
  SUM(CASE WHEN o.payable = 1 AND {gross} > 0 THEN {gross} ELSE 0 END)
FROM (
  SELECT c.programme, SUBSTR(c.banner_code, 1, 4) AS league,
    CASE WHEN c.paying_bank IS NOT NULL AND p.bank_account IS NOT NULL AND p.bank_account <> '' THEN 1 ELSE 0 END
      AS payable,
    COALESCE((SELECT a.monthly_amount_fen FROM assistance_case_amount a
      WHERE a.case_id = c.id AND a.effective_month <= :m ORDER BY a.effective_month DESC LIMIT 1), 0) AS base_fen,
    COALESCE((SELECT SUM(j.amount_fen) FROM assistance_adjustment j
      WHERE j.case_id = c.id AND j.settled_in_month = :m), 0) AS adjustment_fen,
    COALESCE((SELECT SUM(f.amount_fen) FROM assistance_payment_line f
      WHERE f.case_id = c.id AND f.reissued_in_month = :m), 0) AS reissue_fen
  FROM assistance_case c LEFT JOIN person p ON p.id = c.payee_person_id
  WHERE {active}
    AND EXISTS (SELECT 1 FROM assistance_case_amount a WHERE a.case_id = c.id AND a.effective_month <= :m)
) o
GROUP BY o.programme, o.league"""
        ),
        values,
    ).all()
    return {
        (programme, league + "00"): {
            "cases": int(n),
            "payable": int(payable or 0),
            "base_fen": int(base or 0),
            "adjustment_fen": int(adj or 0),
            "reissue_fen": int(re or 0),
            "owed_fen": int(owed or 0),
        }
        for programme, league, n, payable, base, adj, re, owed in rows
    }


def reconciliation(session: Session, cycle: Cycle, scope: RegionScope | None = None) -> dict[str, Any]:
    """Cases, lines, bank files and returns by programme and league, to the fen, with the checks."""
    cases = _case_side(session, cycle, scope)
    values: dict[str, Any] = {"c": cycle.id, "m": cycle.month}
    scoped = _scope_sql(scope, "l.banner_code", values)
    lines = {
        (programme, league + "00"): {
            "lines": int(n),
            "base_fen": int(base),
            "adjustment_fen": int(adj),
            "reissue_fen": int(re),
            "carried_fen": int(carried),
            "amount_fen": int(amount),
            "sent_lines": int(sent_n or 0),
            "paid_fen": int(paid or 0),
            "failed_fen": int(failed or 0),
            "returned_lines": int(returned or 0),
        }
        for programme, league, n, base, adj, re, carried, amount, sent_n, paid, failed, returned in session.execute(
            text(
                "SELECT l.programme, SUBSTR(l.banner_code, 1, 4), COUNT(*), SUM(l.base_fen), SUM(l.adjustment_fen),"
                " SUM(l.reissue_fen), SUM(l.carried_fen), SUM(l.amount_fen),"
                " SUM(CASE WHEN l.amount_fen > 0 THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN r.status = 'paid' THEN r.amount_fen ELSE 0 END),"
                " SUM(CASE WHEN r.status = 'failed' THEN r.amount_fen ELSE 0 END),"
                " SUM(CASE WHEN r.id IS NOT NULL THEN 1 ELSE 0 END)"
                " FROM assistance_payment_line l LEFT JOIN assistance_payment_return r ON r.line_id = l.id"
                f" WHERE l.month = :m AND l.cycle_id = :c{scoped} GROUP BY l.programme, SUBSTR(l.banner_code, 1, 4)"
            ),
            values,
        ).all()
    }
    files: dict[tuple[str, str], dict[str, int]] = {}
    file_checks = []
    for record in session.execute(
        select(BankFile).where(BankFile.cycle_id == cycle.id).order_by(BankFile.bank_code)
    ).scalars():
        path = Path(record.file_name)
        raw = path.read_bytes() if path.is_file() else None  # read once: checksum, then the lines
        ok = raw is not None and hashlib.sha256(raw).hexdigest() == record.sha256
        file_checks.append(
            {
                "bank_code": record.bank_code,
                "file_name": record.file_name,
                "checksum_ok": ok,
                "line_count": record.line_count,
                "total_fen": record.total_fen,
                "returns_imported": record.return_sha256 is not None,
            }
        )
        if not ok:
            continue
        for _case_no, _name, _account, amount, programme, banner in parse_payment_file(raw, path):
            if scope is not None and not scope.allows(banner):
                continue
            entry = files.setdefault(
                (programme, league_of(banner)), {"file_lines": 0, "file_fen": 0, "returned_file_fen": 0}
            )
            entry["file_lines"] += 1
            entry["file_fen"] += amount
            if record.return_sha256 is not None:
                entry["returned_file_fen"] += amount
    exported = bool(file_checks)
    rows = []
    for key in sorted(set(cases) | set(lines) | set(files)):
        c = cases.get(
            key,
            {"cases": 0, "payable": 0, "base_fen": 0, "adjustment_fen": 0, "reissue_fen": 0, "owed_fen": 0},
        )
        line = lines.get(
            key,
            {
                "lines": 0,
                "base_fen": 0,
                "adjustment_fen": 0,
                "reissue_fen": 0,
                "carried_fen": 0,
                "amount_fen": 0,
                "sent_lines": 0,
                "paid_fen": 0,
                "failed_fen": 0,
                "returned_lines": 0,
            },
        )
        f = files.get(key, {"file_lines": 0, "file_fen": 0, "returned_file_fen": 0})
        row = {
            "programme": key[0],
            "league_code": key[1],
            **{f"case_{k}": v for k, v in c.items()},
            **{f"line_{k}": v for k, v in line.items()},
            **f,
        }
        row["cases_match_lines"] = c["owed_fen"] == line["amount_fen"] and c["payable"] == line["lines"]
        row["lines_match_files"] = (not exported) or (
            f["file_fen"] == line["amount_fen"] and f["file_lines"] == line["sent_lines"]
        )
        row["unreturned_fen"] = line["amount_fen"] - line["paid_fen"] - line["failed_fen"]
        # what the banks answered for equals what the files they answered for carried
        row["files_match_returns"] = f["returned_file_fen"] == line["paid_fen"] + line["failed_fen"]
        row["ok"] = row["cases_match_lines"] and row["lines_match_files"] and row["files_match_returns"]
        rows.append(row)
    numeric = [
        k
        for k in (rows[0] if rows else {})
        if isinstance(rows[0][k], int) and not isinstance(rows[0][k], bool)
    ]
    total = {k: sum(r[k] for r in rows) for k in numeric}
    return {
        "cycle_id": cycle.id,
        "month": cycle.month,
        "region_code": cycle.region_code,
        "status": cycle.status,
        "rows": rows,
        "total": total,
        "files": file_checks,
        "unpayable": unpayable(session, cycle, scope),
        "ok": all(r["ok"] for r in rows) and all(f["checksum_ok"] for f in file_checks),
    }


def unpayable(
    session: Session, cycle: Cycle, scope: RegionScope | None = None, limit: int = 100
) -> list[dict]:
    """Active cases of the month that no line pays because the bank or the payee's account is missing:
    the caseworker's list to fix before the next cycle."""
    values: dict[str, Any] = {"limit": limit}
    active = _active_cases_sql(cycle, scope, values)
    rows = session.execute(
        text(
            "SELECT c.id, c.case_no, c.banner_code, c.programme, c.paying_bank, p.bank_account"
            " FROM assistance_case c LEFT JOIN person p ON p.id = c.payee_person_id"
            f" WHERE {active}"
            " AND (c.paying_bank IS NULL OR p.bank_account IS NULL OR p.bank_account = '')"
            " AND EXISTS (SELECT 1 FROM assistance_case_amount a WHERE a.case_id = c.id AND a.effective_month <= :m)"
            " ORDER BY c.banner_code, c.case_no LIMIT :limit"
        ),
        values,
    ).all()
    return [
        {
            "case_id": case_id,
            "case_no": case_no,
            "banner_code": banner,
            "programme": programme,
            "reason_zh": "未指定代发银行" if bank is None else "收款人无银行账号",
            "reason_en": "no paying bank" if bank is None else "the payee has no bank account",
        }
        for case_id, case_no, banner, programme, bank, _account in rows
    ]
