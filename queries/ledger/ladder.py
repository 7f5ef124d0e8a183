"""Whom the escalation ladder paged for an alert, and whether it went (issue 16): the duty console's
detail panel, read from the ladder's record (alert_pages) and the outbox it wrote. Reads only."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger import ladder
from ledger.models import Alert, AlertPage, NotifyChannel, NotifyOutbox, OrgUnit
from queries.ledger.people import _scope_ids  # the admin pages' one reading of a unit's scope

# A person's pages on several channels read as one line: the best news first.
_ORDER = ("sent", "failed", "retrying", "pending", "held", "withdrawn")


@dataclass(frozen=True)
class Paged:
    level: int  # the ladder's step: 0 at raise, k at the k-th escalation
    oncall_level: int | None  # the roster level paged as; None: a group robot or webhook
    name: str  # the person's name, or the channel's
    how: str  # roster, fallback, nobody, group
    status: str  # sent, failed, retrying, pending, held (quiet hours), withdrawn, unreachable, none
    at: datetime | None  # when it went (sent) or is next due

    def as_dict(self) -> dict:
        return asdict(self)


def _status(rows: list) -> tuple[str, datetime | None]:
    def one(row) -> str:
        if row.status == "pending" and row.attempts == 0 and row.next_attempt_at > row.created_at:
            return "held"
        return row.status
    if not rows:
        return "none", None
    best = min(rows, key=lambda r: _ORDER.index(one(r)))
    return one(best), best.sent_at if best.status == "sent" else best.next_attempt_at


def pages_of(db: Session, alert_id: int) -> list[Paged]:
    """Every page of the alert's ladder, step by step: each person chosen (with `unreachable` when they
    have no address, `none` for a step that found nobody at a level) and each group channel told."""
    rows = db.execute(select(NotifyOutbox.message_key, NotifyOutbox.user_id, NotifyOutbox.channel_id,
                             NotifyOutbox.status, NotifyOutbox.attempts, NotifyOutbox.next_attempt_at,
                             NotifyOutbox.created_at, NotifyOutbox.sent_at, NotifyChannel.name)
                      .join(NotifyChannel, NotifyChannel.id == NotifyOutbox.channel_id)
                      .where(NotifyOutbox.message_key.startswith(ladder.key_prefix(alert_id), autoescape=True))
                      .order_by(NotifyOutbox.id)).all()
    by_person: dict[tuple[str, int], list] = {}
    by_group: dict[tuple[str, int], list] = {}
    for row in rows:
        if row.user_id is None:
            by_group.setdefault((row.message_key, row.channel_id), []).append(row)
        else:
            by_person.setdefault((row.message_key, row.user_id), []).append(row)
    people: dict[int, list[Paged]] = {}
    keys: dict[int, str] = {}
    for page in db.scalars(select(AlertPage).where(AlertPage.alert_id == alert_id)
                           .order_by(AlertPage.level, AlertPage.oncall_level.desc(), AlertPage.id)):
        status, at = _status(by_person.get((page.message_key, page.user_id), []))
        if page.how != "nobody" and not page.reachable:
            status = "unreachable"
        people.setdefault(page.level, []).append(Paged(page.level, page.oncall_level, page.name, page.how,
                                                       status, at))
        keys[page.level] = page.message_key
    out: list[Paged] = []
    for level in sorted(people):
        out += people[level]
        out += [Paged(level, None, found[0].name, "group", *_status(found))
                for (key, _channel), found in by_group.items() if key == keys[level]]
    return out


def sent_per_level(db: Session, school: int | str, since: datetime, until: datetime) -> dict[int, int]:
    """Pages sent to people in [since, until) per ladder step, for the handover report: {step: count}.
    `school`: its id or code."""
    if isinstance(school, int):
        school = db.scalar(select(OrgUnit.code).where(OrgUnit.id == school)) or ""
    rows = db.execute(select(NotifyOutbox.message_key, func.count())
                      .where(NotifyOutbox.school == school, NotifyOutbox.status == "sent",
                             NotifyOutbox.message_key.like("alert:%:level:%"),
                             NotifyOutbox.user_id.is_not(None), NotifyOutbox.kind.in_(("alert", "escalation")),
                             NotifyOutbox.sent_at >= since, NotifyOutbox.sent_at < until)
                      .group_by(NotifyOutbox.message_key)).all()
    counts: dict[int, int] = {}
    for key, n in rows:
        level = int(key.rsplit(":", 1)[1]) if key.rsplit(":", 1)[1].isdigit() else None
        if level is not None:
            counts[level] = counts.get(level, 0) + n
    return dict(sorted(counts.items()))


@dataclass(frozen=True)
class Gap:
    """A step that could not page as the roster says: a stand-in (fallback), nobody at a level, or a
    person with no address. What the notification admin page lists, newest first."""

    at: datetime
    school: str  # its name
    alert_id: int
    level: int
    oncall_level: int
    name: str
    how: str  # fallback, nobody; or roster with reachable False
    reachable: bool


def gaps(db: Session, scope: str | None, limit: int = 20) -> list[Gap]:
    """The ladder's latest gaps in the schools of the unit `scope` (None: every school)."""
    query = (select(AlertPage, OrgUnit.name_zh).join(Alert, Alert.id == AlertPage.alert_id)
             .join(OrgUnit, OrgUnit.id == Alert.school_id)
             .where((AlertPage.how != "roster") | AlertPage.reachable.is_(False))
             .order_by(AlertPage.id.desc()).limit(limit))
    ids = _scope_ids(db, scope)
    if ids is not None:
        query = query.where(Alert.school_id.in_(ids))
    return [Gap(p.at, school, p.alert_id, p.level, p.oncall_level, p.name, p.how, p.reachable)
            for p, school in db.execute(query)]
