"""assistance cases: the case, its events, amounts per period, adjustments, tasks, portal codes

Revision ID: 0008_assistance_cases
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_assistance_cases"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("assistance_cases",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assistance_portal_code",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_portal_code")),
    )
    with op.batch_alter_table("assistance_portal_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assistance_portal_code_id_number_hash"), ["id_number_hash"], unique=False
        )

    op.create_table(
        "assistance_case",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_no", sa.String(length=24), nullable=False),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("programme", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("subject_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("applicant_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("payee_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("paying_bank", sa.String(length=8), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("special", sa.Boolean(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("township_reviewed_on", sa.Date(), nullable=True),
        sa.Column("notice_from", sa.Date(), nullable=True),
        sa.Column("notice_to", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("start_month", sa.Date(), nullable=True),
        sa.Column("end_month", sa.Date(), nullable=True),
        sa.Column("determination", sa.JSON(), nullable=True),
        sa.Column("investigation", sa.JSON(), nullable=True),
        sa.Column("review_interval_months", sa.Integer(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("taper_until", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel in ('counter', 'portal')", name=op.f("ck_assistance_case_channel")),
        sa.CheckConstraint(
            "programme in ('dibao', 'tekun', 'orphan', 'de_facto_child', 'dibao_edge', 'rigid_expense')",
            name=op.f("ck_assistance_case_programme"),
        ),
        sa.CheckConstraint(
            "status in ('submitted', 'investigating', 'township_reviewed', 'in_notice', 'objection', 'confirmed', 'active', 'suspended', 'ended', 'refused', 'withdrawn')",
            name=op.f("ck_assistance_case_status"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_person_id"], ["person.id"], name=op.f("fk_assistance_case_applicant_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_assistance_case_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["payee_person_id"], ["person.id"], name=op.f("fk_assistance_case_payee_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["subject_person_id"], ["person.id"], name=op.f("fk_assistance_case_subject_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_case")),
        sa.UniqueConstraint("case_no", name=op.f("uq_assistance_case_case_no")),
    )
    with op.batch_alter_table("assistance_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_case_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_assistance_case_household_id"), ["household_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assistance_case_next_review_on"), ["next_review_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assistance_case_status"), ["status"], unique=False)

    op.create_table(
        "assistance_adjustment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_in_month", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["assistance_case.id"], name=op.f("fk_assistance_adjustment_case_id_assistance_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_adjustment")),
    )
    with op.batch_alter_table("assistance_adjustment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_adjustment_case_id"), ["case_id"], unique=False)

    op.create_table(
        "assistance_case_amount",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("effective_month", sa.Date(), nullable=False),
        sa.Column("monthly_amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint("monthly_amount_fen >= 0", name=op.f("ck_assistance_case_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["assistance_case.id"],
            name=op.f("fk_assistance_case_amount_case_id_assistance_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_case_amount")),
        sa.UniqueConstraint("case_id", "effective_month", name=op.f("uq_assistance_case_amount_case_id")),
    )
    with op.batch_alter_table("assistance_case_amount", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_case_amount_case_id"), ["case_id"], unique=False)

    op.create_table(
        "assistance_case_event",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["assistance_case.id"], name=op.f("fk_assistance_case_event_case_id_assistance_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_case_event")),
    )
    with op.batch_alter_table("assistance_case_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_case_event_case_id"), ["case_id"], unique=False)

    op.create_table(
        "assistance_task",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind in ('review', 'recheck', 'taper_end')", name=op.f("ck_assistance_task_kind")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["assistance_case.id"], name=op.f("fk_assistance_task_case_id_assistance_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_task")),
        sa.UniqueConstraint("case_id", "kind", "due_on", name=op.f("uq_assistance_task_case_id")),
    )
    with op.batch_alter_table("assistance_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assistance_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assistance_task_due_on"), ["due_on"], unique=False)


def downgrade() -> None:
    for table in (
        "assistance_task",
        "assistance_case_event",
        "assistance_case_amount",
        "assistance_adjustment",
        "assistance_case",
        "assistance_portal_code",
    ):
        op.drop_table(table)
