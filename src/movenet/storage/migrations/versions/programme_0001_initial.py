"""programme: patients, programmes, assignments, sessions, per-set results, keypoint tracks

Revision ID: programme_0001
Revises:
Create Date: 2025-01-01
"""

import sqlalchemy as sa
from alembic import op

revision = "programme_0001"
down_revision = None
branch_labels = ("programme",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_patients")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_patients_code")),
    )
    op.create_table(
        "programme_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_programmes")),
        sa.UniqueConstraint("digest", name=op.f("uq_programme_programmes_digest")),
    )
    op.create_table(
        "programme_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["programme_patients.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_assignments_patient_id_programme_patients")),
        sa.ForeignKeyConstraint(["programme_id"], ["programme_programmes.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_assignments_programme_id_programme_programmes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_assignments")),
    )
    op.create_index(op.f("ix_programme_assignments_patient_id"), "programme_assignments", ["patient_id"])
    op.create_table(
        "programme_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("planned_sets", sa.Integer(), nullable=False),
        sa.Column("planned_reps", sa.Integer(), nullable=False),
        sa.Column("sets_done", sa.Integer(), nullable=False),
        sa.Column("reps_done", sa.Integer(), nullable=False),
        sa.Column("adherence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["programme_patients.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_sessions_patient_id_programme_patients")),
        sa.ForeignKeyConstraint(["programme_id"], ["programme_programmes.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_sessions_programme_id_programme_programmes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_sessions")),
    )
    op.create_index("ix_programme_sessions_patient_started", "programme_sessions", ["patient_id", "started_at"])
    op.create_table(
        "programme_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("set_no", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("target_reps", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("partial_reps", sa.Integer(), nullable=False),
        sa.Column("test_value", sa.Float(), nullable=True),
        sa.Column("test_unit", sa.String(20), nullable=True),
        sa.Column("rom_met", sa.Boolean(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["programme_sessions.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_sets_session_id_programme_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_sets")),
    )
    op.create_index(op.f("ix_programme_sets_session_id"), "programme_sets", ["session_id"])
    op.create_table(
        "programme_tracks",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["programme_sets.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_tracks_set_id_programme_sets")),
        sa.PrimaryKeyConstraint("set_id", name=op.f("pk_programme_tracks")),
    )


def downgrade() -> None:
    for table in ("programme_tracks", "programme_sets", "programme_sessions", "programme_assignments",
                  "programme_programmes", "programme_patients"):
        op.drop_table(table)
