"""GGk StUF interface: a session's gemeente endpoint (push delivery), each message's envelope
references and its push state, and the Fo01 the exchange answered a refused envelope with

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as t:
        t.add_column(sa.Column("ggk_url", sa.String(500)))
    with op.batch_alter_table("messages") as t:
        t.add_column(sa.Column("referentienummer", sa.String(40)))
        t.add_column(sa.Column("cross_ref", sa.String(40)))
        t.add_column(sa.Column("stuf_answer", sa.LargeBinary()))
        t.add_column(sa.Column("pushed_at", STAMP))
        t.add_column(sa.Column("push_attempts", sa.Integer(), nullable=False,
                               server_default="0"))
        t.add_column(sa.Column("push_next", STAMP))
        t.add_column(sa.Column("push_error", sa.Text()))
        t.create_index("ix_messages_referentienummer", ["session_id", "referentienummer"])


def downgrade() -> None:
    with op.batch_alter_table("messages") as t:
        t.drop_index("ix_messages_referentienummer")
        for column in ("push_error", "push_next", "push_attempts", "pushed_at", "stuf_answer",
                       "cross_ref", "referentienummer"):
            t.drop_column(column)
    with op.batch_alter_table("sessions") as t:
        t.drop_column("ggk_url")
