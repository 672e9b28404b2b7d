"""initial schema: sessions, parties, messages (the journal), freezes, faults, settings

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def _session_fk():
    return sa.Column("session_id", sa.String(32),
                     sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True)


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("release", sa.String(16), nullable=False),
        sa.Column("profile", sa.String(200)),
        sa.Column("gemeentecode", sa.String(4), nullable=False, unique=True),
        sa.Column("agb", sa.String(8), nullable=False, unique=True),
        sa.Column("today", sa.Date()),
        sa.Column("chain_state", sa.Text()),
        sa.Column("created_at", STAMP, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _session_fk(),
        sa.Column("role", sa.String(9), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, index=True),
        _session_fk(),
        sa.Column("sender_role", sa.String(9), nullable=False),
        sa.Column("sender_code", sa.String(8), nullable=False),
        sa.Column("receiver_role", sa.String(9), nullable=False),
        sa.Column("receiver_code", sa.String(8)),
        sa.Column("berichtsoort", sa.String(8)),
        sa.Column("release", sa.String(16)),
        sa.Column("identificatie", sa.String(64)),
        sa.Column("dedup_key", sa.String(100)),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("refusal_code", sa.String(10)),
        sa.Column("refusal_text", sa.Text()),
        sa.Column("verdict", sa.Text()),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary()),
        sa.Column("duplicate_of", sa.String(32)),
        sa.Column("received_at", STAMP, nullable=False),
        sa.Column("offered_at", STAMP),
        sa.Column("delivered_at", STAMP),
        sa.UniqueConstraint("session_id", "dedup_key", name="uq_messages_dedup"),
    )
    op.create_table(
        "freezes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _session_fk(),
        sa.Column("message", sa.String(8), nullable=False),
        sa.Column("starts", sa.Date()),
        sa.Column("until", sa.Date()),
    )
    op.create_table(
        "faults",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _session_fk(),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("role", sa.String(9)),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float()),
    )


def downgrade() -> None:
    for table in ("faults", "freezes", "messages", "parties", "settings", "sessions"):
        op.drop_table(table)
