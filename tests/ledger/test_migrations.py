"""Migrations build the whole schema from empty, on SQLite and on PostgreSQL, and go back down."""
from __future__ import annotations

from sqlalchemy import inspect

from ledger.db import current_revision, downgrade, migrate
from ledger.models import Base
from queries.connections import sql_engine


def test_upgrade_from_empty_creates_every_table_and_downgrade_removes_them(ledger_settings):
    engine = sql_engine(ledger_settings)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == "0002"
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate(engine)  # a second upgrade is a no-op, as `make run` does at every start
        downgrade(engine, "0001")  # each revision goes down on its own: 0002 added the access tokens
        assert current_revision(engine) == "0001"
        assert set(inspect(engine).get_table_names()) == tables - {"access_tokens"}
        migrate(engine)
        downgrade(engine, "base")
        assert not set(Base.metadata.tables) & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(engine):
    """Autogenerate finds nothing to add: the migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
