"""Decision notices: a refusal names every failed check, an approval its amount and first month; the
PDF's text layer carries the Chinese text (read back with pypdf)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from minsheng.assistance import cases, notice
from minsheng.assistance.models import Case
from minsheng.money import format_yuan
from minsheng.store.db import unit_of_work

from .casework import APPROVER, case_params, poor_household, rich_household
from .test_cases import investigate, new_case, step

D = dt.date


@pytest.fixture(scope="module")
def params(tmp_path_factory):
    return case_params(tmp_path_factory.mktemp("notice-params"))


def text_of(document: bytes) -> str:
    """The text layer, through each glyph's ToUnicode entry. fpdf2 gives a CFF (OpenType) CJK font an
    embedded two-byte encoding CMap, which pypdf reads one byte at a time: every code's high byte 00
    comes out as NUL beside the right character, so NULs are dropped."""
    reader = PdfReader(io.BytesIO(document))
    text = "".join(page.extract_text() for page in reader.pages)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), "no CJK character in the text layer"
    return re.sub(r"[\s\x00]+", "", text)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_refusal_pdf_names_every_failed_check_in_chinese(sqlite_engine, params) -> None:
    case_id = new_case(rich_household(), params)
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "refuse", D(2023, 6, 6), APPROVER, params, reason="家庭人均收入高于当地低保标准")
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        failed = cases.failed_checks(case.determination)
        content = notice.build(session, case)
    assert not content.approved and content.title == "最低生活保障不予确认决定书"
    assert failed and len(content.reasons) == len(failed)
    text = text_of(notice.pdf(content))
    assert "最低生活保障不予确认决定书" in text
    for reason in failed:
        assert flat(reason["text_zh"]) in text
    assert "行政复议" in text and "六十日" in text and "翁牛特旗民政局" in text
    assert flat("家庭人均收入高于当地低保标准") in text


def test_approval_pdf_states_amount_and_first_month(sqlite_engine, params) -> None:
    case_id = new_case(poor_household(), params)
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "publish_notice", D(2023, 6, 6), params=params)
    step(case_id, "confirm", D(2023, 6, 13), APPROVER, params, data={"paying_bank": "ABC"})
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        content = notice.build(session, case)
        amount = cases.amount_for_month(case, D(2023, 7, 1))
    assert content.approved
    text = text_of(notice.pdf(content))
    assert "最低生活保障审核确认决定书" in text
    assert "自2023年7月起按月发放" in text and flat(format_yuan(amount)) in text
    assert "中国农业银行" in text
    assert "分类施保" in text  # two elderly members: the amount's parts are named


def test_an_undecided_case_has_no_notice(sqlite_engine, params) -> None:
    case_id = new_case(poor_household(), params)
    with unit_of_work() as session, pytest.raises(Exception) as none:
        notice.build(session, session.get(Case, case_id))
    assert getattr(none.value, "status_code", None) == 404


def test_an_ended_case_gets_a_termination_notice_with_the_reviews_failed_checks(
    sqlite_engine, params
) -> None:
    from sqlalchemy import select

    from minsheng.registry.models import Income, Person

    case_id = new_case(poor_household(), params)
    investigate(case_id, params)
    step(case_id, "township_review", D(2023, 6, 5), params=params)
    step(case_id, "publish_notice", D(2023, 6, 6), params=params)
    step(case_id, "confirm", D(2023, 6, 13), APPROVER, params, data={"paying_bank": "ABC"})
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        head = session.scalars(select(Person).where(Person.household_id == case.household_id)).first()
        session.add(
            Income(person_id=head.id, category="transfer", monthly_fen=900000, effective_from=D(2023, 9, 1))
        )
    step(case_id, "review", D(2023, 10, 9), params=params)
    step(
        case_id,
        "end",
        D(2023, 10, 20),
        APPROVER,
        params,
        reason="子女每月赡养费 9,000 元,家庭收入超过低保标准",
    )
    with unit_of_work() as session:
        case = session.get(Case, case_id)
        assert case.determination["outcome"] == "end_proposed"
        failed = cases.failed_checks(case.determination)
        content = notice.build(session, case)
    assert content.title == "最低生活保障终止决定书" and failed
    text = text_of(notice.pdf(content))
    assert "自2023年11月起终止" in text and "行政复议" in text
    for reason in failed:
        assert flat(reason["text_zh"]) in text
