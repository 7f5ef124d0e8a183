"""The wall's past on the web app's side (issue 18, 事后评估): who may see it, the `at` asked, the kept
summary read from the ledger, and GET /api/v1/schools/<school>/summary?at=<ISO time>.

Who: the roles granted `wall.past` (dashboard/roles.py: leadership, duty, safety, admin), people and
their API tokens alike; never a kiosk's wall token: its API request is refused (403), and its wall page
ignores ?at= and stays live (page.py and callbacks.py ask `may_see_past` on the server every time).
Which school: the guard (dashboard/access.py) has already held the path's school to the caller's
scope, exactly as for the live summary.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import jsonify
from sqlalchemy.exc import SQLAlchemyError

from dashboard import roles
from dashboard.access import current
from dashboard.services import clock_ms, services
from kernel.contract import SCHOOL_ID
from ledger import wall_history as frames
from ledger.errors import LedgerError
from queries.ledger import wall_history as kept

NOT_KIOSK = LedgerError("the wall's past (at=) is for leadership and duty roles: a wall token reads the present only",
                        zh="历史回看（at=）仅供领导和值班等角色使用：大屏令牌只能查看实时数据")
NOT_KEPT = LedgerError("no wall history is kept (WALL_HISTORY_DAYS=0)", zh="未保存大屏历史（WALL_HISTORY_DAYS=0）")
NO_HISTORY = LedgerError("no wall history is kept for this school at that time",
                         zh="该学校在此时刻没有大屏历史记录")
GAP = LedgerError("nothing was recorded at that minute: the recorder was not running then (gaps are never filled in)",
                  zh="该分钟无记录：记录进程当时未运行（缺失的分钟不做插补）")
LEDGER_DOWN = "safety ledger unavailable"


def may_see_past() -> bool:
    principal = current()
    return principal is not None and principal.may(roles.WALL_PAST)


def asked(raw: str | None, *, local: ZoneInfo | None = None) -> datetime:
    """The moment `at` names (UTC), or LedgerError (malformed, no offset without `local`, future, older
    than the retention)."""
    days = services().settings.wall_history_days
    if not days:
        raise NOT_KEPT
    now = datetime.fromtimestamp(clock_ms() / 1000, timezone.utc)
    return frames.parse_at(raw, now=now, retention_days=days, local=local)


def read(school: str, at: datetime) -> kept.Snapshot | None:
    """The kept summary of the school at `at` (queries.ledger.wall_history.summary_at); SQLAlchemyError
    when the ledger cannot be read."""
    with services().ledger_reads() as db:
        return kept.summary_at(db, school, at)


def iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="milliseconds")


def past_document(snapshot: kept.Snapshot, tz: ZoneInfo) -> dict:
    """The summary as it was, marked as the past: `past` true, `at` the moment asked, `minute` the
    minute shown and `taken_at` the moment its figures stand for (the minute's last millisecond);
    then the summary's own fields as the live endpoint answered them then (`as_of` is the data's)."""
    summary = dict(snapshot.summary or {})
    return {"school": summary.pop("school", snapshot.school), "past": True, "at": iso(snapshot.at, tz),
            "minute": iso(snapshot.minute, tz), "taken_at": iso(snapshot.taken_at, tz), **summary}


def refused(status: int, error: LedgerError, **context):
    response = jsonify({"error": str(error), "error_zh": error.zh, **context})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def past_summary(school: str, raw: str | None):
    """GET /api/v1/schools/<school>/summary?at=…: 200 with the past document; 400 for a bad `at`; 403
    for a wall token; 404 for a gap (with the nearest minutes recorded) or nothing kept; 503 when the
    ledger cannot be read."""
    if not may_see_past():
        return refused(403, NOT_KIOSK, school=school)
    tz = services().settings.tz
    try:
        at = asked(raw)
    except LedgerError as exc:
        return refused(404 if exc is NOT_KEPT else 400, exc, at=raw)
    try:
        snapshot = read(school, at) if SCHOOL_ID.fullmatch(school) else None
    except SQLAlchemyError as exc:
        response = jsonify({"error": LEDGER_DOWN, "detail": type(exc).__name__})
        response.status_code = 503
        return response
    if snapshot is None:
        return refused(404, NO_HISTORY, school=school, at=iso(at, tz))
    if snapshot.gap:
        return refused(404, GAP, school=school, gap=True, at=iso(at, tz), minute=iso(snapshot.minute, tz),
                       previous=iso(snapshot.previous, tz), next=iso(snapshot.next, tz))
    response = jsonify(past_document(snapshot, tz))
    response.headers["Cache-Control"] = "no-store"
    return response
