"""The wall's history in SQL, on SQLite and PostgreSQL: a save never overwrites minutes it did not hold,
a gap names the minutes recorded either side across hours, the retention removes only ended hours."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from ledger import wall_history as wh
from ledger.commands import wall_history as keeping
from ledger.models import WallHistory
from queries.ledger import wall_history as kept

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
BASE = wh.minute_of(int(datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc).timestamp() * 1000))  # 03:00 UTC


def keep(session, school: str, minutes: list[int]) -> None:
    """One writer's minutes (each hour's row saved as the writer would, minute by minute)."""
    hours: dict[int, wh.Hour] = {}
    for minute in minutes:
        hour = hours.setdefault(minute // 60, wh.Hour())
        seen = hour.mask
        hour.add(minute % 60, {"school": school, "minute": minute, "counts": {"5m": minute % 7}})
        assert keeping.save_hour(session, school=school, hour_start=wh.hour_start(minute), frames=hour.pack(),
                                 minutes=hour.mask, seen=seen, now=NOW)
    session.commit()


def test_a_save_is_a_compare_and_set_on_the_minutes_kept(session):
    keep(session, "s1", [BASE, BASE + 1])
    stale = wh.Hour()  # a second writer that never read the row
    stale.add(1, {"school": "s1"})
    assert not keeping.save_hour(session, school="s1", hour_start=wh.hour_start(BASE), frames=stale.pack(),
                                 minutes=stale.mask, seen=0, now=NOW)
    session.commit()
    row = session.scalar(select(WallHistory))
    assert row.minutes == 0b11 and wh.Hour.unpack(row.frames).summary(1)["minute"] == BASE + 1


def test_a_gap_names_the_minutes_either_side_and_retention_keeps_the_hour_it_falls_in(session):
    keep(session, "s1", [BASE + 10, BASE + 59, BASE + 125, BASE + 130])  # 03:10, 03:59, 05:05, 05:10
    keep(session, "s2", [BASE + 61])
    at = lambda minute, second=0: wh.minute_start(minute) + timedelta(seconds=second)  # noqa: E731
    shown = kept.summary_at(session, "s1", at(BASE + 59, 30))
    assert not shown.gap and shown.summary["minute"] == BASE + 59
    assert shown.taken_at == at(BASE + 59) + timedelta(seconds=59, milliseconds=999)
    gap = kept.summary_at(session, "s1", at(BASE + 90))  # 04:30: no row that hour at all
    assert gap.gap and gap.summary is None and gap.previous == at(BASE + 59) and gap.next == at(BASE + 125)
    inside = kept.summary_at(session, "s1", at(BASE + 127))  # within 05:00's row, between two minutes
    assert (inside.previous, inside.next) == (at(BASE + 125), at(BASE + 130))
    assert kept.summary_at(session, "s3", at(BASE + 10)) is None  # nothing kept for that school
    answers = kept.summaries_at(session, "s1", [at(BASE + 10), at(BASE + 11), at(BASE + 130)])
    assert [a.gap for a in answers] == [False, True, False]
    assert kept.recorded(session, "s1", at(BASE), at(BASE + 200)) == [
        (at(BASE + 10), at(BASE + 11)), (at(BASE + 59), at(BASE + 60)), (at(BASE + 125), at(BASE + 126)),
        (at(BASE + 130), at(BASE + 131))]
    # A cutoff at 05:30 removes 03:00 and 04:00 (ended), keeps 05:00 (its minutes after 05:30 still count).
    assert keeping.forget_before(session, at(BASE + 150)) == 2
    session.commit()
    assert sorted(session.scalars(select(WallHistory.hour_start))) == [wh.hour_start(BASE + 120)]
