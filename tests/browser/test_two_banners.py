"""Two banner caseworkers in a real browser: each registers and imports, and neither sees the other's
households in lists, pages, searches, counts or charts. Screenshots of the main pages are saved."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from minsheng import idcard
from minsheng.web.redact import ID_PATTERN

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from web_workbooks import good, with_errors, write

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def log_in(browser, base: str, login: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "browser-pass-1")  # the password conftest gives every user
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def register(page, base: str, banner: str, name: str, sequence: int) -> tuple[int, str]:
    number = idcard.make(banner, date(1982, 4, 4), sequence)
    page.goto(f"{base}/registry/households/new/form")
    page.select_option("#f-banner_code", banner)
    page.select_option("#f-hukou", "rural")
    page.fill("#f-address", "测试嘎查")
    page.fill("[id='f-members.0.id_number']", number)
    page.fill("[id='f-members.0.name']", name)
    page.select_option("[id='f-members.0.relationship_to_head']", "head")
    page.fill("[id='f-members.0.incomes.0.monthly_yuan']", "1000")
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/registry/households/\d+$"))
    return int(page.url.rsplit("/", 1)[1]), number


def import_file(page, base: str, path: Path) -> None:
    page.goto(f"{base}/registry/import")
    page.set_input_files("#f-file", str(path))
    page.click("button.primary")
    page.wait_for_selector("#import-result")


def dashboard(page, base: str) -> dict:
    page.goto(f"{base}/")
    page.wait_for_selector("#chart-areas[data-ready='1'] canvas")
    return {
        "households": int(page.inner_text("#stat-households").replace(",", "")),
        "chart": json.loads(page.inner_text("#dashboard-data")),
    }


def test_two_banner_caseworkers_never_see_each_other(server, browser, screenshots, tmp_path):
    base = server["base"]
    a = log_in(browser, base, "caseworker_a")
    a.screenshot(path=str(screenshots / "dashboard-empty.png"), full_page=True)

    # A registers one household by the form, first with a mistake shown by the field.
    a.goto(f"{base}/registry/households/new/form")
    a.fill("[id='f-members.0.id_number']", "150426198204040000")
    a.fill("[id='f-members.0.name']", "错号")
    a.select_option("[id='f-members.0.relationship_to_head']", "head")
    a.select_option("#f-hukou", "rural")
    a.click("button.primary")
    a.wait_for_selector("[id='e-members.0.id_number']")
    a.screenshot(path=str(screenshots / "register-errors.png"), full_page=True)
    a_household, a_number = register(a, base, "150426", "巴特尔", 31)
    a.screenshot(path=str(screenshots / "household.png"), full_page=True)
    assert a_number not in a.content() and idcard.mask(a_number) in a.content()

    # A imports a workbook with errors (nothing written), then a good one.
    import_file(a, base, write(tmp_path / "a-bad.xlsx", with_errors("150426")))
    assert a.is_visible("#import-failed") and a.is_visible("#error-workbook")
    a.screenshot(path=str(screenshots / "import-errors.png"), full_page=True)
    with a.expect_download() as download:
        a.click("#error-workbook")
    assert download.value.suggested_filename == "import-errors.xlsx"
    import_file(a, base, write(tmp_path / "a-good.xlsx", good("150426", ("阿拉坦", "萨仁"))))
    assert a.is_visible("#import-ok")

    b = log_in(browser, base, "caseworker_b")
    b_household, b_number = register(b, base, "150102", "其其格", 33)
    import_file(b, base, write(tmp_path / "b-good.xlsx", good("150102", ("敖登", "托娅"))))
    assert b.is_visible("#import-ok")

    # Lists: each sees their own three households and none of the other's.
    a.goto(f"{base}/registry")
    a_list = a.inner_text("#household-table")
    assert "巴特尔" in a_list and "阿拉坦" in a_list and "其其格" not in a_list and "敖登" not in a_list
    a.screenshot(path=str(screenshots / "registry-list.png"), full_page=True)
    b.goto(f"{base}/registry")
    b_list = b.inner_text("#household-table")
    assert "其其格" in b_list and "敖登" in b_list and "巴特尔" not in b_list and "阿拉坦" not in b_list

    # Pages: the other's household by URL is absent (404), not forbidden.
    assert a.goto(f"{base}/registry/households/{b_household}").status == 404
    assert "其其格" not in a.content()
    assert b.goto(f"{base}/registry/households/{a_household}").status == 404
    assert a.request.get(f"{base}/api/households/{b_household}").status == 404
    assert a.request.get(f"{base}/api/households/{a_household}").status == 200

    # Search: the other's person by ID number or name finds nothing.
    for query in (b_number, "其其格", "敖登"):
        a.goto(f"{base}/registry")
        a.fill("#q", query)
        a.click("form.filters button")
        a.wait_for_selector("#results p, #results table")
        assert "其其格" not in a.inner_text("#results") and "敖登" not in a.inner_text("#results")
    a.fill("#q", "巴特尔")
    a.click("form.filters button")
    a.wait_for_selector("#person-results")
    a.screenshot(path=str(screenshots / "search.png"), full_page=True)

    # Counts and charts: three households each, and only their own banner in the chart.
    for page, banner in ((a, "150426"), (b, "150102")):
        figures = dashboard(page, base)
        assert figures["households"] == 3
        assert [area["code"] for area in figures["chart"]["areas"]] == [banner]
        assert figures["chart"]["areas"][0]["households"] == 3
    a.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)
    assert a.request.get(f"{base}/api/households").json()["total"] == 3

    # The league of 赤峰 sees A's banner only; the region administrator sees both.
    league = log_in(browser, base, "league_chifeng")
    assert dashboard(league, base)["households"] == 3
    assert league.goto(f"{base}/registry/households/{a_household}").status == 200
    assert league.goto(f"{base}/registry/households/{b_household}").status == 404
    admin = log_in(browser, base, "admin")
    region = dashboard(admin, base)
    assert region["households"] == 6 and len(region["chart"]["areas"]) == 12
    admin.screenshot(path=str(screenshots / "dashboard-region.png"), full_page=True)
    admin.goto(f"{base}/audit")
    admin.screenshot(path=str(screenshots / "audit-log.png"), full_page=True)

    # English, and a phone-width screen.
    a.goto(f"{base}/lang/en?next=/")
    a.wait_for_selector("#chart-areas[data-ready='1'] canvas")
    assert "Registry changes this month" in a.content()
    a.screenshot(path=str(screenshots / "dashboard-en.png"), full_page=True)
    phone = log_in(browser, base, "caseworker_a", width=390)
    phone.goto(f"{base}/registry/households/{a_household}")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the household page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(screenshots / "household-phone.png"), full_page=True)
    dashboard(phone, base)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(screenshots / "dashboard-phone.png"), full_page=True)

    # The server's own log of the whole session holds no unmasked ID number.
    log_text = server["log"].read_text()
    assert "GET /registry" in log_text
    leaked = ID_PATTERN.search(log_text)
    assert leaked is None, leaked.group(0)
