"""employment: seekers, employers, vacancies, follow-up, zero-employment households, public-welfare
jobs, work relief and job-retention refunds

Revision ID: 0006_employment
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_employment"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("employment",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employer",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("enterprise_type", sa.String(length=32), nullable=False),
        sa.Column("declared_size", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "declared_size is null or declared_size in ('large', 'sme')", name=op.f("ck_employer_size")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_employer_credit_code")),
    )
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_banner_code"), ["banner_code"], unique=False)

    op.create_table(
        "public_welfare_post",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("positions >= 1", name=op.f("ck_public_welfare_post_positions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_welfare_post")),
    )
    with op.batch_alter_table("public_welfare_post", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_welfare_post_banner_code"), ["banner_code"], unique=False)

    op.create_table(
        "work_relief_project",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("project_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("central_funds_fen", sa.BigInteger(), nullable=False),
        sa.Column("local_funds_fen", sa.BigInteger(), nullable=False),
        sa.Column("other_funds_fen", sa.BigInteger(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "central_funds_fen >= 0 and local_funds_fen >= 0 and other_funds_fen >= 0",
            name=op.f("ck_work_relief_project_funds"),
        ),
        sa.CheckConstraint("closes_on > starts_on", name=op.f("ck_work_relief_project_dates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_relief_project")),
        sa.UniqueConstraint("project_code", name=op.f("uq_work_relief_project_project_code")),
    )
    with op.batch_alter_table("work_relief_project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_relief_project_banner_code"), ["banner_code"], unique=False)

    op.create_table(
        "retention_refund",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("employer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("contributions_fen", sa.BigInteger(), nullable=False),
        sa.Column("months_paid", sa.Integer(), nullable=False),
        sa.Column("insured_at_start", sa.Integer(), nullable=False),
        sa.Column("insured_at_end", sa.Integer(), nullable=False),
        sa.Column("average_insured", sa.Integer(), nullable=False),
        sa.Column("size", sa.String(length=8), nullable=False),
        sa.Column("layoff_rate", sa.Float(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("refund_fen", sa.BigInteger(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "contributions_fen >= 0 and refund_fen >= 0", name=op.f("ck_retention_refund_amounts")
        ),
        sa.CheckConstraint(
            "insured_at_start >= 0 and insured_at_end >= 0 and average_insured >= 0 and months_paid between 0 and 12",
            name=op.f("ck_retention_refund_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_retention_refund_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_refund")),
        sa.UniqueConstraint("employer_id", "year", name="uq_retention_refund_employer_year"),
    )
    with op.batch_alter_table("retention_refund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_refund_employer_id"), ["employer_id"], unique=False)

    op.create_table(
        "vacancy",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("employer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("occupation", sa.String(length=32), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("education_min", sa.String(length=16), nullable=False),
        sa.Column("pay_min_fen", sa.BigInteger(), nullable=False),
        sa.Column("pay_max_fen", sa.BigInteger(), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("filled", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pay_min_fen >= 0 and pay_max_fen >= pay_min_fen", name=op.f("ck_vacancy_pay")),
        sa.CheckConstraint(
            "positions >= 1 and filled >= 0 and filled <= positions", name=op.f("ck_vacancy_positions")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employer.id"], name=op.f("fk_vacancy_employer_id_employer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vacancy")),
    )
    with op.batch_alter_table("vacancy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vacancy_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_vacancy_employer_id"), ["employer_id"], unique=False)

    op.create_table(
        "job_seeker",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("education", sa.String(length=16), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("desired_occupation", sa.String(length=32), nullable=False),
        sa.Column("expected_pay_fen", sa.BigInteger(), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("key_groups", sa.JSON(), nullable=False),
        sa.Column("suitable_refusals", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('seeking', 'placed', 'withdrawn')", name=op.f("ck_job_seeker_status")),
        sa.CheckConstraint("expected_pay_fen >= 0", name=op.f("ck_job_seeker_pay")),
        sa.CheckConstraint("suitable_refusals >= 0", name=op.f("ck_job_seeker_refusals")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_job_seeker_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_seeker")),
        sa.UniqueConstraint("person_id", name=op.f("uq_job_seeker_person_id")),
    )
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_seeker_banner_code"), ["banner_code"], unique=False)

    op.create_table(
        "public_welfare_placement",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("post_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.Column("until_retirement", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_public_welfare_placement_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["public_welfare_post.id"],
            name=op.f("fk_public_welfare_placement_post_id_public_welfare_post"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_welfare_placement")),
    )
    with op.batch_alter_table("public_welfare_placement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_public_welfare_placement_banner_code"), ["banner_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_public_welfare_placement_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_public_welfare_placement_post_id"), ["post_id"], unique=False)

    op.create_table(
        "work_relief_worker",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("target_group", sa.String(length=32), nullable=False),
        sa.Column("daily_wage_fen", sa.BigInteger(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.CheckConstraint("daily_wage_fen > 0", name=op.f("ck_work_relief_worker_wage")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_work_relief_worker_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_relief_project.id"],
            name=op.f("fk_work_relief_worker_project_id_work_relief_project"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_relief_worker")),
        sa.UniqueConstraint("project_id", "person_id", name="uq_work_relief_worker_project_person"),
    )
    with op.batch_alter_table("work_relief_worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_relief_worker_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_relief_worker_project_id"), ["project_id"], unique=False)

    op.create_table(
        "officer_visit",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("seeker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "seeker_id is not null or household_id is not null", name=op.f("ck_officer_visit_subject")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_officer_visit_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seeker.id"], name=op.f("fk_officer_visit_seeker_id_job_seeker")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officer_visit")),
    )
    with op.batch_alter_table("officer_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_officer_visit_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_officer_visit_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_officer_visit_seeker_id"), ["seeker_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("seeker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("vacancy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("interview_on", sa.Date(), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome_note", sa.String(length=500), nullable=True),
        sa.Column("refusal_suitable", sa.Boolean(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('referred', 'interviewed', 'placed', 'rejected', 'refused')",
            name=op.f("ck_referral_status"),
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seeker.id"], name=op.f("fk_referral_seeker_id_job_seeker")
        ),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancy.id"], name=op.f("fk_referral_vacancy_id_vacancy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_seeker_id"), ["seeker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table(
        "unemployment_registration",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seeker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_unemployment_registration_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seeker.id"], name=op.f("fk_unemployment_registration_seeker_id_job_seeker")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unemployment_registration")),
    )
    with op.batch_alter_table("unemployment_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unemployment_registration_banner_code"), ["banner_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_unemployment_registration_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_unemployment_registration_seeker_id"), ["seeker_id"], unique=False
        )

    op.create_table(
        "work_relief_payroll",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("worker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("days_worked", sa.Integer(), nullable=False),
        sa.Column("wage_fen", sa.BigInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paid_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.CheckConstraint("days_worked between 0 and 31", name=op.f("ck_work_relief_payroll_days")),
        sa.CheckConstraint(
            "wage_fen >= 0 and paid_fen >= 0 and paid_fen <= wage_fen",
            name=op.f("ck_work_relief_payroll_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["work_relief_project.id"],
            name=op.f("fk_work_relief_payroll_project_id_work_relief_project"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["work_relief_worker.id"],
            name=op.f("fk_work_relief_payroll_worker_id_work_relief_worker"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_relief_payroll")),
        sa.UniqueConstraint("worker_id", "period", name="uq_work_relief_payroll_worker_period"),
    )
    with op.batch_alter_table("work_relief_payroll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_relief_payroll_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_relief_payroll_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "placement",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("seeker_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("referral_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("vacancy_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("officer", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "kind in ('vacancy', 'public_welfare_job', 'work_relief', 'self_employment', 'other')",
            name=op.f("ck_placement_kind"),
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_placement_person_id_person")),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_placement_referral_id_referral")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seeker.id"], name=op.f("fk_placement_seeker_id_job_seeker")
        ),
        sa.ForeignKeyConstraint(["vacancy_id"], ["vacancy.id"], name=op.f("fk_placement_vacancy_id_vacancy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_placement_referral_id")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_seeker_id"), ["seeker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table(
        "zero_employment_household",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("household_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("cleared_on", sa.Date(), nullable=True),
        sa.Column("cleared_reason", sa.String(length=32), nullable=True),
        sa.Column("placement_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_zero_employment_household_household_id_household"),
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placement.id"],
            name=op.f("fk_zero_employment_household_placement_id_placement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zero_employment_household")),
        sa.UniqueConstraint("household_id", "identified_on", name="uq_zero_employment_household_day"),
    )
    with op.batch_alter_table("zero_employment_household", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_zero_employment_household_banner_code"), ["banner_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_zero_employment_household_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("zero_employment_household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zero_employment_household_household_id"))
        batch_op.drop_index(batch_op.f("ix_zero_employment_household_banner_code"))

    op.drop_table("zero_employment_household")
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_placement_seeker_id"))
        batch_op.drop_index(batch_op.f("ix_placement_person_id"))
        batch_op.drop_index(batch_op.f("ix_placement_banner_code"))

    op.drop_table("placement")
    with op.batch_alter_table("work_relief_payroll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_relief_payroll_worker_id"))
        batch_op.drop_index(batch_op.f("ix_work_relief_payroll_project_id"))

    op.drop_table("work_relief_payroll")
    with op.batch_alter_table("unemployment_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unemployment_registration_seeker_id"))
        batch_op.drop_index(batch_op.f("ix_unemployment_registration_person_id"))
        batch_op.drop_index(batch_op.f("ix_unemployment_registration_banner_code"))

    op.drop_table("unemployment_registration")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_referral_seeker_id"))

    op.drop_table("referral")
    with op.batch_alter_table("officer_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_officer_visit_seeker_id"))
        batch_op.drop_index(batch_op.f("ix_officer_visit_household_id"))
        batch_op.drop_index(batch_op.f("ix_officer_visit_banner_code"))

    op.drop_table("officer_visit")
    with op.batch_alter_table("work_relief_worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_relief_worker_project_id"))
        batch_op.drop_index(batch_op.f("ix_work_relief_worker_person_id"))

    op.drop_table("work_relief_worker")
    with op.batch_alter_table("public_welfare_placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_welfare_placement_post_id"))
        batch_op.drop_index(batch_op.f("ix_public_welfare_placement_person_id"))
        batch_op.drop_index(batch_op.f("ix_public_welfare_placement_banner_code"))

    op.drop_table("public_welfare_placement")
    with op.batch_alter_table("job_seeker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_seeker_banner_code"))

    op.drop_table("job_seeker")
    with op.batch_alter_table("vacancy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vacancy_employer_id"))
        batch_op.drop_index(batch_op.f("ix_vacancy_banner_code"))

    op.drop_table("vacancy")
    with op.batch_alter_table("retention_refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_refund_employer_id"))

    op.drop_table("retention_refund")
    with op.batch_alter_table("work_relief_project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_relief_project_banner_code"))

    op.drop_table("work_relief_project")
    with op.batch_alter_table("public_welfare_post", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_public_welfare_post_banner_code"))

    op.drop_table("public_welfare_post")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_banner_code"))

    op.drop_table("employer")
