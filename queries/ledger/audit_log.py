"""The audit log as admins read it (/admin/audit) and download it (/admin/audit.xlsx, .csv): filtered
by time, actor, action, school and text in the target, newest first, a page at a time.

The log grows for years, so every read is bounded and walks an index: newest first is the `at`
index read backwards with a LIMIT; the next page starts below the last entry shown (keyset paging,
`before=<id>`), never an OFFSET that would re-read every page above it; there is no COUNT. Filters
on school and action use their own indexes; a text search in the target is a LIKE, checked only
on the entries the walk meets.

Scope: an admin over the whole tree reads every entry; a scoped admin the entries of the schools
within their unit (Principal.schools, ledger/org_scope.py) and the entries they made themselves.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ledger.models import AuditEntry
from queries.ledger.lead_hazards import query_text

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # a download beyond this says it was cut: narrow the filter
MAX_FILTER = 200  # a filter value longer than any actor, action, school or target is refused


class BadFilter(ValueError):
    """A filter value that cannot be read (the message names the field and says what is expected)."""


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC
    actor: str | None = None  # exact username (or token:<id>, cli:<user>)
    action: str | None = None  # "org.create" exactly, or "org" for every org.* action
    school: str | None = None  # a school code, exactly
    text: str | None = None  # found anywhere in the target ("school:s1", "user:wang")
    # As typed, for the form and the links (the moments above are already converted).
    since_text: str | None = None
    until_text: str | None = None

    def query(self) -> dict[str, str]:
        """The filter as URL query values, for paging links and the downloads (inverse of audit_filter)."""
        values = {"since": self.since_text, "until": self.until_text, "actor": self.actor,
                  "action": self.action, "school": self.school, "q": self.text}
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    actor_role: str
    ip: str | None
    action: str
    target: str
    school: str | None
    before: dict | None
    after: dict | None


def _moment(text: str | None, tz: tzinfo, *, field: str, end: bool) -> datetime | None:
    """YYYY-MM-DD (the whole day: an `until` day is included) or YYYY-MM-DD HH:MM, in the schools' zone."""
    if text is None:
        return None
    for form, whole_day in (("%Y-%m-%d", True), ("%Y-%m-%d %H:%M", False), ("%Y-%m-%dT%H:%M", False)):
        try:
            parsed = datetime.strptime(text, form)
        except ValueError:
            continue
        try:
            if whole_day:
                parsed = datetime.combine(parsed.date(), time()) + (timedelta(days=1) if end else timedelta())
            elif end:
                parsed += timedelta(minutes=1)
        except OverflowError:  # `until` 9999-12-31: its end is past the last day Python has, and
            return None  # so past every entry: no bound (it raised, a 500)
        return parsed.replace(tzinfo=tz)
    raise BadFilter(field)


def audit_filter(raw: Mapping[str, object], tz: tzinfo) -> AuditFilter:
    """The filter a URL query asks for. Raises BadFilter naming the field that cannot be read: the
    page says so rather than showing a log that silently ignores half of what was asked."""
    values = {name: query_text(raw, name) for name in ("since", "until", "actor", "action", "school", "q")}
    for name, value in values.items():
        if value is not None and (len(value) > MAX_FILTER or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value)):
            raise BadFilter(name)
    since = _moment(values["since"], tz, field="since", end=False)
    until = _moment(values["until"], tz, field="until", end=True)
    if since is not None and until is not None and until <= since:
        raise BadFilter("until")
    return AuditFilter(since=since, until=until, actor=values["actor"], action=values["action"],
                       school=values["school"], text=values["q"], since_text=values["since"],
                       until_text=values["until"])


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(filters: AuditFilter, *, schools: frozenset[str] | None, me: str | None) -> list:
    found = []
    if schools is not None:  # a scoped admin: their schools' entries and their own
        mine = AuditEntry.actor == me if me else None
        theirs = AuditEntry.school.in_(sorted(schools)) if schools else None
        kept = [c for c in (theirs, mine) if c is not None]
        found.append(or_(*kept) if kept else AuditEntry.id.is_(None))
    if filters.since is not None:
        found.append(AuditEntry.at >= filters.since)
    if filters.until is not None:
        found.append(AuditEntry.at < filters.until)
    if filters.actor:
        found.append(AuditEntry.actor == filters.actor)
    if filters.action:
        found.append(AuditEntry.action == filters.action if "." in filters.action
                     else AuditEntry.action.like(filters.action.replace("%", "").replace("_", "\\_") + ".%",
                                                 escape="\\"))
    if filters.school:
        found.append(AuditEntry.school == filters.school)
    if filters.text:
        found.append(AuditEntry.target.like(_like(filters.text), escape="\\"))
    return found


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry.id, entry.at, entry.actor, entry.actor_role, entry.ip, entry.action, entry.target,
                    entry.school, entry.before, entry.after)


def audit_rows(db: Session, filters: AuditFilter, *, schools: frozenset[str] | None, me: str | None,
               before: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[AuditRow], bool]:
    """Up to `limit` entries, newest first, older than entry `before` when given; and whether there
    are more. `schools` None: every entry (an admin over the whole tree)."""
    conditions = _conditions(filters, schools=schools, me=me)
    if before is not None:
        anchor = db.get(AuditEntry, before)
        if anchor is None:
            conditions.append(AuditEntry.id < before)
        else:  # strictly after the anchor in (at desc, id desc) order
            conditions.append(or_(AuditEntry.at < anchor.at, and_(AuditEntry.at == anchor.at, AuditEntry.id < before)))
    statement = (select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                 .limit(limit + 1))
    entries = list(db.scalars(statement))
    return [_row(e) for e in entries[:limit]], len(entries) > limit


def export_rows(db: Session, filters: AuditFilter, *, schools: frozenset[str] | None,
                me: str | None) -> tuple[list[AuditRow], bool]:
    """Every entry the filter keeps, newest first, up to EXPORT_LIMIT; and whether it was cut."""
    return audit_rows(db, filters, schools=schools, me=me, limit=EXPORT_LIMIT)
