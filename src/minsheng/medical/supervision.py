"""医保基金监管 fund supervision: SQL rules over claims that flag misuse and fraud, each flag with its
evidence; cases opened from flags with refusal (拒付), recovery (追回) and fines (罚款: 1–2× the loss for
misuse, 2–5× for fraud, 国务院令第735号 Art. 38/40); and the score of the rules on planted patterns.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from minsheng.api.errors import Conflict, DomainError, FieldError, NotFound
from minsheng.engine import Check, Rule
from minsheng.medical.models import Flag, Institution, SupervisionCase
from minsheng.medical.parameters import parameter_set, parameter_table, value_at
from minsheng.medical.rules.run import run_rule
from minsheng.money import round_fen
from minsheng.store import audit

HERE = Path(__file__).parent

# rule → (Chinese name, English name, severity: 明确违规 violation / 可疑 suspicious)
RULES = {
    "split_admission": ("分解住院", "split admission", "suspicious"),
    "bed_blocking": ("挂床住院", "bed-blocking", "suspicious"),
    "duplicate_billing": ("重复收费", "duplicate billing", "violation"),
    "over_price": ("超标准收费", "over-price billing", "violation"),
    "quantity_limit": ("超限定频次/数量", "quantity or frequency above the limit", "violation"),
    "sex_restriction": ("限性别项目", "item restricted to the other sex", "violation"),
    "after_death": ("死亡后就医", "care after death", "violation"),
}

EVIDENCE = {
    "split_admission": ("previous_claim_id", "readmission_gap_days", "readmission_days"),
    "bed_blocking": ("longest_idle_days", "bed_blocking_days", "outpatient_claim_id"),
    "duplicate_billing": ("duplicate_item",),
    "over_price": ("over_price_item",),
    "quantity_limit": ("quantity_item",),
    "sex_restriction": ("sex_item", "sex"),
    "after_death": ("death_date",),
}

SUPERVISION = Rule(
    name="medical_supervision",
    title_zh="医保基金智能监管",
    title_en="medical fund supervision",
    sql_file=HERE / "rules" / "supervision.sql",
    inputs=("claims", "items", "institutions", "enrolment", "members", "price_list", "medical_params"),
    parameters=(),
    key=("claim_id",),
    unit_table="claims",
    columns={f"{rule}_at_issue_fen": f"{zh} amount at issue" for rule, (zh, _, _) in RULES.items()},
    checks=tuple(
        Check(
            f"flag_{rule}", zh, en,
            f"发现{zh}疑点", f"{en} found", f"未发现{zh}", f"no {en}",
            parameters=("medical.supervision.readmission_days", "medical.supervision.bed_blocking_days"),
        )
        for rule, (zh, en, _) in RULES.items()
    ),
)  # fmt: skip

PRICE_LIST = pa.schema(
    [
        pa.field("item_code", pa.string(), nullable=False),
        pa.field("kind", pa.string(), nullable=False),
        pa.field("level", pa.int32(), nullable=False),
        pa.field("max_price_fen", pa.int64(), nullable=False),
        pa.field("sex", pa.string()),
        pa.field("max_per_day", pa.int64()),
    ]
)


@cache
def price_list() -> pa.Table:
    """The price catalogue the over-price, quantity and sex rules read (a synthetic demo catalogue)."""
    with (HERE / "price_list.csv").open(encoding="utf-8") as handle:
        rows = [
            {
                "item_code": r["item_code"],
                "kind": r["kind"],
                "level": int(r["level"]),
                "max_price_fen": int(r["max_price_fen"]),
                "sex": r["sex"] or None,
                "max_per_day": int(r["max_per_day"]) if r["max_per_day"] else None,
            }
            for r in csv.DictReader(handle)
        ]
    return pa.Table.from_pylist(rows, schema=PRICE_LIST)


def price_caps() -> dict[tuple[str, int], int]:
    return {(r["item_code"], r["level"]): r["max_price_fen"] for r in price_list().to_pylist()}


def supervise(
    claims: pa.Table,
    items: pa.Table,
    institutions: pa.Table,
    enrolment: pa.Table,
    members: pa.Table,
    as_of: date,
) -> pa.Table:
    """Run the supervision rule: one row per claim with a flag column per rule and its evidence."""
    params = parameter_set()
    return run_rule(
        SUPERVISION,
        {
            "claims": claims,
            "items": items,
            "institutions": institutions,
            "enrolment": enrolment,
            "members": members.select(["person_id", "sex", "death_date"]),
            "price_list": price_list(),
            "medical_params": parameter_table(params),
        },
        params,
        as_of,
        threads=2,
    )


def flags_from(result: pa.Table) -> list[dict[str, Any]]:
    """One flag per (claim, rule) found, with its evidence and the amount at issue."""
    flags = []
    columns = result.column_names
    for row in result.to_pylist():
        for rule, (zh, en, severity) in RULES.items():
            if not row[f"flag_{rule}"]:
                continue
            evidence = {
                k: (str(row[k]) if isinstance(row[k], date) else row[k])
                for k in EVIDENCE[rule]
                if k in columns
            }
            evidence |= {"rule_zh": zh, "rule_en": en, "claim_total_fen": row["total_fen"]}
            flags.append(
                {
                    "rule": rule,
                    "claim_id": row["claim_id"],
                    "person_id": row["person_id"],
                    "institution_id": row["institution_id"],
                    "pool_region": row["pool_region"],
                    "severity": severity,
                    "loss_fen": row[f"{rule}_at_issue_fen"],
                    "evidence": evidence,
                }
            )
    return flags


@dataclass
class Score:
    pattern: str
    planted: int
    flagged: int
    found: int

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.flagged if self.flagged else 1.0


def score(flags: list[dict[str, Any]], planted: pa.Table) -> list[Score]:
    """Recall and precision of each rule on the planted patterns of the synthetic claims."""
    truth: dict[str, set[str]] = defaultdict(set)
    for row in planted.to_pylist():
        truth[row["pattern"]].add(row["claim_id"])
    flagged: dict[str, set[str]] = defaultdict(set)
    for flag in flags:
        flagged[flag["rule"]].add(flag["claim_id"])
    return [
        Score(rule, len(truth[rule]), len(flagged[rule]), len(truth[rule] & flagged[rule])) for rule in RULES
    ]


# ----------------------------------------------------------------------------- flags and cases in the store


def record_flags(session: Session, flags: list[dict[str, Any]]) -> list[Flag]:
    records = [
        Flag(
            rule=f["rule"], claim_number=f["claim_id"], person_id=f["person_id"], institution_id=f["institution_id"],
            severity=f["severity"], loss_fen=int(f["loss_fen"] or 0), evidence=f["evidence"],
        )
        for f in flags
    ]  # fmt: skip
    session.add_all(records)
    session.flush()
    return records


def open_case(
    session: Session, institution_id: int, flag_ids: list[int], kind: str, actor: str
) -> SupervisionCase:
    """立案: a case against an institution from its flags; the loss is the flags' amounts at issue."""
    if kind not in ("misuse", "fraud"):
        raise DomainError(
            "invalid_case", "案件类型应为违规或骗保", "kind must be misuse or fraud", 422,
            [FieldError("kind", "vocabulary", "misuse 违规 / fraud 骗保", "misuse or fraud")],
        )  # fmt: skip
    flags = session.scalars(select(Flag).where(Flag.id.in_(flag_ids))).all()
    if len(flags) != len(set(flag_ids)) or any(f.institution_id != institution_id for f in flags):
        raise DomainError(
            "invalid_case", "疑点不属于该机构或不存在", "flags missing or of another institution", 422,
            [FieldError("flag_ids", "same_institution", "疑点须属于该机构", "flags must belong to the institution")],
        )  # fmt: skip
    if any(f.case_id is not None for f in flags):
        raise Conflict("疑点已立案", "a flag already belongs to a case")
    institution = session.get(Institution, institution_id)
    region = institution.region_code if institution else "150000"
    case = SupervisionCase(
        institution_id=institution_id, region_code=region, kind=kind, loss_fen=sum(f.loss_fen for f in flags)
    )
    session.add(case)
    session.flush()
    for flag in flags:
        flag.case_id = case.id
    audit.append(
        session, actor=actor, action="medical.case.open", entity="medical_case", entity_id=case.id,
        region_code=region, after={"institution_id": institution_id, "kind": kind, "loss_fen": case.loss_fen, "flags": flag_ids},
    )  # fmt: skip
    return case


def decide_case(
    session: Session,
    case_id: int,
    *,
    refused_fen: int,
    recovered_fen: int,
    fine_multiple: Decimal,
    on: date,
    actor: str,
) -> SupervisionCase:
    """处理决定: refusal and recovery make good the loss; the fine is a multiple of it within the legal range."""
    case = session.get(SupervisionCase, case_id)
    if case is None:
        raise NotFound("监管案件 / case", case_id)
    if case.decided:
        raise Conflict(f"案件 {case_id} 已作出处理决定", f"case {case_id} is already decided")
    low = value_at("medical.supervision.fine_multiple_min", on, case_kind=case.kind)
    high = value_at("medical.supervision.fine_multiple_max", on, case_kind=case.kind)
    if not low <= fine_multiple <= high:
        raise DomainError(
            "invalid_decision", f"罚款倍数应在 {low}–{high} 倍之间", f"the fine multiple must be {low}–{high}", 422,
            [FieldError("fine_multiple", "legal_range", f"{case.kind}: {low}–{high} 倍", f"{case.kind}: {low}–{high}×")],
        )  # fmt: skip
    if refused_fen < 0 or recovered_fen < 0 or refused_fen + recovered_fen > case.loss_fen:
        raise DomainError(
            "invalid_decision", "拒付与追回之和不能超过损失", "refusal plus recovery cannot exceed the loss", 422,
            [FieldError("recovered_fen", "within_loss", "拒付+追回 ≤ 损失", "refused + recovered ≤ loss")],
        )  # fmt: skip
    case.refused_fen = refused_fen
    case.recovered_fen = recovered_fen
    case.fine_multiple = str(fine_multiple)
    case.fine_fen = round_fen(Decimal(case.loss_fen) * fine_multiple)
    case.decided = True
    case.status = "decided"
    audit.append(
        session, actor=actor, action="medical.case.decide", entity="medical_case", entity_id=case.id,
        region_code=case.region_code,
        after={"refused_fen": refused_fen, "recovered_fen": recovered_fen, "fine_multiple": str(fine_multiple), "fine_fen": case.fine_fen},
    )  # fmt: skip
    return case
