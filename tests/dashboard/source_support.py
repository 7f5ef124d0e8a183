"""Event sources for the tests of POST /api/v1/events, issued as `python -m ledger source` does."""
from __future__ import annotations

from datetime import datetime, timezone

from kernel.connections import sql_engine, sql_sessions
from kernel.settings import Settings
from ledger.commands import event_sources
from ledger.db import migrate


def issue_source(settings: Settings, *schools: str, name: str = "测试门禁平台") -> tuple[int, str]:
    """(id, key) of a new source in the settings' ledger (migrated first); no schools: every school."""
    engine = sql_engine(settings)
    try:
        migrate(engine)
        with sql_sessions(engine).begin() as db:
            issued = event_sources.issue_source(db, name=name, schools=schools, all_schools=not schools,
                                                now=datetime.now(timezone.utc))
            return issued.row.id, issued.key
    finally:
        engine.dispose()


def revoke_source(settings: Settings, source_id: int) -> None:
    engine = sql_engine(settings)
    try:
        with sql_sessions(engine).begin() as db:
            event_sources.revoke_source(db, source_id=source_id, now=datetime.now(timezone.utc))
    finally:
        engine.dispose()
