"""housing fund: employers, accounts and ledger, deferrals, loans, repayments, withdrawals, transfers

Revision ID: 0004_housing_fund
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_housing_fund"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("housing_fund",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "housing_fund_employer",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("centre_code", sa.String(length=6), nullable=False),
        sa.Column("employer_rate", sa.Numeric(precision=7, scale=5), nullable=False),
        sa.Column("employee_rate", sa.Numeric(precision=7, scale=5), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_employer")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_housing_fund_employer_credit_code")),
    )
    with op.batch_alter_table("housing_fund_employer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housing_fund_employer_centre_code"), ["centre_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_housing_fund_employer_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "housing_fund_deferral",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("employer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("first_month", sa.Date(), nullable=False),
        sa.Column("last_month", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_approval", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("made_up_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('applied', 'approved', 'rejected', 'made_up')",
            name=op.f("ck_housing_fund_deferral_status"),
        ),
        sa.CheckConstraint("last_month >= first_month", name=op.f("ck_housing_fund_deferral_period")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["housing_fund_employer.id"],
            name=op.f("fk_housing_fund_deferral_employer_id_housing_fund_employer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_deferral")),
    )
    with op.batch_alter_table("housing_fund_deferral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housing_fund_deferral_employer_id"), ["employer_id"], unique=False
        )

    op.create_table(
        "housing_fund_account",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_number", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("employer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("centre_code", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("wage_base_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("transferred_from_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state in ('normal', 'sealed', 'closed')", name=op.f("ck_housing_fund_account_state")
        ),
        sa.CheckConstraint("balance_fen >= 0", name=op.f("ck_housing_fund_account_balance_not_negative")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["housing_fund_employer.id"],
            name=op.f("fk_housing_fund_account_employer_id_housing_fund_employer"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_housing_fund_account_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["transferred_from_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_account_transferred_from_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_account")),
        sa.UniqueConstraint("account_number", name=op.f("uq_housing_fund_account_account_number")),
    )
    with op.batch_alter_table("housing_fund_account", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housing_fund_account_centre_code"), ["centre_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_housing_fund_account_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_housing_fund_account_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_housing_fund_account_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "housing_fund_entry",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("employer_fen", sa.BigInteger(), nullable=False),
        sa.Column("employee_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "kind in ('deposit', 'make_up', 'interest', 'withdrawal', 'transfer_in', 'transfer_out')",
            name=op.f("ck_housing_fund_entry_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_entry_account_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_entry")),
        sa.UniqueConstraint("account_id", "kind", "period", name="uq_housing_fund_entry_once"),
    )
    with op.batch_alter_table("housing_fund_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_housing_fund_entry_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_housing_fund_entry_posted_on"), ["posted_on"], unique=False)

    op.create_table(
        "housing_fund_loan",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("loan_number", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("centre_code", sa.String(length=6), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("home", sa.String(length=8), nullable=False),
        sa.Column("term_band", sa.String(length=16), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("rate_at_issue", sa.Numeric(precision=7, scale=5), nullable=False),
        sa.Column("current_rate", sa.Numeric(precision=7, scale=5), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("assessment", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("home in ('first', 'second')", name=op.f("ck_housing_fund_loan_home")),
        sa.CheckConstraint(
            "method in ('equal_instalment', 'equal_principal')", name=op.f("ck_housing_fund_loan_method")
        ),
        sa.CheckConstraint("status in ('active', 'repaid')", name=op.f("ck_housing_fund_loan_status")),
        sa.CheckConstraint("principal_fen > 0", name=op.f("ck_housing_fund_loan_principal_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_loan_account_id_housing_fund_account"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_housing_fund_loan_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_loan")),
        sa.UniqueConstraint("loan_number", name=op.f("uq_housing_fund_loan_loan_number")),
    )
    with op.batch_alter_table("housing_fund_loan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_housing_fund_loan_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_housing_fund_loan_centre_code"), ["centre_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_housing_fund_loan_issue_date"), ["issue_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_housing_fund_loan_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_housing_fund_loan_region_code"), ["region_code"], unique=False)

    op.create_table(
        "housing_fund_transfer",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("from_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("to_account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("from_centre", sa.String(length=6), nullable=False),
        sa.Column("to_centre", sa.String(length=6), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_account_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_transfer_from_account_id_housing_fund_account"),
        ),
        sa.ForeignKeyConstraint(
            ["to_account_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_transfer_to_account_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_transfer")),
    )
    op.create_table(
        "housing_fund_withdrawal",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("requested_fen", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("approved_fen", sa.BigInteger(), nullable=False),
        sa.Column("decide_by", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("closes_account", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status in ('approved', 'rejected', 'pending_review')",
            name=op.f("ck_housing_fund_withdrawal_status"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["housing_fund_account.id"],
            name=op.f("fk_housing_fund_withdrawal_account_id_housing_fund_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_withdrawal")),
    )
    with op.batch_alter_table("housing_fund_withdrawal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housing_fund_withdrawal_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "housing_fund_prepayment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("before_number", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "mode in ('shorten_term', 'lower_instalment')", name=op.f("ck_housing_fund_prepayment_mode")
        ),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_housing_fund_prepayment_amount_positive")),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["housing_fund_loan.id"],
            name=op.f("fk_housing_fund_prepayment_loan_id_housing_fund_loan"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_prepayment")),
        sa.UniqueConstraint("loan_id", "before_number", name="uq_housing_fund_prepayment_once"),
    )
    with op.batch_alter_table("housing_fund_prepayment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_housing_fund_prepayment_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "housing_fund_repayment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("instalment_number", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("principal_fen", sa.BigInteger(), nullable=False),
        sa.Column("interest_fen", sa.BigInteger(), nullable=False),
        sa.Column("penalty_fen", sa.BigInteger(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("deferred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["housing_fund_loan.id"],
            name=op.f("fk_housing_fund_repayment_loan_id_housing_fund_loan"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_repayment")),
        sa.UniqueConstraint("loan_id", "instalment_number", name="uq_housing_fund_repayment_once"),
    )
    with op.batch_alter_table("housing_fund_repayment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_housing_fund_repayment_loan_id"), ["loan_id"], unique=False)

    op.create_table(
        "housing_fund_repayment_deferral",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("loan_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=False),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_housing_fund_repayment_deferral_period")),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["housing_fund_loan.id"],
            name=op.f("fk_housing_fund_repayment_deferral_loan_id_housing_fund_loan"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_housing_fund_repayment_deferral")),
    )
    with op.batch_alter_table("housing_fund_repayment_deferral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_housing_fund_repayment_deferral_loan_id"), ["loan_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("housing_fund_repayment_deferral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_repayment_deferral_loan_id"))

    op.drop_table("housing_fund_repayment_deferral")
    with op.batch_alter_table("housing_fund_repayment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_repayment_loan_id"))

    op.drop_table("housing_fund_repayment")
    with op.batch_alter_table("housing_fund_prepayment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_prepayment_loan_id"))

    op.drop_table("housing_fund_prepayment")
    with op.batch_alter_table("housing_fund_withdrawal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_withdrawal_account_id"))

    op.drop_table("housing_fund_withdrawal")
    op.drop_table("housing_fund_transfer")
    with op.batch_alter_table("housing_fund_loan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_loan_region_code"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_loan_person_id"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_loan_issue_date"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_loan_centre_code"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_loan_account_id"))

    op.drop_table("housing_fund_loan")
    with op.batch_alter_table("housing_fund_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_entry_posted_on"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_entry_account_id"))

    op.drop_table("housing_fund_entry")
    with op.batch_alter_table("housing_fund_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_account_region_code"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_account_person_id"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_account_employer_id"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_account_centre_code"))

    op.drop_table("housing_fund_account")
    with op.batch_alter_table("housing_fund_deferral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_deferral_employer_id"))

    op.drop_table("housing_fund_deferral")
    with op.batch_alter_table("housing_fund_employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_housing_fund_employer_region_code"))
        batch_op.drop_index(batch_op.f("ix_housing_fund_employer_centre_code"))

    op.drop_table("housing_fund_employer")
