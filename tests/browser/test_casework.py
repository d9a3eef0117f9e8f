"""A 低保 application in a real browser: the banner caseworker registers and investigates it, posts the
7-day notice, the league's approver confirms it after the notice, and the citizen logs into the portal
with the one-time code from the server log and reads the approval and its reasons.

Dates: the steps before today are recorded with their own (earlier) dates, as when paper work is
entered afterwards; the approver's confirmation is today, after the notice's last day. Screenshots go
to test-artifacts/screenshots/casework-*.png."""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest

from minsheng import idcard
from minsheng.registry import service as registry
from minsheng.registry.schemas import HouseholdIn, PersonIn
from minsheng.store.db import make_engine, unit_of_work

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PHONE = "13947600123"


def region_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def seed_household(server) -> tuple[int, str]:
    """An elderly couple without income in 翁牛特旗, as the registry holds them (phone and account)."""
    number = idcard.make("150426", dt.date(1951, 2, 3), 517)
    engine = make_engine(f"sqlite:///{server['folder'] / 'minsheng.db'}")
    common = {"hukou": "rural", "hukou_region": "150426", "residence_region": "150426"}
    with unit_of_work(engine) as session:
        household = registry.register_household(
            session,
            HouseholdIn(
                banner_code="150426",
                hukou="rural",
                members=[
                    PersonIn(
                        id_number=number,
                        name="巴特尔",
                        relationship_to_head="head",
                        phone=PHONE,
                        bank_account="6228480012345678901",
                        **common,
                    ),
                    PersonIn(
                        id_number=idcard.make("150426", dt.date(1953, 8, 9), 602),
                        name="其其格",
                        relationship_to_head="spouse",
                        **common,
                    ),
                ],
            ),
            actor="browser-test",
        )
        household_id = household.id
    engine.dispose()
    return household_id, number


def log_in(browser, base: str, login: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def do_step(page, action: str, on: dt.date, **fields) -> None:
    form = f"#form-{action}"
    page.fill(f"{form} input[name=on]", on.isoformat())
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click(f"#do-{action}")
    page.wait_for_selector("#done")


def test_application_to_approval_and_the_citizen_sees_it(server, browser, screenshots) -> None:
    base = server["base"]
    household_id, id_number = seed_household(server)
    today = region_today()
    submitted = today - dt.timedelta(days=20)

    worker = log_in(browser, base, "caseworker_a")
    worker.goto(f"{base}/assistance/cases/new?household={household_id}&programme=dibao")
    worker.wait_for_selector("#preview")
    assert "巴特尔" in worker.inner_text("#household")
    worker.fill("#submitted_on", submitted.isoformat())
    worker.click("#submit-application")
    worker.wait_for_selector("#form-accept")
    case_url = worker.url.split("?")[0]
    assert worker.get_attribute("#case-status", "data-status") == "submitted"

    do_step(worker, "accept", submitted + dt.timedelta(days=1))
    worker.fill("#form-record_investigation input[name=on]", (submitted + dt.timedelta(days=3)).isoformat())
    worker.fill("#visit_on", (submitted + dt.timedelta(days=3)).isoformat())
    worker.fill("#visitor-1", "刘芳")
    worker.fill("#visitor-2", "陈军")
    worker.fill("#findings", "老两口同住,无劳动收入,无车辆")
    worker.check("#information_check")
    worker.click("#do-record_investigation")
    worker.wait_for_selector("#done")
    do_step(worker, "township_review", submitted + dt.timedelta(days=4))
    assert worker.inner_text("#eligible") == "符合条件"
    notice_day = submitted + dt.timedelta(days=5)
    do_step(worker, "publish_notice", notice_day)
    assert worker.get_attribute("#case-status", "data-status") == "in_notice"
    assert notice_day.isoformat() in worker.inner_text("#notice-period")
    assert worker.query_selector("#form-confirm") is None  # confirming is the approver's step
    worker.goto(f"{base}/assistance/notices")
    assert "巴特尔" in worker.inner_text("#in-notice")
    worker.screenshot(path=str(screenshots / "casework-notices.png"), full_page=True)

    approver = log_in(browser, base, "league_chifeng")
    approver.goto(case_url)
    # confirming inside the notice period is refused, with the reason
    approver.fill("#form-confirm input[name=on]", (notice_day + dt.timedelta(days=6)).isoformat())
    approver.select_option("#paying_bank", "ABC")
    approver.click("#do-confirm")
    approver.wait_for_selector("#problem")
    assert "公示期" in approver.inner_text("#problem")
    approver.fill("#form-confirm input[name=on]", today.isoformat())
    approver.select_option("#paying_bank", "ABC")
    approver.click("#do-confirm")
    approver.wait_for_selector("#done")
    assert approver.get_attribute("#case-status", "data-status") == "active"
    amount = approver.inner_text("#amount")
    approver.screenshot(path=str(screenshots / "casework-case.png"), full_page=True)
    approver.click("#notice-link")
    approver.wait_for_selector("#decision")
    assert "审核确认决定书" in approver.inner_text("#decision")

    citizen = browser.new_context(viewport={"width": 420, "height": 900}, locale="zh-CN").new_page()
    citizen.goto(f"{base}/portal/login")
    citizen.fill("#id_number", id_number)
    citizen.fill("#phone", PHONE)
    citizen.click("#send-code")
    citizen.wait_for_selector("#portal-verify")
    code = None
    for _ in range(50):
        found = re.findall(r"one-time code for (\S+): (\d{6})", server["log"].read_text())
        if found:
            masked, code = found[-1]
            break
        time.sleep(0.1)
    assert code is not None and masked.startswith("150426") and "*" in masked
    assert id_number not in server["log"].read_text()
    citizen.fill("#code", code)
    citizen.click("#verify-code")
    citizen.wait_for_selector("#applications")
    assert "保障中" in citizen.inner_text("#applications")
    citizen.click("#applications a")
    citizen.wait_for_selector("#portal-decision")
    assert citizen.get_attribute("#portal-case-status", "data-status") == "active"
    assert amount in citizen.inner_text("#portal-amount")
    decision = citizen.inner_text("#portal-decision")
    assert "审核确认决定书" in decision and "认定依据" in decision and "行政复议" in decision
    citizen.screenshot(path=str(screenshots / "casework-portal.png"), full_page=True)
