"""Errors a ledger write raises for input it refuses; each says what is wrong in plain words."""
from __future__ import annotations


class LedgerError(ValueError):
    """Refused input: the message is shown to the user or put on a dead letter as is."""


class NotFound(LedgerError):
    pass
