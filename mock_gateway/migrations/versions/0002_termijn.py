"""journal deadlines: per message the session date it was received (day), what links it to
the message it answers (links, harness.answers.Keys as JSON) and, for an answer, its termijn
(JSON). Rows journalled before stay null: they are linked to nothing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("day", sa.Date()))
        batch.add_column(sa.Column("links", sa.Text()))
        batch.add_column(sa.Column("termijn", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("termijn")
        batch.drop_column("links")
        batch.drop_column("day")
