"""Costs per message that do not grow with the session: the chain state as a snapshot plus a
log of changes (chain_changes; a session's existing state becomes its snapshot), an index of
the ReferentieAanbieder of verzoeken and their answers (message_refs, filled from the
journal's links), and messages indexed by session and seq

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import json

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
    op.create_table(
        "message_refs",
        sa.Column("message_id", sa.String(32), sa.ForeignKey("messages.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("referentie", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"),
                  nullable=False),
    )
    op.create_index("ix_message_refs_lookup", "message_refs", ["session_id", "referentie"])
    op.create_index("ix_messages_session_seq", "messages", ["session_id", "seq"])
    _fill_message_refs()


def _fill_message_refs() -> None:
    """The references of messages journalled before: from their links (harness.answers.Keys)."""
    messages = sa.table("messages", sa.column("id"), sa.column("session_id"),
                        sa.column("links"))
    refs = sa.table("message_refs", sa.column("message_id"), sa.column("referentie"),
                    sa.column("session_id"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(messages.c.id, messages.c.session_id, messages.c.links)
                        .where(messages.c.links.is_not(None)))
    found = [{"message_id": id_, "referentie": ref, "session_id": session}
             for id_, session, links in rows
             for ref in dict.fromkeys(json.loads(links).get("referenties") or ())]
    if found:
        op.bulk_insert(refs, found)


def downgrade() -> None:
    op.drop_index("ix_messages_session_seq", "messages")
    op.drop_table("message_refs")
    # the log cannot be folded back into a snapshot without judging: a downgrade loses it
    op.drop_table("chain_changes")
    with op.batch_alter_table("sessions") as t:
        t.drop_column("chain_pos")
        t.drop_column("chain_from")
