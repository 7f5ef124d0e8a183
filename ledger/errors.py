"""Errors a ledger write raises for input it refuses; each says what is wrong in plain words.

A refusal is read by people on zh-CN pages and by vendors and logs in English: `str(error)` is the
English (the CLI, the JSON API and dead letters use it, unchanged), `error.zh` the Simplified
Chinese the pages show by default (`error.text(lang)`).
"""
from __future__ import annotations

from typing import NamedTuple


class LedgerError(ValueError):
    """Refused input: the message is shown to the user or put on a dead letter as is."""

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh

    def text(self, lang: str) -> str:
        """The refusal in the page's language; English when no Chinese was written for it."""
        return self.zh if lang == "zh" and self.zh else str(self)


class NotFound(LedgerError):
    pass


class Words(NamedTuple):
    """A fragment of a refusal in both languages, for a shared check that names what it checks
    ("the Chinese name" / "中文名称"): each language's sentence is then whole, never mixed."""

    en: str
    zh: str


def words(what: str | Words) -> Words:
    """A fragment in both languages; a plain string (a name, a code) reads the same in both."""
    return what if isinstance(what, Words) else Words(what, what)
