"""A row's id as a link or a form names it: ASCII digits of a whole number the ledger can hold.

Several pages take an id from their address (?before=, ?draft=, /m/inspections/<plan>). What they
must refuse: "²" and "٣", digits to str.isdigit but not to int() (a 400 for an edited link); and an
id past the ledger's integer, which SQLite's driver refuses with OverflowError (a 500) and
PostgreSQL as out of range (a page saying the ledger is unavailable: untrue).
"""
from __future__ import annotations

MAX_ROW_ID = 2**31 - 1  # INTEGER on PostgreSQL: every id column of the ledger


def row_id(text: object) -> int | None:
    """`text` as an id when it is ASCII digits of 1 to MAX_ROW_ID, else None (nothing of the ledger)."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


def id_or_none(value: object) -> int | None:
    """`value` when a browser's store or pick holds an id the ledger can hold, else None: not True
    (1 to Python and to SQL: row 1), nor a float, nor 0 or less, nor past MAX_ROW_ID."""
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID
    return value if ok else None
