"""The monthly payment cycle on SQLite and PostgreSQL: amounts to the fen, reruns, approval, bank
files, return files (good and bad), re-issue of failed lines, reconciliation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from minsheng.api.errors import Conflict, DomainError
from minsheng.assistance import cycle
from minsheng.assistance.cycle_models import BankFile, Cycle, PaymentLine, PaymentReturn
from minsheng.assistance.models import Adjustment
from minsheng.security.scope import REGION_WIDE, RegionScope
from minsheng.store.db import unit_of_work

from .cycle_data import DEC, EXPECTED_DEC, FEB, JAN, standard_cases

APPROVE = frozenset({"assistance.approve"})


def lines_of(engine, cycle_id: int | None = None) -> dict[int, tuple]:
    with unit_of_work(engine) as s:
        query = select(PaymentLine).order_by(PaymentLine.case_id, PaymentLine.month)
        if cycle_id is not None:
            query = query.where(PaymentLine.cycle_id == cycle_id)
        return {
            (line.case_id, line.month): (
                line.base_fen,
                line.adjustment_fen,
                line.reissue_fen,
                line.carried_fen,
                line.amount_fen,
                line.status,
            )
            for line in s.execute(query).scalars()
        }


def build_approve_export(
    engine, month, tmp_path: Path, region: str = "150000", builder="builder", approver="approver"
):
    built = cycle.build(month, region, actor=builder, engine=engine, chunk=3)
    with unit_of_work(engine) as s:
        cycle.approve(s, s.get(Cycle, built.cycle_id), actor=approver, permissions=APPROVE, scope=REGION_WIDE)
    exported = cycle.export(built.cycle_id, actor=approver, engine=engine, out_dir=tmp_path)
    return built, exported


def answer_bank(engine, file: dict, month, failing: dict[str, str] | None = None, region="150000") -> bytes:
    failing = failing or {}
    details = cycle.read_payment_file(Path(file["file_name"]))
    rows = [
        (case_no, "FAILED" if case_no in failing else "PAID", amount, failing.get(case_no, ""))
        for case_no, _n, _a, amount, _p, _b in details
    ]
    return cycle.return_file(rows, file["bank_code"], month, region)


def test_december_lines_to_the_fen_and_reconciled(engine, tmp_path):
    ids = standard_cases(engine)
    result = cycle.build("2023-12", actor="builder", engine=engine, chunk=3)
    lines = lines_of(engine)
    got = {name: lines[(ids[name], DEC)][:5] for name in EXPECTED_DEC}
    assert got == EXPECTED_DEC
    # ended, suspended, not yet started and unpayable (no account) cases have no line
    assert len(lines) == len(EXPECTED_DEC)
    assert result.lines == 6 and result.total_fen == sum(v[4] for v in EXPECTED_DEC.values())
    with unit_of_work(engine) as s:
        settled = s.execute(
            select(Adjustment.case_id, Adjustment.settled_in_month, Adjustment.amount_fen)
        ).all()
        # the four adjustments settled in December, and the remainder carried as a new one
        assert sorted(settled, key=repr) == sorted(
            [
                (ids["arrears"], DEC, 15055),
                (ids["arrears"], DEC, 15055),
                (ids["overpaid"], DEC, -7001),
                (ids["wiped_out"], DEC, -25000),
                (ids["wiped_out"], None, -15000),
            ],
            key=repr,
        )
        report = cycle.reconciliation(s, s.get(Cycle, result.cycle_id))
    assert report["ok"]
    assert report["total"]["case_owed_fen"] == report["total"]["line_amount_fen"] == result.total_fen
    assert report["total"]["case_cases"] == 7 and report["total"]["case_payable"] == 6  # no_account
    assert [(u["case_id"], u["reason_en"]) for u in report["unpayable"]] == [
        (ids["no_account"], "the payee has no bank account")
    ]
    by_key = {(r["programme"], r["league_code"]): r for r in report["rows"]}
    assert by_key[("tekun", "150100")]["line_amount_fen"] == 150110
    assert by_key[("dibao", "150400")]["line_amount_fen"] == 61234 + 40000

    build_approve_export_after = cycle.build("2023-12", actor="builder", engine=engine)
    assert build_approve_export_after.already_built
    with unit_of_work(engine) as s:
        cycle.approve(
            s, s.get(Cycle, result.cycle_id), actor="approver", permissions=APPROVE, scope=REGION_WIDE
        )
    exported = cycle.export(result.cycle_id, actor="approver", engine=engine, out_dir=tmp_path)
    # the zero line is not sent; every bank's file carries its lines and totals
    assert {f["bank_code"]: (f["line_count"], f["total_fen"]) for f in exported.files} == {
        "ABC": (2, 101234),
        "BOC": (1, 192000),
        "ICBC": (2, 150110 + 22999),
    }
    for file in exported.files:
        text = Path(file["file_name"]).read_text(encoding="utf-8")
        assert text.splitlines()[-2] == f"T,{file['line_count']},{file['total_fen']}"
        assert text.splitlines()[-1].startswith("C,")
    with unit_of_work(engine) as s:
        report = cycle.reconciliation(s, s.get(Cycle, result.cycle_id))
    assert report["ok"] and report["total"]["file_fen"] == result.total_fen


def test_rerun_and_overlapping_cycle_never_pay_twice(engine, tmp_path):
    standard_cases(engine)
    league = cycle.build("2023-12", "150400", actor="builder", engine=engine, chunk=2)
    first = lines_of(engine)
    again = cycle.build("2023-12", "150400", actor="builder", engine=engine, chunk=2)
    assert lines_of(engine) == first and again.new_lines == 0 and again.lines == league.lines == 3
    # the region's cycle for the same month pays only the cases the league's did not
    region = cycle.build("2023-12", actor="builder", engine=engine, chunk=5)
    assert region.lines == 3
    complete = lines_of(engine)
    assert len(complete) == 6

    # a build stopped half-way (its cycle still "building", some chunks undone) is finished by the
    # rerun with the same lines: undo the region cycle's later chunk as a crash before its commit would
    with unit_of_work(engine) as s:
        undone = select(PaymentLine.case_id).where(
            PaymentLine.cycle_id == region.cycle_id, PaymentLine.programme != "tekun"
        )
        s.execute(
            Adjustment.__table__.update().where(Adjustment.case_id.in_(undone)).values(settled_in_month=None)
        )
        s.execute(
            PaymentLine.__table__.delete().where(
                PaymentLine.cycle_id == region.cycle_id, PaymentLine.programme != "tekun"
            )
        )
        s.execute(
            Cycle.__table__.update()
            .where(Cycle.id == region.cycle_id)
            .values(status="building", line_count=None)
        )
    assert len(lines_of(engine, region.cycle_id)) == 1
    rerun = cycle.build("2023-12", actor="builder", engine=engine, chunk=5)
    assert (rerun.lines, rerun.new_lines, rerun.total_fen) == (3, 2, region.total_fen)
    assert lines_of(engine) == complete


def test_approval_needs_another_approver(engine, tmp_path):
    standard_cases(engine)
    built = cycle.build("2023-12", "150426", actor="alice", engine=engine)
    with unit_of_work(engine) as s:
        with pytest.raises(Conflict) as conflict:
            cycle.approve(
                s, s.get(Cycle, built.cycle_id), actor="alice", permissions=APPROVE, scope=REGION_WIDE
            )
        assert conflict.value.fields[0].rule == "four_eyes"
        with pytest.raises(DomainError) as forbidden:
            cycle.approve(
                s, s.get(Cycle, built.cycle_id), actor="bob", permissions=frozenset(), scope=REGION_WIDE
            )
        assert forbidden.value.status_code == 403
        with pytest.raises(DomainError) as elsewhere:  # a banner approver of another banner
            cycle.approve(
                s, s.get(Cycle, built.cycle_id), actor="bob", permissions=APPROVE, scope=RegionScope("150102")
            )
        assert elsewhere.value.status_code == 404
    wide = cycle.build("2023-12", "150000", actor="alice", engine=engine)
    with unit_of_work(engine) as s:  # a league's approver sees the region's cycle but may not approve it
        with pytest.raises(DomainError) as too_wide:
            cycle.approve(
                s, s.get(Cycle, wide.cycle_id), actor="bob", permissions=APPROVE, scope=RegionScope("150400")
            )
        assert too_wide.value.status_code == 403 and too_wide.value.code == "out_of_scope"
    with pytest.raises(Conflict):  # not approved: no bank file
        cycle.export(built.cycle_id, actor="bob", engine=engine, out_dir=tmp_path)
    with unit_of_work(engine) as s:
        cycle.approve(
            s, s.get(Cycle, built.cycle_id), actor="bob", permissions=APPROVE, scope=RegionScope("150400")
        )
    with unit_of_work(engine) as s:
        approved = s.get(Cycle, built.cycle_id)
        assert (approved.status, approved.approved_by) == ("approved", "bob")
        with pytest.raises(Conflict):
            cycle.approve(s, approved, actor="carol", permissions=APPROVE, scope=REGION_WIDE)
    assert not list(tmp_path.iterdir())


def test_failed_line_is_reissued_next_month_exactly_once(engine, tmp_path):
    ids = standard_cases(engine)
    december, exported = build_approve_export(engine, "2023-12", tmp_path / "dec")
    icbc = next(f for f in exported.files if f["bank_code"] == "ICBC")
    failing_case = f"DB150102-2023-{4:06d}"  # the overpaid case: its 22 999 fen fail
    with unit_of_work(engine) as s:
        for file in exported.files:
            failing = {failing_case: "ACCOUNT_FROZEN"} if file is icbc else {}
            cycle.import_returns(s, answer_bank(engine, file, DEC, failing), actor="bank")
    with unit_of_work(engine) as s:
        assert s.get(Cycle, december.cycle_id).status == "returns_imported"
        failed = s.execute(select(PaymentLine).where(PaymentLine.status == "failed")).scalars().all()
        assert [(f.case_id, f.amount_fen, f.return_reason) for f in failed] == [
            (ids["overpaid"], 22999, "ACCOUNT_FROZEN")
        ]
        report = cycle.reconciliation(s, s.get(Cycle, december.cycle_id))
    assert report["ok"]
    assert (report["total"]["line_paid_fen"], report["total"]["line_failed_fen"]) == (
        december.total_fen - 22999,
        22999,
    )

    january = cycle.build("2024-01", actor="builder", engine=engine, chunk=4)
    jan_lines = lines_of(engine, january.cycle_id)
    # 30 000 for January, the failed 22 999 again, and the 15 000 carried from December deducted
    assert jan_lines[(ids["overpaid"], JAN)][:5] == (30000, 0, 22999, 0, 52999)
    assert jan_lines[(ids["wiped_out"], JAN)][:5] == (10000, -15000, 0, -5000, 0)
    assert jan_lines[(ids["future_raise"], JAN)][:5] == (45000, 0, 0, 0, 45000)
    again = cycle.build("2024-01", actor="builder", engine=engine)
    assert again.new_lines == 0 and lines_of(engine, january.cycle_id) == jan_lines
    with unit_of_work(engine) as s:
        line = s.execute(select(PaymentLine).where(PaymentLine.id == failed[0].id)).scalar_one()
        assert line.reissued_in_month == JAN
        report = cycle.reconciliation(s, s.get(Cycle, january.cycle_id))
    assert report["ok"] and report["total"]["case_reissue_fen"] == 22999

    february = cycle.build("2024-02", actor="builder", engine=engine)
    assert lines_of(engine, february.cycle_id)[(ids["overpaid"], FEB)][:5] == (30000, 0, 0, 0, 30000)


def test_bad_return_file_is_refused_naming_the_line_and_changes_nothing(engine, tmp_path):
    standard_cases(engine)
    _, exported = build_approve_export(engine, "2023-12", tmp_path)
    icbc = next(f for f in exported.files if f["bank_code"] == "ICBC")
    good = answer_bank(engine, icbc, DEC).decode()
    rows = good.split("\n")

    def refused(content: str) -> DomainError:
        with unit_of_work(engine) as s, pytest.raises(DomainError) as problem:
            cycle.import_returns(s, content.encode(), actor="bank")
        return problem.value

    wrong_amount = rows.copy()
    fields = wrong_amount[3].split(",")
    fields[3] = str(int(fields[3]) + 1)
    wrong_amount[3] = ",".join(fields)
    problem = refused("\n".join(wrong_amount))
    assert problem.fields[0].field == "line 4.amount_fen"
    assert "第 4 行" in problem.message_zh

    tampered = rows.copy()
    tampered[2] = tampered[2].replace(",PAID,", ",FAILED,") + "ACCOUNT_CLOSED"
    problem = refused("\n".join(tampered))
    assert problem.fields[0].field.endswith(".control")  # edited after the control line was computed

    unknown_reason = cycle.return_file(
        [("DB150102-2023-000003", "FAILED", 150110, "LOST"), ("DB150102-2023-000004", "PAID", 22999, "")],
        "ICBC",
        DEC,
        "150000",
    )
    problem = refused(unknown_reason.decode())
    assert problem.fields[0].field == "line 3.reason"

    missing_one = cycle.return_file([("DB150102-2023-000003", "PAID", 150110, "")], "ICBC", DEC, "150000")
    assert refused(missing_one.decode()).fields[0].rule == "every_line"

    bad_total = good.replace(f"T,2,{icbc['total_fen']}", f"T,2,{icbc['total_fen'] + 100}")
    assert refused(bad_total).fields[0].field.endswith(".amount_fen")
    assert refused("H,ICBC,2023-13,150000\nR\nT,0,0\nC,x\n").fields[0].field == "line 1.month"

    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(PaymentReturn)) == 0
        assert set(s.scalars(select(PaymentLine.status))) == {"pending"}
        assert s.execute(select(BankFile.return_sha256)).scalars().all() == [None] * len(exported.files)
        result = cycle.import_returns(s, good.encode(), actor="bank")
    assert (result.paid, result.paid_fen, result.failed) == (2, icbc["total_fen"], 0)
    with unit_of_work(engine) as s, pytest.raises(Conflict):
        cycle.import_returns(s, bad_total.encode(), actor="bank")


def test_export_is_deterministic_and_checked(engine, tmp_path):
    standard_cases(engine)
    _, exported = build_approve_export(engine, "2023-12", tmp_path)
    first = {f["bank_code"]: Path(f["file_name"]).read_bytes() for f in exported.files}
    for f in exported.files:  # a lost file is written again, byte for byte
        Path(f["file_name"]).unlink()
    again = cycle.export(exported.cycle_id, actor="approver", engine=engine, out_dir=tmp_path)
    assert {f["bank_code"]: Path(f["file_name"]).read_bytes() for f in again.files} == first
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left behind
    with unit_of_work(engine) as s:
        assert s.scalar(select(func.count()).select_from(BankFile)) == 3


def test_synthetic_cases_are_the_rules_determinations(sqlite_engine):
    from datetime import date

    from minsheng import policy
    from minsheng.assistance import cycle_synth
    from minsheng.assistance import rules as R
    from minsheng.assistance.models import Case, CaseAmount
    from minsheng.engine import run_local_all
    from minsheng.registry.export import snapshot_tables
    from minsheng.synth.load import generate_and_load

    as_of = date(2023, 11, 1)
    generate_and_load(sqlite_engine, 4000, seed=9, as_of=as_of)
    result = cycle_synth.create_cases(sqlite_engine, as_of=as_of, start_month=as_of)
    households, members = snapshot_tables(sqlite_engine, as_of)
    assessed = run_local_all(
        R.ASSESSMENT, {"households": households, "members": members}, as_of, policy.load()
    )
    rows = assessed[R.ASSESSMENT.name].to_pylist()
    expected = sorted(
        (row["household_id"], programme, row[f"{programme}_amount_fen"])
        for row in rows
        for programme in ("dibao", "tekun", "orphan")
        if (row[f"{programme}_amount_fen"] or 0) > 0
    )
    with unit_of_work(sqlite_engine) as s:
        got = sorted(
            s.execute(
                select(Case.household_id, Case.programme, CaseAmount.monthly_amount_fen).join(
                    CaseAmount, CaseAmount.case_id == Case.id
                )
            ).all()
        )
        assert set(s.scalars(select(Case.status))) == {"active"}
    assert got == expected and result.cases == len(expected) > 0
    assert result.monthly_fen == sum(e[2] for e in expected)


def test_a_name_with_a_comma_is_refused_before_any_file_is_written(engine, tmp_path):
    ids = standard_cases(engine)
    built = cycle.build("2023-12", actor="builder", engine=engine)
    with unit_of_work(engine) as s:
        s.execute(
            PaymentLine.__table__.update()
            .where(PaymentLine.case_id == ids["orphan"])
            .values(payee_name="王,五")
        )
        cycle.approve(
            s, s.get(Cycle, built.cycle_id), actor="approver", permissions=APPROVE, scope=REGION_WIDE
        )
    with pytest.raises(DomainError) as problem:
        cycle.export(built.cycle_id, actor="approver", engine=engine, out_dir=tmp_path)
    assert (
        problem.value.fields[0].field == "payee_name" and "DB150203-2023-000010" in problem.value.message_zh
    )
    assert not list(tmp_path.rglob("*.csv"))


def test_two_approvers_at_once_one_wins(engine):
    from sqlalchemy.orm import Session

    standard_cases(engine)
    built = cycle.build("2023-12", actor="builder", engine=engine)
    with Session(engine) as first, Session(engine) as second:
        # both approvers read the cycle before either one approves it
        mine, theirs = first.get(Cycle, built.cycle_id), second.get(Cycle, built.cycle_id)
        cycle.approve(first, mine, actor="approver-1", permissions=APPROVE, scope=REGION_WIDE)
        first.commit()
        with pytest.raises(Conflict):
            cycle.approve(second, theirs, actor="approver-2", permissions=APPROVE, scope=REGION_WIDE)
        second.rollback()
    with unit_of_work(engine) as s:
        assert s.get(Cycle, built.cycle_id).approved_by == "approver-1"
