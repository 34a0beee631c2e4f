"""programme: therapists linked to their patients (the web app's authorization)

Revision ID: programme_0003
Revises: programme_0002
Create Date: 2025-01-03
"""

import sqlalchemy as sa
from alembic import op

revision = "programme_0003"
down_revision = "programme_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_care",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("therapist", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["programme_patients.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_care_patient_id_programme_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_care")),
    )
    op.create_index(op.f("ix_programme_care_patient_id"), "programme_care", ["patient_id"])
    op.create_index(op.f("ix_programme_care_therapist"), "programme_care", ["therapist"])
    op.create_index("uq_programme_care_patient_therapist", "programme_care", ["patient_id", "therapist"], unique=True)


def downgrade() -> None:
    op.drop_table("programme_care")
