"""The leadership domain page: its queries on SQLite and a real PostgreSQL with alerts built for each
case (figures equal to a count made here by hand: buckets at local midnight, the range's edges,
another domain and another school left out), and its pure parts (ranges, response-time statistics,
false-alarm rates per device system, the devices offline, every alerting type's system)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from dashboard.pages.lead_domain import figures
from dashboard.pages.lead_domain import text as part_text
from dashboard.pages.lead_domain import view as part
from dashboard.pages.lead_domain.figures import SystemRate
from dashboard.pages.lead_domain.text import SYSTEM_NAMES
from kernel import device_systems
from kernel.catalogue import DOMAINS
from kernel.settings import DEFAULT_ALERT_RULES
from ledger.alert_times import DurationStats, duration_stats
from ledger.models import Alert, Building, DailyDomainEvents, OrgUnit
from queries.ledger import lead_domain as q
from streams.alert_rules import load_rules
from tests.dashboard.lead_support import component_texts
from tests.ledger.conftest import NOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = timedelta(seconds=1)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Shanghai time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


# ---- pure ------------------------------------------------------------------------------------------

def test_durations_mean_median_and_p90_are_nearest_rank():
    assert duration_stats([100, 10, 90, 20, 80, 30, 70, 40, 60, 50]) == DurationStats(10, 55, 50, 90)
    assert duration_stats([7]) == DurationStats(1, 7, 7, 7)
    assert duration_stats([1, 3]) == DurationStats(2, 2, 1, 3)
    assert duration_stats([]) == DurationStats(0, None, None, None)


def test_false_alarm_rates_fold_types_into_systems_highest_rate_first():
    rows = [("fire.smoke_alarm", None, 10, 8), ("sensor.gas", None, 5, 0), ("video.alarm", None, 4, 1),
            ("device.offline", "video", 2, 2), ("device.offline", None, 1, 0),
            ("perimeter.intrusion", None, 0, 0)]
    rates = figures.false_alarm_rates(rows)
    assert rates == [SystemRate("fire", 15, 8), SystemRate("video", 6, 3), SystemRate("unknown", 1, 0)]
    assert [round(r.rate, 3) for r in rates] == [0.533, 0.5, 0.0]
    assert figures.overall_false_rate(rates) == SystemRate("all", 22, 11)
    assert figures.overall_false_rate([]).rate is None


def test_every_type_the_alert_rules_raise_has_a_device_system_with_a_name():
    for alert_type in load_rules(DEFAULT_ALERT_RULES).types:
        system = device_systems.system_of(alert_type, "video")
        assert system != device_systems.UNKNOWN, alert_type
        assert system in device_systems.SYSTEMS
    assert device_systems.system_of("device.offline", "broadcast") == "broadcast"
    assert device_systems.system_of("device.offline", None) == device_systems.UNKNOWN
    for lang in ("zh", "en"):
        assert set(SYSTEM_NAMES[lang]) >= set(device_systems.SYSTEMS)
    assert device_systems.DOMAIN_SYSTEMS["environment"] == ("fire",)
    assert device_systems.DOMAIN_SYSTEMS["operations"] == device_systems.DEVICE_SYSTEMS


def test_ranges_cover_the_last_24_hours_or_the_last_local_days():
    day = figures.window("day", NOW, SHANGHAI)  # NOW is 10:00 in Shanghai
    assert len(day.edges) == 25
    assert day.end == NOW + timedelta(hours=1) and day.start == NOW - timedelta(hours=23)
    assert day.labels[0] == "11:00" and day.labels[-1] == "10:00"
    week = figures.window("week", NOW, SHANGHAI)
    assert week.days == tuple(date(2026, 11, d) for d in range(18, 25)) and week.labels[0] == "11-18"
    assert week.start == local(18, 0) and week.end == local(25, 0)
    assert len(figures.window("month", NOW, SHANGHAI).days) == 30
    berlin = ZoneInfo("Europe/Berlin")  # the clocks went back on 25 October 2026: a day of 25 hours
    dst = figures.window("week", datetime(2026, 10, 27, 12, tzinfo=timezone.utc), berlin)
    assert dst.edges[5] - dst.edges[4] == timedelta(hours=25)
    assert [figures.pick_range(v) for v in ("month", "year", None, ["day"])] == \
        ["month", "week", "week", "week"]
    assert [figures.pick_domain(v) for v in ("mechanisms", "x", None)] == ["mechanisms", "personal_safety",
                                                                          "personal_safety"]


def test_offline_devices_of_the_domains_systems_longest_offline_first():
    register = {"smoke-A": "300|offline|fire", "cam-1": "100|offline|video", "smoke-B": "200|offline|fire",
                "smoke-C": "50|online|fire", "fence-1": "10|offline|perimeter"}
    shown, total = figures.offline_devices(register, ("fire", "video"), limit=2)
    assert [d.device for d in shown] == ["cam-1", "smoke-B"] and total == 3
    assert figures.device_counts({"devices": {"fire": {"online": 5, "offline": 2}}}, ("fire", "video")) == \
        {"fire": {"online": 5, "offline": 2}, "video": {"online": 0, "offline": 0}}
    assert figures.device_counts(None, ("fire",)) == {"fire": {"online": 0, "offline": 0}}


# ---- the queries, on SQLite and PostgreSQL ---------------------------------------------------------

def _alert(school, code, type_, domain, raised, *, building=None, ack=None, resolved=None, outcome=None,
           detail=None):
    state = "resolved" if resolved is not None else "acknowledged" if ack is not None else "new"
    return Alert(school_id=school.id, code=code, type=type_, domain=domain, severity="high",
                 group_key=f"{type_}@x", building_code=building, raised_at=raised, last_raised_at=raised,
                 state=state, outcome=outcome,
                 acknowledged_at=raised + ack * S if ack is not None else None,
                 resolved_at=raised + resolved * S if resolved is not None else None, detail=detail)


@pytest.fixture
def school(session):
    s = OrgUnit(code="t-school", kind="school", name_zh="测试学校")
    other = OrgUnit(code="t-other", kind="school", name_zh="别的学校")
    session.add_all([s, other])
    session.flush()
    session.add_all([Building(school_id=s.id, code="B1", name_zh="实验楼", name_en="Lab", kind="lab"),
                     Building(school_id=s.id, code="B2", name_zh="食堂", name_en="Canteen", kind="canteen")])
    env, ops, false = "environment", "operations", "false_alarm"
    session.add_all([
        _alert(s, "a1", "fire.smoke_alarm", env, local(24, 9), building="B1", ack=60, resolved=600,
               outcome="false_alarm"),
        _alert(s, "a2", "fire.smoke_alarm", env, local(23, 23, 30), building="B1", ack=120, resolved=1200,
               outcome="true_alarm"),
        _alert(s, "a3", "sensor.gas", env, local(18, 0), building="B2", ack=300, resolved=3000,
               outcome=false),
        _alert(s, "a4", "sensor.temperature", env, local(17, 23, 59), ack=5, resolved=50, outcome=false),
        _alert(s, "a5", "fire.smoke_alarm", env, local(24, 9, 30), building="B1"),
        _alert(s, "a6", "electrical.leakage", env, local(20, 12), building="B2", resolved=30, outcome=false),
        _alert(s, "o1", "device.offline", ops, local(22, 8), ack=10, resolved=100, outcome=false,
               detail={"device": "cam-1", "system": "video"}),
        _alert(s, "o2", "device.offline", ops, local(22, 9), ack=10, resolved=100, outcome="true_alarm",
               detail={"device": "smoke-1", "system": "fire"}),
        _alert(s, "o3", "device.offline", "operations", local(22, 10), resolved=100, outcome="false_alarm",
               detail={"device": "x"}),
        _alert(other, "x1", "fire.smoke_alarm", env, local(24, 9), building="B1", ack=1, resolved=2,
               outcome="false_alarm"),
    ])
    session.add_all([DailyDomainEvents(school_id=s.id, day=date(2026, 11, 18), domain=env, events=40),
                     DailyDomainEvents(school_id=s.id, day=date(2026, 11, 24), domain=env, events=12),
                     DailyDomainEvents(school_id=s.id, day=date(2026, 11, 17), domain=env, events=99),
                     DailyDomainEvents(school_id=s.id, day=date(2026, 11, 24), domain="operations", events=7),
                     DailyDomainEvents(school_id=other.id, day=date(2026, 11, 24), domain=env, events=5)])
    session.flush()
    return s


def test_a_week_of_one_domain_counted_by_local_day(session, school):
    week = figures.window("week", NOW, SHANGHAI)
    args = dict(school_id=school.id, domain="environment")
    assert q.events_by_day(session, **args, days=week.days) == [40, 0, 0, 0, 0, 0, 12]
    # a3 at the week's first midnight is in; a4 a minute before it is not; a2 at 23:30 is the 23rd's.
    assert q.alerts_by_bucket(session, **args, edges=week.edges) == [1, 0, 1, 0, 0, 1, 2]
    assert q.alerts_by_type(session, **args, start=week.start, end=week.end) == [
        ("fire.smoke_alarm", 3), ("electrical.leakage", 1), ("sensor.gas", 1)]
    places, total = q.alerts_by_building(session, **args, start=week.start, end=week.end, limit=1)
    assert total == 2 and places == [q.BuildingAlerts("B1", "实验楼", "Lab", 3)]


def test_response_times_and_false_alarms_equal_a_count_by_hand(session, school):
    week = figures.window("week", NOW, SHANGHAI)
    args = dict(school_id=school.id, domain="environment", start=week.start, end=week.end)
    ack, resolve = q.response_times(session, **args)
    expected_ack, expected_resolve = duration_stats([60, 120, 300]), duration_stats([600, 1200, 3000, 30])
    assert (ack.n, ack.median, ack.p90) == (3, 120, 300) and ack.mean == pytest.approx(160, abs=0.01)
    for got, expected in ((ack, expected_ack), (resolve, expected_resolve)):
        assert got.n == expected.n
        assert (got.mean, got.median, got.p90) == \
            pytest.approx((expected.mean, expected.median, expected.p90), abs=0.01)
    assert figures.false_alarm_rates(q.false_alarm_rows(session, **args)) == [SystemRate("fire", 4, 3)]
    ops = dict(args, domain="operations")
    assert figures.false_alarm_rates(q.false_alarm_rows(session, **ops)) == [
        SystemRate("video", 1, 1), SystemRate("unknown", 1, 1), SystemRate("fire", 1, 0)]


def test_the_last_24_hours_by_the_hour_and_a_range_without_alerts(session, school):
    day = figures.window("day", NOW, SHANGHAI)  # 11:00 on the 23rd to 11:00 on the 24th, Shanghai
    args = dict(school_id=school.id, domain="environment")
    counts = q.alerts_by_bucket(session, **args, edges=day.edges)
    assert sum(counts) == 3 and counts[12] == 1 and counts[22] == 2  # 23:30; 09:00 and 09:30
    empty = dict(school_id=school.id, domain="mechanisms", start=day.start, end=day.end)
    assert q.response_times(session, **empty) == (DurationStats(0), DurationStats(0))
    assert q.alerts_by_type(session, **empty) == [] and q.false_alarm_rows(session, **empty) == []
    assert q.alerts_by_building(session, **empty, limit=5) == ([], 0)
    assert q.events_by_day(session, school_id=school.id, domain="mechanisms",
                           days=figures.window("week", NOW, SHANGHAI).days) == [0] * 7


# ---- the builders ------------------------------------------------------------------------------------

def _data(range_="week", *, events=(5,), live="live", systems=("fire",)) -> part.DomainData:
    window = figures.window(range_, NOW, SHANGHAI)
    n = len(window.labels)
    return part.DomainData(
        domain="environment", window=window, events=None if events is None else list(events[:1]) * n,
        alerts=[1] * n, by_type=[("fire.smoke_alarm", 3), ("sensor.gas", 1)],
        places=[q.BuildingAlerts("B1", "实验楼", "Lab", 3), q.BuildingAlerts(None, None, None, 1)],
        places_total=4,
        ack=duration_stats([60, 120, 300]), resolve=DurationStats(0), rates=[SystemRate("fire", 4, 3)],
        live_state=live, live_lag=95.0 if live == "stale" else None, systems=systems,
        devices={"fire": {"online": 3, "offline": 1}},
        offline=[figures.OfflineDevice("smoke-1", "fire", 1_700_000_000_000)], offline_total=1)




def test_durations_and_rates_read_as_a_person_would_say_them():
    assert [part.duration("zh", s) for s in (42, 150, 1500, 3 * 3600 + 125, 2 * 86400 + 7200, None)] == \
        ["42秒", "2.5分钟", "25分钟", "3小时2分", "2天2小时", "—"]
    assert [part.duration("en", s) for s in (42, 120, 1500)] == ["42 s", "2 min", "25 min"]
    assert (part.percent("zh", 0.75), part.percent("en", 1 / 3), part.percent("en", None)) == \
        ("75%", "33.3%", "—")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("range_", ["day", "week", "month"])
def test_the_page_shows_each_figure_and_links_keep_the_view(lang, range_):
    hrefs = []

    def href(**change):
        hrefs.append(change)
        return "/lead/domain?" + "&".join(f"{k}={v}" for k, v in change.items())

    data = _data(range_)
    page = part.body(lang, data, href=href, tz=SHANGHAI)
    texts = component_texts(page)
    assert part.td(lang, "mtta") in texts and part.duration(lang, 160) in texts
    assert part.td(lang, "none_resolved") in texts  # no alert resolved: said, not a zero
    assert part.td(lang, "places_cut", total=4, shown=2) in texts and part.td(lang, "campus_wide") in texts
    assert [h for h in hrefs if "domain" in h] == [{"domain": d} for d in DOMAINS]
    assert [h for h in hrefs if "range" in h] == [{"range": r} for r in figures.RANGES]
    trend = part.trend_figure(lang, data)
    assert [t["y"] for t in trend["data"]] == [data.events, data.alerts]
    assert trend["data"][0]["x"] == list(data.window.labels)


def test_every_text_in_both_languages():
    assert set(part_text.TEXT["zh"]) == set(part_text.TEXT["en"])
    assert set(part_text.SYSTEM_NAMES["zh"]) == set(part_text.SYSTEM_NAMES["en"])


def test_without_live_data_the_events_and_devices_say_why():
    texts = component_texts(part.body("zh", _data("day", live="stale"), href=lambda **_: "/", tz=SHANGHAI))
    assert part.td("zh", "live_stale", lag="1.6分钟") in texts
    assert not [t for t in component_texts(part.body("zh", _data(), href=lambda **_: "/", tz=SHANGHAI)) if "实时" in t]
    down = _data("day", events=None, live="unreachable")
    texts = component_texts(part.body("en", down, href=lambda **_: "/", tz=SHANGHAI))
    assert part.td("en", "live_unreachable") in texts and part.td("en", "events_unavailable") in texts
    assert len(part.trend_figure("en", _data("day", events=None))["data"]) == 1  # the alerts alone
    texts = component_texts(part.body("zh", _data(systems=()), href=lambda **_: "/", tz=SHANGHAI))
    assert part.td("zh", "no_systems") in texts
