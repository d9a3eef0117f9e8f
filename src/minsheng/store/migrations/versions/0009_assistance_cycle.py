"""assistance payment cycle: cycles, payment lines keyed (case, month), bank files, bank returns

Revision ID: 0009_assistance_cycle
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_assistance_cycle"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("assistance_cycle",)
depends_on: str | Sequence[str] | None = "0008_assistance_cases"

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "assistance_cycle",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("case_cutoff_id", sa.BigInteger(), nullable=False),
        sa.Column("adjustment_cutoff_id", sa.BigInteger(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=True),
        sa.Column("total_fen", sa.BigInteger(), nullable=True),
        sa.Column("built_by", sa.String(length=64), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_by", sa.String(length=64), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returns_completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('building', 'built', 'approved', 'exported', 'returns_imported')",
            name=op.f("ck_assistance_cycle_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_cycle")),
        sa.UniqueConstraint("month", "region_code", name=op.f("uq_assistance_cycle_month")),
    )
    op.create_index(op.f("ix_assistance_cycle_region_code"), "assistance_cycle", ["region_code"])

    op.create_table(
        "assistance_payment_line",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("cycle_id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("case_no", sa.String(length=24), nullable=False),
        sa.Column("household_id", sa.BigInteger(), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("programme", sa.String(length=16), nullable=False),
        sa.Column("paying_bank", sa.String(length=8), nullable=False),
        sa.Column("payee_person_id", sa.BigInteger(), nullable=True),
        sa.Column("payee_name", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=32), nullable=False),
        sa.Column("base_fen", sa.BigInteger(), nullable=False),
        sa.Column("adjustment_fen", sa.BigInteger(), nullable=False),
        sa.Column("reissue_fen", sa.BigInteger(), nullable=False),
        sa.Column("carried_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("return_reason", sa.String(length=32), nullable=True),
        sa.Column("reissued_in_month", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status in ('pending', 'paid', 'failed')", name=op.f("ck_assistance_payment_line_status")
        ),
        sa.CheckConstraint(
            "amount_fen >= 0 and carried_fen <= 0", name=op.f("ck_assistance_payment_line_amounts")
        ),
        sa.CheckConstraint(
            "amount_fen = base_fen + adjustment_fen + reissue_fen - carried_fen",
            name=op.f("ck_assistance_payment_line_sum"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_payment_line")),
        sa.UniqueConstraint("month", "case_id", name="uq_assistance_payment_line_month_case"),
    )
    op.create_index(
        "ix_assistance_payment_line_to_reissue",
        "assistance_payment_line",
        ["case_id"],
        sqlite_where=sa.text("status = 'failed' AND reissued_in_month IS NULL"),
        postgresql_where=sa.text("status = 'failed' AND reissued_in_month IS NULL"),
    )
    op.create_index(
        "ix_assistance_payment_line_reissued",
        "assistance_payment_line",
        ["reissued_in_month", "case_id"],
        sqlite_where=sa.text("reissued_in_month IS NOT NULL"),
        postgresql_where=sa.text("reissued_in_month IS NOT NULL"),
    )

    op.create_table(
        "assistance_bank_file",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("cycle_id", ID, nullable=False),
        sa.Column("bank_code", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("total_fen", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("exported_by", sa.String(length=64), nullable=False),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("return_sha256", sa.String(length=64), nullable=True),
        sa.Column("return_file_name", sa.String(length=200), nullable=True),
        sa.Column("returns_imported_by", sa.String(length=64), nullable=True),
        sa.Column("returns_imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_count", sa.Integer(), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.Column("failed_count", sa.Integer(), nullable=True),
        sa.Column("failed_fen", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["assistance_cycle.id"],
            name=op.f("fk_assistance_bank_file_cycle_id_assistance_cycle"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_bank_file")),
        sa.UniqueConstraint("cycle_id", "bank_code", name=op.f("uq_assistance_bank_file_cycle_id")),
    )
    op.create_index(op.f("ix_assistance_bank_file_cycle_id"), "assistance_bank_file", ["cycle_id"])

    op.create_table(
        "assistance_payment_return",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("bank_file_id", ID, nullable=False),
        sa.Column("line_id", ID, nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('paid', 'failed')", name=op.f("ck_assistance_payment_return_status")),
        sa.ForeignKeyConstraint(
            ["bank_file_id"],
            ["assistance_bank_file.id"],
            name=op.f("fk_assistance_payment_return_bank_file_id_assistance_bank_file"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["assistance_payment_line.id"],
            name=op.f("fk_assistance_payment_return_line_id_assistance_payment_line"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_payment_return")),
        sa.UniqueConstraint("line_id", name=op.f("uq_assistance_payment_return_line_id")),
    )
    op.create_index(
        op.f("ix_assistance_payment_return_bank_file_id"), "assistance_payment_return", ["bank_file_id"]
    )


def downgrade() -> None:
    op.drop_table("assistance_payment_return")
    op.drop_table("assistance_bank_file")
    op.drop_table("assistance_payment_line")
    op.drop_table("assistance_cycle")
