"""Reads and writes of the SQL ledger: one module per record kind. Functions take a Session and
keyword arguments; the caller owns the transaction (commit or roll back)."""
