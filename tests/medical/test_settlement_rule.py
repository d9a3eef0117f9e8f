"""The settlement rule: RULES §3.4 to the fen, the seeds' 140 000-yuan case, and the invariants."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng.medical.parameters import parameter_table
from minsheng.medical.rules.settlement import ACCUMULATORS, CLAIMS, ENROLMENT, FILINGS
from minsheng.medical.settlement import accumulators_after, settle

from .conftest import claim, enrolment, institutions, table


def _settle(claims, enrolments, parameters, accumulators=None, filings=None):
    result = settle(
        table(claims, CLAIMS),
        table(enrolments, ENROLMENT),
        institutions(),
        filings=table(filings or [], FILINGS),
        accumulators=table(accumulators or [], ACCUMULATORS),
        params=parameters,
    )
    return {row["claim_id"]: row for row in result.to_pylist()}


def test_rules_3_4_worked_example_settles_to_the_fen(worked_example_parameters):
    rows = _settle(
        [claim("dibao", 1, 5_000_000, c=1_000_000), claim("ordinary", 2, 5_000_000, c=1_000_000)],
        [enrolment(1, "dibao"), enrolment(2, "none")],
        worked_example_parameters,
    )
    low_income = rows["dibao"]
    assert low_income["settled"]
    assert low_income["basic_fen"] == 3_185_000
    assert low_income["critical_illness_fen"] == 692_250
    assert low_income["critical_illness_deductible_fen"] == 750_000
    assert low_income["medical_aid_fen"] == 785_925
    assert low_income["self_pay_fen"] == 1_336_825
    ordinary = rows["ordinary"]
    assert ordinary["basic_fen"] == 3_185_000
    assert ordinary["critical_illness_fen"] == 189_000
    assert ordinary["medical_aid_fen"] == 0
    assert ordinary["self_pay_fen"] == 2_626_000


def test_seeds_case_140_000_yuan_leaves_a_dibao_resident_under_20_000(default_parameters):
    # 140 000 yuan at a level-3 hospital in the league: 100 000 class A, 30 000 class B, 10 000 class C
    rows = _settle(
        [claim("seed", 1, 10_000_000, 3_000_000, 1_000_000)], [enrolment(1, "dibao")], default_parameters
    )
    row = rows["seed"]
    assert row["total_fen"] == 14_000_000
    assert row["policy_fen"] == 12_700_000  # 100 000 + 30 000 × 90 %
    assert row["basic_fen"] == 8_190_000  # (127 000 − 1 000) × 65 %
    assert row["critical_illness_deductible_fen"] == 953_250  # 19 065 halved
    assert row["critical_illness_fen"] == 2_311_888  # (45 100 − 9 532.50) × 65 % = 23 118.875 → 23 118.88
    assert row["medical_aid_fen"] == 1_538_678  # (45 100 − 23 118.88) × 70 % = 15 386.784 → 15 386.78
    assert row["self_pay_fen"] == 1_959_434
    assert row["self_pay_fen"] < 2_000_000
    paid = row["basic_fen"] + row["critical_illness_fen"] + row["medical_aid_fen"]
    assert paid / row["total_fen"] > 0.75  # the seeds' low-income actual reimbursement goal


def test_claims_of_a_year_share_the_deductible_and_the_cap(worked_example_parameters):
    # two stays of the same 低保 person: the 大病 deductible is met once over the year, in date order
    first = claim("first", 1, 2_000_000, admitted=date(2024, 2, 1), discharged=date(2024, 2, 5))
    second = claim("second", 1, 3_000_000, admitted=date(2024, 5, 1), discharged=date(2024, 5, 5))
    rows = _settle([second, first], [enrolment(1, "dibao")], worked_example_parameters)
    # first: basic (20 000 − 1 000) × 65 % = 12 350; oop 7 650 → 大病 (7 650 − 7 500) × 65 % = 97.50
    assert rows["first"]["basic_fen"] == 1_235_000
    assert rows["first"]["critical_illness_fen"] == 9_750
    # second: the basic deductible applies per stay: (30 000 − 1 000) × 65 % = 18 850; oop 11 150 is all
    # above the year's 大病 threshold → 11 150 × 65 % = 7 247.50
    assert rows["second"]["basic_fen"] == 1_885_000
    assert rows["second"]["critical_illness_fen"] == 724_750
    # settling the second alone on the first's accumulators gives the same answer
    after_first = accumulators_after(
        settle(
            table([first], CLAIMS),
            table([enrolment(1, "dibao")], ENROLMENT),
            institutions(),
            params=worked_example_parameters,
        )
    ).to_pylist()
    alone = _settle([second], [enrolment(1, "dibao")], worked_example_parameters, accumulators=after_first)
    for part in ("basic_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen"):
        assert alone["second"][part] == rows["second"][part]


def test_not_insured_or_unknown_institution_is_not_settled(default_parameters):
    rows = _settle(
        [claim("uninsured", 9, 100_000), claim("nowhere", 1, 100_000, institution_id=999)],
        [enrolment(1)],
        default_parameters,
    )
    assert not rows["uninsured"]["settled"] and not rows["uninsured"]["check_insured"]
    assert rows["uninsured"]["self_pay_fen"] == 100_000
    assert not rows["nowhere"]["settled"] and not rows["nowhere"]["check_institution_known"]


def test_unreferred_cross_province_care_is_reimbursed_less(default_parameters):
    beijing = claim("beijing", 1, 1_000_000, institution_id=40)
    referred = claim("referred", 2, 1_000_000, institution_id=40)
    rows = _settle(
        [beijing, referred],
        [enrolment(1), enrolment(2)],
        default_parameters,
        filings=[
            {"person_id": 2, "filing_type": "referral", "valid_from": date(2024, 1, 1), "valid_to": None}
        ],
    )
    assert rows["beijing"]["filing_type"] == "unfiled" and rows["beijing"]["cross_province"]
    assert rows["referred"]["filing_type"] == "referral"
    assert float(rows["beijing"]["basic_ratio"]) == 0.45  # 65 % − 20 pp
    assert float(rows["referred"]["basic_ratio"]) == 0.55  # 65 % − 10 pp
    assert rows["beijing"]["basic_fen"] == 405_000  # (10 000 − 1 000) × 45 %


def test_cross_province_means_another_province_than_the_persons_pooling_league(default_parameters):
    """Not 'outside Inner Mongolia': the same rule serves a country, so a person pooled in Beijing is
    treated in-province in Beijing and across provinces in Chifeng."""
    beijing_resident = {**enrolment(2), "pool_region": "110100"}
    rows = _settle(
        [
            claim("home", 1, 100_000, institution_id=30),
            claim("away", 1, 100_000, institution_id=40),
            claim("bj_home", 2, 100_000, institution_id=40),
            claim("bj_away", 2, 100_000, institution_id=30),
        ],
        [enrolment(1), beijing_resident],
        default_parameters,
    )
    assert [rows[c]["cross_province"] for c in ("home", "away", "bj_home", "bj_away")] == [
        False,
        True,
        False,
        True,
    ]


# ----------------------------------------------------------------------------- invariants (hypothesis)

amounts = st.integers(min_value=0, max_value=30_000_000)
claim_spec = st.tuples(
    amounts,
    amounts,
    st.integers(min_value=0, max_value=5_000_000),
    st.sampled_from([10, 20, 30, 40]),
    st.sampled_from(["inpatient", "outpatient", "outpatient_special"]),
    st.integers(min_value=0, max_value=360),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(claim_spec, min_size=1, max_size=8),
    category=st.sampled_from(["tekun", "dibao", "relapse_poverty", "dibao_edge", "illness_impoverished"]),
)
def test_invariants_over_random_claim_sequences(default_parameters, specs, category):
    claims, ordinary_claims = [], []
    for number, (a, b, c, institution, care_type, day) in enumerate(specs):
        admitted = date(2024, 1, 1) + timedelta(days=day)
        for person, bucket in ((1, claims), (2, ordinary_claims)):
            bucket.append(
                claim(
                    f"{person}-{number}",
                    person,
                    a,
                    b,
                    c,
                    institution_id=institution,
                    care_type=care_type,
                    admitted=admitted,
                    discharged=admitted + timedelta(days=3),
                )
            )
    rows = _settle(
        claims + ordinary_claims, [enrolment(1, category), enrolment(2, "none")], default_parameters
    )
    basic_cap, cii_cap = 20_000_000, 40_000_000
    for row in rows.values():
        parts = (row["basic_fen"], row["critical_illness_fen"], row["medical_aid_fen"], row["self_pay_fen"])
        assert all(part >= 0 for part in parts), row
        assert sum(parts) == row["total_fen"]
        assert row["self_pay_fen"] >= row["class_c_fen"]
        assert row["basic_paid_total_fen"] <= basic_cap
        if not row["critical_illness_tilt"]:
            assert row["critical_illness_paid_total_fen"] <= cii_cap
    aid_cap = {"tekun": 6_000_000, "dibao": 5_000_000, "relapse_poverty": 5_000_000}.get(category, 3_000_000)
    assert sum(r["medical_aid_fen"] for r in rows.values() if r["person_id"] == 1) <= aid_cap
    assert sum(r["basic_fen"] for r in rows.values() if r["person_id"] == 1) <= basic_cap
    # a low-income person never pays more than an ordinary resident for the same bills, at any point of the year
    order = sorted(((r["person_id"], r["claim_id"]) for r in rows.values()), key=lambda k: k)
    low, ordinary = 0, 0
    by_key = sorted(
        rows.values(), key=lambda r: (r["person_id"], r["oop_policy_total_fen"], r["residual_total_fen"])
    )
    assert order  # sequences are settled
    for number in sorted(
        range(len(specs)),
        key=lambda n: (rows[f"1-{n}"]["oop_policy_total_fen"], rows[f"1-{n}"]["residual_total_fen"], n),
    ):
        low += rows[f"1-{number}"]["self_pay_fen"]
        ordinary += rows[f"2-{number}"]["self_pay_fen"]
        assert low <= ordinary
    assert by_key


def test_results_are_exact_integers_of_fen(default_parameters):
    rows = _settle([claim("odd", 1, 333_333, 77_777, 11)], [enrolment(1, "dibao")], default_parameters)
    row = rows["odd"]
    assert isinstance(row["basic_fen"], int) and isinstance(row["self_pay_fen"], int)
    assert row["class_b_self_fen"] == 7_778  # 77 777 × 10 % = 7 777.7 → half up


def test_parameter_table_covers_every_league(default_parameters):
    table = parameter_table(default_parameters)
    ratios = table.filter(pa.compute.equal(table["name"], "medical.basic.ratio"))
    assert len(set(ratios["region"].to_pylist())) == 12
    # money comes from the loader in fen: the level-3 resident deductible of 1 000 yuan
    deductibles = table.filter(pa.compute.equal(table["name"], "medical.basic.deductible")).to_pylist()
    assert {
        int(r["value"])
        for r in deductibles
        if r["hospital_level"] == "3" and r["person_type"] == "resident" and r["care_type"] == "inpatient"
    } == {100_000}


# ----------------------------------------------------------------------------- the unit runner agrees

prior_amounts = st.integers(min_value=0, max_value=20_000_000)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specs=st.lists(claim_spec, min_size=1, max_size=6),
    category=st.sampled_from(["none", "tekun", "dibao", "relapse_poverty", "dibao_edge"]),
    insurance=st.sampled_from(
        [("resident", "resident"), ("employee", "in_service"), ("employee", "retired")]
    ),
    prior=st.one_of(
        st.none(), st.tuples(prior_amounts, prior_amounts, prior_amounts, prior_amounts, prior_amounts)
    ),
    filing=st.sampled_from([None, "referral", "long_term_resident", "emergency", "other"]),
)
def test_the_sqlite_unit_runner_settles_exactly_as_duckdb(
    default_parameters, specs, category, insurance, prior, filing
):
    """The hospital's real-time path runs the same rule transpiled to SQLite: every column of every row,
    checks, ratios and running totals included, equals DuckDB's, for claims of any tier, cap and filing."""
    from minsheng.engine.unit import UnitRunner
    from minsheng.medical.parameters import parameter_table
    from minsheng.medical.rules.settlement import ACCUMULATORS, FILINGS, SETTLEMENT
    from minsheng.medical.settlement import SMALL_INPUTS

    claims = []
    for number, (a, b, c, institution, care_type, day) in enumerate(specs):
        admitted = date(2024, 1, 1) + timedelta(days=day)
        claims.append(claim(f"u-{number}", 1, a, b, c, institution_id=institution, care_type=care_type,
                            admitted=admitted, discharged=admitted + timedelta(days=day % 4)))  # fmt: skip
    enrolled = [enrolment(1, category, *insurance)]
    filings = [] if filing is None else [
        {"person_id": 1, "filing_type": filing, "valid_from": date(2024, 1, 1), "valid_to": None}
    ]  # fmt: skip
    accumulators = [] if prior is None else [dict(zip(ACCUMULATORS.names, (1, 2024, *prior), strict=True))]
    params = parameter_table(default_parameters)
    expected = settle(
        table(claims, CLAIMS), table(enrolled, ENROLMENT), institutions(), table(filings, FILINGS),
        table(accumulators, ACCUMULATORS), default_parameters, medical_params=params,
    ).to_pylist()  # fmt: skip
    got = UnitRunner(SETTLEMENT, SMALL_INPUTS).run(
        {"claims": claims, "enrolment": enrolled, "institutions": institutions().to_pylist(),
         "filings": filings, "accumulators": accumulators},
        fixed={"medical_params": params},
    )  # fmt: skip
    assert sorted(got, key=lambda r: r["claim_id"]) == sorted(expected, key=lambda r: r["claim_id"])


def test_the_unit_runner_works_out_again_when_its_parameters_change(
    default_parameters, worked_example_parameters
):
    """What the parameters alone decide is computed once per parameter table; a runner given another table
    (a scenario) settles on that one, and on the first again when it comes back."""
    from minsheng.engine.unit import UnitRunner
    from minsheng.medical.rules.settlement import SETTLEMENT
    from minsheng.medical.settlement import SMALL_INPUTS

    claims = [claim("c-1", 1, 12_000_000, 3_000_000, 500_000)]
    enrolled = [enrolment(1, "dibao", "resident", "resident")]
    runner = UnitRunner(SETTLEMENT, SMALL_INPUTS)
    answers = {}
    for name, parameters in (("default", default_parameters), ("worked", worked_example_parameters),
                             ("default again", default_parameters)):  # fmt: skip
        params = parameter_table(parameters)
        expected = settle(
            table(claims, CLAIMS), table(enrolled, ENROLMENT), institutions(), params=parameters,
            medical_params=params,
        ).to_pylist()  # fmt: skip
        got = runner.run(
            {"claims": claims, "enrolment": enrolled, "institutions": institutions().to_pylist()},
            fixed={"medical_params": params},
        )
        assert got == expected, name
        answers[name] = got[0]["basic_fen"]
    assert answers["default"] == answers["default again"] != answers["worked"]
