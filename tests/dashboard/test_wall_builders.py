"""The wall's pure builders and its text: plain data in, components and strings out. No services."""
from __future__ import annotations

import copy
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dashboard.pages.wall import ids
from dashboard.pages.wall.model import BAR_SLOTS, changes, wall_model
from dashboard.pages.wall.panels import (
    FIGURE_NAMES,
    MAX_ALERT_ROWS,
    MAX_LISTED_HAZARDS,
    alert_row_data,
    alert_rows,
    banner_text,
    clock_text,
    count_text,
    duration_text,
    figure_class,
    figure_text,
    figure_values,
    listed_hazards,
    listed_rows,
    since_text,
)
from dashboard.pages.wall.trends import TREND_HOURS, bar_heights
from dashboard.pages.wall.view import wall_frame
from kernel.catalogue import CATALOGUE, DOMAINS
from layouts import i18n
from queries.summary import build_summary

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 17, 35, 7, tzinfo=TZ)
NOW_MS = int(NOW.timestamp() * 1000)


def empty_summary(**meta) -> dict:
    """A real summary document (queries.summary.build_summary) of a school with nothing counted."""
    return build_summary(
        school="s1", now_ms=NOW_MS, tz=TZ, stale_after_s=10,
        meta={"last_applied_ms": str(NOW_MS - 400), **meta},
        caught_up_ms=None, recent_hours=[{}] * 24, older_hours=[[None] * len(DOMAINS)] * 144,
        minutes=([None] * 60 * len(DOMAINS), [None] * 60 * len(DOMAINS)), day={}, alert_counts={},
        alerts=[], devices={}, hazards={}, overdue=0, due_soon=0, dead_letter_hashes=[],
    )


def alert(n: int, **fields) -> dict:
    return {"id": f"a{n}", "raised_at": "2026-11-24T17:30:02.000+08:00", "domain": "environment",
            "type": "fire.smoke_alarm", "severity": "critical", "state": "new", "building": "chem-north",
            "zone": "3F-305", "source": None, **fields}


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from walk(child)


def test_figure_values_read_every_number_from_the_summary():
    summary = empty_summary()
    summary["domains"]["environment"]["events"].update({"1h": 12, "24h": 345})
    summary["domains"]["environment"]["alerts_open"] = 2
    summary["visitors"].update(on_campus=7, checked_in_today=9)
    summary["attendance"].update(staff_present=81, students_present=1234)
    summary["vehicles"].update(on_campus=5, seen_today=11)
    summary["hazards"].update(open=4, overdue=1, major_open=2)
    summary["alerts"].update(open=3, by_severity={"critical": 1, "high": 2, "medium": 0, "low": 0})
    values = figure_values(summary)
    assert set(values) == set(FIGURE_NAMES)
    assert values["environment-1h"] == 12 and values["environment-24h"] == 345
    assert values["environment-alerts"] == 2 and values["operations-alerts"] == 0
    assert (values["visitors-on-campus"], values["visitors-today"]) == (7, 9)
    assert (values["staff-present"], values["students-present"]) == (81, 1234)
    assert (values["vehicles-on-campus"], values["vehicles-today"]) == (5, 11)
    assert (values["hazards-open"], values["hazards-overdue"], values["hazards-major"]) == (4, 1, 2)
    assert (values["alerts-critical"], values["alerts-high"], values["alerts-open"]) == (1, 2, 3)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_frame_has_one_slot_per_figure_and_24_bars_per_domain(lang):
    frame = wall_frame(lang, "s1", screen="abc", refresh_ms=500)
    slots = [c.id["name"] for c in walk(frame) if isinstance(getattr(c, "id", None), dict)
             and c.id["type"] == ids.FIGURE]
    assert sorted(slots) == sorted(FIGURE_NAMES)
    names = {ids.sparkline(d) for d in DOMAINS}
    sparklines = {c.id: c for c in walk(frame) if isinstance(getattr(c, "id", None), str) and c.id in names}
    assert len(sparklines) == len(DOMAINS)
    assert all(len(s.children) == TREND_HOURS for s in sparklines.values())
    # Every number can be found by its data-testid, which is its name.
    testids = {getattr(c, "data-testid", None) for c in walk(frame)}
    assert set(FIGURE_NAMES) <= testids and {"as-of", "stale-banner", "link-banner", "alert-list"} <= testids


def texts(component) -> list[str]:
    return [c.children for c in walk(component) if isinstance(getattr(c, "children", None), str)]


def test_frame_text_is_in_the_asked_language():
    zh = texts(wall_frame("zh", None, screen="a", refresh_ms=500))
    en = texts(wall_frame("en", None, screen="a", refresh_ms=500))
    assert "人身安全" in zh and "校园安全指挥中心" in zh and "近24小时" in zh
    assert "Personal safety" in en and not any("安全" in text for text in en)
    # lang="zh-CN" makes Chromium pick the Simplified Chinese glyph shapes of the CJK font.
    assert wall_frame("zh", None, screen="a", refresh_ms=500).lang == "zh-CN"
    assert wall_frame("en", None, screen="a", refresh_ms=500).lang == "en"


@pytest.mark.parametrize("value, text", [(None, "—"), (0, "0"), (7, "7"), (12345, "12,345"),
                                         (1234567, "1,234,567")])
def test_count_text(value, text):
    assert count_text(value) == text


def test_figure_class_marks_unknown_zero_and_attention():
    assert "is-unknown" in figure_class("staff-present", None)
    assert figure_class("environment-alerts", 0).split() == ["figure", "tone-alert", "is-zero"]
    assert figure_class("environment-alerts", 3).split() == ["figure", "tone-alert", "is-raised"]
    assert "tone-warn" in figure_class("hazards-overdue", 1)
    assert "tone-sev-critical" in figure_class("alerts-critical", 0)
    assert "tone" not in figure_class("students-present", 900)
    assert "is-huge" in figure_class("environment-24h", 123_456)
    assert "is-long" in figure_class("students-present", 13_238)  # a university's students
    assert "is-long" not in figure_class("environment-24h", 9_999)


def test_trend_has_24_bars_scaled_to_the_busiest_hour():
    heights = bar_heights([0, 1, 50, 100] + [0] * 20)
    assert len(heights) == TREND_HOURS
    assert heights[:4] == ["0%", "4%", "50%", "100%"]  # one event is still a visible stub
    assert bar_heights([]) == ["0%"] * TREND_HOURS


def test_clock_text_shows_time_today_and_date_otherwise():
    assert clock_text("2026-11-24T17:30:02.000+08:00", NOW) == "17:30:02"
    assert clock_text("2026-11-23T23:59:59.000+08:00", NOW) == "11-23 23:59"
    # A UTC `now` is compared in the school's zone: 09:35 UTC is 17:35 in Shanghai, same day.
    assert clock_text("2026-11-24T01:00:00.000+08:00", NOW.astimezone(ZoneInfo("UTC"))) == "01:00:00"
    assert clock_text(None, NOW) == "--:--:--"


def test_alert_rows_are_bounded_labelled_and_plain_text():
    alerts = [alert(n) for n in range(MAX_ALERT_ROWS + 5)]
    alerts[0] = alert(0, type="alarm.one_key", severity="high", state="acknowledged",
                      building="<b>西寓10号楼</b>", zone=None)
    rows = alert_rows("zh", alert_row_data("zh", alerts, NOW, {"chem-north": "化学北楼"}))
    assert len(rows) == MAX_ALERT_ROWS
    cells = rows[0].children
    assert cells[0].children.children == "严重" and cells[1].children == "一键报警"
    assert cells[2].children == "<b>西寓10号楼</b>"  # a string child: Dash renders it as text, never HTML
    assert cells[3].children == "5 分钟" and cells[3].title == "17:30:02" and cells[4].children == "已确认"
    assert rows[0].className == "sev-high state-acknowledged"
    assert rows[1].children[2].children == "化学北楼 · 3F-305"  # the building's name from the site plan
    en = alert_rows("en", alert_row_data("en", [alert(1, type="vendor.custom_type", state="false_alarm")], NOW))
    assert en[0].children[0].children.children == "Critical" and en[0].children[4].children == "False alarm"
    assert en[0].children[1].children == "vendor.custom_type"  # an unnamed type shows as sent
    assert en[0].children[2].children == "chem-north · 3F-305"  # no site plan: the code
    escalated = alert_rows("zh", alert_row_data("zh", [alert(2, escalated=True)], NOW))[0]
    assert escalated.children[4].children == "已升级" and "is-escalated" in escalated.className
    empty = alert_rows("en", [])
    assert len(empty) == 1 and empty[0].children.children == "No alerts"


@pytest.mark.parametrize("ago_s, zh, en", [(0, "刚刚", "just now"), (59, "刚刚", "just now"), (60, "1 分钟", "1 min"),
                                           (3599, "59 分钟", "59 min"), (3600, "1 小时", "1 h"),
                                           (86_400 * 2 + 5, "2 天", "2 d")])
def test_since_text_steps_a_minute_at_most_once_a_minute(ago_s, zh, en):
    raised = datetime.fromtimestamp(NOW.timestamp() - ago_s, TZ).isoformat()
    assert (since_text("zh", raised, NOW), since_text("en", raised, NOW)) == (zh, en)


def test_banner_says_why_the_figures_are_not_current():
    fresh = empty_summary()
    assert banner_text("zh", school="s1", summary=fresh) is None
    stale = {**fresh, "stale": True, "lag_seconds": 37.4}
    assert banner_text("zh", school="s1", summary=stale).startswith("数据未更新")
    assert banner_text("zh", school="s1", summary=stale) == \
        "数据未更新：已 37 秒未收到新数据，请检查数据接入服务"
    assert "nothing new for 37 s" in banner_text("en", school="s1", summary=stale)
    never = {**fresh, "stale": True, "lag_seconds": None}
    assert banner_text("zh", school="s1", summary=never).startswith("数据未更新")
    assert banner_text("zh", school="nowhere", summary=None) == i18n.t("zh", "unknown_school")
    assert banner_text("en", school=None, summary=None) == i18n.t("en", "no_school")


@pytest.mark.parametrize("seconds, zh, en", [(0.4, "0 秒", "0 s"), (119.9, "119 秒", "119 s"),
                                             (120, "2 分钟", "2 min"), (7199, "119 分钟", "119 min"),
                                             (7200, "2 小时", "2 h"), (86400 * 3, "72 小时", "72 h")])
def test_duration_text(seconds, zh, en):
    assert (duration_text("zh", seconds), duration_text("en", seconds)) == (zh, en)


def test_the_model_of_an_unknown_school_shows_dashes_not_zeros():
    model = wall_model("zh", school="nowhere", summary=None, plan=None, now=NOW)
    assert set(model["fig"].values()) == {"—"}
    assert model["banner"] and "is-stale" in model["wall_class"]
    assert model["as_of"] == "--:--:--" and model["lag"] == ""
    assert set(model["bars"]) == set(BAR_SLOTS)


def test_the_model_of_a_live_school():
    summary = copy.deepcopy(empty_summary())
    summary["attendance"]["students_present"] = 10987
    summary["domains"]["environment"]["trend_24h"] = [0] * 23 + [3]
    model = wall_model("en", school="s1", summary=summary, plan=None, now=NOW)
    assert model["fig"]["students-present"] == "10,987" and model["fig"]["hazards-open"] == "0"
    assert model["banner"] is None and model["wall_class"] == "wall"
    assert model["as_of"] == "17:35:06" and model["lag"] == "lag 0.4 s"
    assert model["bars"]["environment:23"] == "100%" and model["bars"]["environment:0"] == "0%"


def test_changes_send_everything_to_a_new_screen_and_then_only_what_differs():
    summary = copy.deepcopy(empty_summary())
    first = wall_model("zh", school="s1", summary=summary, plan=None, now=NOW)
    everything = changes(None, first, lang="zh", plan=None)
    assert set(everything["fig"]) == set(FIGURE_NAMES) and set(everything["bars"]) == set(DOMAINS)
    # A new screen gets every bar's height, each domain's as one Patch of its sparkline.
    ops = everything["bars"]["environment"].to_plotly_json()["operations"]
    assert [op["location"] for op in ops] == [[i, "props", "style"] for i in range(TREND_HOURS)]
    assert {"alerts", "listed", "gates", "hourly", "map", "map_note", "as_of", "banner"} <= set(everything)
    assert everything["map_note"] == i18n.t("zh", "map_unavailable")  # no plan: say so, draw nothing

    assert changes(first, first, lang="zh", plan=None) == {}  # nothing changed: nothing sent

    summary["attendance"]["students_present"] = 12
    summary["domains"]["environment"]["trend_24h"] = [0] * 23 + [3]
    summary["hourly"]["attendance_in"] = [0] * 23 + [12]
    second = wall_model("zh", school="s1", summary=summary, plan=None, now=NOW)
    delta = changes(first, second, lang="zh", plan=None)
    assert delta["fig"] == {"students-present": "12"} and set(delta["cls"]) == {"students-present"}
    assert set(delta["bars"]) == {"environment"}  # one bar of one domain moved: that bar only
    assert delta["bars"]["environment"].to_plotly_json()["operations"] == [
        {"operation": "Assign", "location": [23, "props", "style"], "params": {"value": {"height": "100%"}}}]
    # The chart's arrays go as a Patch of the one series that moved, not a new figure.
    assert delta["hourly"].to_plotly_json()["operations"] == [
        {"operation": "Assign", "location": ["data", 0, "y"], "params": {"value": [0] * 23 + [12]}}]
    assert set(delta) == {"fig", "cls", "bars", "hourly"}


def test_every_event_type_domain_and_severity_has_a_name_in_both_languages():
    assert set(i18n.EVENT_TYPE_NAMES) == set(CATALOGUE)
    assert set(i18n.DOMAIN_NAMES) == set(DOMAINS)
    assert i18n.event_type_name("zh", "alarm.one_key") == "一键报警"
    assert i18n.event_type_name("en", "alarm.one_key") == "One-key alarm"
    assert [i18n.domain_name("zh", d) for d in DOMAINS] == ["人身安全", "环境安全", "主动防御", "专项治理", "运行管理",
                                                          "安全机制"]
    assert set(i18n.TEXT["zh"]) == set(i18n.TEXT["en"])
    for names in (i18n.EVENT_TYPE_NAMES, i18n.DOMAIN_NAMES, i18n.SEVERITY_NAMES, i18n.ALERT_STATE_NAMES):
        assert all(zh and en and zh != en for zh, en in names.values())


@pytest.mark.parametrize("asked, lang", [(None, "zh"), ("en", "en"), ("EN-us", "en"), ("zh", "zh"),
                                         ("fr", "zh"), (["en", "zh"], "zh")])
def test_language_defaults_to_chinese(asked, lang):
    assert i18n.language(asked) == lang


def ledger_block(**hazards) -> dict:
    """The summary's `ledger` block (dashboard.ledger_json.ledger_block) with some hazard figures."""
    return {"computed_at": "2026-11-24T17:35:00+08:00", "risk": {"by_colour": {}, "by_building": {}},
            "hazards": {"by_stage": {}, "open": 0, "overdue": 0, "due_soon": 0, "major_open": 0,
                        "listed_supervision": [], "found_365d": 0, "closed_365d": 0,
                        "rectification_rate": None, **hazards}}


def test_the_hazard_panel_prefers_the_ledger_figures():
    summary = empty_summary()
    summary["hazards"].update(open=4, overdue=1, due_soon=2, major_open=2,
                              by_stage={"reported": 3, "notified": 0, "rectifying": 1, "feedback": 0, "accepted": 4})
    events = figure_values(summary)  # no ledger block: the event-derived figures, rate = accepted / all
    assert [events[n] for n in ("hazards-open", "hazards-overdue", "hazards-due-soon", "hazards-major",
                                "hazards-rate")] == [4, 1, 2, 2, 50.0]
    summary["ledger"] = ledger_block(open=30, overdue=5, due_soon=3, major_open=1, rectification_rate=0.8771)
    ledger = figure_values(summary)
    assert [ledger[n] for n in ("hazards-open", "hazards-overdue", "hazards-due-soon", "hazards-major",
                                "hazards-rate")] == [30, 5, 3, 1, 87.7]
    update = wall_model("zh", school="s1", summary=summary, plan=None, now=NOW)
    assert update["fig"]["hazards-rate"] == "87.7%" and update["fig"]["hazards-open"] == "30"
    assert "tone-warn" in update["cls"]["hazards-due-soon"]
    summary["ledger"] = ledger_block(rectification_rate=None)  # nothing found this year
    assert wall_model("zh", school="s1", summary=summary, plan=None, now=NOW)["fig"]["hazards-rate"] == "—"
    assert figure_text("hazards-rate", 100.0) == "100%" and figure_text("hazards-open", 1234) == "1,234"


def test_listed_major_hazards_are_named_up_to_three_as_plain_text():
    listed = [{"code": f"H{n}", "title": f"<i>隐患{n}</i>", "stage": "rectifying", "overdue": n == 0,
               "deadline": None} for n in range(5)]
    summary = {**empty_summary(), "ledger": ledger_block(listed_supervision=listed)}
    assert [h["code"] for h in listed_hazards(summary)] == ["H0", "H1", "H2"] == \
        [f"H{n}" for n in range(MAX_LISTED_HAZARDS)]
    rows = listed_rows("zh", wall_model("zh", school="s1", summary=summary, plan=None, now=NOW)["listed"])
    assert len(rows) == 3 and rows[0].className == "listed is-overdue" and rows[1].className == "listed"
    badge, title = rows[0].children
    assert badge.children == "挂牌督办" and title.children == "<i>隐患0</i>"  # a string: shown as text
    assert listed_rows("en", [])[0].children == "No major hazard under listed supervision"
    assert listed_rows("zh", listed_hazards(empty_summary())) == []  # no ledger figures: say nothing
    assert listed_rows("zh", wall_model("zh", school="nowhere", summary=None, plan=None, now=NOW)["listed"]) == []


def test_the_builders_import_nothing_of_the_reads_the_ledger_or_the_consumer():
    """The wall's builders are pure (issue 13): the kernel, dash, plotly, the standard library,
    shared pieces of layouts/ and the page's own modules; nothing of queries/, ledger/, streams/
    or the rest of the web app. In a fresh interpreter, so no other test's imports count."""
    code = ("import sys, dashboard.pages.wall.view, dashboard.pages.wall.model, dashboard.pages.wall.ids; "
            "print(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2]).stdout.split()
    project = ("dashboard", "queries", "ledger", "streams", "demo", "devstack")
    ours = {m for m in loaded if m.split(".")[0] in project}
    builders = {f"dashboard.pages.wall.{m}"
                for m in ("ids", "view", "model", "panels", "trends", "risk_map", "map_fit")}
    assert ours <= {"dashboard", "dashboard.pages", "dashboard.pages.wall", *builders}, ours
