"""medical: designated institutions, enrolment, cross-province filings, settled claims and items,
annual accumulators, supervision flags and cases

Revision ID: 0005_medical
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_medical"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("medical",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "medical_case",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("loss_fen", sa.BigInteger(), nullable=False),
        sa.Column("refused_fen", sa.BigInteger(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False),
        sa.Column("fine_multiple", sa.String(length=8), nullable=True),
        sa.Column("fine_fen", sa.BigInteger(), nullable=False),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind in ('misuse', 'fraud')", name=op.f("ck_medical_case_kind")),
        sa.CheckConstraint("status in ('open', 'decided', 'closed')", name=op.f("ck_medical_case_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_case")),
    )
    with op.batch_alter_table("medical_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_case_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_case_region_code"), ["region_code"], unique=False)

    op.create_table(
        "medical_institution",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("designated_from", sa.Date(), nullable=False),
        sa.Column("designated_to", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind in ('hospital', 'clinic', 'pharmacy')", name=op.f("ck_medical_institution_kind")
        ),
        sa.CheckConstraint("level between 1 and 3", name=op.f("ck_medical_institution_level")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_institution")),
        sa.UniqueConstraint("code", name=op.f("uq_medical_institution_code")),
    )
    with op.batch_alter_table("medical_institution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_institution_region_code"), ["region_code"], unique=False)

    op.create_table(
        "medical_flag",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("claim_number", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("loss_fen", sa.BigInteger(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["medical_case.id"], name=op.f("fk_medical_flag_case_id_medical_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_flag")),
    )
    with op.batch_alter_table("medical_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_flag_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_flag_claim_number"), ["claim_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_flag_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_flag_rule"), ["rule"], unique=False)

    op.create_table(
        "medical_accumulator",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("basic_paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("oop_policy_fen", sa.BigInteger(), nullable=False),
        sa.Column("critical_illness_paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("residual_fen", sa.BigInteger(), nullable=False),
        sa.Column("medical_aid_paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("claims_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "basic_paid_fen >= 0 and oop_policy_fen >= 0 and critical_illness_paid_fen >= 0 and residual_fen >= 0 and medical_aid_paid_fen >= 0",
            name=op.f("ck_medical_accumulator_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_medical_accumulator_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", "year", name=op.f("pk_medical_accumulator")),
    )
    op.create_table(
        "medical_claim",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("idempotency_key", sa.String(length=80), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("claim_number", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("institution_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("care_type", sa.String(length=24), nullable=False),
        sa.Column("admission_date", sa.Date(), nullable=False),
        sa.Column("discharge_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("pool_region", sa.String(length=6), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("policy_fen", sa.BigInteger(), nullable=False),
        sa.Column("basic_fen", sa.BigInteger(), nullable=False),
        sa.Column("oop_policy_fen", sa.BigInteger(), nullable=False),
        sa.Column("critical_illness_fen", sa.BigInteger(), nullable=False),
        sa.Column("medical_aid_fen", sa.BigInteger(), nullable=False),
        sa.Column("self_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reversal_reason", sa.String(length=200), nullable=True),
        sa.CheckConstraint("status in ('settled', 'reversed')", name=op.f("ck_medical_claim_status")),
        sa.CheckConstraint(
            "basic_fen + critical_illness_fen + medical_aid_fen + self_pay_fen = total_fen",
            name=op.f("ck_medical_claim_parts_add_up"),
        ),
        sa.CheckConstraint(
            "basic_fen >= 0 and critical_illness_fen >= 0 and medical_aid_fen >= 0 and self_pay_fen >= 0",
            name=op.f("ck_medical_claim_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["medical_institution.id"],
            name=op.f("fk_medical_claim_institution_id_medical_institution"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_medical_claim_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_claim")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_medical_claim_idempotency_key")),
    )
    with op.batch_alter_table("medical_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_claim_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_claim_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_claim_pool_region"), ["pool_region"], unique=False)

    op.create_table(
        "medical_enrolment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("insurance_type", sa.String(length=16), nullable=False),
        sa.Column("person_type", sa.String(length=16), nullable=False),
        sa.Column("aid_category", sa.String(length=24), nullable=False),
        sa.Column("pool_region", sa.String(length=6), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("premium_fen", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("individual_fen", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "insurance_type in ('resident', 'employee')", name=op.f("ck_medical_enrolment_insurance_type")
        ),
        sa.CheckConstraint(
            "person_type in ('resident', 'in_service', 'retired')",
            name=op.f("ck_medical_enrolment_person_type"),
        ),
        sa.CheckConstraint(
            "subsidy_fen >= 0 and individual_fen >= 0", name=op.f("ck_medical_enrolment_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_medical_enrolment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_enrolment")),
        sa.UniqueConstraint("person_id", "year", name="uq_medical_enrolment_person_year"),
    )
    with op.batch_alter_table("medical_enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_enrolment_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_medical_enrolment_pool_region"), ["pool_region"], unique=False)

    op.create_table(
        "medical_filing",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("filing_type", sa.String(length=24), nullable=False),
        sa.Column("destination_region", sa.String(length=6), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "filing_type in ('long_term_resident', 'referral', 'emergency', 'other')",
            name=op.f("ck_medical_filing_filing_type"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_medical_filing_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_filing")),
    )
    with op.batch_alter_table("medical_filing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_filing_person_id"), ["person_id"], unique=False)

    op.create_table(
        "medical_claim_item",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("claim_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=32), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("catalogue_class", sa.String(length=1), nullable=False),
        sa.Column("drug_code", sa.String(length=32), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "catalogue_class in ('A', 'B', 'C')", name=op.f("ck_medical_claim_item_catalogue_class")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["medical_claim.id"],
            name=op.f("fk_medical_claim_item_claim_id_medical_claim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_claim_item")),
    )
    with op.batch_alter_table("medical_claim_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_claim_item_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("medical_claim_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_claim_item_claim_id"))

    op.drop_table("medical_claim_item")
    with op.batch_alter_table("medical_filing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_filing_person_id"))

    op.drop_table("medical_filing")
    with op.batch_alter_table("medical_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_enrolment_pool_region"))
        batch_op.drop_index(batch_op.f("ix_medical_enrolment_person_id"))

    op.drop_table("medical_enrolment")
    with op.batch_alter_table("medical_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_claim_pool_region"))
        batch_op.drop_index(batch_op.f("ix_medical_claim_person_id"))
        batch_op.drop_index(batch_op.f("ix_medical_claim_institution_id"))

    op.drop_table("medical_claim")
    op.drop_table("medical_accumulator")
    with op.batch_alter_table("medical_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_flag_rule"))
        batch_op.drop_index(batch_op.f("ix_medical_flag_institution_id"))
        batch_op.drop_index(batch_op.f("ix_medical_flag_claim_number"))
        batch_op.drop_index(batch_op.f("ix_medical_flag_case_id"))

    op.drop_table("medical_flag")
    with op.batch_alter_table("medical_institution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_institution_region_code"))

    op.drop_table("medical_institution")
    with op.batch_alter_table("medical_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_case_region_code"))
        batch_op.drop_index(batch_op.f("ix_medical_case_institution_id"))

    op.drop_table("medical_case")
