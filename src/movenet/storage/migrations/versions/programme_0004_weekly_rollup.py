"""programme: the trends' weekly roll-up (one row per patient, week and series), filled from the
sessions already stored; indexes by patient and day for rebuilding a week

Measured (tools/bench_history.py, 10,000 sessions): the trends read from the set and range tables
took 0.4-0.6 s; from this roll-up they read ~2,500 rows a series instead of up to 97,000.

Revision ID: programme_0004
Revises: programme_0003
Create Date: 2025-01-04
"""

import sqlalchemy as sa
from alembic import op

revision = "programme_0004"
down_revision = "programme_0003"
branch_labels = None
depends_on = None

# A copy of movenet.programme.store.ROLLUP_SQL as of this revision (a migration does not follow
# the code's later changes).
ROLLUP_SQL = (
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT patient_id, day / 7, 'sess', '', '', count(*), sum(adherence), sum(reps_done), 0, 0, 0 "
    "FROM programme_sessions WHERE patient_id = :p AND day BETWEEN :w0 * 7 AND :w1 * 7 + 6 GROUP BY patient_id, day / 7",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT s.patient_id, s.day / 7, 'reps', st.name, '', count(*), sum(st.reps), coalesce(sum(st.target_reps), 0), "
    "sum(st.partial_reps), sum(CASE WHEN st.status = 'done' THEN 1 ELSE 0 END), 0 "
    "FROM programme_sets st JOIN programme_sessions s ON s.id = st.session_id "
    "WHERE s.patient_id = :p AND s.day BETWEEN :w0 * 7 AND :w1 * 7 + 6 AND st.kind = 'exercise' AND st.status != 'not done' "
    "GROUP BY s.patient_id, s.day / 7, st.name",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT patient_id, day / 7, 'rom', exercise, measure, count(*), min(min_deg), max(max_deg), sum(max_deg - min_deg), "
    "count(met), sum(CASE WHEN met THEN 1 ELSE 0 END) "
    "FROM programme_rom WHERE patient_id = :p AND day BETWEEN :w0 * 7 AND :w1 * 7 + 6 GROUP BY patient_id, day / 7, exercise, measure",
    "INSERT INTO programme_weekly (patient_id, week, kind, name, key, n, a, b, c, d, e) "
    "SELECT s.patient_id, s.day / 7, 'test', st.name, coalesce(st.side, ''), count(*), sum(st.test_value), 0, 0, 0, 0 "
    "FROM programme_sets st JOIN programme_sessions s ON s.id = st.session_id "
    "WHERE s.patient_id = :p AND s.day BETWEEN :w0 * 7 AND :w1 * 7 + 6 AND st.kind = 'test' AND st.test_value IS NOT NULL "
    "GROUP BY s.patient_id, s.day / 7, st.name, coalesce(st.side, '')",
)


def upgrade() -> None:
    op.create_table(
        "programme_weekly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        *(sa.Column(c, sa.Integer() if c == "n" else sa.Float(), nullable=False) for c in ("n", "a", "b", "c", "d", "e")),
        sa.ForeignKeyConstraint(["patient_id"], ["programme_patients.id"], ondelete="CASCADE",
                                name=op.f("fk_programme_weekly_patient_id_programme_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_weekly")),
    )
    op.create_index("uq_programme_weekly", "programme_weekly", ["patient_id", "kind", "name", "key", "week"], unique=True)
    op.create_index("ix_programme_sessions_patient_day", "programme_sessions", ["patient_id", "day"])
    op.create_index("ix_programme_rom_patient_day", "programme_rom", ["patient_id", "day"])
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT patient_id, min(day), max(day) FROM programme_sessions GROUP BY patient_id")).all()
    for patient, lo, hi in rows:
        for statement in ROLLUP_SQL:
            bind.execute(sa.text(statement), {"p": patient, "w0": lo // 7, "w1": hi // 7})


def downgrade() -> None:
    op.drop_index("ix_programme_rom_patient_day", table_name="programme_rom")
    op.drop_index("ix_programme_sessions_patient_day", table_name="programme_sessions")
    op.drop_table("programme_weekly")
