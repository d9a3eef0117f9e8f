"""Medical use cases, one transaction each: institutions, enrolment, filings, real-time settlement with
accumulators and idempotency, preview, reversal.

A settlement reads the person's accumulator for the year, runs the settlement rule over the claim and
that accumulator, and writes the claim and the new accumulator in the same transaction, if the
accumulator's version is still the one read (else it settles again on the new totals). Claims arriving
together are settled in rounds of one claim per person: one read, one rule run and one write a round.
The idempotency key is unique: a retry (even a concurrent one) gets the first answer, never a second
payment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    FromClause,
    Insert,
    Integer,
    Row,
    Select,
    String,
    Table,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from minsheng import regions
from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.engine import render
from minsheng.medical import parameters as medical_parameters
from minsheng.medical.models import (
    AID_CATEGORY,
    CARE_TYPE,
    FILING_TYPE,
    Accumulator,
    Claim,
    ClaimItem,
    Enrolment,
    Filing,
    Institution,
)
from minsheng.medical.rules.settlement import (
    ACCUMULATOR_TOTALS,
    CHECK_FIELDS,
    MEDICAL_PARAMETERS,
    SETTLEMENT,
)
from minsheng.medical.settlement import settle_rows
from minsheng.money import fen_to_yuan, round_fen
from minsheng.registry.models import Person
from minsheng.security.scope import RegionScope
from minsheng.store import audit
from minsheng.store.base import utcnow
from minsheng.store.db import default_engine, planned_once


def _invalid(field_name: str, rule: str, zh: str, en: str, status: int = 422) -> DomainError:
    return DomainError(
        "invalid_claim",
        f"结算申请有误:{zh}",
        f"invalid claim: {en}",
        status,
        [FieldError(field_name, rule, zh, en)],
    )


# ----------------------------------------------------------------------------- institutions, enrolment, filings


def register_institution(
    session: Session, *, code: str, name: str, level: int, region_code: str, kind: str = "hospital",
    designated_from: date, actor: str = "system",
) -> Institution:  # fmt: skip
    if level not in (1, 2, 3):
        raise _invalid("level", "level_1_to_3", "医院等级应为 1、2 或 3", "level must be 1, 2 or 3")
    # an institution elsewhere in China (cross-province care) is known by its province's code
    if not (regions.exists(region_code) or regions.exists(region_code[:2] + "0000")):
        raise _invalid(
            "region_code", "region_exists", f"未知行政区划 {region_code}", f"unknown region {region_code}"
        )
    institution = Institution(
        code=code, name=name, level=level, region_code=region_code, kind=kind, designated_from=designated_from
    )
    session.add(institution)
    session.flush()
    audit.append(
        session, actor=actor, action="medical.institution.register", entity="medical_institution",
        entity_id=institution.id, region_code=region_code, after={"code": code, "level": level},
    )  # fmt: skip
    return institution


def premium_of(year: int, aid_category: str, insurance_type: str, pool_region: str) -> tuple[int, int]:
    """(individual premium, subsidy) in fen for a resident; employees' premiums follow wages (not here)."""
    if insurance_type != "resident":
        return 0, 0
    on = date(year, 1, 1)
    premium = int(medical_parameters.value_at("medical.premium.resident_individual", on, pool_region))
    ratio = medical_parameters.value_at(
        "medical.premium.subsidy_ratio", on, pool_region, aid_category=aid_category
    )
    fixed = medical_parameters.value_at(
        "medical.premium.subsidy_amount", on, pool_region, aid_category=aid_category
    )
    subsidy = min(premium, round_fen(Decimal(premium) * ratio) + int(fixed))
    return premium, subsidy


def enrol(
    session: Session, *, person_id: int, year: int, insurance_type: str, person_type: str, aid_category: str = "none",
    pool_region: str, enrolled_on: date, actor: str = "system",
) -> Enrolment:  # fmt: skip
    """参保登记: a person's insurance for a year, with the premium and the 资助参保 subsidy."""
    if session.get(Person, person_id) is None:
        raise NotFound("人员 / person", person_id)
    if aid_category not in AID_CATEGORY:
        raise _invalid(
            "aid_category", "vocabulary", f"未知类别 {aid_category}", f"unknown category {aid_category}"
        )
    if not regions.exists(pool_region) or regions.get(pool_region).level != "league":
        raise _invalid(
            "pool_region", "league", "统筹地应为盟市代码", "the pooling region must be a league code"
        )
    premium, subsidy = premium_of(year, aid_category, insurance_type, pool_region)
    enrolment = Enrolment(
        person_id=person_id, year=year, insurance_type=insurance_type, person_type=person_type,
        aid_category=aid_category, pool_region=pool_region, enrolled_on=enrolled_on,
        premium_fen=premium, subsidy_fen=subsidy, individual_fen=premium - subsidy,
    )  # fmt: skip
    session.add(enrolment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"{person_id} 已参加 {year} 年医保", f"person {person_id} is already enrolled for {year}"
        ) from None
    audit.append(
        session, actor=actor, action="medical.enrol", entity="medical_enrolment", entity_id=enrolment.id,
        region_code=pool_region, subject=str(person_id),
        after={"year": year, "insurance_type": insurance_type, "aid_category": aid_category, "subsidy_fen": subsidy},
    )  # fmt: skip
    return enrolment


def file_cross_province(
    session: Session, *, person_id: int, filing_type: str, destination_region: str, valid_from: date,
    valid_to: date | None = None, actor: str = "system",
) -> Filing:  # fmt: skip
    """异地就医备案."""
    if filing_type not in FILING_TYPE:
        raise _invalid(
            "filing_type", "vocabulary", f"未知备案类型 {filing_type}", f"unknown filing type {filing_type}"
        )
    if session.get(Person, person_id) is None:
        raise NotFound("人员 / person", person_id)
    filing = Filing(
        person_id=person_id, filing_type=filing_type, destination_region=destination_region,
        valid_from=valid_from, valid_to=valid_to,
    )  # fmt: skip
    session.add(filing)
    session.flush()
    audit.append(
        session, actor=actor, action="medical.filing", entity="medical_filing", entity_id=filing.id,
        subject=str(person_id), after={"filing_type": filing_type, "destination": destination_region},
    )  # fmt: skip
    return filing


# ----------------------------------------------------------------------------- settlement


@dataclass
class ClaimLine:
    item_code: str
    item_name: str
    catalogue_class: str  # A | B | C
    quantity: int
    unit_price_fen: int
    amount_fen: int
    drug_code: str | None = None
    service_date: date | None = None


@dataclass
class ClaimRequest:
    idempotency_key: str
    claim_number: str
    person_id: int
    institution_code: str
    care_type: str
    admission_date: date
    discharge_date: date
    items: list[ClaimLine] = field(default_factory=list)

    def digest(self) -> str:
        body = json.dumps(
            self.__dict__, default=lambda o: o.__dict__ if hasattr(o, "__dict__") else str(o), sort_keys=True
        )
        return hashlib.sha256(body.encode()).hexdigest()


def _check_shape(request: ClaimRequest) -> None:
    """What can be refused from the request alone, before any database work."""
    if request.care_type not in CARE_TYPE:
        raise _invalid(
            "care_type",
            "vocabulary",
            f"未知就诊类型 {request.care_type}",
            f"unknown care type {request.care_type}",
        )
    if request.discharge_date < request.admission_date:
        raise _invalid(
            "discharge_date", "after_admission", "出院日期早于入院日期", "discharge date is before admission"
        )
    if not request.items:
        raise _invalid("items", "not_empty", "费用明细为空", "the bill has no items")
    special = (
        medical_parameters.special_drugs_on(request.discharge_date)
        if request.care_type == "outpatient_special"
        else {}
    )
    for number, item in enumerate(request.items):
        where = f"items[{number}]"
        if item.catalogue_class not in ("A", "B", "C"):
            raise _invalid(
                f"{where}.catalogue_class",
                "vocabulary",
                "目录类别应为 A/B/C(甲/乙/丙)",
                "catalogue class must be A, B or C",
            )
        for name in ("quantity", "unit_price_fen", "amount_fen"):
            if getattr(item, name) < 0:
                raise _invalid(
                    f"{where}.{name}", "not_negative", f"{name} 不能为负数", f"{name} must not be negative"
                )
        if item.amount_fen != item.quantity * item.unit_price_fen:
            raise _invalid(
                f"{where}.amount_fen",
                "quantity_times_price",
                "金额应等于数量×单价",
                "amount must equal quantity × unit price",
            )
        if request.care_type == "outpatient_special" and item.drug_code and item.drug_code not in special:
            raise _invalid(
                f"{where}.drug_code", "special_drug_list", f"{item.drug_code} 不在门诊特殊用药目录内",
                f"{item.drug_code} is not on the special outpatient drug list",
            )  # fmt: skip


_claims, _items = Claim.__table__, ClaimItem.__table__
_institutions, _enrolment = Institution.__table__, Enrolment.__table__
_accumulators, _filings, _persons = Accumulator.__table__, Filing.__table__, Person.__table__


_ASKED = (
    ("person_id", BigInteger),
    ("idempotency_key", String),
    ("institution_code", String),
    ("year", Integer),
)


def _asked(dialect: str) -> FromClause:
    """The claims asked about, numbered `n` from 0, from one short statement whatever their number (psycopg
    parses the placeholders of a statement under 4 KB and 50 parameters once; a longer one, every time).
    PostgreSQL: one array per column, whose length the planner reads (a row-set function counts as 100 rows,
    for which it would rather scan the tables than look each claim up). SQLite: one JSON array of rows."""
    if dialect == "postgresql":
        arrays = (cast(bindparam(name), postgresql.ARRAY(type_)) for name, type_ in _ASKED)
        unnested = (
            func.unnest(*arrays)
            .table_valued(*(name for name, _ in _ASKED), with_ordinality="number")
            .render_derived("given")
        )
        return select(*unnested.c[:-1], (unnested.c.number - 1).label("n")).subquery("asked")
    rows = func.json_each(bindparam("asked", type_=String)).table_valued("key", "value")
    return select(
        *(
            type_coerce(func.json_extract(rows.c.value, f"$[{i}]"), t).label(name)
            for i, (name, t) in enumerate(_ASKED)
        ),
        rows.c.key.label("n"),
    ).subquery("asked")


@cache
def _facts_query(dialect: str) -> Select:
    """Everything the claims asked about are settled on, in one query: a row per claim (numbered `n`) and
    filing of its person, at least one per claim, with an earlier claim under the same key, the
    institution, the person, and the year's enrolment and accumulator."""
    asked = _asked(dialect)
    return (
        select(
            asked.c.n,
            _claims.c.id.label("earlier_claim_id"), _claims.c.request_hash.label("earlier_request_hash"),
            _claims.c.status.label("earlier_status"), _claims.c.result.label("earlier_result"),
            _institutions.c.id.label("institution_id"), _institutions.c.level, _institutions.c.region_code,
            _persons.c.id.label("known_person_id"),
            _enrolment.c.year.label("enrolment_year"), _enrolment.c.insurance_type, _enrolment.c.person_type,
            _enrolment.c.aid_category, _enrolment.c.pool_region, _enrolment.c.enrolled_on, _enrolment.c.ended_on,
            _accumulators.c.version.label("accumulator_version"),
            *(_accumulators.c[name] for name, _ in ACCUMULATOR_TOTALS),
            _filings.c.filing_type, _filings.c.valid_from, _filings.c.valid_to,
        )
        .select_from(asked)
        .outerjoin(_claims, _claims.c.idempotency_key == asked.c.idempotency_key)
        .outerjoin(_institutions, _institutions.c.code == asked.c.institution_code)
        .outerjoin(_persons, _persons.c.id == asked.c.person_id)
        .outerjoin(_enrolment, and_(_enrolment.c.person_id == asked.c.person_id, _enrolment.c.year == asked.c.year))
        .outerjoin(
            _accumulators, and_(_accumulators.c.person_id == asked.c.person_id, _accumulators.c.year == asked.c.year)
        )
        .outerjoin(_filings, _filings.c.person_id == asked.c.person_id)
    )  # fmt: skip


def _facts(connection: Connection, requests: Sequence[ClaimRequest]) -> list[list[Row]]:
    """The facts of each request, in the requests' order."""
    rows = [(r.person_id, r.idempotency_key, r.institution_code, r.discharge_date.year) for r in requests]
    dialect = connection.dialect.name
    if dialect == "postgresql":
        asked = {
            name: list(column) for (name, _), column in zip(_ASKED, zip(*rows, strict=True), strict=True)
        }
    else:
        asked = {"asked": to_json(rows).decode()}
    found: list[list[Row]] = [[] for _ in requests]
    for row in connection.execute(_facts_query(dialect), asked):
        found[row.n].append(row)
    return found


def _check_facts(request: ClaimRequest, facts: Row) -> None:
    if facts.institution_id is None:
        raise _invalid(
            "institution_code", "institution_exists", f"非定点医药机构 {request.institution_code}",
            f"no designated institution {request.institution_code}", 404,
        )  # fmt: skip
    if facts.known_person_id is None:
        raise _invalid(
            "person_id",
            "person_exists",
            f"未找到参保人 {request.person_id}",
            f"no person {request.person_id}",
            404,
        )
    on = request.discharge_date
    if (
        facts.enrolment_year is None
        or facts.enrolled_on > on
        or (facts.ended_on is not None and facts.ended_on <= on)
    ):
        raise _invalid("person_id", "insured_on_date", f"{on} 未参加基本医保", f"not insured on {on}")


def _rule_inputs(request: ClaimRequest, facts: list[Row]) -> dict[str, list[dict]]:
    """One claim's rows for the settlement rule's inputs. The rule knows the claim by its idempotency key,
    unique among claims settled together (claim numbers are unique only within a hospital)."""
    first = facts[0]
    sums = {"A": 0, "B": 0, "C": 0}
    for item in request.items:
        sums[item.catalogue_class] += item.amount_fen
    inputs = {
        "claims": [{
            "claim_id": request.idempotency_key, "person_id": request.person_id,
            "institution_id": first.institution_id, "care_type": request.care_type,
            "admission_date": request.admission_date, "discharge_date": request.discharge_date,
            "class_a_fen": sums["A"], "class_b_fen": sums["B"], "class_c_fen": sums["C"],
        }],
        "enrolments": [{
            "person_id": request.person_id, "year": first.enrolment_year, "insurance_type": first.insurance_type,
            "person_type": first.person_type, "aid_category": first.aid_category,
            "pool_region": first.pool_region, "enrolled_on": first.enrolled_on, "ended_on": first.ended_on,
        }],
        "institutions": [
            {"institution_id": first.institution_id, "level": first.level, "region_code": first.region_code}
        ],
        "filings": [
            {"person_id": request.person_id, "filing_type": f.filing_type, "valid_from": f.valid_from,
             "valid_to": f.valid_to}
            for f in facts if f.filing_type is not None
        ],
        "prior": [],
    }  # fmt: skip
    if first.accumulator_version is not None:
        inputs["prior"].append({
            "person_id": request.person_id, "year": request.discharge_date.year,
            **{name: getattr(first, name) for name, _ in ACCUMULATOR_TOTALS},
        })  # fmt: skip
    return inputs


def _run(claims: Sequence[tuple[ClaimRequest, list[Row]]]) -> list[dict]:
    """The settlement rule over claims of different persons, each on its person's accumulator as read:
    one run per pooling league (a runner holds its leagues' parameters)."""
    leagues: dict[str, dict[str, list[dict]]] = {}
    for request, facts in claims:
        inputs = leagues.setdefault(facts[0].pool_region, {name: [] for name in _RULE_INPUTS})
        for name, rows in _rule_inputs(request, facts).items():
            inputs[name].extend(rows)
    settled: dict[str, dict] = {}
    for inputs in leagues.values():
        # claims at one hospital share its row (the rule joins institutions by id)
        inputs["institutions"] = list({row["institution_id"]: row for row in inputs["institutions"]}.values())
        for row in settle_rows(*(inputs[name] for name in _RULE_INPUTS)):
            settled[row["claim_id"]] = row
    rows = []
    for request, _ in claims:
        row = settled[request.idempotency_key]
        row["claim_id"] = request.claim_number  # the reasons name the hospital's claim number
        rows.append(row)
    return rows


# settle_rows' arguments, in order
_RULE_INPUTS = ("claims", "enrolments", "institutions", "filings", "prior")


def _explain(row: dict) -> dict[str, Any]:
    """The determination with its reasons, Chinese first: its checks, its steps and every value the rule used.
    A claim keeps this; the parameters' sources are added to an answer (`_answer`), not kept per claim."""
    checks = [
        {
            "check": c.column,
            "passed": bool(row[c.column]),
            "field": CHECK_FIELDS[c.column],
            "reason_zh": render(c.pass_zh if row[c.column] else c.fail_zh, row),
            "reason_en": render(c.pass_en if row[c.column] else c.fail_en, row),
        }
        for c in SETTLEMENT.checks
    ]
    tilt = bool(row["critical_illness_tilt"])
    category_zh, category_en = AID_CATEGORY.get(
        row["aid_category"], (row["aid_category"], row["aid_category"])
    )
    steps = [
        {
            "tier": "basic",
            "zh": f"基本医保:(政策范围内 {fen_to_yuan(row['policy_fen'])} − 起付线 {fen_to_yuan(row['deductible_fen'])})"
            f" × {_percent(row['basic_ratio'])} = {fen_to_yuan(row['basic_fen'])} 元(年度封顶线内)",
            "en": f"basic insurance: (within catalogue {fen_to_yuan(row['policy_fen'])} − deductible "
            f"{fen_to_yuan(row['deductible_fen'])}) × {_percent(row['basic_ratio'])} = {fen_to_yuan(row['basic_fen'])} yuan (within the annual cap)",
        },
        {
            "tier": "critical_illness",
            "zh": f"大病保险:年度累计政策内自付超过起付线 {fen_to_yuan(row['critical_illness_deductible_fen'])} 元的部分按"
            f" {_percent(row['critical_illness_ratio'])} 起分段报销 = {fen_to_yuan(row['critical_illness_fen'])} 元"
            + (f"({category_zh}:起付线减半、比例提高、不设封顶线)" if tilt else ""),
            "en": f"critical illness: the year's within-catalogue out-of-pocket above {fen_to_yuan(row['critical_illness_deductible_fen'])}"
            f" yuan at {_percent(row['critical_illness_ratio'])} and up by segment = {fen_to_yuan(row['critical_illness_fen'])} yuan"
            + (f" ({category_en}: deductible halved, ratio raised, no cap)" if tilt else ""),
        },
        {
            "tier": "medical_aid",
            "zh": f"医疗救助({category_zh}):剩余政策内自付超过 {fen_to_yuan(row['medical_aid_deductible_fen'])} 元的部分 ×"
            f" {_percent(row['medical_aid_ratio'])} = {fen_to_yuan(row['medical_aid_fen'])} 元",
            "en": f"medical aid ({category_en}): residual above {fen_to_yuan(row['medical_aid_deductible_fen'])} yuan ×"
            f" {_percent(row['medical_aid_ratio'])} = {fen_to_yuan(row['medical_aid_fen'])} yuan",
        },
        {
            "tier": "self_pay",
            "zh": f"个人支付 {fen_to_yuan(row['self_pay_fen'])} 元(含目录外 {fen_to_yuan(row['class_c_fen'])} 元、乙类先行自付 {fen_to_yuan(row['class_b_self_fen'])} 元)",
            "en": f"the patient pays {fen_to_yuan(row['self_pay_fen'])} yuan (incl. {fen_to_yuan(row['class_c_fen'])} outside the catalogue"
            f" and {fen_to_yuan(row['class_b_self_fen'])} first share of class B)",
        },
    ]
    return {
        "rule": SETTLEMENT.name,
        "checks": checks,
        "steps": steps,
        "values": {k: (str(v) if isinstance(v, (Decimal, date)) else v) for k, v in row.items()},
    }


def _percent(value: Any) -> str:
    return f"{(Decimal(str(value)) * 100).normalize():f}%"


@dataclass
class Settlement:
    claim_id: int | None
    idempotency_key: str
    status: str
    replayed: bool
    row: dict
    explanation: dict


def _refusal(row: dict) -> DomainError | None:
    """The rule's own checks a claim failed, as the error answered; None when it settled."""
    if row["settled"]:
        return None
    failed = [c for c in SETTLEMENT.checks if not row[c.column]]
    return DomainError(
        "not_settled", "无法结算:" + ";".join(c.fail_zh for c in failed), "cannot settle: " + "; ".join(c.fail_en for c in failed),
        422, [FieldError(CHECK_FIELDS[c.column], c.column, c.fail_zh, c.fail_en) for c in failed],
    )  # fmt: skip


def preview(request: ClaimRequest, engine: Engine | None = None) -> Settlement:
    """试算: the same computation on the current accumulators, nothing saved."""
    _check_shape(request)
    with (engine or default_engine()).connect() as connection:
        (facts,) = _facts(connection, [request])
    _check_facts(request, facts[0])
    (row,) = _run([(request, facts)])
    if (refusal := _refusal(row)) is not None:
        raise refusal
    return _answer(None, request.idempotency_key, "preview", False, _explain(row))


# ---- writing settlements: built once (a statement built per call costs more to key and cache than to run)

_TOTALS = tuple(name for name, _ in ACCUMULATOR_TOTALS)
_ACCUMULATOR_COLUMNS = ("person_id", "year", *_TOTALS, "version", "claims_count", "updated_at")
_CLAIM_COLUMNS = (
    "idempotency_key", "request_hash", "claim_number", "person_id", "institution_id", "care_type",
    "admission_date", "discharge_date", "year", "pool_region", "total_fen", "policy_fen", "basic_fen",
    "oop_policy_fen", "critical_illness_fen", "medical_aid_fen", "self_pay_fen", "status", "result", "actor",
    "settled_at",
)  # fmt: skip
_ITEM_COLUMNS = (
    "line_no", "item_code", "item_name", "catalogue_class", "drug_code", "service_date", "quantity",
    "unit_price_fen", "amount_fen",
)  # fmt: skip


def _advance(statement: Insert) -> Insert:
    """The year's first claim inserts the person's accumulator (version 1); a later one replaces its totals
    only if the version is still the one the rule read (each record carries that version + 1). No row
    back: another claim moved the accumulator first."""
    return statement.on_conflict_do_update(
        index_elements=[_accumulators.c.person_id, _accumulators.c.year],
        set_={
            **{name: statement.excluded[name] for name in _TOTALS},
            "claims_count": _accumulators.c.claims_count + 1,
            "version": statement.excluded.version,
            "updated_at": statement.excluded.updated_at,
        },
        where=_accumulators.c.version == statement.excluded.version - 1,
    )


def _rows_of(table: Table, name: str) -> FromClause:
    """PostgreSQL: rows of `table`'s type sent as one JSON parameter `name` (a list of objects; a key left
    out is NULL), so that a round of any size is written by one short statement (under psycopg's 4 KB,
    hence the one-letter alias)."""
    typed = literal_column(f"NULL::{table.name}")  # the table's own row type gives every column its type
    rows = func.jsonb_populate_recordset(typed, cast(bindparam(name, type_=String), postgresql.JSONB))
    return rows.table_valued(*(c.name for c in table.columns)).alias(name[0])


def _written_together() -> Select:
    """PostgreSQL: the accumulators, the claims and their lines of a whole round in one statement
    (data-modifying CTEs), one round trip and one implicit transaction; a claim is written only if its
    person's accumulator was, its lines only with it. A claim's `id` and its lines' `claim_id` number it
    within the round until the claim has its real id."""
    given = _rows_of(_accumulators, "accumulators")
    new = postgresql.insert(_accumulators).from_select(
        _ACCUMULATOR_COLUMNS, select(*(given.c[name] for name in _ACCUMULATOR_COLUMNS))
    )
    accumulator = _advance(new).returning(_accumulators.c.person_id, _accumulators.c.year).cte("accumulator")
    # read twice (the claims written, their lines' claims), so parsed once: PostgreSQL materialises it
    sent = _rows_of(_claims, "claims")
    claims = select(sent.c.id, *(sent.c[name] for name in _CLAIM_COLUMNS)).cte("claims")
    claim = (
        insert(_claims)
        .from_select(
            _CLAIM_COLUMNS,
            select(*(claims.c[name] for name in _CLAIM_COLUMNS)).join(
                accumulator,
                and_(accumulator.c.person_id == claims.c.person_id, accumulator.c.year == claims.c.year),
            ),
        )
        .returning(_claims.c.id, _claims.c.idempotency_key)
        .cte("claim")
    )
    lines = _rows_of(_items, "lines")
    written_lines = (
        insert(_items)
        .from_select(
            ("claim_id", *_ITEM_COLUMNS),
            select(claim.c.id, *(lines.c[name] for name in _ITEM_COLUMNS))
            .select_from(lines)
            .join(claims, claims.c.id == lines.c.claim_id)
            .join(claim, claim.c.idempotency_key == claims.c.idempotency_key),
        )
        .cte("lines")
    )
    return select(claim.c.id, claim.c.idempotency_key).add_cte(accumulator, claim, written_lines)


_WRITE_TOGETHER = _written_together()
# SQLite: each claim in three statements, all of a round in one transaction
_WRITE_ACCUMULATOR = _advance(sqlite.insert(_accumulators)).returning(_accumulators.c.version)
_WRITE_CLAIM = insert(_claims).returning(_claims.c.id)
_WRITE_ITEMS = insert(_items)


@dataclass
class _Settled:
    """A claim the rule settled, to be written with its person's accumulator."""

    request: ClaimRequest
    facts: Row
    row: dict
    explanation: dict
    actor: str

    def accumulator(self, now: datetime) -> dict:
        return {
            "person_id": self.request.person_id, "year": self.row["year"], "updated_at": now,
            "version": (self.facts.accumulator_version or 0) + 1, "claims_count": 1,
            **{name: self.row[total] for name, total in ACCUMULATOR_TOTALS},
        }  # fmt: skip

    def claim(self, now: datetime) -> dict:
        request, row = self.request, self.row
        return {
            "idempotency_key": request.idempotency_key, "request_hash": request.digest(),
            "claim_number": request.claim_number, "person_id": request.person_id,
            "institution_id": self.facts.institution_id, "care_type": request.care_type,
            "admission_date": request.admission_date, "discharge_date": request.discharge_date,
            "year": row["year"], "pool_region": self.facts.pool_region, "total_fen": row["total_fen"],
            "policy_fen": row["policy_fen"], "basic_fen": row["basic_fen"], "oop_policy_fen": row["oop_policy_fen"],
            "critical_illness_fen": row["critical_illness_fen"], "medical_aid_fen": row["medical_aid_fen"],
            "self_pay_fen": row["self_pay_fen"], "status": "settled", "result": self.explanation,
            "actor": self.actor, "settled_at": now,
        }  # fmt: skip

    def lines(self) -> list[dict]:
        return [
            {
                "line_no": number + 1, "item_code": i.item_code, "item_name": i.item_name,
                "catalogue_class": i.catalogue_class, "drug_code": i.drug_code, "service_date": i.service_date,
                "quantity": i.quantity, "unit_price_fen": i.unit_price_fen, "amount_fen": i.amount_fen,
            }
            for number, i in enumerate(self.request.items)
        ]  # fmt: skip


def _save(connection: Connection, settled: Sequence[_Settled]) -> dict[str, int]:
    """Writes each settled claim, its lines and its person's new accumulator, if that accumulator is still
    the one the rule read (its version), so two claims of one person never both build on the same totals.
    Returns the ids of the claims written, by idempotency key; a claim missing lost that race."""
    now = utcnow()
    if connection.dialect.name == "postgresql":
        records = {
            "accumulators": [claim.accumulator(now) for claim in settled],
            "claims": [{"id": n, **claim.claim(now)} for n, claim in enumerate(settled)],
            "lines": [{"claim_id": n, **line} for n, claim in enumerate(settled) for line in claim.lines()],
        }
        answer = connection.execute(
            _WRITE_TOGETHER, {name: to_json(rows).decode() for name, rows in records.items()}
        )
        return {key: claim_id for claim_id, key in answer}
    written = {}
    for claim in settled:
        if connection.execute(_WRITE_ACCUMULATOR, claim.accumulator(now)).first() is None:
            continue
        claim_id = connection.execute(_WRITE_CLAIM, claim.claim(now)).scalar_one()
        connection.execute(_WRITE_ITEMS, [{"claim_id": claim_id, **line} for line in claim.lines()])
        written[claim.request.idempotency_key] = claim_id
    return written


def _answer(claim_id: int | None, key: str, status: str, replayed: bool, explanation: dict) -> Settlement:
    """A settlement as answered: its explanation with the parameters' descriptions and source documents,
    which are the same for every claim (6 of an answer's 8 KB), so cited from the policy files, not kept."""
    cited = {**explanation, "parameters": medical_parameters.sources(MEDICAL_PARAMETERS)}
    return Settlement(claim_id, key, status, replayed, explanation["values"], cited)


def _replay(request: ClaimRequest, claim_id: int, request_hash: str, status: str, result: dict) -> Settlement:
    if request_hash != request.digest():
        raise Conflict(
            f"幂等键 {request.idempotency_key} 已用于另一笔结算", f"idempotency key {request.idempotency_key} was used for another claim",
            [FieldError("idempotency_key", "same_request", "同一幂等键的请求内容不同", "a different request under the same key")],
        )  # fmt: skip
    return _answer(claim_id, request.idempotency_key, status, True, result)


def _settling(engine: Engine) -> AbstractContextManager[Connection]:
    """PostgreSQL writes a round in one statement, its own transaction, so the connection needs no BEGIN
    and COMMIT round trips (the read before it is checked by the write's version test); SQLite writes
    it in several statements, inside one transaction."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    return engine.begin()


# a claim that lost the race for its person's accumulator this many times is refused with "retry"
SETTLE_ATTEMPTS = 8

Answer = Settlement | DomainError


def settle_claim(request: ClaimRequest, actor: str = "system", engine: Engine | None = None) -> Settlement:
    """实时结算: settle one claim and update the accumulators in one transaction; a retry returns the first
    answer. Raises the error that refused it."""
    (answer,) = settle_claims([request], [actor], engine)
    if isinstance(answer, DomainError):
        raise answer
    return answer


def settle_claims(
    requests: Sequence[ClaimRequest], actors: Sequence[str], engine: Engine | None = None
) -> list[Answer]:
    """Claims that arrive together, settled together (the hospitals' hot path): a round reads the facts
    of all its claims in one query, runs the rule once over them and writes them in one statement (three
    a claim on SQLite). A round holds one claim per person, so each builds on its person's accumulator
    as read; that accumulator is not locked while the rule runs, its version is checked when written,
    and a claim that lost the race, or waited for its person's earlier one, is settled in the next round.
    Each answer is the settlement, or the error that refused the claim and wrote nothing of it."""
    engine = planned_once(engine or default_engine())
    answers: list[Answer | None] = [None] * len(requests)
    waiting = []
    for n, request in enumerate(requests):
        try:
            _check_shape(request)
            waiting.append(n)
        except DomainError as problem:
            answers[n] = problem
    lost = [0] * len(requests)
    while waiting:
        round_, waiting = _one_per_person(requests, waiting)
        for n in _settle_round(engine, requests, actors, round_, answers):
            lost[n] += 1
            if lost[n] < SETTLE_ATTEMPTS:
                waiting.append(n)
            else:
                answers[n] = Conflict(
                    f"参保人 {requests[n].person_id} 的结算请求过于密集,请重试",
                    f"too many simultaneous claims for person {requests[n].person_id}; retry",
                )
    return answers  # type: ignore[return-value]  # every claim has its answer now


def _one_per_person(requests: Sequence[ClaimRequest], waiting: list[int]) -> tuple[list[int], list[int]]:
    """This round's claims, one per person and per idempotency key, and those left for the next."""
    now, later, persons, keys = [], [], set(), set()
    for n in waiting:
        request = requests[n]
        if request.person_id in persons or request.idempotency_key in keys:
            later.append(n)
        else:
            now.append(n)
            persons.add(request.person_id)
            keys.add(request.idempotency_key)
    return now, later


def _settle_round(
    engine: Engine,
    requests: Sequence[ClaimRequest],
    actors: Sequence[str],
    round_: list[int],
    answers: list,
    reconnected: bool = False,
) -> list[int]:
    """One read, one rule run, one write for the round's claims; answers each and returns the claims
    to settle again (their person's accumulator moved, or a retry of one committed first)."""
    settled: list[tuple[int, _Settled]] = []
    try:
        with _settling(engine) as connection:
            ready = []
            for n, facts in zip(round_, _facts(connection, [requests[n] for n in round_]), strict=True):
                request, first = requests[n], facts[0]
                try:
                    if first.earlier_claim_id is not None:
                        answers[n] = _replay(
                            request, first.earlier_claim_id, first.earlier_request_hash, first.earlier_status,
                            first.earlier_result,
                        )  # fmt: skip
                        continue
                    _check_facts(request, first)
                    ready.append((n, facts))
                except DomainError as problem:
                    answers[n] = problem
            rows = _run([(requests[n], facts) for n, facts in ready]) if ready else []
            for (n, facts), row in zip(ready, rows, strict=True):
                if (refusal := _refusal(row)) is not None:
                    answers[n] = refusal
                else:
                    settled.append((n, _Settled(requests[n], facts[0], row, _explain(row), actors[n])))
            written = _save(connection, [claim for _, claim in settled]) if settled else {}
    except IntegrityError:
        written = {}  # a retry of one of them (another process) committed first: the round is read again
    except DBAPIError as problem:
        if not problem.connection_invalidated or reconnected:
            raise
        # the pool does not ping a connection before lending it (a round trip a round): one that
        # PostgreSQL dropped (a restart) fails here, and the round is run again on a new one
        return _settle_round(engine, requests, actors, round_, answers, reconnected=True)
    for n, claim in settled:
        key = claim.request.idempotency_key
        if key in written:
            answers[n] = _answer(written[key], key, "settled", False, claim.explanation)
    return [n for n in round_ if answers[n] is None]


def claim_in_scope(session: Session, claim_id: int, scope: RegionScope) -> Claim:
    """A claim for the pooling league's officers and for those who supervise where the care was given
    (就医地监管: a banner officer checks the claims of its hospitals); 404 for anyone else."""
    claim = session.get(Claim, claim_id)
    if claim is not None and not scope.allows(claim.pool_region):
        institution = session.get(Institution, claim.institution_id)
        if not scope.allows(institution.region_code):
            claim = None
    if claim is None:
        raise NotFound("结算单 / claim", claim_id)  # outside the scope answers 404 too
    return claim


def reverse_claim(session: Session, claim_id: int, reason: str, actor: str = "system") -> Claim:
    """冲销: refund a settlement and take its amounts back out of the person's accumulators."""
    claim = session.get(Claim, claim_id, with_for_update=True)
    if claim is None:
        raise NotFound("结算单 / claim", claim_id)
    if claim.status == "reversed":
        raise Conflict(f"结算单 {claim_id} 已冲销", f"claim {claim_id} is already reversed")
    accumulator = session.get(Accumulator, (claim.person_id, claim.year), with_for_update=True)
    before = {name: getattr(accumulator, name) for name, _ in ACCUMULATOR_TOTALS}
    accumulator.basic_paid_fen -= claim.basic_fen
    accumulator.oop_policy_fen -= claim.oop_policy_fen
    accumulator.critical_illness_paid_fen -= claim.critical_illness_fen
    accumulator.residual_fen -= claim.oop_policy_fen - claim.critical_illness_fen
    accumulator.medical_aid_paid_fen -= claim.medical_aid_fen
    accumulator.claims_count -= 1
    claim.status = "reversed"
    claim.reversed_at = utcnow()
    claim.reversal_reason = reason
    session.flush()
    audit.append(
        session, actor=actor, action="medical.claim.reverse", entity="medical_claim", entity_id=claim.id,
        region_code=claim.pool_region, subject=str(claim.person_id),
        before={"status": "settled", "accumulator": before},
        after={"status": "reversed", "reason": reason, "accumulator": {n: getattr(accumulator, n) for n, _ in ACCUMULATOR_TOTALS}},
    )  # fmt: skip
    return claim


def accumulator_of(session: Session, person_id: int, year: int) -> dict[str, int]:
    accumulator = session.get(Accumulator, (person_id, year))
    values = {name: (getattr(accumulator, name) if accumulator else 0) for name, _ in ACCUMULATOR_TOTALS}
    values["claims_count"] = accumulator.claims_count if accumulator else 0
    return values
