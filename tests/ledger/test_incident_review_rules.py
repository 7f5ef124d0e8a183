"""The incident review's pure rules: steps in time order with ties in the loop's order, response
times and their text, the review's text cleaned or refused in both languages, the wall's line."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ledger import incident_review as rules
from ledger.errors import LedgerError
from ledger.incident_review import Step

T = datetime(2026, 12, 6, 19, 14, tzinfo=timezone.utc)


def test_steps_are_in_time_order_and_a_tie_keeps_the_loops_order():
    steps = [Step(T + timedelta(seconds=5), "resolve"), Step(T, "page", "张"), Step(T, "raised"),
             Step(T + timedelta(seconds=5), "acknowledge")]
    assert [s.kind for s in rules.ordered(steps)] == ["raised", "page", "acknowledge", "resolve"]


def test_response_times_and_their_text():
    times = rules.response_times(T, acknowledged_at=T + timedelta(seconds=150), dispatched_at=None,
                                 resolved_at=T + timedelta(hours=1, minutes=2, seconds=3))
    assert times == {"acknowledge": 150.0, "dispatch": None, "resolve": 3723.0}
    assert [rules.duration_text(times[k], "zh") for k in times] == ["2分30秒", "—", "1小时2分3秒"]
    assert rules.duration_text(9, "en") == "9 s" and rules.duration_text(3723, "en") == "1 h 2 min 3 s"
    # A clock that ran backwards (a late-synchronised device) never gives a negative time.
    assert rules.response_times(T, acknowledged_at=T - timedelta(seconds=3), dispatched_at=None,
                                resolved_at=None)["acknowledge"] == 0.0


def test_the_reviews_text_is_cleaned_and_too_much_or_not_text_is_refused_in_both_languages():
    assert rules.clean_text(" 第一行\r\n第二行\x1b[2J ", what_zh="经过", what_en="The findings") == "第一行\n第二行[2J"
    assert rules.clean_text(None, what_zh="经过", what_en="The findings") == ""
    with pytest.raises(LedgerError) as long:
        rules.clean_text("字" * (rules.MAX_TEXT + 1), what_zh="经过与原因", what_en="The findings")
    assert "最多 4000 个字" in long.value.text("zh") and "at most 4000" in str(long.value)
    with pytest.raises(LedgerError, match="must be text"):
        rules.clean_text(["x"], what_zh="经过与原因", what_en="The findings")


def test_the_walls_line_names_the_figures_kept_and_says_when_none_were():
    wall = {"alerts_open": 2, "critical_open": 1, "people_on_campus": 1234}
    assert rules.wall_text(wall, "zh") == "未处置报警 2 · 其中紧急 1 · 在校人数 1234"
    assert rules.wall_text(wall, "en") == "open alerts 2 · critical 1 · on campus 1234"
    assert rules.wall_text(None, "zh") == "（未记录）" and rules.wall_text({}, "en") == "(not kept)"


def test_the_walls_figures_come_from_the_summary_kept_at_that_minute():
    summary = {"alerts": {"open": 3, "by_severity": {"critical": 1, "high": 2}},
               "attendance": {"staff_present": 40, "students_present": 1200}, "visitors": {"on_campus": 5}}
    assert rules.wall_figures(summary) == {"alerts_open": 3, "critical_open": 1, "people_on_campus": 1240,
                                           "visitors_on_campus": 5}
    assert rules.wall_figures(None) is None and rules.wall_figures({}) is None
    assert rules.wall_figures({"alerts": {"open": 0}}) == {"alerts_open": 0, "critical_open": None,
                                                          "people_on_campus": None, "visitors_on_campus": None}
