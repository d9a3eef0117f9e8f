"""Assess households for social assistance (社会救助认定): one from the registry, one typed in, or all.

A determination is the rules' result rows plus their reasons; nothing here is stored (cases and
payments are a later step). Dates are passed in (`as_of`), never read from a clock inside a rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

from minsheng import policy, regions
from minsheng.api.errors import DomainError, FieldError, NotFound
from minsheng.assistance import rules as R
from minsheng.engine import explain, run_local_all
from minsheng.registry.snapshot import EXPENSE_COLUMNS, HOUSEHOLDS, INCOME_COLUMNS, MEMBERS
from minsheng.registry.vocabulary import DISABILITY_TYPE, RELATIONSHIP

HOUSEHOLD_DETERMINATIONS = (R.HOUSEHOLD_INCOME, R.HOUSEHOLD_ASSETS, R.DIBAO, R.DIBAO_EDGE, R.RIGID_EXPENSE)
PERSON_DETERMINATIONS = (R.TEKUN, R.ORPHAN)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass
class Determination:
    """One rule's result for one unit, with every check's reason."""

    rule: str
    title_zh: str
    title_en: str
    row: dict[str, Any]
    reasons: list[Any] = field(default_factory=list)

    @property
    def eligible(self) -> bool | None:
        value = self.row.get("eligible")
        return None if value is None else bool(value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "eligible": self.eligible,
            "amount_fen": self.row.get("amount_fen"),
            "values": {k: _plain(v) for k, v in self.row.items()},
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass
class HouseholdAssessment:
    household_id: int
    as_of: dt.date
    summary: dict[str, Any]
    household: list[Determination]
    persons: dict[int, list[Determination]]
    scenario: str | None = None

    def determination(self, rule: str) -> Determination:
        for item in self.household:
            if item.rule == rule:
                return item
        raise KeyError(rule)

    def as_dict(self) -> dict[str, Any]:
        return {
            "household_id": self.household_id,
            "as_of": self.as_of.isoformat(),
            "scenario": self.scenario,
            "banner_code": self.summary["banner_code"],
            "amounts": {
                "dibao_fen": self.summary["dibao_amount_fen"],
                "tekun_fen": self.summary["tekun_amount_fen"],
                "orphan_fen": self.summary["orphan_amount_fen"],
                "total_fen": self.summary["total_amount_fen"],
            },
            "summary": {k: _plain(v) for k, v in self.summary.items()},
            "determinations": [d.as_dict() for d in self.household],
            "persons": [
                {"person_id": person_id, "determinations": [d.as_dict() for d in items]}
                for person_id, items in sorted(self.persons.items())
            ],
        }


def assess_tables(
    households: pa.Table,
    members: pa.Table,
    as_of: dt.date,
    params: policy.ParameterSet | None = None,
) -> list[HouseholdAssessment]:
    """Every household of the two snapshot tables, determined and explained (in-process DuckDB)."""
    params = params or policy.load()
    results = run_local_all(R.ASSESSMENT, {"households": households, "members": members}, as_of, params)
    by_household: dict[str, dict[int, dict]] = {
        rule.name: {row["household_id"]: row for row in results[rule.name].to_pylist()}
        for rule in HOUSEHOLD_DETERMINATIONS
    }
    person_rows: dict[str, list[dict]] = {
        rule.name: results[rule.name].to_pylist() for rule in PERSON_DETERMINATIONS
    }
    assessments = []
    for summary in results[R.ASSESSMENT.name].to_pylist():
        household_id = summary["household_id"]
        household = [
            Determination(
                rule.name,
                rule.title_zh,
                rule.title_en,
                by_household[rule.name][household_id],
                explain(rule, by_household[rule.name][household_id], params, as_of),
            )
            for rule in HOUSEHOLD_DETERMINATIONS
        ]
        persons: dict[int, list[Determination]] = {}
        for rule in PERSON_DETERMINATIONS:
            for row in person_rows[rule.name]:
                if row["household_id"] == household_id:
                    persons.setdefault(row["person_id"], []).append(
                        Determination(
                            rule.name, rule.title_zh, rule.title_en, row, explain(rule, row, params, as_of)
                        )
                    )
        assessments.append(
            HouseholdAssessment(household_id, as_of, summary, household, persons, params.scenario)
        )
    return assessments


def assess_household(
    session: Any, household_id: int, as_of: dt.date, params: policy.ParameterSet | None = None
) -> HouseholdAssessment:
    """One household of the registry, as it stood on `as_of`."""
    from minsheng.registry.export import snapshot_for_households

    households, members = snapshot_for_households(session, [household_id], as_of)
    if households.num_rows == 0:
        raise NotFound("家庭户 household", household_id)
    return assess_tables(households, members, as_of, params)[0]


# --- a household typed in (what-if before an application exists) ------------------------------


def validate_household(data: Mapping[str, Any], as_of: dt.date) -> list[FieldError]:
    """Problems that make a determination meaningless, each naming its field; empty when fine."""
    problems: list[FieldError] = []
    banner = str(data.get("banner_code", ""))
    if (
        not regions.exists(banner)
        or regions.get(banner).level != "banner"
        or not regions.is_within(banner, "150000")
    ):
        problems.append(
            FieldError(
                "household.banner_code",
                "unknown_banner",
                f"未知的旗县区代码 {banner!r}",
                f"unknown banner/county code {banner!r}",
            )
        )
    members = list(data.get("members") or [])
    heads = [m for m in members if m.get("relationship_to_head") == "head"]
    if len(heads) != 1:
        problems.append(
            FieldError(
                "household.members",
                "one_head",
                f"家庭须有且只有一名户主(现有 {len(heads)} 名)",
                f"a household needs exactly one head (it has {len(heads)})",
            )
        )
    for index, member in enumerate(members):
        where = f"household.members.{index}"
        birth = member.get("birth_date")
        if birth is not None and birth > as_of:
            problems.append(
                FieldError(
                    f"{where}.birth_date",
                    "birth_date_in_future",
                    f"出生日期 {birth} 晚于认定日期 {as_of}",
                    f"birth date {birth} is after the assessment date {as_of}",
                )
            )
        death = member.get("death_date")
        if death is not None and birth is not None and death < birth:
            problems.append(
                FieldError(
                    f"{where}.death_date", "death_before_birth", "死亡日期早于出生日期", "death before birth"
                )
            )
        if member.get("disability_type") and not member.get("disability_grade"):
            problems.append(
                FieldError(
                    f"{where}.disability_grade",
                    "grade_required",
                    "有残疾类别时须填残疾等级",
                    "a disability needs its grade",
                )
            )
        for group in ("incomes", "expenses"):
            for category, amount in (member.get(group) or {}).items():
                if amount is not None and amount < 0:
                    problems.append(
                        FieldError(
                            f"{where}.{group}.{category}",
                            "negative_amount",
                            f"金额不能为负数({amount} 分)",
                            f"an amount cannot be negative ({amount} fen)",
                        )
                    )
    return problems


def tables_from_household(data: Mapping[str, Any], household_id: int = 0) -> tuple[pa.Table, pa.Table]:
    """The snapshot tables of one household given as plain data (incomes and expenses in fen)."""
    household = {
        "household_id": household_id,
        "household_number": None,
        "banner_code": str(data["banner_code"]),
        "hukou": data["hukou"],
        "financial_assets_fen": int(data.get("financial_assets_fen", 0)),
        "vehicles": int(data.get("vehicles", 0)),
        "vehicle_value_fen": int(data.get("vehicle_value_fen", 0)),
        "dwellings": int(data.get("dwellings", 0)),
        "business_assets_fen": int(data.get("business_assets_fen", 0)),
        "other_assets_fen": int(data.get("other_assets_fen", 0)),
    }
    rows = []
    for index, member in enumerate(data["members"]):
        incomes = member.get("incomes") or {}
        expenses = member.get("expenses") or {}
        row = {
            "person_id": member.get("person_id") or index + 1,
            "household_id": household_id,
            "relationship_to_head": member["relationship_to_head"],
            "sex": member.get("sex", "M"),
            "birth_date": member["birth_date"],
            "hukou": member.get("hukou") or data["hukou"],
            "hukou_region": str(data["banner_code"]),
            "residence_region": str(data["banner_code"]),
            "ethnicity": None,
            "education": member.get("education"),
            "employment_status": member.get("employment_status"),
            "disability_type": member.get("disability_type"),
            "disability_grade": member.get("disability_grade"),
            "serious_illness": bool(member.get("serious_illness", False)),
            "adl_items_lost": int(member.get("adl_items_lost", 0)),
            "death_date": member.get("death_date"),
            "tags": list(member.get("tags") or []),
        }
        for column in INCOME_COLUMNS:
            row[column] = int(incomes.get(column.removesuffix("_fen"), 0) or 0)
        for column in EXPENSE_COLUMNS:
            row[column] = int(expenses.get(column.removesuffix("_fen"), 0) or 0)
        rows.append(row)
    return pa.Table.from_pylist([household], schema=HOUSEHOLDS), pa.Table.from_pylist(rows, schema=MEMBERS)


def assess_data(
    data: Mapping[str, Any], as_of: dt.date, params: policy.ParameterSet | None = None
) -> HouseholdAssessment:
    """A household typed in, not stored: validated, then determined and explained."""
    problems = validate_household(data, as_of)
    if problems:
        raise DomainError(
            "invalid_household",
            "家庭资料有误,未作认定",
            "the household data is invalid; no determination was made",
            422,
            problems,
        )
    households, members = tables_from_household(data)
    return assess_tables(households, members, as_of, params)[0]


RELATIONSHIPS: Sequence[str] = tuple(RELATIONSHIP)
DISABILITY_TYPES: Sequence[str] = tuple(DISABILITY_TYPE)


# --- the whole region ------------------------------------------------------------------------

REGION_OUTPUTS = ("assessment", "dibao", "dibao_edge", "rigid_expense", "tekun", "orphan")


def assess_all(
    source: Any,
    as_of: dt.date,
    params: policy.ParameterSet,
    out_dir: Any,
    *,
    runner: str = "local",
    partitions: int = 4,
    progress: bool = True,
) -> Any:
    """Every household of a snapshot (a folder of Parquet, or Arrow tables) to `out_dir/<rule>/`."""
    from pathlib import Path

    out_dir = Path(out_dir)
    if runner == "spark":
        from minsheng.engine.spark import run_spark

        return run_spark(R.ASSESSMENT, source, as_of, params, outputs=REGION_OUTPUTS, out_dir=out_dir)
    from minsheng.engine.batch import run_batch

    return run_batch(
        R.ASSESSMENT,
        source,
        as_of,
        params,
        out_dir,
        outputs=REGION_OUTPUTS,
        partitions=partitions,
        progress=progress,
    )


def _assessment_files(folder: Any) -> str:
    from pathlib import Path

    return (Path(folder) / "assessment" / "*.parquet").as_posix()


def summarize(folder: Any) -> list[dict[str, Any]]:
    """Caseloads and monthly amounts by league, and the total (league_code None), from a run's Parquet."""
    from minsheng.engine import connect

    with connect() as con:
        rows = con.execute(
            f"""
            SELECT league_code,
                   COUNT(*) AS households,
                   SUM(CASE WHEN dibao THEN 1 ELSE 0 END) AS dibao,
                   SUM(dibao_amount_fen) AS dibao_fen,
                   SUM(tekun_persons) AS tekun,
                   SUM(tekun_amount_fen) AS tekun_fen,
                   SUM(orphan_children) AS orphans,
                   SUM(CASE WHEN dibao_edge THEN 1 ELSE 0 END) AS dibao_edge,
                   SUM(CASE WHEN rigid_expense THEN 1 ELSE 0 END) AS rigid_expense,
                   SUM(total_amount_fen) AS total_fen
            FROM read_parquet('{_assessment_files(folder)}')
            GROUP BY ROLLUP (league_code)
            ORDER BY league_code NULLS LAST
            """
        )
        names = [d[0] for d in rows.description]
        return [
            {n: (int(v) if isinstance(v, int | Decimal) else v) for n, v in zip(names, r, strict=True)}
            for r in rows.fetchall()
        ]


def compare(base: Any, scenario: Any) -> tuple[int, list[dict[str, Any]]]:
    """Households whose monthly total differs between two runs, and the cost difference by league."""
    from minsheng.engine import connect

    with connect() as con:
        rows = con.execute(
            f"""
            SELECT b.league_code,
                   SUM(CASE WHEN b.total_amount_fen <> s.total_amount_fen THEN 1 ELSE 0 END) AS changed,
                   SUM(b.total_amount_fen) AS base_fen,
                   SUM(s.total_amount_fen) AS scenario_fen,
                   SUM(s.total_amount_fen - b.total_amount_fen) AS difference_fen
            FROM read_parquet('{_assessment_files(base)}') AS b
            JOIN read_parquet('{_assessment_files(scenario)}') AS s ON s.household_id = b.household_id
            GROUP BY ROLLUP (b.league_code)
            ORDER BY b.league_code NULLS LAST
            """
        )
        names = [d[0] for d in rows.description]
        found = [
            {n: (int(v) if isinstance(v, int | Decimal) else v) for n, v in zip(names, r, strict=True)}
            for r in rows.fetchall()
        ]
    total = next((row["changed"] for row in found if row["league_code"] is None), 0)
    return total, found


def changed_households(base: Any, scenario: Any) -> list[int]:
    """The ids of households whose monthly total differs between two runs."""
    from minsheng.engine import connect

    with connect() as con:
        return [
            row[0]
            for row in con.execute(
                f"""
                SELECT b.household_id
                FROM read_parquet('{_assessment_files(base)}') AS b
                JOIN read_parquet('{_assessment_files(scenario)}') AS s ON s.household_id = b.household_id
                WHERE b.total_amount_fen <> s.total_amount_fen
                ORDER BY 1
                """
            ).fetchall()
        ]
