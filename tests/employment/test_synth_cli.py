"""Synthetic employment data for the demo, the batch matcher, and the CLI over them."""

from __future__ import annotations

from datetime import date

import openpyxl
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import func, select
from typer.testing import CliRunner

from minsheng import credit_code
from minsheng.cli import app
from minsheng.employment import synth
from minsheng.employment.matching import match_batch
from minsheng.employment.models import EmployingUnit, JobSeeker, Vacancy, WorkReliefProject
from minsheng.store.db import unit_of_work

from .conftest import person, register_household

AS_OF = date(2024, 7, 1)


def test_arrays_are_plausible_by_league_and_the_batch_ranks_every_seeker():
    seekers = synth.seekers_table(3000, seed=1)
    vacancies = synth.vacancies_table(600, seed=2)
    ordos = pc.equal(seekers["league_code"], "150600")
    energy = pc.is_in(seekers["desired_occupation"], value_set=synth.pa.array(["miner", "chemical_operator"]))
    share_in_ordos = pc.sum(pc.and_(ordos, energy)).as_py() / pc.sum(ordos).as_py()
    share_elsewhere = pc.sum(pc.and_(pc.invert(ordos), energy)).as_py() / pc.sum(pc.invert(ordos)).as_py()
    assert share_in_ordos > 1.5 * share_elsewhere  # Ordos wants mining and energy work
    result = match_batch(seekers, vacancies, as_of=AS_OF, top_n=5, block_by="league")
    ranks = result.group_by("seeker_id").aggregate([("match_rank", "max"), ("score", "max")])
    assert pc.max(ranks["match_rank_max"]).as_py() == 5
    # every pair shares league and occupation; ranks are in score order within a seeker
    first = result.filter(pc.equal(result["match_rank"], 1)).sort_by("seeker_id")
    best = ranks.sort_by("seeker_id")
    assert first["score"].to_pylist() == best["score_max"].to_pylist()
    banner = match_batch(seekers, vacancies, as_of=AS_OF, top_n=5)
    assert pc.all(banner["same_banner"]).as_py()


def test_generate_writes_linked_plausible_rows_and_the_cli_reads_them(engine, tmp_path):
    with unit_of_work() as session:
        for i in range(6):
            register_household(
                session,
                person("head", birth=date(1975, 1, 1), employment_status="unemployed", name=f"失业{i}"),
                person("spouse", birth=date(1978, 1, 1), sex="F", employment_status="farming"),
            )
    counts = synth.generate(engine, AS_OF, seed=3)
    assert counts["seekers"] == 6 and counts["employers"] >= 12 and counts["work_relief_projects"] == 3
    assert counts["retention_refunds"] == counts["employers"]  # last year's decisions, by the refund rule
    with unit_of_work() as session:
        codes = session.scalars(select(EmployingUnit.credit_code)).all()
        assert all(credit_code.is_valid(c) for c in codes)
        assert session.scalar(select(func.count()).select_from(Vacancy)) >= counts["employers"]
        assert session.scalar(select(func.count()).select_from(WorkReliefProject)) == 3
        seeker_id = session.scalars(select(JobSeeker.id)).first()

    runner = CliRunner()
    matched = runner.invoke(
        app, ["employment", "match", str(seeker_id), "--as-of", "2024-07-01", "--top", "3"]
    )
    assert matched.exit_code == 0, matched.output
    assert "理由" in matched.output or "reasons" in matched.output
    workbook = tmp_path / "work_relief.xlsx"
    relief = runner.invoke(
        app, ["employment", "work-relief", "--as-of", "2024-07-01", "--xlsx", str(workbook)]
    )
    assert relief.exit_code == 0, relief.output
    assert openpyxl.load_workbook(workbook).active.max_row == 4  # header + 3 projects
    stats = runner.invoke(app, ["employment", "stats", "--as-of", "2024-07-01", "--json"])
    assert stats.exit_code == 0 and '"registered_unemployed": 6' in stats.output
    out = tmp_path / "matches.parquet"
    batch = runner.invoke(app, ["employment", "match-batch", "--out", str(out), "--as-of", "2024-07-01"])
    assert batch.exit_code == 0, batch.output
    assert set(pq.read_table(out).column_names) >= {"seeker_id", "vacancy_id", "match_rank", "score"}
    refused = runner.invoke(
        app,
        [
            "employment",
            "refund",
            "--contributions",
            "30000",
            "--insured-at-start",
            "200",
            "--insured-at-end",
            "180",
            "--year",
            "2023",
        ],
    )
    assert refused.exit_code == 0 and "超过上限 5.5%" in refused.output
