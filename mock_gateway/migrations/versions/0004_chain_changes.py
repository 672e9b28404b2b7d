"""The chain state as a snapshot plus a log of changes (chain_changes), so that a submission
no longer rewrites the whole state; a session's existing state becomes its snapshot

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as t:
        t.add_column(sa.Column("chain_from", sa.Integer(), nullable=False, server_default="0"))
        t.add_column(sa.Column("chain_pos", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "chain_changes",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("pos", sa.Integer(), primary_key=True),
        sa.Column("message_id", sa.String(32), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    # the log cannot be folded back into a snapshot without judging: a downgrade loses it
    op.drop_table("chain_changes")
    with op.batch_alter_table("sessions") as t:
        t.drop_column("chain_pos")
        t.drop_column("chain_from")
