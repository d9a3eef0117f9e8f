"""The whole region: batch partitions equal one local run; a +5 % rural scenario changes exactly the
rural households it should; broken households are kept and fail a data check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from minsheng import policy
from minsheng.assistance import rules as R
from minsheng.assistance import service
from minsheng.engine import run_local_all
from minsheng.engine.batch import run_batch

from .conftest import AS_OF
from .synthetic import generate

SCENARIO = """
scenario: {name: 农村低保标准提高5%}
parameters:
  dibao.standard:
    values:
      - {effective_from: 2023-01-01, hukou: rural, scale: 1.05}
"""


@pytest.fixture(scope="module")
def region() -> dict:
    return generate(3000, seed=11)


def _read(folder: Path, rule: str, key: str) -> list[dict]:
    return pq.read_table(folder / rule).sort_by(key).to_pylist()


def test_batch_partitions_equal_one_local_run(
    region: dict, params: policy.ParameterSet, tmp_path: Path
) -> None:
    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    for name, table in region.items():
        pq.write_table(table, snapshot / f"{name}.parquet", row_group_size=500)
    report = run_batch(
        R.ASSESSMENT,
        snapshot,
        AS_OF,
        params,
        tmp_path / "out",
        outputs=["assessment", "tekun"],
        partitions=3,
        progress=False,
    )
    assert report.units == {"assessment": 3000, "tekun": region["members"].num_rows}
    assert len(list((tmp_path / "out" / "assessment").glob("*.parquet"))) == 3
    local = run_local_all(R.ASSESSMENT, region, AS_OF, params)
    assert _read(tmp_path / "out", "assessment", "household_id") == local["assessment"].to_pylist()
    assert _read(tmp_path / "out", "tekun", "person_id") == local["tekun"].to_pylist()


def test_broken_households_are_kept_and_fail_a_data_check(region: dict, params: policy.ParameterSet) -> None:
    results = run_local_all(R.DIBAO, region, AS_OF, params)
    income = {row["household_id"]: row for row in results["household_income"].to_pylist()}
    broken = [row for row in income.values() if not row["income_data_complete"]]
    assert len(broken) >= 6
    for row in broken:
        dibao = next(d for d in results["dibao"].to_pylist() if d["household_id"] == row["household_id"])
        assert dibao["data_complete"] is False and dibao["eligible"] is False and dibao["amount_fen"] == 0


def test_rural_plus_5_percent_changes_exactly_the_rural_dibao_households(
    region: dict, params: policy.ParameterSet, tmp_path: Path
) -> None:
    scenario_file = tmp_path / "rural5.yaml"
    scenario_file.write_text(SCENARIO, encoding="utf-8")
    raised = policy.load(scenario_file, directory=params.directory)
    service.assess_all(region, AS_OF, params, tmp_path / "base", partitions=2, progress=False)
    service.assess_all(region, AS_OF, raised, tmp_path / "scenario", partitions=2, progress=False)
    changed = set(service.changed_households(tmp_path / "base", tmp_path / "scenario"))

    after = {row["household_id"]: row for row in _read(tmp_path / "scenario", "dibao", "household_id")}
    before = {row["household_id"]: row for row in _read(tmp_path / "base", "dibao", "household_id")}
    # who should change: rural households eligible under the raised standard, judged from the inputs
    expected = {
        h
        for h, row in after.items()
        if row["hukou"] == "rural"
        and row["data_complete"]
        and row["assets_within_limits"]
        and row["counted_income_fen"] < 70350 * row["members_counted"]
    }
    assert expected and changed == expected
    assert all(after[h]["hukou"] == "rural" for h in changed)
    newly = [h for h in changed if not before[h]["eligible"]]
    # newly eligible: income between the two lines, or assets now within a limit that grows with the standard
    assert newly and all(
        67000 * before[h]["members_counted"] <= before[h]["counted_income_fen"]
        or not before[h]["assets_within_limits"]
        for h in newly
    )
    for h in changed:
        if before[h]["eligible"]:
            # the gap rises by 33.50 a member; add-ons by their share of the higher standard
            assert after[h]["gap_fen"] - before[h]["gap_fen"] == 3350 * before[h]["members_counted"]
    total, by_league = service.compare(tmp_path / "base", tmp_path / "scenario")
    assert total == len(expected)
    overall = next(row for row in by_league if row["league_code"] is None)
    assert overall["difference_fen"] == sum(
        a["amount_fen"] - before[h]["amount_fen"] for h, a in after.items()
    ) + _other_difference(tmp_path)
    assert sum(row["changed"] for row in by_league if row["league_code"]) == total


def _other_difference(folder: Path) -> int:
    """特困 and orphan amounts that move with the 低保 standard (the orphan 补差 against a 低保 share)."""
    base = {r["household_id"]: r for r in _read(folder / "base", "assessment", "household_id")}
    raised = {r["household_id"]: r for r in _read(folder / "scenario", "assessment", "household_id")}
    return sum(
        (raised[h]["tekun_amount_fen"] + raised[h]["orphan_amount_fen"])
        - (base[h]["tekun_amount_fen"] + base[h]["orphan_amount_fen"])
        for h in base
    )


def test_a_date_before_any_standard_fails_every_household_with_reasons(
    region: dict, params: policy.ParameterSet
) -> None:
    small = {"households": region["households"].slice(0, 50), "members": region["members"]}
    members = small["members"].filter([h <= 50 for h in small["members"].column("household_id").to_pylist()])
    results = service.assess_tables(small["households"], members, dt.date(2019, 6, 1), params)
    assert len(results) == 50
    for result in results:
        dibao = result.determination("dibao")
        assert dibao.eligible is False
        assert any(r.check == "data_complete" and not r.passed for r in dibao.reasons)
