"""programme: per-joint range of motion table and the session's day, for fast trends (backfilled)

The first schema kept each set's range of motion only inside `programme_sets.detail` (JSON) and
the session's time only as a timestamp: trends over thousands of sessions had to read every set's
JSON and group timestamps per backend. This revision adds `programme_sessions.day` (days since
1970-01-01, UTC) and the `programme_rom` table, and fills both from the rows already there.

Revision ID: programme_0002
Revises: programme_0001
Create Date: 2025-01-02
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "programme_0002"
down_revision = "programme_0001"
branch_labels = None
depends_on = None

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _day(value) -> int:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return (value - EPOCH).days


def upgrade() -> None:
    # ADD COLUMN, never a batch copy of programme_sessions: with SQLite's foreign keys on, dropping
    # the old table in a copy-and-move would cascade-delete every set of every session.
    op.add_column("programme_sessions", sa.Column("day", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "programme_rom",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("measure", sa.String(32), nullable=False),
        sa.Column("min_deg", sa.Float(), nullable=False),
        sa.Column("max_deg", sa.Float(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["set_id"], ["programme_sets.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_rom_set_id_programme_sets")),
        sa.ForeignKeyConstraint(["patient_id"], ["programme_patients.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_rom_patient_id_programme_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_rom")),
    )
    op.create_index(op.f("ix_programme_rom_set_id"), "programme_rom", ["set_id"])
    op.create_index("ix_programme_rom_patient_exercise", "programme_rom", ["patient_id", "exercise", "measure", "day"])

    # Backfill from the rows of the first schema.
    bind = op.get_bind()
    sessions = sa.table("programme_sessions", sa.column("id", sa.Integer), sa.column("started_at", sa.DateTime(timezone=True)),
                        sa.column("day", sa.Integer), sa.column("patient_id", sa.Integer))
    sets = sa.table("programme_sets", sa.column("id", sa.Integer), sa.column("session_id", sa.Integer),
                    sa.column("kind", sa.String), sa.column("name", sa.String), sa.column("detail", sa.JSON))
    rom = sa.table("programme_rom", *(sa.column(c) for c in ("set_id", "patient_id", "day", "exercise", "measure", "min_deg", "max_deg", "met")))
    days = {}
    for sid, started, patient in bind.execute(sa.select(sessions.c.id, sessions.c.started_at, sessions.c.patient_id)).all():
        days[sid] = (_day(started), patient)
        bind.execute(sessions.update().where(sessions.c.id == sid).values(day=days[sid][0]))
    rows = []
    for set_id, session_id, kind, name, detail in bind.execute(sa.select(sets.c.id, sets.c.session_id, sets.c.kind, sets.c.name, sets.c.detail)).all():
        if kind != "exercise" or not detail:
            continue
        day, patient = days[session_id]
        for check in detail.get("rom") or []:
            if check.get("min_deg") is not None:
                rows.append({"set_id": set_id, "patient_id": patient, "day": day, "exercise": name, "measure": check["measure"],
                             "min_deg": check["min_deg"], "max_deg": check["max_deg"], "met": check["met"]})
        targeted = {c["measure"] for c in detail.get("rom") or []}
        for measure, r in ((detail.get("report") or {}).get("range_of_motion") or {}).items():
            if measure not in targeted and measure in (detail.get("counted_measures") or ()):
                rows.append({"set_id": set_id, "patient_id": patient, "day": day, "exercise": name, "measure": measure,
                             "min_deg": r["min_deg"], "max_deg": r["max_deg"], "met": None})
    if rows:
        bind.execute(rom.insert(), rows)
    if bind.dialect.name != "sqlite":  # SQLite keeps the default (changing it would copy the table)
        op.alter_column("programme_sessions", "day", server_default=None)


def downgrade() -> None:
    op.drop_index("ix_programme_rom_patient_exercise", table_name="programme_rom")
    op.drop_index(op.f("ix_programme_rom_set_id"), table_name="programme_rom")
    op.drop_table("programme_rom")
    op.drop_column("programme_sessions", "day")  # SQLite >= 3.35: in place (no copy, no cascade)
