"""Reminders before deadlines and the leadership digest (issue 16), pure: which reminder is due at a
moment, whom it goes to, and its dedupe key. No database, no clock of its own. The reads are
queries/ledger/reminders.py, the write ledger/commands/reminders.py, the sweep that joins them every
minute streams/reminders.py (docs/notify.md, "Reminders and digest").

Every kind answers with at most ONE reminder due at `now`: the latest point passed, never those before
it. A sweep that was down for days sends the point that holds now, not a burst of stale ones, and a
sweep that runs twice finds the same key (marked: nothing new).

- Hazard deadlines: the policy's points (N days before, at reminder_at local time; 0 = the deadline's
  day) that fall before the deadline, then PASSED at the first reminder_at after it (a working hour,
  never the middle of the night a midnight deadline falls in). The key names the deadline's local date,
  so a moved deadline reminds anew.
- Awaiting acceptance: "start" once when the rectification is fed back, then one a day at reminder_at
  from the next local day on, each keyed by its date; a reject and a new feedback is a new wait.
- The digest: once per local day from the policy's digest_at on (late rather than never).
- No drill this term: once per term from DRILL_WEEKS weeks after its first day, at reminder_at.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger import inspection_schedule as schedule
from ledger.notify_policy import Policy

PASSED = "passed"
START = "start"
# Stages whose work is still the responsible person's (not yet rectified): feedback waits for the
# acceptor (its own reminder), accepted is closed.
WORK_STAGES: tuple[str, ...] = ("reported", "notified", "rectifying")
# Six weeks into a term of about twenty: time enough to have held the term's drill (art. 12 deducts
# 10 points for a term without one), and most of the term left to hold it.
DRILL_WEEKS = 6
# The roles of the people a reminder may go to (ledger/hazard_work_rules.ACCEPT_ROLES less admins:
# an admin keeps the system, not the ledger, and would get every school's reminders).
ACCEPTORS: tuple[str, ...] = ("safety", "inspector")
LEADER = "leader"
SAFETY = "safety"


@dataclass(frozen=True)
class Point:
    label: str  # days before the deadline ("3", "0"), or PASSED
    at: datetime  # when it falls due


@dataclass(frozen=True)
class Planned:
    """One reminder to send: the outbox's message (ledger.commands.notify.enqueue) and its kind."""

    key: str
    school: str
    kind: str  # hazard_due | hazard_passed | acceptance | digest | drill
    title: str
    text: str
    link: str | None
    recipients: tuple[int, ...]


@dataclass(frozen=True)
class Staff:
    """A person a reminder may fall back to: an active account of the safety office, an inspector or a
    leader, by the unit they work for."""

    id: int
    role: str
    unit_id: int | None


@dataclass(frozen=True)
class DigestFigures:
    new_yesterday: int
    new_major_yesterday: int
    overdue: int
    major_open: int
    open_hazards: int
    alerts_open: int
    alerts_critical: int
    inspections_missed: int | None  # this month's missed periods; None: no inspection plans

    @property
    def empty(self) -> bool:
        return not (self.new_yesterday or self.overdue or self.major_open or self.alerts_open
                    or self.inspections_missed)


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def deadline_points(deadline: datetime, policy: Policy, tz: ZoneInfo) -> list[Point]:
    """The reminder points of a deadline, in time order: those of the policy that fall before it (a
    day-0 point at 08:00 for a 06:00 deadline is dropped: the passed reminder covers it), then PASSED."""
    day = local_day(deadline, tz)
    before = [Point(str(d), _at(day - timedelta(days=d), policy.reminder_at, tz)) for d in policy.reminder_days]
    passed = _at(day, policy.reminder_at, tz)
    if passed <= deadline:
        passed = _at(day + timedelta(days=1), policy.reminder_at, tz)
    return sorted((p for p in before if p.at < deadline), key=lambda p: p.at) + [Point(PASSED, passed)]


def due_point(deadline: datetime, now: datetime, policy: Policy, tz: ZoneInfo) -> Point | None:
    """The latest point at or before `now` (None: none yet). Only that one is sent."""
    due = [p for p in deadline_points(deadline, policy, tz) if p.at <= now]
    return due[-1] if due else None


def hazard_key(hazard_id: int, deadline: datetime, point: Point, tz: ZoneInfo) -> str:
    return f"hazard:{hazard_id}:due:{local_day(deadline, tz).isoformat()}:{point.label}"


def waiting_point(since: datetime, now: datetime, policy: Policy, tz: ZoneInfo) -> str | None:
    """START on the day the rectification was fed back, then the local date (ISO) of the latest
    reminder_at passed from the next day on; None before `since`."""
    if now < since:
        return None
    today = local_day(now, tz)
    day = today if now >= _at(today, policy.reminder_at, tz) else today - timedelta(days=1)
    return START if day <= local_day(since, tz) else day.isoformat()


def acceptance_key(hazard_id: int, feedback_id: int, point: str) -> str:
    return f"hazard:{hazard_id}:accept:{feedback_id}:{point}"


def digest_day(now: datetime, policy: Policy, tz: ZoneInfo) -> date | None:
    """The local day whose digest is due at `now` (from digest_at on); None before it or when off."""
    if policy.digest_at is None:
        return None
    today = local_day(now, tz)
    return today if now >= _at(today, policy.digest_at, tz) else None


def digest_key(school: str, day: date) -> str:
    return f"digest:{school}:{day.isoformat()}"


def drill_term(now: datetime, policy: Policy, tz: ZoneInfo, *, term_starts=schedule.DEFAULT_TERM_STARTS,
               weeks: int = DRILL_WEEKS) -> schedule.Period | None:
    """The term whose "no drill yet" reminder may go at `now`: `weeks` weeks after its first day, at
    reminder_at, until it ends; None before that (or for a term shorter than that)."""
    term = schedule.current_period("term", now, tz, term_starts=term_starts)
    day = term.start + timedelta(weeks=weeks)
    if day >= term.end or now < _at(day, policy.reminder_at, tz):
        return None
    return term


def drill_key(school: str, term: schedule.Period) -> str:
    return f"drill:{school}:{term.key}"


# --- who is reminded ---

def hazard_recipients(*, responsible: int | None, responsible_active: bool, responsible_unit: int | None,
                      school_id: int, staff: list[Staff]) -> tuple[tuple[int, ...], bool]:
    """(whom a deadline reminder goes to, whether it fell back). The responsible person; without one
    (or with an account disabled since), the safety people of the responsible unit, who answer for
    its hazards, else the school's safety office, who assigns hazards and must name someone."""
    if responsible is not None and responsible_active:
        return (responsible,), False
    of_unit = [s.id for s in staff if s.role == SAFETY and responsible_unit is not None
               and s.unit_id == responsible_unit]
    if of_unit:
        return tuple(of_unit), True
    return tuple(s.id for s in staff if s.role == SAFETY and s.unit_id == school_id), True


def acceptors(*, reporter: int | None, responsible: int | None, fed_back_by: frozenset[int], school_id: int,
              staff: list[Staff]) -> tuple[int, ...]:
    """Who is asked to accept a rectification: the person who reported the hazard when they may accept
    it (an inspector or the safety office checks what they found: 谁检查谁验收), else the school's
    safety office, else the school's inspectors. Never the responsible person nor one who fed it
    back (ledger/hazard_work_rules.may_accept refuses them)."""
    may = [s for s in staff if s.role in ACCEPTORS and s.id != responsible and s.id not in fed_back_by]
    if reporter is not None and any(s.id == reporter for s in may):
        return (reporter,)
    for role in (SAFETY, "inspector"):
        found = [s.id for s in may if s.role == role and s.unit_id == school_id]
        if found:
            return tuple(found)
    return ()


def leaders(school_id: int, staff: list[Staff]) -> tuple[int, ...]:
    """The digest's readers: the leaders of the school itself (a district's leaders read /lead, which
    covers all their schools: one message per school each morning would bury them)."""
    return tuple(s.id for s in staff if s.role == LEADER and s.unit_id == school_id)


def safety_office(school_id: int, staff: list[Staff]) -> tuple[int, ...]:
    return tuple(s.id for s in staff if s.role == SAFETY and s.unit_id == school_id)
