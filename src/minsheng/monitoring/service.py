"""Low-income monitoring use cases: the daily run, alerts and their legwork, and the reads of the pages.

The daily run (`run_daily`) exports the registry snapshot and the monitoring inputs (matched signals,
settled medical claims, unemployment registrations, open assistance cases) as Parquet, reads the month's
determination (`prepare_monthly`: assistance eligibility and the members' standing, prepared once a
month), runs the monitoring rules over every household through the engine in partitions (`run_batch`),
and writes only `monitored_population` (one row per household with each risk's level). The (household,
risk) pairs at risk are then merged into the alerts: a new pair opens an alert assigned to the
assistance caseworker of the household's banner with a due date by level; an open alert of the same pair
takes the new evidence (one alert per household and risk, never two); an open alert whose risk is no
longer found is marked cleared but stays open until a caseworker records an outcome. Reasons are
rendered only for the alerts that are new or changed, by running the same rules locally over those
households.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine, and_, case, func, inspect, or_, select
from sqlalchemy.orm import Session

from minsheng import policy, regions
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.assistance import rules as A
from minsheng.engine import connect, explain, run_local_all
from minsheng.monitoring import rules as M
from minsheng.monitoring.models import (
    LEVEL_RANK,
    OUTCOME,
    RISK,
    Alert,
    AlertEvent,
    BannerFigure,
    Run,
    Signal,
    Visit,
)
from minsheng.registry.models import Household, Person
from minsheng.security.models import User
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.db import unit_of_work

OPEN_CASE_STATUSES = (
    "submitted",
    "investigating",
    "township_reviewed",
    "in_notice",
    "objection",
    "confirmed",
    "active",
    "suspended",
)
CASEWORKER_ROLE = "assistance_caseworker"
SYSTEM_ACTOR = "system:monitoring"
# which signal kinds are evidence of which risk
EVIDENCE_KINDS: dict[str, tuple[str, ...]] = {
    "medical_burden": ("medical_bill", "income_drop"),
    "income_fall": ("income_drop",),
    "zero_employment": ("job_loss", "unemployment_registration"),
    "disability_without_care": ("disability_certified",),
    "unsupported_child": ("death",),
    "sudden_hardship": ("disaster_damage", "death"),
    "take_up_gap": (),
}
EXPLAIN_CHUNK = 2_000


def application_link(alert: Alert) -> str:
    """Assistance's new-case page, prefilled from the registry, with the alert as the case's source."""
    return f"/assistance/cases/new?household={alert.household_id}&programme=dibao&alert={alert.id}"


# --- inputs of a run ------------------------------------------------------------------------------


def _table(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in schema]
    return pa.table(
        {f.name: pa.array(list(col), type=f.type) for f, col in zip(schema, columns, strict=True)}
    )


def _longest_lookback(params: policy.ParameterSet) -> dt.timedelta:
    """The widest look-back window of any banner: what the rules may read of signals and claims."""
    days = params.table(("monitoring.lookback_days",)).column("monitoring_lookback_days").to_pylist()
    return dt.timedelta(days=max(int(d) for d in days))


def input_tables(
    session: Session, as_of: dt.date, params: policy.ParameterSet, household_ids: Sequence[int] | None = None
) -> dict[str, pa.Table]:
    """The monitoring inputs besides the registry snapshot, from the database, as Arrow tables."""
    since = as_of - _longest_lookback(params)
    signal_query = select(
        Signal.id,
        Signal.household_id,
        Signal.banner_code,
        Signal.person_id,
        Signal.kind,
        Signal.observed_on,
        Signal.amount_fen,
        Signal.previous_fen,
    ).where(Signal.status == "matched", Signal.observed_on <= as_of, Signal.observed_on >= since)
    if household_ids is not None:
        signal_query = signal_query.where(Signal.household_id.in_(list(household_ids)))
    tables = {
        "signals": _table(session.execute(signal_query.order_by(Signal.id)).all(), M.INPUT_SCHEMAS["signals"])
    }

    from minsheng.medical.models import Claim

    claims = (
        select(
            Claim.id,
            Person.household_id,
            Household.banner_code,
            Claim.person_id,
            Claim.discharge_date,
            Claim.self_pay_fen,
        )
        .join(Person, Person.id == Claim.person_id)
        .join(Household, Household.id == Person.household_id)
        .where(
            Claim.status == "settled",
            Claim.discharge_date <= as_of,
            Claim.discharge_date >= since,
            Person.household_id.is_not(None),
        )
    )
    if household_ids is not None:
        claims = claims.where(Person.household_id.in_(list(household_ids)))
    tables["medical_claims"] = _table(session.execute(claims).all(), M.INPUT_SCHEMAS["medical_claims"])

    from minsheng.employment.models import UnemploymentRegistration as U

    unemployment = (
        select(Person.household_id, U.person_id, U.registered_on, U.ended_on)
        .join(Person, Person.id == U.person_id)
        .where(U.registered_on <= as_of, or_(U.ended_on.is_(None), U.ended_on > as_of))
        .where(Person.household_id.is_not(None))
    )
    if household_ids is not None:
        unemployment = unemployment.where(Person.household_id.in_(list(household_ids)))
    tables["unemployment"] = _table(session.execute(unemployment).all(), M.INPUT_SCHEMAS["unemployment"])
    tables["cases"] = _table(_open_cases(session, household_ids), M.INPUT_SCHEMAS["cases"])
    return tables


def _open_cases(session: Session, household_ids: Sequence[int] | None) -> list[tuple]:
    if not inspect(session.get_bind()).has_table("assistance_case"):
        return []  # assistance's case tables not migrated yet: nobody has a case
    from minsheng.assistance.models import Case

    query = select(Case.id, Case.household_id, Case.programme, Case.status).where(
        Case.status.in_(OPEN_CASE_STATUSES)
    )
    if household_ids is not None:
        query = query.where(Case.household_id.in_(list(household_ids)))
    return list(session.execute(query).all())


def monthly_ready(folder: Path) -> bool:
    """Whether `folder` holds every table of the month's determination (`prepare_monthly`)."""
    return all((folder / f"{name}.parquet").exists() for name in M.MONTHLY_TABLES)


def prepare_monthly(
    snapshot: Path,
    as_of: dt.date,
    params: policy.ParameterSet,
    out_dir: Path,
    *,
    partitions: int = 4,
    progress: bool = True,
    memory_limit: str | None = None,
) -> int:
    """The month's determination of every household: the assistance rules (`eligibility`) and the
    members' standing (`member_flags`, `household_members`) through the engine, partitioned, kept as
    `<table>.parquet` in `out_dir` sorted by household, for the daily runs of the month; the households."""
    from minsheng.engine.batch import run_batch

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minsheng-monthly-", dir=out_dir) as folder:
        report = run_batch(
            M.MONTHLY_RULES,
            snapshot,
            as_of,
            params,
            Path(folder),
            outputs=M.MONTHLY_TABLES,
            partitions=partitions,
            progress=progress,
            memory_limit=memory_limit,
        )
        with connect(memory_limit=memory_limit) as con:
            for name in M.MONTHLY_TABLES:
                parts = (Path(folder) / name / "*.parquet").as_posix()
                sorted_file = Path(folder) / f"{name}.parquet"
                # sorted, so a daily partition skips the other households' row groups by their statistics
                con.execute(
                    f"COPY (SELECT * FROM read_parquet('{parts}') ORDER BY household_id) "
                    f"TO '{sorted_file.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
                ).fetchall()
        for name in M.MONTHLY_TABLES:
            (Path(folder) / f"{name}.parquet").replace(out_dir / f"{name}.parquet")
    return report.units[M.ELIGIBILITY.name]


def export_inputs(
    engine: Engine, as_of: dt.date, params: policy.ParameterSet, folder: Path
) -> dict[str, int]:
    """The registry snapshot and the monitoring inputs as `<table>.parquet` in `folder`; rows per table."""
    from minsheng.registry.export import write_parquet

    folder.mkdir(parents=True, exist_ok=True)
    counts = {path.stem: rows for path, rows in write_parquet(engine, folder, as_of)}
    with unit_of_work(engine) as session:
        for name, table in input_tables(session, as_of, params).items():
            pq.write_table(table, folder / f"{name}.parquet")
            counts[name] = table.num_rows
    return counts


# --- the daily run --------------------------------------------------------------------------------


@dataclass
class Candidate:
    household_id: int
    banner_code: str
    risk: str
    level: str
    need_fen: int


@dataclass
class RunReport:
    run_id: int
    as_of: dt.date
    households: int
    risks_found: int
    new: int
    changed: int
    resolved: int
    escalated: int
    closed_by_case: int
    phases: dict[str, float] = field(default_factory=dict)
    by_risk: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.phases.values())


def determine(
    source: Path | dict[str, pa.Table],
    as_of: dt.date,
    params: policy.ParameterSet,
    out_dir: Path,
    *,
    partitions: int = 4,
    progress: bool = True,
    memory_limit: str | None = None,
) -> Any:
    """The engine part of the run: every household of the snapshot, `monitored_population` to `out_dir`."""
    from minsheng.engine.batch import run_batch

    return run_batch(
        M.MONITORED_POPULATION,
        source,
        as_of,
        params,
        out_dir,
        outputs=[M.MONITORED_POPULATION.name],
        partitions=partitions,
        progress=progress,
        memory_limit=memory_limit,
    )


def _population_files(out_dir: Path) -> str:
    return (out_dir / M.MONITORED_POPULATION.name / "*.parquet").as_posix()


def candidates(out_dir: Path) -> pa.Table:
    """(household, banner, risk, level, need) for every risk found: one row per household and risk."""
    parts = " UNION ALL ".join(
        f"SELECT household_id, banner_code, '{risk}' AS risk, {risk} AS level, "
        f"CAST({risk}_need_fen AS BIGINT) AS need_fen FROM p WHERE {risk} IS NOT NULL"
        for risk in RISK
    )
    with connect() as con:
        con.execute(f"CREATE TEMP VIEW p AS SELECT * FROM read_parquet('{_population_files(out_dir)}')")
        return con.sql(parts).to_arrow_table()


def banner_figures(out_dir: Path) -> list[tuple[str, str, int]]:
    """Per banner: households, the monitored population by category, risks found, the take-up gap."""
    categories = ", ".join(
        f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS {c}" for c in ("monitored", *M.POPULATION_CATEGORIES)
    )
    risks = ", ".join(f"SUM(CASE WHEN {r} IS NOT NULL THEN 1 ELSE 0 END) AS risk_{r}" for r in RISK)
    with connect() as con:
        result = con.execute(
            f"""
            SELECT banner_code, COUNT(*) AS households, {categories}, {risks},
                   SUM(CASE WHEN take_up_gap IS NOT NULL THEN take_up_gap_need_fen ELSE 0 END) AS take_up_gap_need_fen
            FROM read_parquet('{_population_files(out_dir)}')
            GROUP BY banner_code ORDER BY banner_code
            """
        )
        names = [d[0] for d in result.description]
        rows = result.fetchall()
    return [
        (row[0], name, int(value or 0))
        for row in rows
        for name, value in zip(names[1:], row[1:], strict=True)
    ]


def run_daily(
    engine: Engine,
    as_of: dt.date,
    *,
    actor: str = SYSTEM_ACTOR,
    partitions: int = 4,
    progress: bool = True,
    params: policy.ParameterSet | None = None,
    work_dir: Path | None = None,
    monthly: Path | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> RunReport:
    """Export, determine every household, merge the risks into alerts, escalate the overdue ones.

    `monthly`: the folder of the month's determination prepared by `prepare_monthly` (the assistance
    rules and the registry's members change monthly); without it that runs first, over the same snapshot."""
    params = params or policy.load()
    phases: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="minsheng-monitor-", dir=work_dir) as folder_name:
        folder = Path(folder_name)
        started = time.perf_counter()
        if on_phase:
            on_phase("export")
        export_inputs(engine, as_of, params, folder / "in")
        phases["export"] = time.perf_counter() - started
        started = time.perf_counter()
        if monthly is not None:
            for name in M.MONTHLY_TABLES:
                (folder / "in" / f"{name}.parquet").symlink_to((Path(monthly) / f"{name}.parquet").resolve())
        else:
            if on_phase:
                on_phase("monthly")
            prepare_monthly(
                folder / "in", as_of, params, folder / "in", partitions=partitions, progress=progress
            )
        phases["monthly"] = time.perf_counter() - started
        if on_phase:
            on_phase("determine")
        report = determine(
            folder / "in", as_of, params, folder / "out", partitions=partitions, progress=progress
        )
        phases["determine"] = report.seconds
        started = time.perf_counter()
        found = candidates(folder / "out")
        figures = banner_figures(folder / "out")
        households = report.units[M.MONITORED_POPULATION.name]
        phases["read"] = time.perf_counter() - started
        started = time.perf_counter()
        if on_phase:
            on_phase("merge")
        with unit_of_work(engine) as session:
            result = merge(session, found, as_of, params, actor=actor, snapshot=folder / "in")
            result.households = households
            result.phases = {**phases, "merge": time.perf_counter() - started}
            run = Run(
                as_of=as_of,
                actor=actor,
                seconds=result.seconds,
                households=households,
                risks_found=found.num_rows,
                new_alerts=result.new,
                changed_alerts=result.changed,
                resolved_alerts=result.resolved,
                escalated_alerts=result.escalated,
            )
            session.add(run)
            session.flush()
            session.add_all(
                BannerFigure(run_id=run.id, banner_code=banner, figure=name, value=value)
                for banner, name, value in figures
            )
            result.run_id = run.id
            audit.append(
                session,
                actor=actor,
                action="monitoring.daily_run",
                entity="monitoring_run",
                entity_id=run.id,
                after={
                    "as_of": as_of,
                    "households": households,
                    "risks_found": found.num_rows,
                    "new": result.new,
                    "changed": result.changed,
                    "resolved": result.resolved,
                    "escalated": result.escalated,
                },
            )
    return result


def _caseworkers(session: Session) -> dict[str, str]:
    """The assistance caseworker of each banner (the first by login when there are several)."""
    found: dict[str, str] = {}
    rows = session.execute(
        select(User.region_code, User.login)
        .where(User.role == CASEWORKER_ROLE, User.disabled.is_(False))
        .order_by(User.login)
    )
    for region, login in rows:
        found.setdefault(region, login)
    return found


def due_on(params: policy.ParameterSet, level: str, opened: dt.date, banner: str) -> dt.date:
    days = params.value(f"monitoring.due_days_{level}", opened, region=banner).value
    return opened + dt.timedelta(days=int(days))


def _evidence_rows(
    snapshot: Path | None,
    session: Session,
    household_ids: list[int],
    as_of: dt.date,
    params: policy.ParameterSet,
) -> dict[str, dict[int, dict[str, Any]]]:
    """The risk rules' full rows (and 低保's) for a few households, run locally: the reasons' values."""
    rules = list(M.RISK_RULES)
    rows: dict[str, dict[int, dict[str, Any]]] = {rule.name: {} for rule in rules} | {"dibao": {}}
    for start in range(0, len(household_ids), EXPLAIN_CHUNK):
        chunk = household_ids[start : start + EXPLAIN_CHUNK]
        if snapshot is not None:
            # row groups outside the chunk are skipped by their statistics (files are sorted by household)
            tables = {
                name: pq.read_table(snapshot / f"{name}.parquet", filters=[("household_id", "in", chunk)])
                for name in ("households", "members", *M.INPUT_SCHEMAS)
            }
            tables.update(_monthly_rows(tables, as_of, params))
        else:
            from minsheng.registry.export import snapshot_for_households

            households, members = snapshot_for_households(session, chunk, as_of)
            tables = {
                "households": households,
                "members": members,
                **input_tables(session, as_of, params, chunk),
            }
            tables.update(_monthly_rows(tables, as_of, params))
        results = run_local_all(rules, tables, as_of, params)
        for rule in rules:
            for row in results[rule.name].to_pylist():
                rows[rule.name][row["household_id"]] = row
        for row in tables["dibao"].to_pylist():
            rows["dibao"][row["household_id"]] = row
    return rows


def _monthly_rows(
    tables: dict[str, pa.Table], as_of: dt.date, params: policy.ParameterSet
) -> dict[str, pa.Table]:
    """The month's determination for these households, locally: its tables, and 低保's rows for its reasons."""
    results = run_local_all(M.MONTHLY_RULES, tables, as_of, params)
    return {**{name: results[name] for name in M.MONTHLY_TABLES}, "dibao": results[A.DIBAO.name]}


def _reasons(rule_name: str, row: dict[str, Any], params: policy.ParameterSet, as_of: dt.date) -> list[dict]:
    rule = M.RISK_BY_NAME.get(rule_name) or A.BY_NAME[rule_name]
    return [reason.as_dict() for reason in explain(rule, row, params, as_of)]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "normalize"):
        return str(value.normalize())
    return value


def _rule_evidence(
    risk: str,
    rows: dict[str, dict[int, dict[str, Any]]],
    household_id: int,
    params: policy.ParameterSet,
    as_of: dt.date,
) -> dict[str, Any]:
    row = rows[risk].get(household_id, {})
    entry: dict[str, Any] = {
        "type": "rule",
        "on": as_of.isoformat(),
        "rule": risk,
        "level": row.get("level"),
        "reasons": _reasons(risk, row, params, as_of) if row else [],
        "values": {k: _plain(v) for k, v in row.items()},
    }
    if risk == "take_up_gap" and household_id in rows["dibao"]:
        entry["dibao_reasons"] = _reasons("dibao", rows["dibao"][household_id], params, as_of)
    return entry


def _signal_evidence(signal: Signal) -> dict[str, Any]:
    return {
        "type": "signal",
        "signal_id": signal.id,
        "kind": signal.kind,
        "source": signal.source,
        "external_ref": signal.external_ref,
        "observed_on": signal.observed_on.isoformat(),
        "amount_fen": signal.amount_fen,
        "previous_fen": signal.previous_fen,
        "person_id": signal.person_id,
        "detail": signal.detail,
    }


def _event(session: Session, alert: Alert, on: dt.date, kind: str, actor: str, **detail: Any) -> None:
    session.add(
        AlertEvent(
            alert_id=alert.id, household_id=alert.household_id, on=on, kind=kind, actor=actor, detail=detail
        )
    )


def merge(
    session: Session,
    found: pa.Table,
    as_of: dt.date,
    params: policy.ParameterSet,
    *,
    actor: str = SYSTEM_ACTOR,
    snapshot: Path | None = None,
) -> RunReport:
    """Open, update or clear alerts from a run's (household, risk) pairs; escalate the overdue."""
    report = RunReport(0, as_of, 0, found.num_rows, 0, 0, 0, 0, 0)
    wanted = {
        (row["household_id"], row["risk"]): Candidate(**row)  # type: ignore[arg-type]
        for row in found.to_pylist()
    }
    for candidate in wanted.values():
        report.by_risk[candidate.risk] = report.by_risk.get(candidate.risk, 0) + 1
    open_alerts = {
        (a.household_id, a.risk): a for a in session.scalars(select(Alert).where(Alert.status != "closed"))
    }
    report.closed_by_case = _close_applied(session, list(open_alerts.values()), as_of, actor)
    open_alerts = {key: a for key, a in open_alerts.items() if a.status != "closed"}

    lookback = _longest_lookback(params)
    touched = sorted({hh for hh, _ in wanted})
    signals_by_household: dict[int, list[Signal]] = {}
    for start in range(0, len(touched), 900):
        chunk = touched[start : start + 900]
        for signal in session.scalars(
            select(Signal).where(
                Signal.household_id.in_(chunk),
                Signal.status == "matched",
                Signal.observed_on <= as_of,
                Signal.observed_on > as_of - lookback,
            )
        ):
            signals_by_household.setdefault(signal.household_id, []).append(signal)  # type: ignore[arg-type]

    def fresh_signals(key: tuple[int, str], known: Sequence[int]) -> list[Signal]:
        kinds = EVIDENCE_KINDS[key[1]]
        return [s for s in signals_by_household.get(key[0], []) if s.kind in kinds and s.id not in known]

    resting = _recently_closed(session, touched, as_of, params)
    to_open: list[Candidate] = []
    to_change: list[tuple[Alert, Candidate, list[Signal]]] = []
    for key, candidate in wanted.items():
        alert = open_alerts.get(key)
        if alert is None:
            closed_level = resting.get(key)
            if closed_level is None or LEVEL_RANK[candidate.level] > LEVEL_RANK[closed_level]:
                to_open.append(candidate)
            continue
        new_signals = fresh_signals(key, alert.signal_ids or [])
        alert.last_seen_on = as_of
        if alert.level != candidate.level or new_signals or alert.risk_cleared_on is not None:
            to_change.append((alert, candidate, new_signals))
    explained = sorted({c.household_id for c in to_open} | {a.household_id for a, _, _ in to_change})
    rows = _evidence_rows(snapshot, session, explained, as_of, params) if explained else {}
    caseworkers = _caseworkers(session)

    for candidate in to_open:
        key = (candidate.household_id, candidate.risk)
        signals = fresh_signals(key, [])
        alert = Alert(
            household_id=candidate.household_id,
            banner_code=candidate.banner_code,
            risk=candidate.risk,
            level=candidate.level,
            status="open",
            need_fen=int(candidate.need_fen or 0),
            assigned_to=caseworkers.get(candidate.banner_code),
            opened_on=as_of,
            due_on=due_on(params, candidate.level, as_of, candidate.banner_code),
            last_seen_on=as_of,
            evidence=[
                _rule_evidence(candidate.risk, rows, candidate.household_id, params, as_of),
                *[_signal_evidence(s) for s in signals],
            ],
            signal_ids=[s.id for s in signals],
        )
        session.add(alert)
        session.flush()
        _event(session, alert, as_of, "opened", actor, level=alert.level, assigned_to=alert.assigned_to)
        report.new += 1

    for alert, candidate, signals in to_change:
        before = alert.level
        if alert.risk_cleared_on is not None:
            _event(session, alert, as_of, "reopened", actor, cleared_on=alert.risk_cleared_on.isoformat())
            alert.risk_cleared_on = None
        alert.evidence = [
            *alert.evidence,
            _rule_evidence(candidate.risk, rows, candidate.household_id, params, as_of),
            *[_signal_evidence(s) for s in signals],
        ]
        alert.signal_ids = [*(alert.signal_ids or []), *[s.id for s in signals]]
        alert.need_fen = int(candidate.need_fen or 0)
        if LEVEL_RANK[candidate.level] > LEVEL_RANK[alert.level]:
            # a higher level shortens the time to visit, never lengthens it
            alert.due_on = min(alert.due_on, due_on(params, candidate.level, as_of, alert.banner_code))
        alert.level = candidate.level
        _event(
            session,
            alert,
            as_of,
            "changed",
            actor,
            level_before=before,
            level=candidate.level,
            signals=[s.id for s in signals],
        )
        report.changed += 1

    for key, alert in open_alerts.items():
        if key not in wanted and alert.risk_cleared_on is None:
            alert.risk_cleared_on = as_of
            _event(session, alert, as_of, "cleared", actor)
            report.resolved += 1
    report.escalated = escalate_overdue(session, as_of, actor=actor)
    session.flush()
    return report


def _recently_closed(
    session: Session, household_ids: Sequence[int], as_of: dt.date, params: policy.ParameterSet
) -> dict[tuple[int, str], str]:
    """(household, risk) → level of alerts closed within monitoring.reopen_after_days: they rest."""
    days = int(params.value("monitoring.reopen_after_days", as_of).value)
    found: dict[tuple[int, str], str] = {}
    for start in range(0, len(household_ids), 900):
        for household_id, risk, level in session.execute(
            select(Alert.household_id, Alert.risk, Alert.level).where(
                Alert.household_id.in_(list(household_ids[start : start + 900])),
                Alert.status == "closed",
                Alert.closed_on > as_of - dt.timedelta(days=days),
            )
        ):
            key = (household_id, risk)
            if key not in found or LEVEL_RANK[level] > LEVEL_RANK[found[key]]:
                found[key] = level
    return found


def _close_applied(session: Session, alerts: list[Alert], today: dt.date, actor: str) -> int:
    """Alerts a case was started from (the case's `source` is "alert:<id>") close as 'applied'."""
    if not alerts or not inspect(session.get_bind()).has_table("assistance_case"):
        return 0
    from minsheng.assistance.models import Case

    by_source = {f"alert:{a.id}": a for a in alerts}
    closed = 0
    keys = list(by_source)
    for start in range(0, len(keys), 900):
        for case_id, source in session.execute(
            select(Case.id, Case.source).where(Case.source.in_(keys[start : start + 900]))
        ):
            alert = by_source[source]
            alert.case_id = case_id
            _close(session, alert, "applied", f"案件 case {case_id}", today, actor)
            closed += 1
    return closed


def escalate_overdue(session: Session, today: dt.date, *, actor: str = SYSTEM_ACTOR) -> int:
    """Alerts past their due date without an outcome go to the league's attention (once)."""
    overdue = session.scalars(
        select(Alert).where(Alert.status != "closed", Alert.due_on < today, Alert.escalated_on.is_(None))
    )
    count = 0
    for alert in overdue:
        alert.escalated_on = today
        alert.escalated_to = regions.league_of(alert.banner_code).code
        _event(
            session, alert, today, "escalated", actor, due_on=alert.due_on.isoformat(), to=alert.escalated_to
        )
        count += 1
    return count


# --- legwork --------------------------------------------------------------------------------------


def get_alert(session: Session, scope: RegionScope, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None or not scope.allows(alert.banner_code):
        raise NotFound("预警 alert", alert_id)
    return alert


def record_visit(
    session: Session,
    scope: RegionScope,
    alert_id: int,
    *,
    visited_on: dt.date,
    findings: str,
    actor: str,
    today: dt.date,
    photos: Sequence[str] = (),
) -> Visit:
    alert = get_alert(session, scope, alert_id)
    problems = []
    if alert.status == "closed":
        problems.append(FieldError("alert", "closed", "预警已办结", "the alert is closed"))
    if visited_on > today:
        problems.append(
            FieldError("visited_on", "in_future", "走访日期晚于今天", "the visit date is in the future")
        )
    if visited_on < alert.opened_on:
        problems.append(
            FieldError(
                "visited_on", "before_alert", "走访日期早于预警日期", "the visit is dated before the alert"
            )
        )
    if not findings.strip():
        problems.append(FieldError("findings", "required", "请填写走访情况", "describe what the visit found"))
    if problems:
        raise DomainError(
            "invalid_visit", "走访记录有误,未保存", "invalid visit record; nothing was saved", 422, problems
        )
    visit = Visit(
        alert=alert,
        visited_on=visited_on,
        visitor=actor,
        findings=findings.strip()[:4000],
        photos=list(photos),
    )
    session.add(visit)
    alert.status = "visited"
    session.flush()
    _event(session, alert, visited_on, "visited", actor, visit_id=visit.id)
    audit.append(
        session,
        actor=actor,
        action="monitoring.visit",
        entity="monitoring_alert",
        entity_id=alert.id,
        region_code=alert.banner_code,
        subject=f"household:{alert.household_id}",
        after={"visit_id": visit.id, "visited_on": visited_on, "findings": visit.findings},
    )
    return visit


def _close(
    session: Session, alert: Alert, outcome: str, note: str | None, today: dt.date, actor: str
) -> None:
    before = {"status": alert.status, "outcome": alert.outcome}
    alert.outcome = outcome
    alert.outcome_note = note
    alert.status = "closed"
    alert.closed_on = today
    alert.closed_by = actor
    session.flush()
    _event(session, alert, today, "closed", actor, outcome=outcome, note=note, case_id=alert.case_id)
    audit.append(
        session,
        actor=actor,
        action="monitoring.alert_closed",
        entity="monitoring_alert",
        entity_id=alert.id,
        region_code=alert.banner_code,
        subject=f"household:{alert.household_id}",
        before=before,
        after={"status": "closed", "outcome": outcome, "note": note, "case_id": alert.case_id},
    )


def close_alert(
    session: Session,
    scope: RegionScope,
    alert_id: int,
    *,
    outcome: str | None,
    note: str | None,
    actor: str,
    today: dt.date,
    case_id: int | None = None,
) -> Alert:
    """Close with an outcome — never without one; 'no hardship' needs a visit on record first."""
    alert = get_alert(session, scope, alert_id)
    problems = []
    if alert.status == "closed":
        problems.append(FieldError("alert", "closed", "预警已办结", "the alert is already closed"))
    if not outcome:
        problems.append(
            FieldError(
                "outcome", "required", "办结须填写处置结果", "an alert cannot be closed without an outcome"
            )
        )
    elif outcome not in OUTCOME:
        problems.append(
            FieldError(
                "outcome", "unknown_outcome", f"未知的处置结果 {outcome!r}", f"unknown outcome {outcome!r}"
            )
        )
    elif outcome == "no_hardship" and not alert.visits:
        problems.append(
            FieldError(
                "outcome",
                "visit_required",
                "认定无困难须先有走访记录",
                "'no hardship' needs a visit on record first",
            )
        )
    if problems:
        raise DomainError("cannot_close", "预警未办结", "the alert was not closed", 422, problems)
    if case_id is not None:
        alert.case_id = case_id
    _close(session, alert, outcome, (note or "").strip()[:500] or None, today, actor)  # type: ignore[arg-type]
    return alert


# --- reads ----------------------------------------------------------------------------------------


def alert_queue(
    session: Session,
    scope: RegionScope,
    today: dt.date,
    *,
    assigned_to: str | None = None,
    risk: str | None = None,
    level: str | None = None,
    include_closed: bool = False,
    overdue_only: bool = False,
    limit: int = 200,
) -> list[Alert]:
    """Open alerts in scope: overdue first, then by level, need and due date."""
    query = select(Alert).where(scope.where(Alert.banner_code))
    if not include_closed:
        query = query.where(Alert.status != "closed")
    if assigned_to:
        query = query.where(or_(Alert.assigned_to == assigned_to, Alert.assigned_to.is_(None)))
    if risk:
        query = query.where(Alert.risk == risk)
    if level:
        query = query.where(Alert.level == level)
    if overdue_only:
        query = query.where(Alert.due_on < today, Alert.status != "closed")

    overdue = case((and_(Alert.due_on < today, Alert.status != "closed"), 0), else_=1)
    rank = case((Alert.level == "high", 0), (Alert.level == "medium", 1), else_=2)
    return list(
        session.scalars(
            query.order_by(overdue, rank, Alert.need_fen.desc(), Alert.due_on, Alert.id).limit(limit)
        )
    )


def discovery(session: Session, scope: RegionScope, limit: int = 100) -> list[Alert]:
    """主动发现 eligible households without a case, open, ranked by need (the gap to the line)."""
    return list(
        session.scalars(
            select(Alert)
            .where(scope.where(Alert.banner_code), Alert.risk == "take_up_gap", Alert.status != "closed")
            .order_by(Alert.need_fen.desc(), Alert.id)
            .limit(limit)
        )
    )


def household_timeline(session: Session, scope: RegionScope, household_id: int) -> dict[str, Any]:
    """A household's risks over time: its signals, alerts, alert events and visits, oldest first."""
    household = session.get(Household, household_id)
    if household is None or not scope.allows(household.banner_code):
        raise NotFound("家庭户 household", household_id)
    alerts = list(session.scalars(select(Alert).where(Alert.household_id == household_id).order_by(Alert.id)))
    events = list(
        session.scalars(
            select(AlertEvent)
            .where(AlertEvent.household_id == household_id)
            .order_by(AlertEvent.on, AlertEvent.id)
        )
    )
    signals = list(
        session.scalars(
            select(Signal).where(Signal.household_id == household_id).order_by(Signal.observed_on, Signal.id)
        )
    )
    entries: list[dict[str, Any]] = []
    for signal in signals:
        entries.append({"on": signal.observed_on, "type": "signal", "signal": signal})
    by_id = {a.id: a for a in alerts}
    for event in events:
        entries.append({"on": event.on, "type": "event", "event": event, "alert": by_id.get(event.alert_id)})
    entries.sort(key=lambda e: (e["on"], 0 if e["type"] == "signal" else 1))
    return {"household": household, "alerts": alerts, "entries": entries}


def latest_run(session: Session) -> Run | None:
    return session.scalars(select(Run).order_by(Run.id.desc()).limit(1)).first()


def dashboard(session: Session, scope: RegionScope, today: dt.date) -> dict[str, Any]:
    """Alerts by risk and level, overdue, outcomes, and the latest run's population and take-up gap by area."""
    in_scope = scope.where(Alert.banner_code)
    by_risk_level: dict[str, dict[str, int]] = {risk: {"high": 0, "medium": 0, "low": 0} for risk in RISK}
    for risk, level, count in session.execute(
        select(Alert.risk, Alert.level, func.count())
        .where(in_scope, Alert.status != "closed")
        .group_by(Alert.risk, Alert.level)
    ):
        by_risk_level[risk][level] = count
    overdue, escalated = session.execute(
        select(
            func.count(case((Alert.due_on < today, 1))),
            func.count(case((Alert.escalated_on.is_not(None), 1))),
        ).where(in_scope, Alert.status != "closed")
    ).one()
    open_count = sum(sum(levels.values()) for levels in by_risk_level.values())
    outcomes = {name: 0 for name in OUTCOME}
    for outcome, count in session.execute(
        select(Alert.outcome, func.count()).where(in_scope, Alert.status == "closed").group_by(Alert.outcome)
    ):
        outcomes[outcome] = count
    unmatched = session.scalar(
        select(func.count())
        .select_from(Signal)
        .where(Signal.status == "unmatched", scope.where(Signal.banner_code))
    )
    run = latest_run(session)
    areas: list[dict[str, Any]] = []
    if run is not None:
        league_level = scope.is_region_wide
        figures: dict[str, dict[str, int]] = {}
        for banner, figure, value in session.execute(
            select(BannerFigure.banner_code, BannerFigure.figure, BannerFigure.value).where(
                BannerFigure.run_id == run.id, scope.where(BannerFigure.banner_code)
            )
        ):
            area = regions.league_of(banner).code if league_level else banner
            figures.setdefault(area, {})
            figures[area][figure] = figures[area].get(figure, 0) + value
        for code in sorted(figures):
            region = regions.get(code)
            areas.append(
                {"code": code, "name_zh": region.label("zh"), "name_en": region.label("en"), **figures[code]}
            )
    return {
        "by_risk_level": by_risk_level,
        "open": open_count or 0,
        "overdue": overdue or 0,
        "escalated": escalated or 0,
        "outcomes": outcomes,
        "unmatched": unmatched or 0,
        "run": run,
        "areas": areas,
    }
