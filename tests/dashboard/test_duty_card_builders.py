"""The duty console's response builders (dashboard/pages/duty/card_view.py), pure: the alarm banner
without a close button, the card in both languages, typed text as text, only checked numbers and
stream addresses as links."""
from __future__ import annotations

from dash import html

from dashboard.pages.duty import card_view, view
from tests.dashboard.test_duty_builders import XSS, strings, walk

CARD = {"title": XSS, "steps": ["拨打 119", XSS], "evacuation": ["沿东侧楼梯疏散", XSS],
        "contacts": [{"name": XSS, "number": "0571-8888 1234", "dial": "057188881234"}],
        "cameras": [{"name": "三层走廊", "url": "rtsp://10.0.0.9/3f", "zone": "3F"},
                    {"name": XSS, "url": "javascript:alert(1)", "zone": "3F"}]}
ALERTS = [{"id": 7, "severity": "critical", "state": "new", "type": "fire.smoke_alarm", "building_name_zh": "图书馆",
           "zone": "3F"},
          {"id": 8, "severity": "critical", "state": "acknowledged", "type": "fire.smoke_alarm"},
          {"id": 9, "severity": "high", "state": "new", "type": "fire.smoke_alarm"}]


def links(parts) -> list[html.A]:
    return [c for part in parts for c in walk(part) if isinstance(c, html.A)]


def test_the_card_shows_steps_tap_to_call_and_camera_links_with_typed_text_as_text():
    parts = card_view.card_panel("zh", CARD, recorded_by="张三")
    text = [s for part in parts for s in strings(part)]
    assert text.count(XSS) == 4 and "拨打 119" in text and "疏散说明" in text  # XSS: title, step, evacuation, name
    assert [a.href for a in links(parts)] == ["tel:057188881234", "rtsp://10.0.0.9/3f"]  # no javascript: link
    camera = links(parts)[1]
    assert camera.target == "_blank" and camera.rel == "noopener noreferrer"
    assert "已记入交接班：张三 使用了此卡" in text
    english = [s for part in card_view.card_panel("en", CARD) for s in strings(part)]
    assert "Call (tap to dial)" in english and "Nearest cameras" in english and "Evacuation" in english
    none = [s for part in card_view.card_panel("en", None) for s in strings(part)]
    assert any("No response card fits" in s for s in none)
    no_cameras = [s for part in card_view.card_panel("zh", {**CARD, "cameras": []}) for s in strings(part)]
    assert "该位置附近没有登记摄像机" in no_cameras


def test_the_banner_lists_unacknowledged_critical_alerts_and_has_no_close_button():
    children, hidden = card_view.alarm_banner("zh", ALERTS, view.place)
    assert not hidden and card_view.critical_ids(ALERTS) == [7]
    text = [s for part in children for s in strings(part)]
    assert "紧急报警未确认（1）：" in text and "烟感报警 · 图书馆 · 3F" in text
    assert not [c for part in children for c in walk(part) if isinstance(c, html.Button)]
    english, _ = card_view.alarm_banner("en", ALERTS, view.place)
    assert "Critical alert unacknowledged (1):" in [s for part in english for s in strings(part)]
    assert card_view.alarm_banner("zh", ALERTS[1:], view.place) == ([], True)


def test_the_admin_table_names_the_place_and_what_the_card_is_for_in_both_languages():
    from types import SimpleNamespace as Row

    from dashboard.pages.admin_cards import view as cards_view

    parts = Row(buildings=[Row(code="lab", name_zh="实验楼", name_en="Lab building")],
                zones=[Row(code="3F", name_zh="三层", name_en=None, parent="lab")])
    rows = [Row(id=1, title=XSS, alert_type="fire", domain=None, building_code="lab", zone_code="3F", steps="一\n二",
                contacts="消防 119", updated_by="root"),
            Row(id=2, title="默认", alert_type=None, domain="environment", building_code=None, zone_code=None,
                steps="一", contacts="消防 119", updated_by="root")]
    zh = strings(cards_view.table("zh", rows, parts))
    assert XSS in zh and "实验楼 · 三层" in zh and "全校" in zh and "fire（全部）" in zh and "环境安全默认" in zh
    en = strings(cards_view.table("en", rows, parts))
    assert "Lab building · 三层" in en and "Whole school" in en
    assert {o["value"] for o in cards_view.type_options("en")} >= {"", "fire", "fire.smoke_alarm"}
