"""Query parameters of the ledger endpoints: pagination and filters, checked strictly.

A parameter the endpoint does not know, or a value it cannot take, is a 400 that names the
parameter: a typo'd filter silently ignored would hand an authority the whole ledger as if it
were the filtered list.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000
_WHOLE_NUMBER = re.compile(r"[0-9]{1,7}")
_CODE = re.compile(r"[^\x00-\x1f\x7f]{1,128}")  # codes as events carry them: any printable text
PAGING = ("page", "per_page")


class BadParameter(ValueError):
    def __init__(self, name: str, value: str | None, message: str):
        super().__init__(message)
        self.name, self.value, self.message = name, value, message

    def body(self) -> dict:
        if self.value is None:
            return {"error": self.message, "parameter": self.name}
        return {"error": self.message, self.name: self.value, "parameter": self.name}


@dataclass(frozen=True)
class Page:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def envelope(self, school: str, items: list, total: int) -> dict:
        return {"school": school, "items": items, "page": self.page, "per_page": self.per_page,
                "total": total}

    def cut(self, rows: list) -> list:
        """This page of an already complete list (campaigns, assessment: a few dozen rows)."""
        return rows[self.offset:self.offset + self.per_page]


def check_known(args: Mapping[str, str], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name in args:
        if name not in allowed:
            raise BadParameter(name, None, f"unknown parameter {name!r}; this endpoint takes "
                               + ", ".join(sorted(allowed)))


def _whole(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise BadParameter(name, raw, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def page(args: Mapping[str, str]) -> Page:
    return Page(_whole(args, "page", 1, 1, MAX_PAGE),
                _whole(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))


def choice(args: Mapping[str, str], name: str, allowed: Iterable[str]) -> str | None:
    raw = args.get(name)
    if raw is None:
        return None
    allowed = tuple(allowed)
    if raw not in allowed:
        raise BadParameter(name, raw, f"{name} must be one of {', '.join(allowed)}")
    return raw


def boolean(args: Mapping[str, str], name: str) -> bool | None:
    raw = args.get(name)
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise BadParameter(name, raw, f"{name} must be true or false")
    return raw.lower() == "true"


def code(args: Mapping[str, str], name: str) -> str | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not _CODE.fullmatch(raw):
        raise BadParameter(name, raw, f"{name} must be a code of 1 to 128 printable characters")
    return raw
