"""Alembic's environment for the record: run by `coachmentor.record.db.migrate` with the
connection it opened (there is no alembic.ini: the migrations ship inside the package)."""

from __future__ import annotations

from alembic import context

from coachmentor.record.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
