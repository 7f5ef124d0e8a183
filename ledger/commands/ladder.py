"""The escalation ladder's writes (issue 16): page the people of a step, withdraw what an ack made moot.

`page_step` runs in the transaction that records the step — the recorder's when an alert is OPENED
(step 0; a repeat folded into an alert pages nobody), the escalation sweep's with each AlertEscalation
row (step k) — so the step and its pages commit together or not at all, and a recorder killed in
between leaves neither: the replayed event or the next sweep makes both, once (the outbox's dedupe
key `alert:<id>:level:<k>` and the escalation row's (alert, level) key stop a second). Whom it pages
is ledger/ladder.py's rule; who is on call, ledger/oncall.py's; when a page may go, the school's policy
(quiet hours hold everything below critical to their end, `not_before`).

`withdraw` runs in an acknowledgement's (or resolution's) transaction: the alert's pages still
pending, retrying or held are marked `withdrawn`, which the notifier never sends. A page already
leased by the notifier is sent, and recorded as sent: the log says what happened.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kernel.names import event_type_name
from ledger import ladder
from ledger.commands import notify
from ledger.escalation import DEFAULT_MAX_LEVEL
from ledger.models import Alert, AlertPage, Building, Device, NotifyOutbox, OrgUnit, Zone, utcnow
from ledger.notify_policy_rows import holding
from ledger.notify_text import alert_message, console_link
from ledger.oncall import LEVELS, resolve, window_at
from ledger.oncall_rows import entries, people_of_school, person
from ledger.shifts import ShiftPlan

log = logging.getLogger("ledger.ladder")


@dataclass(frozen=True)
class Pager:
    """What paging needs besides the ledger: the console's address for links, the zone, the shifts."""

    public_url: str
    tz: ZoneInfo
    plan: ShiftPlan
    clock: Callable[[], datetime] = field(default=utcnow)  # when a page is decided (tests set the hour)

    @classmethod
    def from_settings(cls, settings) -> Pager:
        return cls(settings.public_url, settings.tz, ShiftPlan.load(settings.shifts_file))


def place_of(db: Session, alert: Alert) -> str | None:
    """The alert's place as the duty console names it: the building it names, else its registered
    device's (queries/ledger/register.py's rule), with the zone; names where the ledger has them."""
    building, zone = alert.building_code, alert.zone_code
    if not building and alert.device:
        found = db.execute(select(Building.code, Zone.code).select_from(Device)
                           .join(Building, Building.id == Device.building_id)
                           .outerjoin(Zone, Zone.id == Device.zone_id)
                           .where(Device.school_id == alert.school_id, Device.source == alert.device,
                                  Device.retired_on.is_(None))).first()
        if found is not None:
            building, zone = found[0], zone or found[1]
    if not building:
        return zone
    named = db.execute(select(Building.id, Building.name_zh)
                       .where(Building.school_id == alert.school_id, Building.code == building)).first()
    if named is None:
        return " · ".join(p for p in (building, zone) if p)
    zone_name = zone and (db.scalar(select(Zone.name_zh).where(Zone.building_id == named[0], Zone.code == zone))
                          or zone)
    return " · ".join(p for p in (named[1] or building, zone_name) if p)


def page_step(db: Session, *, alert: Alert, step: int, now: datetime, pager: Pager,
              max_level: int = DEFAULT_MAX_LEVEL) -> int:
    """Page step `step` of the alert's ladder in the caller's transaction (a savepoint of it: a fault
    here is logged and never loses the alert or the escalation being recorded). Returns the outbox rows
    added (0 when this step was paged before)."""
    try:
        with db.begin_nested():
            return _page(db, alert, step, now, pager, max_level)
    except OperationalError:
        raise  # the database is away: the caller's whole transaction is retried
    except Exception:  # noqa: BLE001 - a fault in paging must not lose the alert; loudly logged
        log.exception("ladder: could not page step %d of alert %d", step, alert.id)
        return 0


def _page(db: Session, alert: Alert, step: int, now: datetime, pager: Pager, max_level: int) -> int:
    key = ladder.message_key(alert.id, step)
    if db.scalar(select(AlertPage.id).where(AlertPage.alert_id == alert.id, AlertPage.level == step).limit(1)):
        return 0  # paged already (the row and its pages commit together)
    school = db.get(OrgUnit, alert.school_id)
    window = window_at(pager.plan, now, pager.tz)
    on_call = resolve(school.id, school.code, window, entries(db, school.id, window.day, window.day))
    roster = {level: on_call.people(level) for level in LEVELS}
    needed = any(not roster[level] for level in ladder.oncall_levels(step))
    people = [(person(u), u.role) for u in people_of_school(db, school)] if needed else []
    choices = ladder.choose(step, roster, people)

    place = place_of(db, alert)
    link = console_link(pager.public_url, alert.id, school.code)
    title, text = alert_message(type_zh=event_type_name("zh", alert.type), place=place, at=alert.raised_at,
                                severity=alert.severity, link=link, tz=pager.tz)
    if step:
        prefix, line = ladder.escalated_words(step, max_level, now - alert.raised_at)
        title, text = prefix + title, f"{prefix}\n{line}\n{text}"
    policy, _ = holding(db, school.id)
    not_before = policy.holds(alert.severity, now, pager.tz)
    ids = [c.person.id for c in choices if c.person is not None]
    reachable = {user_id for _, user_id, _ in notify.targets(db, school.code, ids)} if ids else set()
    common = dict(dedupe_key=key, school=school.code, kind="escalation" if step else "alert", title=title,
                  text=text, link=link, severity=alert.severity, now=now, place=place, not_before=not_before)
    added = notify.enqueue(db, recipients=ids, **common) if ids else 0
    added += notify.enqueue(db, recipients=None, **common)  # the school's group robots and webhooks
    for choice in choices:
        who = choice.person
        db.add(AlertPage(alert_id=alert.id, level=step, oncall_level=choice.oncall_level,
                         user_id=who and who.id, name=who.name if who else "", how=choice.how,
                         reachable=who is not None and who.id in reachable, message_key=key, at=now))
        if choice.how != "roster":
            log.warning("ladder: alert %d step %d: nobody on the roster at level %d in %s; %s", alert.id, step,
                        choice.oncall_level, school.code,
                        f"paging {who.username} ({choice.how})" if who else "nobody of its roles either")
        if who is not None and who.id not in reachable:
            log.warning("ladder: alert %d step %d: %s has no address on an enabled channel: not paged",
                        alert.id, step, who.username)
    db.flush()
    return added


def withdraw(db: Session, alert_id: int, *, why: str) -> int:
    """Mark the alert's pages not yet sent (pending, retrying, held to the quiet hours' end) as
    withdrawn, in the caller's transaction. Returns how many."""
    return db.execute(update(NotifyOutbox).where(
        NotifyOutbox.message_key.startswith(ladder.key_prefix(alert_id), autoescape=True),
        NotifyOutbox.status.in_(("pending", "retrying"))).values(status="withdrawn", last_answer=why[:500])
        .execution_options(synchronize_session=False)).rowcount


def release_held(db: Session, alert_id: int, now: datetime) -> int:
    """A repeat that made the alert critical (raise_alert takes the worse severity) pages nobody anew,
    but what quiet hours held for the lower severity goes now: critical is never held. Returns rows."""
    return db.execute(update(NotifyOutbox).where(
        NotifyOutbox.message_key.startswith(ladder.key_prefix(alert_id), autoescape=True),
        # attempts 0: held, never leased (a leased row is pending too, and due again only when its lease ends)
        NotifyOutbox.status == "pending", NotifyOutbox.attempts == 0, NotifyOutbox.next_attempt_at > now)
        .values(next_attempt_at=now, severity="critical").execution_options(synchronize_session=False)).rowcount
