"""Resident identity numbers (居民身份证号码), GB 11643-1999.

Layout: 6-digit address code, 8-digit birth date, 3-digit sequence (odd male, even female) and a
check character computed by ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from minsheng import regions

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    """Why a number is not a valid ID number, in Chinese and English."""

    def __init__(self, number: str, reason_zh: str, reason_en: str):
        self.number = number
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{reason_zh} / {reason_en}")


@dataclass(frozen=True, slots=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "M" or "F"
    address_code: str

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)

    @property
    def masked(self) -> str:
        return mask(self.number)


def check_character(first_17_digits: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17_digits, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def parse(number: str, today: date | None = None) -> IdNumber:
    """Validate and decode a number; raise InvalidIdNumber naming the first problem found."""
    today = today or date.today()
    normalised = str(number).strip().upper()
    if not _SHAPE.match(normalised):
        raise InvalidIdNumber(
            normalised,
            "应为18位:17位数字加1位校验码(数字或X)",
            "must be 18 characters: 17 digits and a check digit or X",
        )
    expected = check_character(normalised[:17])
    if normalised[17] != expected:
        raise InvalidIdNumber(
            normalised,
            f"校验码错误:应为 {expected},实为 {normalised[17]}",
            f"check digit is {normalised[17]}, expected {expected}",
        )
    try:
        birth = date(int(normalised[6:10]), int(normalised[10:12]), int(normalised[12:14]))
    except ValueError:
        raise InvalidIdNumber(
            normalised,
            f"出生日期 {normalised[6:14]} 不存在",
            f"birth date {normalised[6:14]} does not exist",
        ) from None
    if birth > today:
        raise InvalidIdNumber(
            normalised,
            f"出生日期 {birth.isoformat()} 晚于今天",
            f"birth date {birth.isoformat()} is in the future",
        )
    if birth.year < 1880:
        raise InvalidIdNumber(
            normalised, f"出生年份 {birth.year} 不合理", f"birth year {birth.year} is implausible"
        )
    try:
        regions.province_of_code(normalised[:6])
    except regions.UnknownRegionError:
        raise InvalidIdNumber(
            normalised,
            f"地址码 {normalised[:6]} 的省级代码 {normalised[:2]} 不存在",
            f"address code {normalised[:6]}: province {normalised[:2]} does not exist",
        ) from None
    return IdNumber(
        number=normalised,
        birth_date=birth,
        sex="M" if int(normalised[16]) % 2 else "F",
        address_code=normalised[:6],
    )


def is_valid(number: str, today: date | None = None) -> bool:
    try:
        parse(number, today)
    except InvalidIdNumber:
        return False
    return True


def age_on(birth_date: date, day: date) -> int:
    """Completed years: a person becomes 60 on their 60th birthday (29 Feb counts from 1 Mar)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def mask(number: str) -> str:
    """150426199003070023 → 150426********0023: address code and the last four stay."""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[14:]


def make(address_code: str, birth_date: date, sequence: int) -> str:
    """Build a valid number (synthetic data, tests): sequence 0–999, odd for men."""
    body = f"{address_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + check_character(body)
