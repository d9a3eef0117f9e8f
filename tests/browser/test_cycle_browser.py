"""The month's payment in a real browser: the banner caseworker builds the cycle of two active cases,
the league's approver approves it and exports the bank file, the caseworker uploads the bank's return
file (first a damaged one, refused naming its line), and the reconciliation page agrees to the fen.
Screenshots go to test-artifacts/screenshots/cycle-*.png."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from minsheng.assistance import cycle
from minsheng.assistance.cycle_models import BankFile
from minsheng.assistance.models import Case, CaseAmount
from minsheng.registry.models import Household, Person
from minsheng.store.db import make_engine, unit_of_work

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DEC = dt.date(2023, 12, 1)
CASES = (("DB150426-2023-900001", 67000, "ABC"), ("DB150426-2023-900002", 48550, "ABC"))


def seed_cases(server) -> None:
    engine = make_engine(f"sqlite:///{server['folder'] / 'minsheng.db'}")
    with unit_of_work(engine) as session:
        for number, (case_no, amount, bank) in enumerate(CASES, start=900001):
            household = Household(household_number=f"C{number}", banner_code="150426", hukou="rural")
            session.add(household)
            session.flush()
            payee = Person(
                id_number_hash=hashlib.sha256(f"cycle-browser-{number}".encode()).hexdigest(),
                id_number_cipher=b"-",
                id_number_masked="150426********0000",
                name=f"收款人{number - 900000}",
                sex="F",
                birth_date=dt.date(1950, 5, 5),
                hukou="rural",
                hukou_region="150426",
                residence_region="150426",
                bank_account=f"622848001234{number}",
                household_id=household.id,
                relationship_to_head="head",
            )
            session.add(payee)
            session.flush()
            case = Case(
                case_no=case_no,
                household_id=household.id,
                banner_code="150426",
                programme="dibao",
                status="active",
                payee_person_id=payee.id,
                paying_bank=bank,
                submitted_on=dt.date(2023, 1, 5),
                decided_on=dt.date(2023, 2, 20),
                start_month=dt.date(2023, 3, 1),
                created_by="browser-test",
            )
            session.add(case)
            session.flush()
            session.add(
                CaseAmount(
                    case_id=case.id,
                    effective_month=case.start_month,
                    monthly_amount_fen=amount,
                    reason="test",
                )
            )
    engine.dispose()


def log_in(browser, base: str, login: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def test_first_payment_through_the_browser(server, browser, screenshots, tmp_path) -> None:
    base = server["base"]
    seed_cases(server)

    worker = log_in(browser, base, "caseworker_a")
    worker.goto(f"{base}/assistance/cycles")
    worker.fill("#build-cycle input[name=month]", "2023-12")
    worker.fill("#build-cycle input[name=region_code]", "150426")
    worker.click("#build-cycle button[type=submit]")
    worker.wait_for_selector("#cycle-status")
    cycle_url = worker.url
    assert worker.inner_text("#stat-lines") == "2"
    assert worker.inner_text("#stat-amount") == "1,155.50"
    assert worker.query_selector("#approve-form") is None  # a caseworker does not approve
    worker.wait_for_selector("#chart-leagues[data-ready='1']")
    worker.screenshot(path=str(screenshots / "cycle-built.png"), full_page=True)

    approver = log_in(browser, base, "league_chifeng")
    approver.goto(cycle_url)
    approver.click("#approve-form button")
    approver.wait_for_selector("#export-form")
    approver.click("#export-form button")
    approver.wait_for_selector("#bank-files a")
    assert "中国农业银行" in approver.inner_text("#bank-files")

    engine = make_engine(f"sqlite:///{server['folder'] / 'minsheng.db'}")
    with unit_of_work(engine) as session:
        sent = session.query(BankFile).filter(BankFile.bank_code == "ABC").one().file_name
    engine.dispose()
    details = cycle.read_payment_file(Path(sent))
    assert [(d[0], d[3]) for d in details] == [(c[0], c[1]) for c in CASES]
    answers = [
        (details[0][0], "PAID", details[0][3], ""),
        (details[1][0], "FAILED", details[1][3], "ACCOUNT_CLOSED"),
    ]
    good = cycle.return_file(answers, "ABC", DEC, "150426")
    damaged = tmp_path / "abc-damaged.csv"
    damaged.write_bytes(good.replace(b",67000,", b",76000,"))
    (tmp_path / "abc-return.csv").write_bytes(good)

    worker.goto(cycle_url)
    worker.set_input_files("#returns-form input[type=file]", str(damaged))
    worker.click("#returns-form button")
    worker.wait_for_selector("#problem")
    assert "第 3 行" in worker.inner_text("#problem") and "amount_fen" in worker.inner_text("#problem")
    worker.set_input_files("#returns-form input[type=file]", str(tmp_path / "abc-return.csv"))
    worker.click("#returns-form button")
    worker.wait_for_selector("#notice")
    assert worker.inner_text("#stat-paid") == "670.00" and worker.inner_text("#stat-failed") == "485.50"
    assert worker.inner_text("#cycle-status") == "回盘已导入"
    worker.screenshot(path=str(screenshots / "cycle-returns.png"), full_page=True)
    worker.click("#reconciliation-link")
    worker.wait_for_selector("#reconciled")
    worker.screenshot(path=str(screenshots / "cycle-reconciliation.png"), full_page=True)
