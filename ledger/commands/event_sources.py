"""Event sources in the ledger: issue, check, list, revoke and rotate the API keys of the campus
systems that POST events (ledger/models/sources.py).

`issue_source` returns the key once; only its SHA-256 digest is stored. Keys start with
`KEY_PREFIX`, so a key pasted where a wall token belongs (or the reverse) is told apart at once,
and secret scanners can find one leaked into a repository or a log.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from kernel.contract import SCHOOL_ID
from ledger.errors import LedgerError, NotFound
from ledger.models import EventSource, EventSourceSchool

KEY_PREFIX = "csk_"  # campus source key
KEY_BYTES = 32  # 256 bits from the OS's generator
MAX_NAME = 128


@dataclass(frozen=True)
class Issued:
    row: EventSource
    key: str  # shown to the operator once; nothing keeps it
    replaced: EventSource | None = None  # the source whose key `rotate_source` revoked


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_key(text: str) -> bool:
    """Whether `text` has the form of a source key (says nothing of whether it is valid)."""
    return text.startswith(KEY_PREFIX)


def _schools(schools: Iterable[str], all_schools: bool) -> list[str]:
    codes = sorted(set(schools))
    if all_schools and codes:
        raise LedgerError("give either the schools a source may send for or every school, not both",
                          zh="请给出事件来源可代发的学校，或者全部学校，不能两者都给")
    if not all_schools and not codes:
        raise LedgerError("a source sends for at least one school (--school CODE), or for every school "
                          "(--all-schools, for a district platform)",
                          zh="事件来源至少为一所学校发送（--school 代码），"
                             "或为全部学校发送（--all-schools，区级平台用）")
    for code in codes:
        if not SCHOOL_ID.fullmatch(code):
            raise LedgerError(f"{code!r} cannot be a school code", zh=f"{code!r} 不能作为学校代码")
    return codes


def issue_source(session: Session, *, name: str, schools: Iterable[str] = (), all_schools: bool = False,
                 now: datetime) -> Issued:
    """A new source with its key, for the schools given (or every school)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise LedgerError(f"a source needs a name of 1 to {MAX_NAME} characters saying which system it is",
                          zh=f"事件来源须有 1 至 {MAX_NAME} 个字的名称，说明是哪个系统")
    codes = _schools(schools, all_schools)
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    row = EventSource(name=name, digest=key_digest(key), all_schools=all_schools, created_at=now,
                      schools=[EventSourceSchool(school=code) for code in codes])
    session.add(row)
    session.flush()
    return Issued(row, key)


def active_source(session: Session, *, key: str | None = None, source_id: int | None = None) -> EventSource | None:
    """The unrevoked source given by its key or by its id, with its schools, or None."""
    if key is None and source_id is None:
        return None
    query = select(EventSource).where(EventSource.revoked_at.is_(None)).options(selectinload(EventSource.schools))
    if key is not None:
        query = query.where(EventSource.digest == key_digest(key))
    if source_id is not None:
        query = query.where(EventSource.id == source_id)
    return session.scalar(query)


def note_use(session: Session, *, source_id: int, now: datetime, every: timedelta) -> bool:
    """Set last_used_at unless it was set less than `every` ago: one conditional UPDATE, so web
    processes noting the same source at once do not fight, and a busy source costs the ledger no
    write per request."""
    done = session.execute(update(EventSource).where(
        EventSource.id == source_id,
        or_(EventSource.last_used_at.is_(None), EventSource.last_used_at <= now - every),
    ).values(last_used_at=now))
    return done.rowcount > 0


def list_sources(session: Session) -> list[EventSource]:
    return list(session.scalars(select(EventSource).order_by(EventSource.id)
                                .options(selectinload(EventSource.schools))))


def _existing(session: Session, source_id: int) -> EventSource:
    found = session.get(EventSource, source_id, options=[selectinload(EventSource.schools)])
    if found is None:
        raise NotFound(f"no event source with id {source_id}", zh=f"没有编号为 {source_id} 的事件来源")
    return found


def revoke_source(session: Session, *, source_id: int, now: datetime) -> EventSource:
    """Refuse a source's key from now on; revoking it again keeps the first moment."""
    found = _existing(session, source_id)
    if found.revoked_at is None:
        found.revoked_at = now
    return found


def rotate_source(session: Session, *, source_id: int, now: datetime) -> Issued:
    """A new key for an active source: a new source of the same name and schools, the old one
    revoked in the same transaction. (For a switch-over without a gap, issue a second source,
    move the system to its key, then revoke the first.)"""
    old = _existing(session, source_id)
    if old.revoked_at is not None:
        raise LedgerError(f"event source {source_id} is revoked; issue a new one instead",
                          zh=f"事件来源 {source_id} 已吊销，请另发一个新的")
    codes = old.school_codes
    issued = issue_source(session, name=old.name, schools=codes or (), all_schools=codes is None, now=now)
    old.revoked_at = now
    return Issued(issued.row, issued.key, old)
