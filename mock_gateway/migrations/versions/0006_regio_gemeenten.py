"""A session of several gemeenten: per session row the first gemeente's row (lead_id), which
joins the rows of one session's gemeenten. Existing sessions keep NULL: one gemeente each.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as t:
        t.add_column(sa.Column("lead_id", sa.String(32)))
        t.create_index("ix_sessions_lead_id", ["lead_id"])


def downgrade() -> None:
    with op.batch_alter_table("sessions") as t:
        t.drop_index("ix_sessions_lead_id")
        t.drop_column("lead_id")
