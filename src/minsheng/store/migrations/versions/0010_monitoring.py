"""monitoring: partner signals (matched or unmatched), alerts with evidence, visits, alert events,
daily runs and their per-banner figures

Revision ID: 0010_monitoring
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_monitoring"
down_revision: str | Sequence[str] | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = ("monitoring",)
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = (
    "medical_bill",
    "job_loss",
    "unemployment_registration",
    "disability_certified",
    "death",
    "disaster_damage",
    "income_drop",
)
RISKS = (
    "medical_burden",
    "income_fall",
    "zero_employment",
    "disability_without_care",
    "unsupported_child",
    "sudden_hardship",
    "take_up_gap",
)
OUTCOMES = ("applied", "referred_employment", "referred_medical", "no_hardship")
EVENTS = ("opened", "changed", "cleared", "escalated", "visited", "closed", "reopened")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} in ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "monitoring_signal_batch",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.CheckConstraint("channel in ('file', 'api')", name=op.f("ck_monitoring_signal_batch_channel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_signal_batch")),
    )
    op.create_table(
        "monitoring_signal",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("batch_id", ID, nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("external_ref", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("previous_fen", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("person_id", ID, nullable=True),
        sa.Column("household_id", ID, nullable=True),
        sa.Column("banner_code", sa.String(length=6), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status in ('matched', 'unmatched')", name=op.f("ck_monitoring_signal_status")),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_monitoring_signal_kind")),
        sa.CheckConstraint("amount_fen is null or amount_fen >= 0", name=op.f("ck_monitoring_signal_amount")),
        sa.CheckConstraint(
            "previous_fen is null or previous_fen >= 0", name=op.f("ck_monitoring_signal_previous")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["monitoring_signal_batch.id"],
            name=op.f("fk_monitoring_signal_batch_id_monitoring_signal_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_monitoring_signal_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_monitoring_signal_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_signal")),
        sa.UniqueConstraint("source", "external_ref", name="uq_monitoring_signal_source_ref"),
    )
    with op.batch_alter_table("monitoring_signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_signal_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_monitoring_signal_id_number_hash"), ["id_number_hash"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_monitoring_signal_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_signal_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_signal_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index("ix_monitoring_signal_status_banner", ["status", "banner_code"], unique=False)

    op.create_table(
        "monitoring_alert",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("risk", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("need_fen", sa.BigInteger(), nullable=False),
        sa.Column("assigned_to", sa.String(length=64), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("last_seen_on", sa.Date(), nullable=False),
        sa.Column("risk_cleared_on", sa.Date(), nullable=True),
        sa.Column("escalated_on", sa.Date(), nullable=True),
        sa.Column("escalated_to", sa.String(length=6), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("signal_ids", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_note", sa.String(length=500), nullable=True),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("risk", RISKS), name=op.f("ck_monitoring_alert_risk")),
        sa.CheckConstraint("level in ('high', 'medium', 'low')", name=op.f("ck_monitoring_alert_level")),
        sa.CheckConstraint(
            "status in ('open', 'visited', 'closed')", name=op.f("ck_monitoring_alert_status")
        ),
        sa.CheckConstraint(
            "outcome is null or " + _in("outcome", OUTCOMES), name=op.f("ck_monitoring_alert_outcome")
        ),
        sa.CheckConstraint(
            "status <> 'closed' or (outcome is not null and closed_on is not null)",
            name=op.f("ck_monitoring_alert_closed"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_monitoring_alert_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert")),
    )
    with op.batch_alter_table("monitoring_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_alert_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_alert_banner_code"), ["banner_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_alert_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_monitoring_alert_assigned_to"), ["assigned_to"], unique=False)
        batch_op.create_index(
            "ix_monitoring_alert_household_risk_status", ["household_id", "risk", "status"], unique=False
        )

    op.create_table(
        "monitoring_visit",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("alert_id", ID, nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["monitoring_alert.id"], name=op.f("fk_monitoring_visit_alert_id_monitoring_alert")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_visit")),
    )
    with op.batch_alter_table("monitoring_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_visit_alert_id"), ["alert_id"], unique=False)

    op.create_table(
        "monitoring_alert_event",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("alert_id", ID, nullable=False),
        sa.Column("household_id", ID, nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("kind", EVENTS), name=op.f("ck_monitoring_alert_event_kind")),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["monitoring_alert.id"],
            name=op.f("fk_monitoring_alert_event_alert_id_monitoring_alert"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_monitoring_alert_event_household_id_household")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_alert_event")),
    )
    with op.batch_alter_table("monitoring_alert_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_alert_event_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_monitoring_alert_event_household_id"), ["household_id"], unique=False
        )

    op.create_table(
        "monitoring_run",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("households", sa.BigInteger(), nullable=False),
        sa.Column("risks_found", sa.BigInteger(), nullable=False),
        sa.Column("new_alerts", sa.Integer(), nullable=False),
        sa.Column("changed_alerts", sa.Integer(), nullable=False),
        sa.Column("resolved_alerts", sa.Integer(), nullable=False),
        sa.Column("escalated_alerts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_run")),
    )
    with op.batch_alter_table("monitoring_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_monitoring_run_as_of"), ["as_of"], unique=False)

    op.create_table(
        "monitoring_banner_figure",
        sa.Column("run_id", ID, nullable=False),
        sa.Column("banner_code", sa.String(length=6), nullable=False),
        sa.Column("figure", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["monitoring_run.id"], name=op.f("fk_monitoring_banner_figure_run_id_monitoring_run")
        ),
        sa.PrimaryKeyConstraint("run_id", "banner_code", "figure", name=op.f("pk_monitoring_banner_figure")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_banner_figure")
    op.drop_table("monitoring_run")
    op.drop_table("monitoring_alert_event")
    op.drop_table("monitoring_visit")
    op.drop_table("monitoring_alert")
    op.drop_table("monitoring_signal")
    op.drop_table("monitoring_signal_batch")
