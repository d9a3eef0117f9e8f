"""The issue's acceptance stories, on SQLite and PostgreSQL: a hospital bill and an income drop become
one alert for the banner's caseworker, who visits and starts a 低保 application from it; an eligible
household without a case is discovered with the rule's reasons; an unknown ID is reported unmatched."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from minsheng.assistance import cases
from minsheng.monitoring import service, signals
from minsheng.monitoring.models import Alert, Signal
from minsheng.security.scope import RegionScope
from minsheng.store.db import unit_of_work

from .conftest import AS_OF, BANNER, household, person, record, send

SCOPE = RegionScope(BANNER)


def _alerts(session, household_id: int) -> dict[str, Alert]:
    return {a.risk: a for a in session.scalars(select(Alert).where(Alert.household_id == household_id))}


def test_hospital_bill_and_income_drop_become_one_alert_visited_and_turned_into_an_application(engine):
    with unit_of_work() as session:
        from .conftest import caseworker

        login = caseworker(session)
        earner = person("head", date(1982, 3, 1), wages_yuan=3000, name="巴特尔")
        patient = person("spouse", date(1984, 7, 9), sex="F", name="其其格")
        home = household(session, earner, patient)
        household_id = home.id
        other = household(session, person("head", date(1975, 1, 1), wages_yuan=9000))
        other_id = other.id
        send(
            session,
            "medical",
            record(patient.id_number, "medical_bill", AS_OF - timedelta(days=5), amount_yuan="60000.00"),
        )
        send(
            session,
            "tax",
            record(
                earner.id_number,
                "income_drop",
                AS_OF - timedelta(days=10),
                amount_yuan="500",
                previous_yuan="3000",
            ),
        )
    report = service.run_daily(engine, AS_OF, progress=False, partitions=2)
    assert report.households == 2
    assert report.new >= 1

    with unit_of_work() as session:
        alerts = _alerts(session, household_id)
        assert _alerts(session, other_id) == {}
        alert = alerts["medical_burden"]
        assert alert.assigned_to == login
        assert alert.level == "high"  # a 60 000 yuan bill this month
        assert alert.due_on == AS_OF + timedelta(days=3)  # high: monitoring.due_days_high
        kinds = sorted(e["kind"] for e in alert.evidence if e["type"] == "signal")
        assert kinds == ["income_drop", "medical_bill"]  # both signals, one alert
        rule = next(e for e in alert.evidence if e["type"] == "rule")
        checks = {r["check"]: r for r in rule["reasons"]}
        assert checks["self_pay_above_share"]["passed"]
        assert "60,000.00" in checks["self_pay_above_share"]["text_zh"]
        # income after the drop: 500 yuan a month → 6 000 a year; 60 000 is far above half of it
        assert rule["values"]["annual_income_fen"] == 600_000
        assert checks["large_bill_this_month"]["passed"] and checks["income_fell"]["passed"]
        assert alerts["income_fall"].level == "high"  # 500 yuan for 2 is below the 低保 line
        queue = service.alert_queue(session, SCOPE, AS_OF, assigned_to=login)
        assert alert.id in [a.id for a in queue]
        alert_id = alert.id

        service.record_visit(
            session,
            SCOPE,
            alert_id,
            visited_on=AS_OF,
            findings="住院费用高,丈夫失业",
            actor=login,
            today=AS_OF,
        )
        alert = session.get(Alert, alert_id)
        assert alert.status == "visited"
        link = service.application_link(alert)
        assert link == f"/assistance/cases/new?household={household_id}&programme=dibao&alert={alert_id}"
        # what assistance's new-case page does with the link: a 低保 application from the alert
        from minsheng.security.roles import ROLE_PERMISSIONS

        case = cases.open_case(
            session,
            household_id=household_id,
            programme="dibao",
            submitted_on=AS_OF,
            actor=cases.Actor(login, ROLE_PERMISSIONS["assistance_caseworker"], SCOPE),
            source=f"alert:{alert_id}",
        )
        case_id = case.id

    report = service.run_daily(engine, AS_OF + timedelta(days=1), progress=False)
    assert report.closed_by_case == 1
    with unit_of_work() as session:
        alert = session.get(Alert, alert_id)
        assert (alert.status, alert.outcome, alert.case_id) == ("closed", "applied", case_id)
        # the same household and risk are not alerted again while the case is being handled
        open_alerts = [a for a in _alerts(session, household_id).values() if a.status != "closed"]
        assert "medical_burden" not in {a.risk for a in open_alerts}


def test_discovery_finds_eligible_households_without_a_case_ranked_by_need_with_the_rules_reasons(engine):
    with unit_of_work() as session:
        poorer = household(
            session, person("head", date(1985, 2, 2)), person("spouse", date(1987, 5, 5), sex="F")
        )
        poor = household(session, person("head", date(1976, 3, 3), wages_yuan=600))
        well_off = household(session, person("head", date(1980, 4, 4), wages_yuan=8000))
        ids = (poorer.id, poor.id, well_off.id)
    service.run_daily(engine, AS_OF, progress=False)
    with unit_of_work() as session:
        found = service.discovery(session, SCOPE)
        assert [a.household_id for a in found] == [ids[0], ids[1]]  # largest gap first, the well-off absent
        top = found[0]
        assert top.need_fen == 2 * 67_000  # two members, no income: the whole rural line (670 yuan each)
        rule = top.evidence[0]
        assert rule["rule"] == "take_up_gap"
        reasons = {r["check"]: r for r in rule["dibao_reasons"]}
        assert reasons["income_below_standard"]["passed"]
        assert "670.00" in reasons["income_below_standard"]["text_zh"]
        assert {r["check"]: r["passed"] for r in rule["reasons"]}["no_dibao_case"] is True


def test_a_signal_for_an_id_not_in_the_registry_is_kept_and_reported_unmatched(engine):
    from minsheng import idcard

    unknown = idcard.make(BANNER, date(1979, 4, 18), 997)
    with unit_of_work() as session:
        known = person("head", date(1970, 1, 1), wages_yuan=2000)
        household(session, known)
        result = send(
            session,
            "medical",
            record(known.id_number, "medical_bill", AS_OF, ref="A-1", amount_yuan="1000"),
            record(unknown, "medical_bill", AS_OF, ref="A-2", amount_yuan="35000"),
        )
        assert (result.matched, result.unmatched, result.unmatched_refs) == (1, 1, ["A-2"])
        listed = signals.unmatched_signals(session, SCOPE)
        assert [(s.external_ref, s.id_number_masked, s.amount_fen) for s in listed] == [
            ("A-2", idcard.mask(unknown), 3_500_000)
        ]
        # the same file again: counted as duplicates, stored once
        again = send(
            session,
            "medical",
            record(known.id_number, "medical_bill", AS_OF, ref="A-1", amount_yuan="1000"),
            record(unknown, "medical_bill", AS_OF, ref="A-2", amount_yuan="35000"),
        )
        assert (again.duplicates, again.matched, again.unmatched) == (2, 0, 0)
        assert len(session.scalars(select(Signal)).all()) == 2
    # an unmatched signal never reaches a household's alert, and the run does not fail on it
    report = service.run_daily(engine, AS_OF, progress=False)
    assert report.households == 1
