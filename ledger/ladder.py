"""The escalation ladder's rules (issue 16), pure: whom each step of an unacknowledged alert pages,
who stands in when nobody is on the roster, and the words of an escalated page.

Step 0 is the alert's opening; step k the k-th escalation the sweep records (ledger/escalation.py:
raised + k × the severity's deadline, up to max_level, only while the alert is `new`). Step k pages
the roster level min(k, 2) (ledger/oncall.py: 0 duty officer, 1 head of security, 2 leadership) AND
every level below it again: "repeating until ack". The people below are the ones expected to act
(only a duty officer or an admin can acknowledge on the console); one missed phone at 3 a.m. must not
leave the rest of the ladder talking to people who cannot see the alert. Step 3 (the last by default)
has no level above leadership to add: it pages the whole ladder again, leadership included, marked
as the last escalation. A person holding several levels is paged once per step, as the highest.

Nobody on the roster at a level is never silence: the school's people of the level's role stand in
(`fallback`), the first of the level's ELIGIBLE_ROLES that anybody holds (level 1 falls back to the
safety office before duty officers and admins: paging every duty officer as "head of security" would
be noise). The step's record says so (alert_pages.how), and so does the log.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from ledger.oncall import ELIGIBLE_ROLES, LEVELS, Person, level_name

TOP = max(LEVELS)


def message_key(alert_id: int, step: int) -> str:
    """The outbox key of a step's pages (enqueue adds the channel and the recipient to it)."""
    return f"alert:{alert_id}:level:{step}"


def key_prefix(alert_id: int) -> str:
    """What every page of the alert's ladder starts with (the ack withdraws them by it)."""
    return f"alert:{alert_id}:level:"


def oncall_levels(step: int) -> tuple[int, ...]:
    """The roster levels step `step` pages, highest first: 0 -> (0,), 1 -> (1, 0), 2 and on -> (2, 1, 0)."""
    if step < 0:
        raise ValueError(f"a ladder step is 0 or more, not {step}")
    return tuple(range(min(step, TOP), -1, -1))


def fallback(level: int, people: Iterable[tuple[Person, str]]) -> tuple[Person, ...]:
    """The school's people who stand in at `level` when nobody is on the roster: those of the first of
    the level's eligible roles that anybody holds (people: (person, role))."""
    people = list(people)
    for role in ELIGIBLE_ROLES[level]:
        found = tuple(p for p, r in people if r == role)
        if found:
            return found
    return ()


@dataclass(frozen=True)
class Choice:
    """One person a step pages (person None: nobody at all at that level, only the groups are told)."""

    oncall_level: int
    person: Person | None
    how: str  # roster, fallback, nobody (ledger/models/ladder.PAGE_HOWS)


def choose(step: int, roster: Mapping[int, tuple[Person, ...]],
           people: Iterable[tuple[Person, str]]) -> list[Choice]:
    """Whom step `step` pages: per level of `oncall_levels(step)`, the people on the roster, else the
    fallback, else a `nobody` mark; each person once, at the highest level they are paged as."""
    people = list(people)
    seen: set[int] = set()
    out: list[Choice] = []
    for level in oncall_levels(step):
        found, how = roster.get(level, ()), "roster"
        if not found:
            found, how = fallback(level, people), "fallback"
        if not found:
            out.append(Choice(level, None, "nobody"))
            continue
        for person in found:
            if person.id not in seen:
                seen.add(person.id)
                out.append(Choice(level, person, how))
    return out


def waited_text(waited: timedelta) -> str:
    """'3 分钟', '1 小时 5 分钟': how long the alert has gone unacknowledged (whole minutes, at least 1)."""
    minutes = max(1, int(waited.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} 小时 {minutes} 分钟" if hours and minutes else f"{hours} 小时" if hours else f"{minutes} 分钟"


def escalated_words(step: int, max_level: int, waited: timedelta) -> tuple[str, str]:
    """(title prefix, first line) of an escalated page: 【升级·安全负责人】 / 升级：3 分钟无人确认 …"""
    top = min(step, TOP)
    last = step >= max_level
    who = "、".join(level_name(level) for level in oncall_levels(step))
    prefix = f"【{'最后一级升级' if last else '升级'}·{level_name(top)}】"
    line = f"升级（第 {step} 级）：告警已 {waited_text(waited)}无人确认，现通知{who}。确认即停止升级。"
    return prefix, line
