"""Decision notices (审核确认决定书 / 不予确认决定书): the text once, as a printable page and as a PDF.

An approval states the programme, the monthly amount, the first month and the persons covered; a
refusal lists every check the rules found failed, in plain Chinese, with the values and parameters
behind it. Both state the right to administrative review (60 days, 《行政复议法》) and to sue (6 months,
《行政诉讼法》). The PDF embeds a subset of Noto Sans CJK (Debian's fonts-noto-cjk), so the text layer
is real text that can be searched and read aloud, not an image.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from fastapi.responses import Response
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import DomainError
from minsheng.assistance import cases
from minsheng.assistance.banks import bank_name
from minsheng.assistance.models import Case
from minsheng.money import format_yuan
from minsheng.registry.models import Household, Person

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
FONT_COLLECTION_INDEX = 2  # SC (simplified Chinese) face in Noto's CJK collections
DECIDED = ("active", "confirmed", "refused", "suspended", "ended")


@dataclass
class Notice:
    case_no: str
    approved: bool
    title: str
    addressee: str
    body: list[str]
    reasons_title: str
    reasons: list[str]
    details: list[tuple[str, str]] = field(default_factory=list)
    rights: str = ""
    issuer: str = ""
    issued_on: dt.date | None = None
    programme: str = ""


def _appeal_rights(banner: str) -> str:
    """The rights every decision states: review within 60 days (《行政复议法》), suit within 6 months
    (《行政诉讼法》); periods of statute, not of assistance policy."""
    return (
        f"如对本决定不服,可以自收到本决定书之日起六十日内向{banner}人民政府申请行政复议,"
        "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _chinese_month(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def _parameter_lines(reason: dict) -> list[str]:
    lines = []
    for parameter in reason.get("parameters") or []:
        source = parameter.get("source") or {}
        document = source.get("document") if isinstance(source, dict) else str(source)
        value = parameter.get("display_zh") or parameter.get("value")
        lines.append(f"{parameter.get('description_zh', parameter.get('name'))}:{value}({document})")
    return lines


def build(session: Session, case: Case) -> Notice:
    """The notice of a decided case; a case without a decision has none."""
    if case.status not in DECIDED or case.decided_on is None or not case.determination:
        raise DomainError(
            "no_decision", "该案件尚未作出决定,没有决定书", "the case has no decision yet, so no notice", 404
        )
    determination = case.determination
    household = session.get(Household, case.household_id)
    applicant = session.get(Person, case.applicant_person_id) if case.applicant_person_id else household.head
    subject = session.get(Person, case.subject_person_id) if case.subject_person_id else None
    programme = cases.PROGRAMME_LABELS[case.programme][0]
    banner = regions.get(case.banner_code).name_zh if regions.exists(case.banner_code) else case.banner_code
    approved = determination.get("decision") == "approved" or (
        determination.get("decision") is None and case.status in ("active", "confirmed")
    )
    who = f"{applicant.name if applicant else ''}(户号 {household.household_number})"
    details = [
        ("案件编号", case.case_no),
        ("申请日期", _chinese_date(case.submitted_on)),
        ("决定日期", _chinese_date(case.decided_on)),
        ("救助项目", programme),
    ]
    if subject is not None:
        details.append(("保障对象", subject.name))
    stop = next((e for e in reversed(case.events) if e.action in ("end", "suspend")), None)
    if case.status in ("ended", "suspended") and stop is not None:
        ending = stop.action == "end"
        title = f"{programme}{'终止' if ending else '暂停发放'}决定书"
        from_month = cases.add_months(cases.first_of_month(stop.occurred_on), 1)
        if ending and case.end_month is not None:
            from_month = cases.add_months(case.end_month, 1)
        body = [
            f"你(户)自{_chinese_month(case.start_month or from_month)}起享受的{programme},经核查,"
            f"决定自{_chinese_month(from_month)}起{'终止' if ending else '暂停发放'}。",
            f"理由:{stop.reason or ''}",
        ]
        details[2] = ("决定日期", _chinese_date(stop.occurred_on))
        failed = cases.failed_checks(determination) if determination.get("stage") == "review" else []
        reasons_title = "核查中不符合的条件" if failed else "依据"
        reasons = [r["text_zh"] for r in failed] or [stop.reason or ""]
        return Notice(
            case_no=case.case_no,
            approved=False,
            title=title,
            addressee=who,
            body=body,
            reasons_title=reasons_title,
            reasons=reasons,
            details=details,
            rights=_appeal_rights(banner),
            issuer=f"{banner}民政局",
            issued_on=stop.occurred_on,
            programme=programme,
        )
    if approved:
        title = f"{programme}审核确认决定书"
        amount = cases.amount_for_month(case, case.start_month) if case.start_month else None
        members = [m for m in household.members if m.death_date is None or m.death_date > case.decided_on]
        body = [
            f"你(户)于{_chinese_date(case.submitted_on)}提出的{programme}申请,经入户调查、信息核对"
            + ("、张榜公示" if cases.needs_notice(case) else "")
            + "和审核,符合条件,决定予以确认。"
        ]
        if case.programme in cases.PAYING_PROGRAMMES and amount is not None:
            body.append(
                f"自{_chinese_month(case.start_month)}起按月发放,每月 {format_yuan(amount)} 元,"
                f"通过{bank_name(case.paying_bank or '')}代发至收款人账户。"
            )
            details.append(("月救助金额", f"{format_yuan(amount)} 元"))
            values = determination.get("values") or {}
            gap, supplement = values.get("gap_fen"), values.get("category_supplement_fen")
            if case.programme == "dibao" and gap is not None and supplement:
                details.append(
                    ("其中", f"补差 {format_yuan(int(gap))} 元,分类施保 {format_yuan(int(supplement))} 元")
                )
            details.append(("起始月份", _chinese_month(case.start_month)))
            details.append(("代发银行", bank_name(case.paying_bank or "")))
        else:
            valid = f",有效期至{_chinese_month(case.end_month)}" if case.end_month else ""
            body.append(f"自{_chinese_month(case.start_month)}起认定{valid}。")
        if case.programme not in cases.PERSON_PROGRAMMES:
            details.append(("家庭人数", f"{len(members)} 人"))
        if case.next_review_on:
            body.append(
                f"我局将每{case.review_interval_months}个月核查一次家庭经济状况(下次约在{_chinese_month(case.next_review_on)})。"
                "家庭人口、收入和财产状况发生变化的,请及时告知乡镇(街道)。"
            )
        reasons_title = "认定依据"
        reasons = [r["text_zh"] for r in determination.get("reasons", []) if r.get("passed")]
    else:
        title = f"{programme}不予确认决定书"
        failed = cases.failed_checks(determination)
        body = [
            f"你(户)于{_chinese_date(case.submitted_on)}提出的{programme}申请,经入户调查、信息核对和审核,"
            f"不符合条件,决定不予确认。不符合的条件共 {len(failed)} 项,逐项说明如下。"
        ]
        refusal_reason = next(
            (e.reason for e in reversed(case.events) if e.action == "refuse" and e.reason), None
        )
        if refusal_reason:
            body.append(f"审核意见:{refusal_reason}")
        reasons_title = "不符合的条件"
        reasons = []
        for reason in failed:
            line = reason["text_zh"]
            cited = _parameter_lines(reason)
            if cited:
                line += "(依据:" + ";".join(cited) + ")"
            reasons.append(line)
    rights = _appeal_rights(banner)
    return Notice(
        case_no=case.case_no,
        approved=approved,
        title=title,
        addressee=who,
        body=body,
        reasons_title=reasons_title,
        reasons=reasons,
        details=details,
        rights=rights,
        issuer=f"{banner}民政局",
        issued_on=case.decided_on,
        programme=programme,
    )


def font_path() -> Path:
    configured = os.environ.get("MINSHENG_CJK_FONT")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise DomainError(
        "font_missing",
        "未找到中文字体(fonts-noto-cjk),无法生成 PDF;请安装后重试,或打印网页版决定书",
        "no CJK font (fonts-noto-cjk) is installed, so no PDF; install it or print the page",
        503,
    )


def pdf_response(notice: Notice) -> Response:
    """The PDF as an HTTP answer the browser shows inline, named after the case."""
    return Response(
        pdf(notice),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{notice.case_no}.pdf"'},
    )


def pdf(notice: Notice) -> bytes:
    """The notice as an A4 PDF with the CJK font embedded (subset)."""
    from fpdf import FPDF

    path = font_path()
    document = FPDF(format="A4")
    document.set_title(notice.title)
    document.set_author(notice.issuer)
    document.set_creator("minsheng")
    options = {"collection_font_number": FONT_COLLECTION_INDEX} if path.suffix.lower() == ".ttc" else {}
    document.add_font("cjk", "", str(path), **options)
    document.set_margins(22, 20, 22)
    document.add_page()
    width = document.w - document.l_margin - document.r_margin
    document.set_font("cjk", size=18)
    document.multi_cell(width, 11, notice.title, align="C", new_x="LMARGIN", new_y="NEXT")
    document.set_font("cjk", size=10)
    document.cell(width, 7, f"编号:{notice.case_no}", align="R", new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    document.set_font("cjk", size=12)
    document.multi_cell(width, 8, f"{notice.addressee}:", new_x="LMARGIN", new_y="NEXT")
    for paragraph in notice.body:
        document.multi_cell(width, 8, "    " + paragraph, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    document.set_font("cjk", size=11)
    for label_text, value in notice.details:
        document.cell(32, 7, label_text)
        document.multi_cell(width - 32, 7, value, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    document.set_font("cjk", size=12)
    document.multi_cell(width, 8, notice.reasons_title + ":", new_x="LMARGIN", new_y="NEXT")
    document.set_font("cjk", size=11)
    for index, reason in enumerate(notice.reasons, start=1):
        document.multi_cell(width, 7, f"{index}. {reason}", new_x="LMARGIN", new_y="NEXT")
    document.ln(3)
    document.set_font("cjk", size=12)
    document.multi_cell(width, 8, "    " + notice.rights, new_x="LMARGIN", new_y="NEXT")
    document.ln(10)
    document.cell(width, 8, notice.issuer + "(盖章)", align="R", new_x="LMARGIN", new_y="NEXT")
    if notice.issued_on:
        document.cell(width, 8, _chinese_date(notice.issued_on), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())
