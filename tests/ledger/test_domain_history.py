"""Events per domain and local day, kept in SQL (`daily_domain_events`) from Redis's hourly counts:
events put in through the aggregator's real write path (SchoolStore), snapshotted by the recorder's
query on SQLite and PostgreSQL, the days cut at the school's local midnight."""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from kernel import contract, keys
from kernel.catalogue import DOMAINS
from kernel.settings import DEFAULT_ALERT_RULES
from ledger.commands import history
from ledger.models import DailyDomainEvents, OrgUnit
from streams.aggregation import Planner
from streams.alert_rules import load_rules
from streams.store import SchoolStore
from tests.streams import events as ev

SHANGHAI = ZoneInfo("Asia/Shanghai")
KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30: its days start half-way through a UTC hour


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class _Sender:
    """Validates events and applies them with SchoolStore, as the aggregator does after Kafka."""

    def __init__(self, client, tz: ZoneInfo):
        self.store = SchoolStore(client, Planner(load_rules(DEFAULT_ALERT_RULES), tz))
        self.offset = 0

    def send(self, docs: list[dict]) -> None:
        events = []
        for doc in docs:
            parsed = contract.validate(ev.raw(doc), now_ms=int(time.time() * 1000), max_bytes=16384,
                                       max_future_ms=300_000, max_age_ms=7 * 86_400_000)
            assert isinstance(parsed, contract.Event), parsed
            events.append(parsed)
        records = [(self.offset + i, e) for i, e in enumerate(events)]
        self.offset += len(events)
        self.store.apply("s1", "events/0", records, self.offset)


def _mix(ts_ms: int, smoke: int, visitors: int, drills: int) -> list[dict]:
    return ([ev.smoke(ts_ms) for _ in range(smoke)]
            + [ev.visitor("check_in", f"v{i}", ts_ms) for i in range(visitors)]
            + [ev.event("drill.completed", "mechanisms", ts_ms, title="疏散演练") for _ in range(drills)])


def _rows(session) -> dict[tuple[date, str], int]:
    return {(r.day, r.domain): r.events for r in session.scalars(select(DailyDomainEvents))}


@pytest.fixture
def school(session):
    found = OrgUnit(code="s1", kind="school", name_zh="测试学校")
    session.add(found)
    session.flush()
    return found


def test_a_local_day_is_its_hours_cut_at_local_midnight():
    whole, parts = history.day_buckets(date(2026, 11, 24), SHANGHAI)
    start = int(datetime(2026, 11, 24, tzinfo=SHANGHAI).timestamp()) // 3600
    assert (whole, parts) == (list(range(start, start + 24)), [])
    whole, parts = history.day_buckets(date(2026, 11, 24), KOLKATA)  # 18:30 UTC to 18:30 UTC
    assert len(whole) == 23 and [(first, last) for _, first, last in parts] == [(30, 60), (0, 30)]
    assert parts[0][0] == whole[0] - 1 and parts[1][0] == whole[-1] + 1
    whole, parts = history.day_buckets(date(2026, 3, 29), ZoneInfo("Europe/Berlin"))  # clocks go forward
    assert (len(whole), parts) == (23, [])


def test_the_tick_keeps_today_and_yesterday_per_domain_and_never_lowers_a_day(session, school, redis_client):
    now = datetime.now(timezone.utc)
    midnight = datetime.combine(now.astimezone(SHANGHAI).date(), datetime.min.time(), SHANGHAI)
    today, yesterday = midnight.date(), midnight.date() - timedelta(days=1)
    sender = _Sender(redis_client, SHANGHAI)
    sender.send(_mix(_ms(midnight + (now - midnight) / 2), smoke=3, visitors=2, drills=0))  # today
    sender.send(_mix(_ms(midnight) - 60_000, smoke=1, visitors=0, drills=4))  # yesterday 23:59
    sender.send(_mix(_ms(midnight - timedelta(hours=30)), smoke=5, visitors=5, drills=5))  # the day before

    assert history.snapshot_domain_days(session, redis_client, school_codes=["s1", "unknown"], now=now,
                                        tz=SHANGHAI) == 4
    assert _rows(session) == {(today, "environment"): 3, (today, "personal_safety"): 2,
                              (yesterday, "environment"): 1, (yesterday, "mechanisms"): 4}

    # A late event for yesterday and more today: both days grow, nothing else is written.
    sender.send(_mix(_ms(midnight) - 3_600_000, smoke=2, visitors=0, drills=0))
    sender.send(_mix(_ms(now) - 1000, smoke=0, visitors=1, drills=0))
    assert history.snapshot_domain_days(session, redis_client, school_codes=["s1"], now=now, tz=SHANGHAI) == 2
    assert _rows(session)[(yesterday, "environment")] == 3 and _rows(session)[(today, "personal_safety")] == 3

    # Redis lets yesterday's buckets go: the stored day keeps its count.
    for hour in history.day_buckets(yesterday, SHANGHAI)[0]:
        redis_client.delete(keys.hour_counts("s1", hour))
    assert history.snapshot_domain_days(session, redis_client, school_codes=["s1"], now=now, tz=SHANGHAI) == 0
    assert _rows(session)[(yesterday, "environment")] == 3


def test_a_row_another_tick_inserted_meanwhile_is_updated_not_duplicated(session, school, redis_client):
    now = datetime.now(timezone.utc)
    today = now.astimezone(SHANGHAI).date()
    _Sender(redis_client, SHANGHAI).send(_mix(_ms(now) - 1000, smoke=2, visitors=0, drills=0))
    session.add(DailyDomainEvents(school_id=school.id, day=today, domain="environment", events=1))
    session.flush()
    session.expunge_all()  # the tick reads before the other's row is there: it inserts and collides
    row = history._insert_domain_day(session, school.id, today, "environment", 2)
    session.flush()
    assert row.events == 2 and _rows(session) == {(today, "environment"): 2}


def test_a_day_that_starts_mid_hour_counts_the_minutes_on_its_side_of_midnight(redis_client):
    now = datetime.now(timezone.utc)
    midnight = datetime.combine(now.astimezone(KOLKATA).date(), datetime.min.time(), KOLKATA)
    sender = _Sender(redis_client, KOLKATA)
    sender.send(_mix(_ms(midnight) - 60_000, smoke=2, visitors=0, drills=0))  # 23:59 the day before
    sender.send(_mix(_ms(midnight), smoke=0, visitors=0, drills=1))  # 00:00
    sender.send(_mix(_ms(midnight + (now - midnight) / 2), smoke=0, visitors=3, drills=0))
    counts = history.domain_day_counts(redis_client, "s1", midnight.date(), KOLKATA)
    assert counts == {**dict.fromkeys(DOMAINS, 0), "personal_safety": 3, "mechanisms": 1}


@pytest.mark.kafka
def test_the_recorder_tick_snapshots_the_domains(session, school, redis_client, ledger_settings, engine,
                                                kafka_bootstrap):
    """What streams/recorder.py runs every LEDGER_REFRESH_SECONDS writes the rows (committed)."""
    from dataclasses import replace

    from streams.recorder import Recorder

    session.commit()  # the school, for the recorder's own session
    now = datetime.now(timezone.utc)
    _Sender(redis_client, ledger_settings.tz).send(_mix(_ms(now) - 1000, smoke=1, visitors=0, drills=2))
    settings = replace(ledger_settings, kafka_bootstrap_servers=kafka_bootstrap)
    recorder = Recorder(settings, client=redis_client, engine=engine)
    try:
        recorder.refresh_figures()
    finally:
        recorder.consumer.close()
        recorder.producer.close(timeout=5)
    session.expire_all()
    today = now.astimezone(ledger_settings.tz).date()
    assert _rows(session) == {(today, "environment"): 1, (today, "mechanisms"): 2}
