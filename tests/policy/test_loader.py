"""The parameter loader: values at a date and place, overrides, the wide table, scenarios, validation."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from minsheng import policy
from minsheng.policy import PolicyError

PARAMS = policy.PARAMS_DIR

SOURCE = '{document: "测试文件", issuer: 测试, date: 2023-01-01}'


def write(tmp_path: Path, body: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_2023_standards_are_the_confirmed_regional_averages(params: policy.ParameterSet) -> None:
    on = dt.date(2023, 6, 1)
    urban = params.value("dibao.standard", on, hukou="urban")
    assert (urban.value, urban.unit, urban.status, urban.region) == (
        84000,
        "yuan_per_month",
        "confirmed",
        "150000",
    )
    assert urban.source.url.startswith("https://")
    assert params.value("dibao.standard", on, hukou="rural").value == 67000
    assert params.value("tekun.basic_living_standard", on, hukou="urban").value == 138000
    assert params.value("tekun.basic_living_standard", on, hukou="rural").value == 102000
    assert params.value("tekun.care_allowance_full", on).value == 126600
    assert params.value("tekun.care_allowance_partial", on).value == 49500
    assert params.value("orphan.allowance_centralised", on).value == 221000
    assert params.value("orphan.allowance_dispersed", on).value == 192000
    assert params.value("dibao_edge.income_factor", on).value == Decimal("1.5")


def test_earlier_years_and_yearly_figures_converted_to_a_month(params: policy.ParameterSet) -> None:
    assert params.value("dibao.standard", dt.date(2020, 7, 1), hukou="urban").value == 73200
    # 6 307 yuan a year ÷ 12 = 525.583… → 525.58 yuan, half up to the fen
    assert params.value("dibao.standard", dt.date(2021, 7, 1), hukou="rural").value == 52558
    assert params.value("dibao.standard", dt.date(2022, 7, 1), hukou="rural").value == 61000
    assert params.value("tekun.care_allowance_full", dt.date(2022, 12, 31)).value == 126500


def test_a_league_value_overrides_the_region_for_its_banners(params: policy.ParameterSet) -> None:
    on = dt.date(2023, 6, 1)
    at_banner = params.value("dibao.standard", on, region="150102", hukou="urban")  # 新城区 in 呼和浩特
    assert at_banner.region == "150100" and at_banner.status == "placeholder"
    before = params.value("dibao.standard", dt.date(2022, 6, 1), region="150102", hukou="urban")
    assert before.region == "150000" and before.value == 81300


def test_no_value_before_the_first_date(params: policy.ParameterSet) -> None:
    with pytest.raises(LookupError):
        params.value("dibao.standard", dt.date(2019, 6, 1), hukou="urban")


def test_wide_table_one_row_per_banner_dimension_and_interval(params: policy.ParameterSet) -> None:
    table = params.table(["dibao.standard", "dibao.employment_cost_rate"])
    rows = [r for r in table.to_pylist() if r["banner_code"] == "150102" and r["hukou"] == "rural"]
    spans = [(r["valid_from"], r["valid_to"], r["dibao_standard_fen"]) for r in rows]
    assert spans == [
        (dt.date(2020, 1, 1), dt.date(2022, 1, 1), 52558),
        (dt.date(2022, 1, 1), dt.date(2023, 1, 1), 61000),
        (dt.date(2023, 1, 1), policy.OPEN_END, 67000),
    ]
    assert rows[-1]["dibao_standard_fen__region"] == "150100"
    assert rows[0]["dibao_employment_cost_rate"] == Decimal("0.2")
    assert str(table.schema.field("dibao_employment_cost_rate").type) == "decimal128(18, 6)"
    banners = {r["banner_code"] for r in table.to_pylist()}
    assert len(banners) == 103


def test_scenario_scale_raises_rural_everywhere_and_only_rural(
    params: policy.ParameterSet, tmp_path: Path
) -> None:
    scenario = write(
        tmp_path,
        """
        scenario: {name: 农村低保标准提高5%}
        parameters:
          dibao.standard:
            values:
              - {effective_from: 2023-01-01, hukou: rural, scale: 1.05}
        """,
    )
    raised = policy.load(scenario, directory=Path(params.directory))
    on = dt.date(2023, 6, 1)
    assert raised.value("dibao.standard", on, region="150102", hukou="rural").value == 70350
    assert raised.value("dibao.standard", on, hukou="rural").status == "scenario"
    assert raised.value("dibao.standard", on, region="150102", hukou="urban").value == 84000
    assert raised.value("dibao.standard", dt.date(2022, 6, 1), hukou="rural").value == 61000
    assert params.value("dibao.standard", on, hukou="rural").value == 67000  # the base set is untouched


def test_scenario_value_replaces_the_overlapping_part(params: policy.ParameterSet, tmp_path: Path) -> None:
    scenario = write(
        tmp_path,
        """
        parameters:
          dibao_edge.income_factor:
            values:
              - {effective_from: 2024-01-01, value: 2}
        """,
    )
    changed = policy.load(scenario, directory=Path(params.directory))
    assert changed.value("dibao_edge.income_factor", dt.date(2023, 12, 31)).value == Decimal("1.5")
    assert changed.value("dibao_edge.income_factor", dt.date(2024, 1, 1)).value == Decimal(2)


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (
            f"""
            parameters:
              x.rate:
                description_zh: 比例
                description_en: rate
                unit: ratio
                values:
                  - effective_from: 2023-01-01
                    value: 1.2
                    status: confirmed
                    source: {SOURCE}
            """,
            9,
            "outside 0–1",
        ),
        (
            f"""
            parameters:
              x.amount:
                description_zh: 金额
                description_en: amount
                unit: yuan
                values:
                  - {{effective_from: 2023-01-01, value: 1, status: confirmed, source: {SOURCE}}}
                  - {{effective_from: 2023-06-01, value: 2, status: confirmed, source: {SOURCE}}}
                  - {{effective_from: 2023-03-01, effective_to: 2023-07-01, value: 3, status: confirmed, source: {SOURCE}}}
            """,
            9,
            "overlaps the value of line 10",
        ),
        (
            f"""
            parameters:
              x.amount:
                description_zh: 金额
                description_en: amount
                unit: yuan
                values:
                  - {{effective_from: 2023-01-01, region: "159999", value: 1, status: confirmed, source: {SOURCE}}}
            """,
            8,
            "unknown region code '159999'",
        ),
        (
            """
            parameters:
              x.amount:
                description_zh: 金额
                description_en: amount
                unit: yuan
                values:
                  - {effective_from: 2023-01-01, value: 1, status: confirmed}
            """,
            8,
            "lacks its source",
        ),
        (
            f"""
            parameters:
              x.amount:
                description_zh: 金额
                description_en: amount
                unit: yuan
                colour: red
                values:
                  - {{effective_from: 2023-01-01, value: 1, status: confirmed, source: {SOURCE}}}
            """,
            7,
            "unknown key 'colour'",
        ),
        (
            f"""
            parameters:
              x.amount:
                description_zh: 金额
                description_en: amount
                unit: yuan
                values:
                  - {{effective_from: 2023-01-01, value: 1, status: maybe, source: {SOURCE}}}
            """,
            8,
            "status 'maybe'",
        ),
    ],
    ids=["ratio-above-1", "overlap", "unknown-region", "no-source", "unknown-key", "bad-status"],
)
def test_invalid_files_fail_with_file_line_and_reason(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    write(tmp_path, body)
    with pytest.raises(PolicyError) as caught:
        policy.load(directory=tmp_path)
    problems = caught.value.problems
    assert any(file.endswith("p.yaml") and at == line and reason in why for file, at, why in problems), (
        problems
    )


def test_the_shipped_files_load_without_problems() -> None:
    loaded = policy.load(directory=PARAMS)
    for name in ("dibao.standard", "tekun.care_allowance_full", "orphan.allowance_dispersed"):
        assert name in loaded
