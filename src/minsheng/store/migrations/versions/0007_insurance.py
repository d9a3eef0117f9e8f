"""insurance: enrolment and contribution history, resident-pension awards, work-injury cases and
elderly-care facilities

Revision ID: 0007_insurance
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_insurance"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("insurance",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eldercare_facility",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("township", sa.String(length=64), nullable=False),
        sa.Column("village", sa.String(length=64), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("built_year", sa.Integer(), nullable=False),
        sa.Column("upgraded_year", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'township_centre' or village is not null", name=op.f("ck_eldercare_facility_village")
        ),
        sa.CheckConstraint(
            "kind in ('township_centre', 'village_station', 'mutual_aid_home')",
            name=op.f("ck_eldercare_facility_kind"),
        ),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_eldercare_facility_capacity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eldercare_facility")),
        sa.UniqueConstraint("code", name=op.f("uq_eldercare_facility_code")),
    )
    with op.batch_alter_table("eldercare_facility", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_eldercare_facility_banner_code"), ["banner_code"], unique=False)

    op.create_table(
        "insurance_enrolment",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("employer_name", sa.String(length=200), nullable=True),
        sa.Column("employer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("contribution_base_fen", sa.BigInteger(), nullable=True),
        sa.Column("months_paid", sa.Integer(), nullable=False),
        sa.Column("personal_fen", sa.BigInteger(), nullable=False),
        sa.Column("employer_fen", sa.BigInteger(), nullable=False),
        sa.Column("subsidy_fen", sa.BigInteger(), nullable=False),
        sa.Column("account_credit_fen", sa.BigInteger(), nullable=False),
        sa.Column("arrears", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scheme in ('employee_pension', 'resident_pension', 'work_injury', 'unemployment')",
            name=op.f("ck_insurance_enrolment_scheme"),
        ),
        sa.CheckConstraint(
            "status in ('contributing', 'receiving')", name=op.f("ck_insurance_enrolment_status")
        ),
        sa.CheckConstraint("months_paid between 0 and 12", name=op.f("ck_insurance_enrolment_months")),
        sa.CheckConstraint(
            "personal_fen >= 0 and employer_fen >= 0 and subsidy_fen >= 0 and account_credit_fen >= 0 and (contribution_base_fen is null or contribution_base_fen >= 0)",
            name=op.f("ck_insurance_enrolment_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_insurance_enrolment_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_enrolment")),
        sa.UniqueConstraint("person_id", "year", "scheme", name="uq_insurance_enrolment_person_year_scheme"),
    )
    with op.batch_alter_table("insurance_enrolment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_insurance_enrolment_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_insurance_enrolment_person_id"), ["person_id"], unique=False)

    op.create_table(
        "insurance_pension_award",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("basic_national_fen", sa.BigInteger(), nullable=False),
        sa.Column("basic_topup_fen", sa.BigInteger(), nullable=False),
        sa.Column("account_balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("account_pension_fen", sa.BigInteger(), nullable=False),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("contribution_years", sa.Integer(), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "monthly_fen = basic_national_fen + basic_topup_fen + account_pension_fen",
            name=op.f("ck_insurance_pension_award_parts"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_insurance_pension_award_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_pension_award")),
        sa.UniqueConstraint("person_id", "scheme", name="uq_insurance_pension_award_person_scheme"),
    )
    with op.batch_alter_table("insurance_pension_award", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_pension_award_banner_code"), ["banner_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_insurance_pension_award_person_id"), ["person_id"], unique=False)

    op.create_table(
        "insurance_work_injury_case",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("employer_name", sa.String(length=200), nullable=False),
        sa.Column("employer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("injury_date", sa.Date(), nullable=False),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        sa.Column("benefit_type", sa.String(length=24), nullable=False),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("insured", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "benefit_type in ('medical', 'suspended_pay', 'disability_lump_sum', 'disability_allowance', 'nursing_care', 'medical_lump_sum', 'funeral', 'dependants_pension', 'death_lump_sum')",
            name=op.f("ck_insurance_work_injury_case_benefit_type"),
        ),
        sa.CheckConstraint(
            "amount_fen is null or amount_fen >= 0", name=op.f("ck_insurance_work_injury_case_amount")
        ),
        sa.CheckConstraint(
            "disability_grade is null or disability_grade between 1 and 10",
            name=op.f("ck_insurance_work_injury_case_grade"),
        ),
        sa.CheckConstraint("recognised_on >= injury_date", name=op.f("ck_insurance_work_injury_case_dates")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_insurance_work_injury_case_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_work_injury_case")),
    )
    with op.batch_alter_table("insurance_work_injury_case", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_work_injury_case_banner_code"), ["banner_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_insurance_work_injury_case_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("insurance_work_injury_case")
    op.drop_table("insurance_pension_award")
    op.drop_table("insurance_enrolment")
    op.drop_table("eldercare_facility")
