"""Batch settlement (Parquet in, Parquet out, streamed) gives exactly what the rule gives in memory."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from minsheng.medical.rules.settlement import CLAIMS
from minsheng.medical.settlement import BATCH_COLUMNS, accumulators_after, settle, settle_files
from minsheng.medical.synth import claims_for

from .conftest import ENROLMENT, enrolment, institutions, table


def test_parquet_batch_equals_the_in_memory_rule(tmp_path):
    rng = np.random.default_rng(3)
    categories = ["none", "none", "dibao", "tekun", "relapse_poverty"]
    enrolled = table([enrolment(p, categories[p % 5]) for p in range(1, 301)], ENROLMENT)
    places = institutions()
    # several claims per person over the year, some large enough to reach the caps
    claims = claims_for(enrolled, places, 2024, rng, target=2_000).cast(CLAIMS)
    big = pa.compute.multiply(claims["class_a_fen"], pa.array(rng.integers(1, 8, claims.num_rows)))
    claims = claims.set_column(claims.schema.get_field_index("class_a_fen"), "class_a_fen", big)
    pq.write_table(claims, tmp_path / "claims.parquet")
    count = settle_files(
        tmp_path / "claims.parquet", enrolled, places, tmp_path / "settled.parquet",
        accumulators_out=tmp_path / "accumulators.parquet",
    )  # fmt: skip
    assert count == claims.num_rows
    batch = pq.read_table(tmp_path / "settled.parquet").sort_by("claim_id")
    memory = settle(claims, enrolled, places).sort_by("claim_id")
    assert batch.column_names == list(BATCH_COLUMNS)
    assert batch.to_pylist() == memory.select(list(BATCH_COLUMNS)).to_pylist()
    assert sum(batch["settled"].to_pylist()) == claims.num_rows
    assert (
        pq.read_table(tmp_path / "accumulators.parquet").to_pylist()
        == accumulators_after(memory).sort_by([("person_id", "ascending"), ("year", "ascending")]).to_pylist()
    )


def test_concurrent_single_claims_answer_each_as_alone():
    """Requests from many threads settle on their threads' unit runners (SQLite, one per thread and league);
    each gets exactly its own claim's answer, as DuckDB gives it alone, including two claims with the same
    hospital number and two of the same person."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date

    from minsheng.medical.settlement import settle_rows

    from .conftest import claim

    places = institutions().to_pylist()
    jobs = []
    for n in range(24):
        person = 1 + n % 20  # persons 1–4 have two claims each
        enrolled = enrolment(person, ["none", "dibao", "tekun"][n % 3])
        one = claim("SAME-NUMBER" if n < 6 else f"C{n}", person, 1_000_000 * (n + 1), 200_000, 50_000,
                    admitted=date(2024, 2, 1 + n), discharged=date(2024, 2, 3 + n))  # fmt: skip
        jobs.append((one, enrolled, [p for p in places if p["institution_id"] == one["institution_id"]]))

    def alone(job):
        one, enrolled, _place = job
        return settle(table([one], CLAIMS), table([enrolled], ENROLMENT), institutions()).to_pylist()[0]

    def concurrently(job):
        one, enrolled, place = job
        (row,) = settle_rows([one], [enrolled], place)
        return row

    with ThreadPoolExecutor(max_workers=12) as pool:
        together = list(pool.map(concurrently, jobs))
    for job, row in zip(jobs, together, strict=True):
        assert row == alone(job)


def test_parquet_batch_with_filings_and_prior_accumulators_equals_the_in_memory_rule(tmp_path):
    """The batch runner's plan (profiles from the inputs, filings from the cross-province claims, the tariff
    joined after the window) gives every column the in-memory rule gives: cross-province claims with and
    without a filing, two filings of one person, prior accumulators, persons not enrolled, ties on the dates."""
    from datetime import date, timedelta

    from minsheng.medical.rules.settlement import ACCUMULATORS, FILINGS

    rng = np.random.default_rng(11)
    categories = ["none", "dibao", "tekun", "relapse_poverty", "dibao_edge"]
    enrolled = table([enrolment(p, categories[p % 5]) for p in range(1, 121)], ENROLMENT)
    places = institutions()
    ids = places["institution_id"].to_pylist()  # 40 is out of the province
    claims = []
    for n in range(1_500):
        admitted = date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 300)))
        claims.append({
            "claim_id": f"B{n:05d}", "person_id": int(rng.integers(1, 131)),  # 121–130 not enrolled
            "institution_id": ids[int(rng.integers(0, len(ids)))],
            "care_type": ["inpatient", "outpatient_special"][n % 2], "admission_date": admitted,
            "discharge_date": admitted + timedelta(days=int(rng.integers(0, 3))),
            "class_a_fen": int(rng.integers(0, 8_000_000)), "class_b_fen": int(rng.integers(0, 2_000_000)),
            "class_c_fen": int(rng.integers(0, 300_000)),
        })  # fmt: skip
    claims = table(claims, CLAIMS)
    filings = table(
        [{"person_id": p, "filing_type": ["referral", "emergency", "long_term_resident", "other"][p // 2 % 4],
          "valid_from": date(2024, 1 + p % 6, 1), "valid_to": None} for p in range(1, 121, 2)]
        + [{"person_id": 3, "filing_type": "emergency", "valid_from": date(2024, 2, 1), "valid_to": date(2024, 9, 1)}],
        FILINGS,
    )  # fmt: skip
    prior = table(
        [dict(zip(ACCUMULATORS.names, (p, 2024, *rng.integers(0, 3_000_000, 5).tolist()), strict=True))
         for p in range(1, 121, 3)],
        ACCUMULATORS,
    )  # fmt: skip
    for name, data in (("claims", claims), ("filings", filings), ("accumulators", prior)):
        pq.write_table(data, tmp_path / f"{name}.parquet")
    count = settle_files(
        tmp_path / "claims.parquet", enrolled, places, tmp_path / "settled.parquet",
        filings=tmp_path / "filings.parquet", accumulators=tmp_path / "accumulators.parquet", columns=None,
    )  # fmt: skip
    assert count == claims.num_rows
    batch = pq.read_table(tmp_path / "settled.parquet").sort_by("claim_id")
    memory = settle(claims, enrolled, places, filings, prior).sort_by("claim_id")
    assert [(f.name, f.type) for f in batch.schema] == [(f.name, f.type) for f in memory.schema]
    assert batch.to_pylist() == memory.to_pylist()
    assert {"unfiled", "referral", "emergency", "in_region"} <= set(batch["filing_type"].to_pylist())
    assert 0 < sum(batch["settled"].to_pylist()) < claims.num_rows
