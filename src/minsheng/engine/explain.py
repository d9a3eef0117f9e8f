"""Reasons: each check of a result row written out in Chinese and English, citing its parameters."""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from minsheng.engine.rule import Check, Rule
from minsheng.policy import ParameterSet, ParameterValue


class _Formatter(string.Formatter):
    """`{x:yuan}` fen → 1,300.00; `{x:pct}` ratio → 20%; `{x:yn_zh}`/`{x:yn_en}` booleans; None → —."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "—"
        if format_spec == "yuan":
            return f"{Decimal(int(value)) / 100:,.2f}"
        if format_spec == "pct":
            return f"{(Decimal(str(value)) * 100).normalize():f}%"
        if format_spec == "yn_zh":
            return "是" if value else "否"
        if format_spec == "yn_en":
            return "yes" if value else "no"
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def render(template: str, row: Mapping[str, Any]) -> str:
    return _FORMATTER.vformat(template, (), dict(row))


@dataclass
class Reason:
    rule: str
    check: str
    title_zh: str
    title_en: str
    passed: bool
    text_zh: str
    text_en: str
    parameters: list[ParameterValue] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "check": self.check,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "passed": self.passed,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
            "parameters": [p.as_dict() for p in self.parameters],
        }


def cited(
    names: tuple[str, ...], row: Mapping[str, Any], params: ParameterSet, as_of: dt.date
) -> list[ParameterValue]:
    """The parameters a check rests on, as in force for this row's banner and dimensions."""
    found = []
    banner = row.get("banner_code")
    for name in names:
        parameter = params[name]
        dimensions = {d: row.get(d) for d in parameter.dimensions}
        try:
            found.append(params.value(name, as_of, region=banner or "150000", **dimensions))
        except (LookupError, ValueError):
            continue  # no value to cite: the rule's data check already fails and says so
    return found


def explain_check(
    rule: Rule, check: Check, row: Mapping[str, Any], params: ParameterSet, as_of: dt.date
) -> Reason:
    passed = bool(row.get(check.column))
    return Reason(
        rule=rule.name,
        check=check.column,
        title_zh=check.title_zh,
        title_en=check.title_en,
        passed=passed,
        text_zh=render(check.pass_zh if passed else check.fail_zh, row),
        text_en=render(check.pass_en if passed else check.fail_en, row),
        parameters=cited(check.parameters, row, params, as_of),
    )


def explain(rule: Rule, row: Mapping[str, Any], params: ParameterSet, as_of: dt.date) -> list[Reason]:
    """Every check of `rule` for one result row, passed or failed, in declaration order."""
    return [explain_check(rule, check, row, params, as_of) for check in rule.checks]
