"""Paying banks (代发银行) of social-assistance payments and the layout of their bank files.

The banks are those that pay assistance in Inner Mongolia's banners: the big four, the postal
savings bank and the region's rural credit union (内蒙古农村信用社, now 内蒙古农商银行). Every bank
here takes the same file, so one layout is documented once (`BANK_FILE_LAYOUT`); a bank whose
layout differs gets its own entry in `LAYOUTS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    code: str
    name_zh: str
    name_en: str


BANKS: tuple[Bank, ...] = (
    Bank("ABC", "中国农业银行", "Agricultural Bank of China"),
    Bank("ICBC", "中国工商银行", "Industrial and Commercial Bank of China"),
    Bank("CCB", "中国建设银行", "China Construction Bank"),
    Bank("BOC", "中国银行", "Bank of China"),
    Bank("PSBC", "中国邮政储蓄银行", "Postal Savings Bank of China"),
    Bank("IMRCU", "内蒙古农村信用社", "Inner Mongolia Rural Credit Union"),
)

BANK_CODES: tuple[str, ...] = tuple(bank.code for bank in BANKS)
BY_CODE: dict[str, Bank] = {bank.code: bank for bank in BANKS}


def bank_name(code: str, language: str = "zh") -> str:
    bank = BY_CODE.get(code)
    if bank is None:
        return code
    return bank.name_zh if language.startswith("zh") else bank.name_en


@dataclass(frozen=True)
class FileLayout:
    """A bank file: UTF-8 CSV, LF line ends, comma-separated, no quoting (no field holds a comma).

    Payment file (we send), one per paying bank and cycle, lines in case order:
      line 1   header   H,<bank>,<month YYYY-MM>,<region code>
      line 2   columns  D,case_no,payee_name,account,amount_fen,programme,banner_code
      lines    detail   D,<case no>,<payee>,<account>,<amount fen>,<programme>,<banner>
      line n-1 totals   T,<detail count>,<sum of amount fen>
      line n   control  C,<sha256 hex of every preceding line, each with its LF>

    Return file (the bank sends back), same frame; one R line for every D line it was sent:
      H,<bank>,<month>,<region>
      R,case_no,status,amount_fen,reason
      R,<case no>,PAID|FAILED,<amount fen>,<reason code (RETURN_REASONS), empty when paid>
      T,<detail count>,<sum of amount fen of all R lines>
      C,<sha256 of the preceding lines>

    A line is named by its case number: the month is in the header and a case has one line a month.
    """

    payment_columns: tuple[str, ...] = (
        "case_no",
        "payee_name",
        "account",
        "amount_fen",
        "programme",
        "banner_code",
    )
    return_columns: tuple[str, ...] = ("case_no", "status", "amount_fen", "reason")
    encoding: str = "utf-8"


BANK_FILE_LAYOUT = FileLayout()
LAYOUTS: dict[str, FileLayout] = {code: BANK_FILE_LAYOUT for code in BANK_CODES}

# Reasons a bank gives for a failed credit, with their Chinese label (the code goes in the file).
RETURN_REASONS: dict[str, tuple[str, str]] = {
    "ACCOUNT_CLOSED": ("账户已销户", "account closed"),
    "ACCOUNT_FROZEN": ("账户冻结", "account frozen"),
    "NAME_MISMATCH": ("户名不符", "account name does not match"),
    "NO_SUCH_ACCOUNT": ("账号不存在", "no such account"),
    "OTHER": ("其他原因", "other reason"),
}
