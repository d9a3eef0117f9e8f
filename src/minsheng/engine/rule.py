"""A rule: one SQL query plus its declaration (inputs, parameters, result columns, checks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import sqlglot


@dataclass(frozen=True)
class Check:
    """One boolean result column and the reason it gives, passed or failed, in Chinese and English.

    Templates are `str.format` strings over the rule's result row; `{x:yuan}` shows fen as yuan
    (1,300.00), `{x:pct}` a ratio as a percentage, `{x:yn}` a boolean as 是/否 or yes/no.
    """

    column: str
    title_zh: str
    title_en: str
    pass_zh: str
    pass_en: str
    fail_zh: str
    fail_en: str
    parameters: tuple[str, ...] = ()  # the parameters this check rests on, cited with their sources


@dataclass(frozen=True)
class Rule:
    """A rule's declaration; its logic is the SQL file, the only implementation there is.

    The SQL (DuckDB dialect, the portable subset sqlglot writes as Spark SQL: joins, CASE, aggregates,
    window functions) reads the named tables in `inputs`: base tables (`households`, `members`,
    `run` — one row with `as_of` —, `params` — `policy.ParameterSet.table(parameters)`) and the outputs
    of the rules in `uses`, by their names. It returns exactly one row per unit of `unit_table`,
    keyed by `key`, with every column of `columns` and one boolean column per check; a unit with
    missing data gets a failed check, never a missing row.
    """

    name: str
    title_zh: str
    title_en: str
    sql_file: Path
    inputs: tuple[str, ...]
    parameters: tuple[str, ...]
    key: tuple[str, ...]
    columns: Mapping[str, str]
    checks: tuple[Check, ...] = ()
    uses: tuple[Rule, ...] = ()
    unit_table: str = "households"  # the table whose every row must come out once
    money_columns: tuple[str, ...] = field(default=())

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and other.name == self.name

    @cached_property
    def sql(self) -> str:
        return Path(self.sql_file).read_text(encoding="utf-8")

    @cached_property
    def spark_sql(self) -> str:
        """The same query written as Spark SQL by sqlglot; never edited by hand."""
        return sqlglot.transpile(self.sql, read="duckdb", write="spark", pretty=True)[0]

    @property
    def check_columns(self) -> list[str]:
        return [check.column for check in self.checks]

    def check(self, column: str) -> Check:
        for check in self.checks:
            if check.column == column:
                return check
        raise KeyError(column)


def chain(rules: Rule | Iterable[Rule]) -> list[Rule]:
    """The rules and everything they use, each once, upstream first."""
    targets = [rules] if isinstance(rules, Rule) else list(rules)
    ordered: list[Rule] = []
    seen: set[str] = set()

    def visit(rule: Rule, path: tuple[str, ...]) -> None:
        if rule.name in path:
            raise ValueError(f"rules use each other in a cycle: {' → '.join((*path, rule.name))}")
        if rule.name in seen:
            return
        for upstream in rule.uses:
            visit(upstream, (*path, rule.name))
        seen.add(rule.name)
        ordered.append(rule)

    for rule in targets:
        visit(rule, ())
    return ordered


def base_inputs(rules: Sequence[Rule]) -> set[str]:
    """The tables a chain needs from outside: its inputs that are not rules of the chain."""
    names = {rule.name for rule in rules}
    return {name for rule in rules for name in rule.inputs if name not in names} - {"run", "params"}
