"""Alert legwork rules: duplicate signals merge into one alert per household and risk; nothing closes
without an outcome (the service refuses, and so does the database); overdue alerts escalate; a risk no
longer found leaves the alert open until an outcome is recorded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from minsheng.api.errors import DomainError
from minsheng.monitoring import service
from minsheng.monitoring.models import Alert, AlertEvent, Signal
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

from .conftest import AS_OF, BANNER, caseworker, household, person, record, send

SCOPE = RegionScope(BANNER)


def _sick_household(session):
    patient = person("head", date(1980, 1, 1), wages_yuan=2000)
    home = household(session, patient, person("spouse", date(1982, 1, 1), sex="F"))
    return home.id, patient.id_number


def test_duplicate_signals_for_one_household_and_risk_merge_into_one_alert(engine):
    with unit_of_work() as session:
        caseworker(session)
        household_id, number = _sick_household(session)
        send(
            session, "medical", record(number, "medical_bill", AS_OF - timedelta(days=40), amount_yuan="9000")
        )
        send(
            session, "medical", record(number, "medical_bill", AS_OF - timedelta(days=20), amount_yuan="8000")
        )
    first = service.run_daily(engine, AS_OF, progress=False)
    assert first.by_risk["medical_burden"] == 1
    with unit_of_work() as session:
        (alert,) = session.scalars(
            select(Alert).where(Alert.household_id == household_id, Alert.risk == "medical_burden")
        )
        assert (
            alert.level == "medium"
        )  # 17 000 of 24 000 a year: above half, below the whole, no large bill this month
        assert len(alert.signal_ids) == 2
        alert_id = alert.id
        send(session, "medical", record(number, "medical_bill", AS_OF, amount_yuan="25000"))

    again = service.run_daily(engine, AS_OF + timedelta(days=1), progress=False)
    assert (again.new, again.changed) == (0, 1)
    with unit_of_work() as session:
        alerts = session.scalars(
            select(Alert).where(Alert.household_id == household_id, Alert.risk == "medical_burden")
        ).all()
        assert [a.id for a in alerts] == [alert_id]  # still one alert, with all evidence
        alert = alerts[0]
        assert len(alert.signal_ids) == 3
        assert len([e for e in alert.evidence if e["type"] == "signal"]) == 3
        assert alert.level == "high"  # the large bill this month raised it
        assert alert.due_on == AS_OF + timedelta(days=1) + timedelta(
            days=3
        )  # the higher level's shorter due date
        kinds = [e.kind for e in session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert_id))]
        assert kinds == ["opened", "changed"]

    unchanged = service.run_daily(engine, AS_OF + timedelta(days=2), progress=False)
    assert (unchanged.new, unchanged.changed) == (0, 0)


def test_an_alert_is_never_closed_without_an_outcome(engine):
    with unit_of_work() as session:
        caseworker(session)
        household_id, number = _sick_household(session)
        send(session, "medical", record(number, "medical_bill", AS_OF, amount_yuan="30000"))
    service.run_daily(engine, AS_OF, progress=False)
    with unit_of_work() as session:
        alert = session.scalars(select(Alert).where(Alert.household_id == household_id)).first()
        alert_id = alert.id
        with pytest.raises(DomainError) as refused:
            service.close_alert(session, SCOPE, alert_id, outcome=None, note="", actor="x", today=AS_OF)
        assert [f.field for f in refused.value.fields] == ["outcome"]
        with pytest.raises(DomainError) as refused:
            service.close_alert(
                session, SCOPE, alert_id, outcome="no_hardship", note="", actor="x", today=AS_OF
            )
        assert refused.value.fields[0].rule == "visit_required"
        assert session.get(Alert, alert_id).status == "open"
    # the database refuses a closed alert without an outcome, whatever code tries it
    with pytest.raises(IntegrityError), unit_of_work() as session:
        session.execute(update(Alert).where(Alert.id == alert_id).values(status="closed", closed_on=AS_OF))
    with unit_of_work() as session:
        service.record_visit(
            session, SCOPE, alert_id, visited_on=AS_OF, findings="已报销,无困难", actor="x", today=AS_OF
        )
        alert = service.close_alert(
            session, SCOPE, alert_id, outcome="referred_medical", note="转医疗救助", actor="x", today=AS_OF
        )
        assert (alert.status, alert.outcome, alert.closed_on) == ("closed", "referred_medical", AS_OF)
        with pytest.raises(DomainError):
            service.close_alert(session, SCOPE, alert_id, outcome="applied", note="", actor="x", today=AS_OF)


def test_overdue_alerts_escalate_once_and_a_cleared_risk_keeps_the_alert_open(engine):
    with unit_of_work() as session:
        caseworker(session)
        household_id, number = _sick_household(session)
        send(session, "medical", record(number, "medical_bill", AS_OF, amount_yuan="30000"))
    service.run_daily(engine, AS_OF, progress=False)
    late = AS_OF + timedelta(days=4)  # high: due in 3 days
    report = service.run_daily(engine, late, progress=False)
    assert report.escalated == 1
    assert service.run_daily(engine, late + timedelta(days=1), progress=False).escalated == 0
    with unit_of_work() as session:
        alert = session.scalars(select(Alert).where(Alert.household_id == household_id)).first()
        assert (alert.escalated_on, alert.escalated_to) == (late, "150400")
        overdue = service.alert_queue(session, RegionScope("150400"), late, overdue_only=True)
        assert [a.id for a in overdue] == [alert.id]
    # a year later the bill is out of the 12-month window: the risk is cleared, the alert stays open
    report = service.run_daily(engine, AS_OF + timedelta(days=400), progress=False)
    assert report.resolved == 1
    with unit_of_work() as session:
        alert = session.get(Alert, alert.id)
        assert alert.status == "open" and alert.risk_cleared_on == AS_OF + timedelta(days=400)


def test_the_months_prepared_determination_gives_the_same_risks_as_running_it_first(sqlite_engine, tmp_path):
    from minsheng import policy
    from minsheng.registry.export import write_parquet

    with unit_of_work() as session:
        household(session, person("head", date(1985, 2, 2)), person("spouse", date(1987, 5, 5), sex="F"))
        _, number = _sick_household(session)
        send(session, "medical", record(number, "medical_bill", AS_OF, amount_yuan="30000"))
    write_parquet(sqlite_engine, tmp_path / "snapshot", AS_OF)
    monthly = tmp_path / "month"
    assert service.prepare_monthly(tmp_path / "snapshot", AS_OF, policy.load(), monthly, progress=False) == 2
    assert service.monthly_ready(monthly)
    with_file = service.run_daily(sqlite_engine, AS_OF, progress=False, monthly=monthly)
    assert with_file.by_risk == {"take_up_gap": 1, "medical_burden": 1}
    fresh = service.run_daily(sqlite_engine, AS_OF, progress=False)
    assert fresh.by_risk == with_file.by_risk and (fresh.new, fresh.changed) == (0, 0)


def test_a_partners_excel_file_with_chinese_headers_is_received(sqlite_engine, tmp_path):
    import polars as pl

    from minsheng import idcard
    from minsheng.monitoring import signals

    with unit_of_work() as session:
        _, number = _sick_household(session)
    unknown = idcard.make(BANNER, date(1979, 4, 18), 997)
    path = tmp_path / "医保局.xlsx"
    pl.DataFrame(
        {
            "记录编号": ["X-1", "X-2"],
            "身份证号": [number, unknown],
            "信号类型": ["medical_bill", "medical_bill"],
            "发生日期": [AS_OF.isoformat(), AS_OF.isoformat()],
            "金额": ["12,000.50", "300"],
        }
    ).write_excel(path)
    with unit_of_work() as session:
        result = signals.ingest(
            session,
            signals.read_file(path),
            source="medical",
            channel="file",
            actor="x",
            today=AS_OF,
            filename=path.name,
        )
        assert (result.matched, result.unmatched_refs) == (1, ["X-2"])
        matched = session.scalars(select(Signal).where(Signal.external_ref == "X-1")).one()
        assert matched.amount_fen == 1_200_050 and matched.household_id is not None
    with pytest.raises(DomainError) as refused, unit_of_work() as session:
        signals.ingest(
            session,
            [
                {
                    "external_ref": "X-3",
                    "id_number": number,
                    "kind": "medical_bill",
                    "observed_on": "2024-13-01",
                }
            ],
            source="medical",
            channel="api",
            actor="x",
            today=AS_OF,
        )
    assert {f.field for f in refused.value.fields} == {"records.0.observed_on", "records.0.amount_yuan"}
    with unit_of_work() as session:
        assert session.scalars(select(Signal).where(Signal.external_ref == "X-3")).first() is None
