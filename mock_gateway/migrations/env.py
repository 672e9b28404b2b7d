"""Alembic environment: run by `mock_gateway.migrate` with an open connection."""
from alembic import context

from mock_gateway.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
