"""VECOZO VSP-Koppeling REST, mutual TLS and registered systems: per message its VSP
conversation (conversatie_id) and the metadata its sender gave (vsp, JSON); per party the
SHA-256 fingerprint of its client certificate (cert_sha256), by which a TLS peer is known; the
systems table (a vendor's own identity and credentials) and per session the system it plays
(system_id, system_role, system_code) and the regio it belongs to (regio).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "systems",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(9), nullable=False),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("cert_sha256", sa.String(64), unique=True),
        sa.Column("push_url", sa.String(500)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("sessions") as t:
        t.add_column(sa.Column("system_id", sa.String(32)))
        t.add_column(sa.Column("system_role", sa.String(9)))
        t.add_column(sa.Column("system_code", sa.String(8)))
        t.add_column(sa.Column("regio", sa.String(100)))
        t.create_index("ix_sessions_system_id", ["system_id"])
        t.create_index("ix_sessions_regio", ["regio"])
    with op.batch_alter_table("messages") as t:
        t.add_column(sa.Column("conversatie_id", sa.String(40)))
        t.add_column(sa.Column("vsp", sa.Text()))
        t.create_index("ix_messages_conversatie_id", ["session_id", "conversatie_id"])
    with op.batch_alter_table("parties") as t:
        t.add_column(sa.Column("cert_sha256", sa.String(64)))
        t.create_index("ix_parties_cert_sha256", ["cert_sha256"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("sessions") as t:
        t.drop_index("ix_sessions_regio")
        t.drop_index("ix_sessions_system_id")
        for column in ("regio", "system_code", "system_role", "system_id"):
            t.drop_column(column)
    op.drop_table("systems")
    with op.batch_alter_table("parties") as t:
        t.drop_index("ix_parties_cert_sha256")
        t.drop_column("cert_sha256")
    with op.batch_alter_table("messages") as t:
        t.drop_index("ix_messages_conversatie_id")
        t.drop_column("vsp")
        t.drop_column("conversatie_id")
