"""The ledger tests' clock. Their SQL fixtures (`engine`, `session`, `database_url`: SQLite and
PostgreSQL) are the whole suite's, in tests/databases.py."""
from __future__ import annotations

from datetime import datetime, timezone

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
