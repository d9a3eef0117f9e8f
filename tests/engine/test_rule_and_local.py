"""The engine on a toy rule: dependency order, parameter joins, the every-unit guarantee, reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from minsheng import policy
from minsheng.engine import Check, Rule, RuleOutputError, chain, explain, run_local, run_local_all

SOURCE = '{document: "测试文件", issuer: 测试, date: 2023-01-01, url: "https://example.org/t"}'


@pytest.fixture
def params(tmp_path: Path) -> policy.ParameterSet:
    directory = tmp_path / "params"
    directory.mkdir()
    (directory / "toy.yaml").write_text(
        f"""
parameters:
  toy.line:
    description_zh: 线
    description_en: line
    unit: yuan_per_month
    dimensions: [hukou]
    values:
      - {{effective_from: 2023-01-01, hukou: urban, value: 100, status: confirmed, source: {SOURCE}}}
      - {{effective_from: 2023-01-01, hukou: rural, value: 80, status: placeholder, source: {SOURCE}}}
      - {{effective_from: 2024-01-01, hukou: rural, value: 90, status: confirmed, source: {SOURCE}}}
""",
        encoding="utf-8",
    )
    return policy.load(directory=directory)


def toy_rules(tmp_path: Path, drop_one: bool = False) -> tuple[Rule, Rule]:
    (tmp_path / "income.sql").write_text(
        "SELECT h.household_id, h.banner_code, h.hukou, CAST(SUM(m.wages_fen) AS BIGINT) AS income_fen "
        "FROM households h LEFT JOIN members m ON m.household_id = h.household_id "
        + ("WHERE h.household_id <> 2 " if drop_one else "")
        + "GROUP BY h.household_id, h.banner_code, h.hukou"
    )
    (tmp_path / "below.sql").write_text(
        "SELECT i.household_id, i.banner_code, i.hukou, i.income_fen, p.toy_line_fen, "
        "COALESCE(i.income_fen < p.toy_line_fen, FALSE) AS below_line "
        "FROM income i CROSS JOIN run r LEFT JOIN params p ON p.banner_code = i.banner_code "
        "AND p.hukou = i.hukou AND r.as_of >= p.valid_from AND r.as_of < p.valid_to"
    )
    income = Rule(
        "income",
        "收入",
        "income",
        tmp_path / "income.sql",
        ("households", "members"),
        (),
        ("household_id",),
        {},
    )
    below = Rule(
        "below",
        "低于线",
        "below the line",
        tmp_path / "below.sql",
        ("income", "run", "params"),
        ("toy.line",),
        ("household_id",),
        {"below_line": "income below the line"},
        checks=(
            Check(
                "below_line",
                "低于线",
                "below",
                pass_zh="收入 {income_fen:yuan} 元低于 {toy_line_fen:yuan} 元",
                pass_en="income {income_fen:yuan} below {toy_line_fen:yuan}",
                fail_zh="收入 {income_fen:yuan} 元不低于 {toy_line_fen:yuan} 元",
                fail_en="income {income_fen:yuan} not below {toy_line_fen:yuan}",
                parameters=("toy.line",),
            ),
        ),
        uses=(income,),
    )
    return income, below


def tables() -> dict[str, pa.Table]:
    households = pa.table(
        {
            "household_id": [1, 2, 3],
            "banner_code": ["150102", "150426", "150102"],
            "hukou": ["urban", "rural", "rural"],
        }
    )
    members = pa.table({"household_id": [1, 2, 2, 3], "wages_fen": [9000, 5000, 4000, 8500]})
    return {"households": households, "members": members}


def test_chain_puts_upstream_first(tmp_path: Path) -> None:
    _, below = toy_rules(tmp_path)
    assert [r.name for r in chain(below)] == ["income", "below"]


def test_run_local_joins_parameters_by_banner_hukou_and_date(
    tmp_path: Path, params: policy.ParameterSet
) -> None:
    _, below = toy_rules(tmp_path)
    result = run_local(below, tables(), dt.date(2023, 6, 1), params).to_pylist()
    assert [(r["household_id"], r["toy_line_fen"], r["below_line"]) for r in result] == [
        (1, 10000, True),
        (2, 8000, False),
        (3, 8000, False),
    ]
    later = run_local(below, tables(), dt.date(2024, 6, 1), params).to_pylist()
    assert [r["toy_line_fen"] for r in later] == [10000, 9000, 9000]
    assert later[2]["below_line"] is True


def test_a_date_without_parameters_fails_the_check_and_keeps_the_unit(
    tmp_path: Path, params: policy.ParameterSet
) -> None:
    _, below = toy_rules(tmp_path)
    result = run_local(below, tables(), dt.date(2022, 6, 1), params).to_pylist()
    assert len(result) == 3 and all(r["toy_line_fen"] is None and r["below_line"] is False for r in result)


def test_a_rule_that_drops_a_unit_is_refused(tmp_path: Path, params: policy.ParameterSet) -> None:
    _, below = toy_rules(tmp_path, drop_one=True)
    with pytest.raises(RuleOutputError, match="income"):
        run_local_all(below, tables(), dt.date(2023, 6, 1), params)


def test_reasons_render_values_and_cite_parameters(tmp_path: Path, params: policy.ParameterSet) -> None:
    _, below = toy_rules(tmp_path)
    on = dt.date(2023, 6, 1)
    rows = run_local(below, tables(), on, params).to_pylist()
    passed = explain(below, rows[0], params, on)[0]
    assert passed.passed and passed.text_zh == "收入 90.00 元低于 100.00 元"
    assert passed.parameters[0].source.url == "https://example.org/t"
    failed = explain(below, rows[1], params, on)[0]
    assert not failed.passed and failed.text_en == "income 90.00 not below 80.00"
    assert failed.parameters[0].status == "placeholder"


def test_the_rule_transpiles_to_spark_sql(tmp_path: Path) -> None:
    _, below = toy_rules(tmp_path)
    assert "LEFT JOIN params" in below.spark_sql and "COALESCE" in below.spark_sql
