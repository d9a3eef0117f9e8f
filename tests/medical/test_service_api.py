"""Real-time settlement through the API: accumulators, idempotency (incl. concurrent retries), preview,
reversal, and bad claims that change nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date
from itertools import count

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from minsheng import idcard
from minsheng.api.app import create_app
from minsheng.medical import service
from minsheng.medical.models import Accumulator, Claim
from minsheng.registry.models import Person
from minsheng.security import pii
from minsheng.security import service as security
from minsheng.store.db import unit_of_work

_numbers = count(1)


def make_person(session, banner: str = "150402", death_date: date | None = None, sex: str = "M") -> Person:
    number = idcard.make(banner, date(1960, 1, 1), next(_numbers) * 2 + (sex == "M"))
    person = Person(
        id_number_hash=pii.blind_index(number), id_number_cipher=pii.encrypt(number),
        id_number_masked=idcard.mask(number), name="王军", sex=sex, birth_date=date(1960, 1, 1),
        hukou="rural", hukou_region=banner, residence_region=banner, death_date=death_date,
    )  # fmt: skip
    session.add(person)
    session.flush()
    return person


@pytest.fixture
def world(engine):
    with unit_of_work() as session:
        dibao = make_person(session)
        ordinary = make_person(session)
        uninsured = make_person(session)
        for person, category in ((dibao, "dibao"), (ordinary, "none")):
            service.enrol(
                session, person_id=person.id, year=2024, insurance_type="resident", person_type="resident",
                aid_category=category, pool_region="150400", enrolled_on=date(2024, 1, 1),
            )  # fmt: skip
        service.register_institution(
            session,
            code="H150402001",
            name="赤峰市医院",
            level=3,
            region_code="150402",
            designated_from=date(2020, 1, 1),
        )
        _, secret = security.issue_token(
            session, name="赤峰市医院 HIS", scopes=["medical.write", "medical.read"], region_code="150000"
        )
        ids = {"dibao": dibao.id, "ordinary": ordinary.id, "uninsured": uninsured.id}
    client = TestClient(create_app())
    client.headers["Authorization"] = f"Bearer {secret}"
    return client, ids


def body(
    person_id: int,
    key: str = "HIS-2024-000001",
    a: int = 10_000_000,
    b: int = 3_000_000,
    c: int = 1_000_000,
    **over,
) -> dict:
    items = [
        {
            "item_code": "A001",
            "item_name": "甲类药品与诊疗",
            "catalogue_class": "A",
            "quantity": 1,
            "unit_price_fen": a,
            "amount_fen": a,
        },
        {
            "item_code": "B001",
            "item_name": "乙类药品",
            "catalogue_class": "B",
            "quantity": 1,
            "unit_price_fen": b,
            "amount_fen": b,
        },
        {
            "item_code": "C001",
            "item_name": "目录外耗材",
            "catalogue_class": "C",
            "quantity": 1,
            "unit_price_fen": c,
            "amount_fen": c,
        },
    ]
    values = {
        "idempotency_key": key, "claim_number": key, "person_id": person_id, "institution_code": "H150402001",
        "care_type": "inpatient", "admission_date": "2024-03-01", "discharge_date": "2024-03-20", "items": items,
    }  # fmt: skip
    values.update(over)
    return values


def _claims(engine) -> int:
    with unit_of_work(engine) as session:
        return session.scalar(select(func.count()).select_from(Claim))


def test_settle_updates_accumulators_and_a_retry_returns_the_first_answer(world, engine):
    client, ids = world
    first = client.post("/api/medical/settle", json=body(ids["dibao"]))
    assert first.status_code == 200, first.text
    answer = first.json()
    assert (
        answer["basic_fen"],
        answer["critical_illness_fen"],
        answer["medical_aid_fen"],
        answer["self_pay_fen"],
    ) == (
        8_190_000,
        2_311_888,
        1_538_678,
        1_959_434,
    )
    assert answer["replayed"] is False and answer["status"] == "settled"
    assert answer["accumulators"]["basic_paid_fen"] == 8_190_000
    assert answer["steps"][0]["zh"].startswith("基本医保")
    assert all(check["passed"] for check in answer["checks"])
    retry = client.post("/api/medical/settle", json=body(ids["dibao"]))
    assert retry.status_code == 200
    assert retry.json()["replayed"] is True and retry.json()["claim_id"] == answer["claim_id"]
    assert {**retry.json(), "replayed": False} == answer  # the first answer, reasons and sources included
    assert _claims(engine) == 1
    totals = client.get(f"/api/medical/accumulators/{ids['dibao']}/2024").json()
    assert totals["claims_count"] == 1 and totals["critical_illness_paid_fen"] == 2_311_888
    other = client.post("/api/medical/settle", json=body(ids["dibao"], a=1))
    assert other.status_code == 409 and other.json()["error"]["fields"][0]["field"] == "idempotency_key"


def test_second_claim_builds_on_the_accumulators_and_reversal_restores_them(world):
    client, ids = world
    first = client.post("/api/medical/settle", json=body(ids["dibao"])).json()
    second = client.post(
        "/api/medical/settle",
        json=body(
            ids["dibao"],
            key="HIS-2024-000002",
            a=2_000_000,
            b=0,
            c=0,
            admission_date="2024-06-01",
            discharge_date="2024-06-05",
        ),
    ).json()
    # the 大病 threshold was met by the first stay: the second's whole out-of-pocket is above it
    # basic (20 000 − 1 000) × 65 % = 12 350; out-of-pocket 7 650 × 65 % = 4 972.50
    assert second["basic_fen"] == 1_235_000 and second["critical_illness_fen"] == 497_250
    assert (
        second["accumulators"]["oop_policy_fen"]
        == first["accumulators"]["oop_policy_fen"] + 2_000_000 - second["basic_fen"]
    )
    preview = client.post(
        "/api/medical/settle/preview",
        json=body(
            ids["dibao"], key="HIS-2024-000003", admission_date="2024-07-01", discharge_date="2024-07-02"
        ),
    )
    assert preview.status_code == 200 and preview.json()["claim_id"] is None
    undone = client.post(f"/api/medical/claims/{second['claim_id']}/reversal", json={"reason": "重复上传"})
    assert undone.status_code == 200, undone.text
    assert undone.json()["accumulators"] == {
        **{k: first["accumulators"][k] for k in first["accumulators"]},
        "claims_count": 1,
    }
    again = client.post(f"/api/medical/claims/{second['claim_id']}/reversal", json={"reason": "重复上传"})
    assert again.status_code == 409
    looked_up = client.get(f"/api/medical/claims/{second['claim_id']}").json()
    assert looked_up["status"] == "reversed"


@pytest.mark.parametrize(
    ("who", "over", "status", "field"),
    [
        ("nobody", {}, 404, "person_id"),
        ("dibao", {"institution_code": "NOPE"}, 404, "institution_code"),
        ("dibao", {"discharge_date": "2024-02-01"}, 422, "discharge_date"),
        ("uninsured", {}, 422, "person_id"),
        ("dibao", {"admission_date": "2023-03-01", "discharge_date": "2023-03-05"}, 422, "person_id"),
    ],
)
def test_bad_claims_name_the_field_and_change_nothing(world, engine, who, over, status, field):
    client, ids = world
    person_id = ids.get(who, 999_999)
    answer = client.post("/api/medical/settle", json=body(person_id, **over))
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["fields"][0]["field"] == field
    assert _claims(engine) == 0


def test_negative_amount_and_inconsistent_line_are_refused(world, engine):
    client, ids = world
    negative = body(ids["dibao"])
    negative["items"][0]["amount_fen"] = -5
    answer = client.post("/api/medical/settle", json=negative)
    assert answer.status_code == 422 and "items.0.amount_fen" in answer.json()["error"]["fields"][0]["field"]
    wrong = body(ids["dibao"])
    wrong["items"][1]["amount_fen"] = 1
    answer = client.post("/api/medical/settle", json=wrong)
    assert answer.status_code == 422 and answer.json()["error"]["fields"][0]["field"] == "items[1].amount_fen"
    assert _claims(engine) == 0


def test_settling_needs_a_token_with_medical_write(world):
    client, ids = world
    anonymous = TestClient(client.app)
    assert anonymous.post("/api/medical/settle", json=body(ids["dibao"])).status_code == 401


def test_concurrent_retries_settle_once(world, engine):
    _, ids = world
    request = body(ids["dibao"], key="HIS-CONCURRENT-1")
    from minsheng.medical.api import ClaimIn

    claim = ClaimIn(**request).to_request()
    answers, errors = [], []

    def attempt() -> None:
        try:
            answers.append(service.settle_claim(claim, actor="his", engine=engine))
        except Exception as problem:
            errors.append(problem)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len({a.claim_id for a in answers}) == 1
    assert sum(not a.replayed for a in answers) == 1
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Claim)) == 1
        accumulator = session.get(Accumulator, (ids["dibao"], 2024))
        assert accumulator.claims_count == 1 and accumulator.basic_paid_fen == 8_190_000


def test_simultaneous_claims_of_one_person_build_on_each_other(world, engine):
    """Six different bills of one person at once: each is settled on the totals the others left, as if
    they had come one after another (no claim builds on an accumulator another has already moved)."""
    _, ids = world
    with unit_of_work(engine) as session:
        twin = make_person(session).id
        service.enrol(
            session, person_id=twin, year=2024, insurance_type="resident", person_type="resident",
            aid_category="dibao", pool_region="150400", enrolled_on=date(2024, 1, 1),
        )  # fmt: skip
    from minsheng.medical.api import ClaimIn

    def claim(person_id: int, n: int) -> service.ClaimRequest:
        return ClaimIn(**body(person_id, key=f"HIS-SIMULTANEOUS-{person_id}-{n}", a=30_000_000)).to_request()

    answers, errors = [], []

    def attempt(n: int) -> None:
        try:
            answers.append(service.settle_claim(claim(ids["dibao"], n), actor="his", engine=engine))
        except Exception as problem:
            errors.append(problem)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    one_by_one = [service.settle_claim(claim(twin, n), actor="his", engine=engine) for n in range(6)]
    parts = ("basic_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen")
    # identical bills: the same multiset of splits, whatever order the simultaneous ones took
    assert sorted(tuple(a.row[p] for p in parts) for a in answers) == sorted(
        tuple(a.row[p] for p in parts) for a in one_by_one
    )
    with unit_of_work(engine) as session:
        together = service.accumulator_of(session, ids["dibao"], 2024)
        apart = service.accumulator_of(session, twin, 2024)
    assert together == apart and together["claims_count"] == 6
    assert together["basic_paid_fen"] == sum(a.row["basic_fen"] for a in answers)


def test_claims_settled_together_answer_as_if_settled_one_by_one(world, engine):
    """A round of claims as the hospitals' counter gathers them: two bills of one person, a retry sent
    twice, a bill for an unknown hospital and bills of others. Each gets the answer it would get alone."""
    _, ids = world
    with unit_of_work(engine) as session:
        twins = {}
        for name in ("dibao", "ordinary"):
            twins[name] = make_person(session).id
            service.enrol(
                session, person_id=twins[name], year=2024, insurance_type="resident", person_type="resident",
                aid_category="dibao" if name == "dibao" else "none", pool_region="150400", enrolled_on=date(2024, 1, 1),
            )  # fmt: skip
    from minsheng.medical.api import ClaimIn

    def claims(of: dict[str, int], tag: str) -> list[service.ClaimRequest]:
        def claim(who: str, n: int, **over) -> service.ClaimRequest:
            return ClaimIn(**body(of[who], key=f"HIS-{tag}-{who}-{n}", a=20_000_000 * n, **over)).to_request()

        return [
            claim("dibao", 1),
            claim("dibao", 2, admission_date="2024-05-01", discharge_date="2024-05-09"),
            claim("ordinary", 1),
            claim("dibao", 1),  # the same request again: answered with the first
            claim("ordinary", 2, institution_code="NOPE"),
        ]

    together = service.settle_claims(claims(ids, "T"), ["his"] * 5, engine=engine)
    apart = []
    for request in claims(twins, "A"):
        try:
            apart.append(service.settle_claim(request, actor="his", engine=engine))
        except service.DomainError as refused:
            apart.append(refused)
    parts = ("basic_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen", *service._TOTALS)
    for alone, gathered in zip(apart, together, strict=True):
        assert type(alone) is type(gathered)
        if isinstance(alone, service.Settlement):
            assert [alone.row.get(p) for p in parts] == [gathered.row.get(p) for p in parts]
            assert (
                alone.replayed == gathered.replayed
                and alone.explanation["steps"] == gathered.explanation["steps"]
            )
        else:
            assert alone.fields[0].field == gathered.fields[0].field == "institution_code"
    assert together[3].replayed and together[3].claim_id == together[0].claim_id
    with unit_of_work(engine) as session:
        assert service.accumulator_of(session, ids["dibao"], 2024) == service.accumulator_of(
            session, twins["dibao"], 2024
        )
        assert service.accumulator_of(session, ids["dibao"], 2024)["claims_count"] == 2
        assert session.scalar(select(func.count()).select_from(Claim)) == 6  # 3 settled each way


def test_the_settle_answer_is_the_documented_settlement(world):
    """The hot endpoints write their answer themselves: it must still be exactly `SettlementOut`."""
    from minsheng.medical.api import SettlementOut

    client, ids = world
    for path in ("/api/medical/settle/preview", "/api/medical/settle"):
        answer = client.post(path, json=body(ids["dibao"]))
        assert answer.status_code == 200, answer.text
        assert SettlementOut.model_validate(answer.json()).model_dump(mode="json") == answer.json()
    schema = client.get("/api/openapi.json").json()["paths"]["/api/medical/settle"]["post"]
    assert schema["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SettlementOut"
    )
    assert schema["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ClaimIn")
    refused = TestClient(client.app).post("/api/medical/settle", json=body(ids["dibao"]))
    assert refused.status_code == 401


def test_premium_subsidies(engine):
    assert service.premium_of(2024, "tekun", "resident", "150400") == (40_000, 40_000)
    assert service.premium_of(2024, "dibao", "resident", "150400") == (40_000, 25_000)
    assert service.premium_of(2024, "none", "resident", "150400") == (40_000, 0)


def test_enrolment_filing_and_institution_through_the_api(world, engine):
    client, ids = world
    with unit_of_work(engine) as session:
        tekun = make_person(session).id
    enrolled = client.post(
        "/api/medical/enrolments",
        json={"person_id": tekun, "year": 2024, "insurance_type": "resident", "person_type": "resident",
              "aid_category": "tekun", "pool_region": "150400", "enrolled_on": "2024-01-01"},
    )  # fmt: skip
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["subsidy_fen"] == enrolled.json()["premium_fen"] == 40_000
    again = client.post(
        "/api/medical/enrolments",
        json={"person_id": tekun, "year": 2024, "insurance_type": "resident", "person_type": "resident",
              "pool_region": "150400", "enrolled_on": "2024-01-01"},
    )  # fmt: skip
    assert again.status_code == 409
    filed = client.post(
        "/api/medical/filings",
        json={
            "person_id": ids["ordinary"],
            "filing_type": "referral",
            "destination_region": "110105",
            "valid_from": "2024-01-01",
        },
    )
    assert filed.status_code == 201
    made = client.post(
        "/api/medical/institutions",
        json={
            "code": "H110105001",
            "name": "北京某医院",
            "level": 3,
            "region_code": "110105",
            "designated_from": "2020-01-01",
        },
    )
    assert made.status_code == 201
    beijing = client.post(
        "/api/medical/settle",
        json=body(ids["ordinary"], key="HIS-BJ-000001", institution_code="H110105001", b=0, c=0),
    )
    assert beijing.status_code == 200, beijing.text
    # referral across provinces: 65 % − 10 pp on (100 000 − 1 000)
    assert beijing.json()["basic_fen"] == 5_445_000
    assert client.get(f"/api/medical/accumulators/{ids['uninsured']}/2024").status_code == 404


def test_cases_through_the_api(world, engine):
    from minsheng.medical import supervision
    from minsheng.medical.models import Institution

    client, _ = world
    with unit_of_work(engine) as session:
        institution = session.scalar(select(Institution).where(Institution.code == "H150402001"))
        flags = supervision.record_flags(
            session,
            [{"rule": "over_price", "claim_id": "C1", "person_id": None, "institution_id": institution.id,
              "severity": "violation", "loss_fen": 100_000, "evidence": {"over_price_item": "TRT01"}}],
        )  # fmt: skip
        institution_id, flag_ids = institution.id, [f.id for f in flags]
    opened = client.post(
        "/api/medical/cases", json={"institution_id": institution_id, "flag_ids": flag_ids, "kind": "fraud"}
    )
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    too_low = client.post(
        f"/api/medical/cases/{case_id}/decision",
        json={"refused_fen": 0, "recovered_fen": 100_000, "fine_multiple": "1.5", "decided_on": "2024-12-01"},
    )
    assert too_low.status_code == 422 and too_low.json()["error"]["fields"][0]["field"] == "fine_multiple"
    decided = client.post(
        f"/api/medical/cases/{case_id}/decision",
        json={"refused_fen": 0, "recovered_fen": 100_000, "fine_multiple": "3", "decided_on": "2024-12-01"},
    )
    assert decided.status_code == 200 and decided.json()["fine_fen"] == 300_000


def test_the_hot_statements_stay_short_enough_for_psycopg_to_parse_once():
    """psycopg parses a statement's placeholders once only if it is under 4 KB with at most 50 parameters;
    past that, on every run (a tenth of a settlement's CPU once). A column added must not push them over."""
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS
    from sqlalchemy.dialects import postgresql

    for statement in (service._facts_query("postgresql"), service._WRITE_TOGETHER):
        compiled = statement.compile(dialect=postgresql.dialect())
        assert len(str(compiled)) <= MAX_CACHED_STATEMENT_LENGTH
        assert len(compiled.params) <= MAX_CACHED_STATEMENT_PARAMS


@pytest.mark.parametrize("engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_connection_postgresql_dropped_is_replaced_and_the_claim_settles_once(world, engine):
    """The settlement's pool lends connections without pinging them first; a dropped one (PostgreSQL
    restarted, a backend killed) fails its round, which runs again on a new connection."""
    from sqlalchemy import text

    from minsheng.medical.api import ClaimIn
    from minsheng.store.db import planned_once

    _, ids = world
    pool = planned_once(engine)
    with pool.connect() as idle:  # the connection the next settlement will borrow
        backend = idle.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as admin:
        assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend}).scalar_one()
    answer = service.settle_claim(
        ClaimIn(**body(ids["dibao"], key="HIS-DROPPED-1")).to_request(), engine=engine
    )
    assert answer.claim_id is not None and not answer.replayed
    assert _claims(engine) == 1
