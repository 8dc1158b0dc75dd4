"""Alembic environment: target metadata is subsidy.db.Base.metadata.

Autogenerate (`flask --app app db revision -m MSG`) compares column types too and always renders
batch operations (``with op.batch_alter_table(...)``): SQLite cannot ALTER most things in place and
needs them, and on PostgreSQL a batch is plain ALTER statements, so one migration runs on both
whichever database it was generated against.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import pool

import subsidy.models  # noqa: F401  (fills the metadata)
from subsidy.db import Base, make_engine
from subsidy.models.search_index import include_object

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
