"""`minsheng medical example|synth|settle` end to end on a small synthetic population."""

from __future__ import annotations

import pyarrow.parquet as pq
from typer.testing import CliRunner

from minsheng.cli import app

from .test_supervision import _members

runner = CliRunner()


def test_example_shows_the_seeds_case_breakdown():
    answer = runner.invoke(app, ["medical", "example"])
    assert answer.exit_code == 0, answer.output
    assert "19,594.34" in answer.output and "81,900.00" in answer.output


def test_synth_then_settle_a_file(tmp_path):
    pq.write_table(_members(2_000), tmp_path / "members.parquet")
    made = runner.invoke(
        app, ["medical", "synth", "--population", str(tmp_path), "--out", str(tmp_path / "medical")]
    )
    assert made.exit_code == 0, made.output
    settled = runner.invoke(app, ["medical", "settle", str(tmp_path / "medical" / "claims.parquet")])
    assert settled.exit_code == 0, settled.output
    result = pq.read_table(tmp_path / "medical" / "settled.parquet").to_pylist()
    claims = pq.read_table(tmp_path / "medical" / "claims.parquet")
    assert len(result) == claims.num_rows
    for row in result:
        parts = row["basic_fen"] + row["critical_illness_fen"] + row["medical_aid_fen"] + row["self_pay_fen"]
        assert (
            parts == row["total_fen"]
            and min(row["basic_fen"], row["critical_illness_fen"], row["medical_aid_fen"]) >= 0
        )
    accumulators = pq.read_table(tmp_path / "medical" / "settled_accumulators.parquet")
    assert accumulators.num_rows == len({(r["person_id"], r["year"]) for r in result if r["settled"]})
