"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

Layout (18 characters): registration authority (1), organisation type (1), registering region (6,
a GB/T 2260 code), organisation code (9) and one check character. The alphabet is the 31 characters
0-9 A-H J-N P-R T U W-Y (no I, O, Z, S, V); the check character is 31 − (Σ value × weight mod 31),
where 31 becomes 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {character: value for value, character in enumerate(ALPHABET)}
_SHAPE = re.compile(rf"^[{ALPHABET}]{{18}}$")


class InvalidCreditCode(ValueError):
    """Why a code is not a valid unified social credit code, in Chinese and English."""

    def __init__(self, code: str, reason_zh: str, reason_en: str):
        self.code = code
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{reason_zh} / {reason_en}")


@dataclass(frozen=True, slots=True)
class CreditCode:
    code: str

    @property
    def registration_authority(self) -> str:  # 登记管理部门代码: 9 = 工商 (market regulation), 5 = 民政 …
        return self.code[0]

    @property
    def organisation_type(self) -> str:  # 机构类别代码: 91 enterprise, 92 个体工商户, 51 社会团体 …
        return self.code[1]

    @property
    def region_code(self) -> str:
        return self.code[2:8]

    @property
    def organisation_code(self) -> str:
        return self.code[8:17]


def check_character(first_17: str) -> str:
    """The 18th character for a 17-character body of the code alphabet."""
    total = sum(_VALUE[character] * weight for character, weight in zip(first_17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse(code: str) -> CreditCode:
    """Normalise (trim, upper-case) and validate; raise InvalidCreditCode naming the problem."""
    normalised = str(code).strip().upper()
    if len(normalised) != 18:
        raise InvalidCreditCode(
            normalised,
            f"应为18位,实为{len(normalised)}位",
            f"must be 18 characters, got {len(normalised)}",
        )
    if not _SHAPE.match(normalised):
        bad = next(c for c in normalised if c not in _VALUE)
        raise InvalidCreditCode(
            normalised,
            f"含不允许的字符 {bad!r}(只能用数字和除 I、O、Z、S、V 外的大写字母)",
            f"contains {bad!r}: only digits and capital letters except I, O, Z, S, V are allowed",
        )
    expected = check_character(normalised[:17])
    if normalised[17] != expected:
        raise InvalidCreditCode(
            normalised,
            f"校验码应为 {expected},实为 {normalised[17]}",
            f"check character should be {expected}, got {normalised[17]}",
        )
    return CreditCode(normalised)


def is_valid(code: str) -> bool:
    try:
        parse(code)
    except InvalidCreditCode:
        return False
    return True


def make(
    registration_authority: str, organisation_type: str, region_code: str, organisation_code: str
) -> str:
    """Build a valid code (synthetic data, tests) from its parts."""
    body = f"{registration_authority}{organisation_type}{region_code}{organisation_code}".upper()
    if len(body) != 17 or any(c not in _VALUE for c in body):
        raise InvalidCreditCode(
            body, "代码主体应为17个合法字符", "the body must be 17 characters of the code alphabet"
        )
    return body + check_character(body)
