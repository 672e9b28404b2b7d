"""VECOZO VSP-Koppeling REST and mutual TLS: per message its VSP conversation (conversatie_id)
and the metadata its sender gave (vsp, JSON); per party the SHA-256 fingerprint of its client
certificate (cert_sha256), by which a TLS peer is known.

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
    with op.batch_alter_table("messages") as t:
        t.add_column(sa.Column("conversatie_id", sa.String(40)))
        t.add_column(sa.Column("vsp", sa.Text()))
        t.create_index("ix_messages_conversatie_id", ["session_id", "conversatie_id"])
    with op.batch_alter_table("parties") as t:
        t.add_column(sa.Column("cert_sha256", sa.String(64)))
        t.create_index("ix_parties_cert_sha256", ["cert_sha256"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("parties") as t:
        t.drop_index("ix_parties_cert_sha256")
        t.drop_column("cert_sha256")
    with op.batch_alter_table("messages") as t:
        t.drop_index("ix_messages_conversatie_id")
        t.drop_column("vsp")
        t.drop_column("conversatie_id")
