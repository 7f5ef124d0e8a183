"""The duty console's pure builders (dashboard/pages/duty/view.py): rows, details, history, feedback."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dash import html

from dashboard.pages.duty import ids, view

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)  # 03:00 in Shanghai
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from walk(child)


def strings(component) -> list[str]:
    found = []
    for c in walk(component):
        children = getattr(c, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str):
                found.append(child)
    return found


def alert(**over) -> dict:
    base = dict(id=7, school="s1", code="ev-7", type="fire.smoke_alarm", domain="environment", severity="critical",
                building="图书馆", zone="3F", device="smoke-3f-01", raised_at=NOW - timedelta(minutes=4),
                last_raised_at=NOW - timedelta(minutes=1), count=3, state="new", escalated=True,
                escalation_level=2, acknowledged_by=None, acknowledged_at=None, dispatched_to=None)
    return {**base, **over}


def buttons(rows) -> list[dict]:
    return [c.id for row in rows for c in walk(row) if isinstance(c, html.Button)]


def test_a_new_alert_has_a_one_tap_acknowledge_for_those_who_may_handle_it():
    rows = view.alert_rows("zh", [alert(), alert(id=8, state="acknowledged", escalated=False)], now=NOW,
                           selected=None, may_handle=True)
    assert buttons(rows) == [ids.duty_ack(7), ids.duty_open(7), ids.duty_open(8)]
    text = strings(rows[0])
    assert "烟感报警" in text and "图书馆 · 3F" in text and "×3" in text and "4 分钟" in text
    assert any("已升级 L2" in s for s in text)  # escalated twice: the level shows
    assert "is-escalated" in rows[0].className and "sev-critical" in rows[0].className
    # Leadership reads the same list without the button.
    assert buttons(view.alert_rows("zh", [alert()], now=NOW, selected=None, may_handle=False)) == [ids.duty_open(7)]


def test_an_empty_list_says_so_in_the_asked_language():
    assert strings(view.alert_rows("en", [], now=NOW, selected=None, may_handle=True)[0]) == ["No open alerts"]
    assert view.summary_line("zh", [alert(), alert(id=8, state="dispatched", escalated=False)]) == \
        "共 2 条，未确认 1 条，已升级 1 条"


def test_typed_text_is_only_ever_text():
    history = [dict(kind="dispatch", at=NOW, by=XSS, assignee=XSS, note=XSS, outcome=None, level=None)]
    items = view.history_items("zh", history, TZ)
    facts = view.detail_facts("zh", alert(device=XSS, building=XSS, dispatched_to=XSS), TZ)
    rows = view.alert_rows("zh", [alert(building=XSS, zone=None)], now=NOW, selected=None, may_handle=True)
    for component in (*items, *facts, *rows):
        for c in walk(component):
            # Dash renders string children as text nodes; nothing here may carry raw markup.
            assert not hasattr(c, "dangerouslySetInnerHTML")
            assert type(c).__module__.startswith(("dash.html", "dash.dcc"))
    assert XSS in strings(items[0]) and f"→ {XSS}" in strings(items[0])


def test_history_shows_each_step_with_local_time_and_who():
    none = dict(by=None, note="", assignee=None, outcome=None)
    history = [dict(kind="raised", at=NOW - timedelta(minutes=4), **none, level=None),
               dict(kind="escalate", at=NOW - timedelta(minutes=3), **none, level=1),
               dict(kind="acknowledge", at=NOW, by="zhangsan", note="", assignee=None, outcome=None, level=None),
               dict(kind="resolve", at=NOW, by="zhangsan", note="误触", assignee=None, outcome="false_alarm",
                    level=None)]
    items = view.history_items("zh", history, TZ)
    assert [strings(i)[:2] for i in items] == [["11-25 02:56:00", "报警"], ["11-25 02:57:00", "超时升级"],
                                               ["11-25 03:00:00", "确认"], ["11-25 03:00:00", "处置"]]
    assert "L1" in strings(items[1]) and "误报" in strings(items[3]) and "误触" in strings(items[3])


def test_the_loser_of_a_race_is_told_who_acted_first():
    message, tone = view.feedback_text("zh", {"ok": False, "action": "acknowledge",
                                              "conflict": {"by": "李四", "action": "acknowledge", "at": "03:00:01"}})
    assert (message, tone) == ("李四 已于 03:00:01 确认了此报警，未重复处理", "warn")
    assert view.feedback_text("en", {"ok": True, "action": "dispatch"}) == ("Dispatched", "ok")
    assert view.feedback_text("en", {"error": "need_outcome"})[1] == "error"


def test_the_detail_links_to_the_alerts_incident_review_in_the_pages_language():
    links = [c for part in view.detail_facts("zh", alert(), TZ) for c in walk(part) if isinstance(c, html.A)]
    assert [(c.href, c.children) for c in links] == [("/review?alert=7", "事后评估 →")]
    english = [c for part in view.detail_facts("en", alert(), TZ) for c in walk(part) if isinstance(c, html.A)]
    assert english[0].href == "/review?alert=7&lang=en"
