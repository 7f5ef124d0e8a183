"""Alembic environment: the ledger's metadata, the database from the settings (or a connection
handed in by `ledger.db.migrate`)."""
from __future__ import annotations

from alembic import context

from kernel.connections import sql_engine
from kernel.settings import Settings
from ledger.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sql_engine(Settings.from_env())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # SQLite cannot ALTER most things: batch mode copies the table, as Alembic recommends.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=Settings.from_env().database_url, target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
