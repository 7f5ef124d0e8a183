"""Migrations build the whole schema from empty, on SQLite and on PostgreSQL, and go back down."""
from __future__ import annotations

from sqlalchemy import inspect

from kernel.connections import sql_engine
from ledger.db import current_revision, downgrade, migrate
from ledger.models import Base

HEAD = "0008"
# What each revision adds, newest first: each goes down on its own and takes only its tables.
STEPS: list[tuple[str, str, set[str]]] = [  # (revision, the one before, tables it adds)
    ("0008", "0007", {"event_sources", "event_source_schools"}),
    ("0007", "0006", set()),  # indexes only
    ("0006", "0005", {"daily_domain_events"}),
    ("0005", "0004", {"hazard_comments"}),
    ("0004", "0003", {"alert_escalations", "alert_outbox"}),
    ("0003", "0002", {"users", "user_schools", "user_sessions"}),
    ("0002", "0001", {"access_tokens"}),
]


def test_upgrade_from_empty_creates_every_table_and_downgrade_removes_them(ledger_settings):
    engine = sql_engine(ledger_settings)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == HEAD
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        migrate(engine)  # a second upgrade is a no-op, as `make run` does at every start
        for revision, before, added in STEPS:
            assert current_revision(engine) == revision
            downgrade(engine, before)
            assert current_revision(engine) == before
            tables -= added
            assert set(inspect(engine).get_table_names()) == tables, revision
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
