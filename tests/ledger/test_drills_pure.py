"""Drills and trainings on constructed cases: the record form's checks (ledger/drills.py), the
arithmetic of art. 9 and 12, and the handover PDF's page (ledger/handover_pdf.py): escaped text,
every part of the view, nothing fetched."""
from __future__ import annotations

from datetime import date

import pytest

from ledger import drills
from ledger.drills import DrillForm, check_form
from ledger.errors import LedgerError
from ledger.handover_pdf import Refused, handover_html, local_only
from ledger.scoring import Rules, UnitFacts, score_unit

TODAY = date(2026, 12, 6)
GOOD = DrillForm(title="消防疏散演练", kind="drill", held_on="2026-11-20", participant_count="320",
                 participants="高一(1)班\r\n高一(2)班", plan="火灾事故专项应急预案", notes="用时4分30秒\x07")


def test_a_good_form_is_cleaned_and_kept():
    checked = check_form(GOOD, today=TODAY)
    assert (checked.title, checked.kind, checked.held_on, checked.participant_count) == \
        ("消防疏散演练", "drill", date(2026, 11, 20), 320)
    assert checked.participants == "高一(1)班\n高一(2)班" and checked.notes == "用时4分30秒"  # free text cleaned
    names_only = DrillForm("培训", "training", TODAY, participants="全体教职工")
    assert check_form(names_only, today=TODAY).participant_count is None


@pytest.mark.parametrize(("change", "en", "zh"), [
    (dict(title="  "), "the title is required", "请填写标题"),
    (dict(title="消防\x1b演练"), "invisible character (U+001B", "不可见字符"),
    (dict(title="消防\n演练"), "one line of text", "须是一行文字"),
    (dict(plan="预案\t一"), "the plan exercised holds an invisible", "演练预案"),
    (dict(title="演" * 201), "at most 200", "至多 200"),
    (dict(kind="exercise"), "a drill or a training", "应急演练或安全教育培训"),
    (dict(held_on="2026/11/20"), "YYYY-MM-DD", "YYYY-MM-DD"),
    (dict(held_on=None), "is required", "请填写举行日期"),
    (dict(held_on="2026-12-07"), "in the future", "不能晚于今天"),
    (dict(participant_count="三百"), "whole number", "整数"),
    (dict(participant_count=0), "between 1 and", "之间"),
    (dict(participant_count=True), "between 1 and", "之间"),
    (dict(participant_count="", participants=" \x07 "), "their number, their names", "参加人数或参加人员"),
])
def test_a_bad_field_is_refused_in_both_languages(change, en, zh):
    with pytest.raises(LedgerError) as refused:
        check_form(DrillForm(**{**GOOD.__dict__, **change}), today=TODAY)
    assert en in str(refused.value) and zh in refused.value.zh


def test_a_withdrawal_needs_a_reason():
    with pytest.raises(LedgerError, match="say why"):
        drills.check_reason(" \x00 ")
    assert drills.check_reason("录错日期\r\n") == "录错日期"


def test_art_9_asks_for_a_training_in_the_year_before_the_day_read():
    assert drills.trained([date(2025, 12, 6)], TODAY)  # the window's first day: 365 days before
    assert not drills.trained([date(2025, 12, 5)], TODAY)
    assert not drills.trained([TODAY], TODAY)  # the day read is not yet over
    assert drills.trained([date(2025, 6, 1)], date(2026, 1, 1))  # a past year: that year


def test_art_12_judges_each_term_in_the_year_it_ends_once_it_has_ended():
    # 2026 read on 6 December: the autumn term 2025 (ended 31 January) and the spring term 2026
    # (ended 31 August); the autumn term 2026 is still under way.
    assert [t.start for t in drills.judged_terms(2026, TODAY)] == [date(2025, 9, 1), date(2026, 2, 1)]
    assert drills.terms_without_drill([date(2025, 10, 9)], 2026, TODAY) == ("2026-02-01至2026-08-31",)
    assert drills.terms_without_drill([date(2025, 10, 9), date(2026, 8, 31)], 2026, TODAY) == ()
    assert drills.terms_without_drill([], 2026, date(2026, 1, 15)) == ()  # nothing ended yet this year
    assert drills.terms_without_drill([], 2025, date(2026, 1, 1)) == ("2024-09-01至2025-01-31",
                                                                     "2025-02-01至2025-08-31")
    three = ((9, 1), (2, 1), (6, 1))  # a deployment's own terms (TERM_STARTS)
    assert len(drills.judged_terms(2026, TODAY, term_starts=three)) == 3


def test_art_9_and_12_deduct_ten_once_each():
    rules = Rules.load()
    facts = UnitFacts(no_training_since="2025-12-06", drill_gaps=("2025-09-01至2026-01-31", "2026-02-01至2026-08-31"))
    score = score_unit("u", facts, [], rules)
    assert score.score == 80
    assert [(d.article, d.points, d.count) for d in score.deductions] == [(9, 10.0, 1), (12, 10.0, 2)]
    assert "自2025-12-06起未记录安全教育培训" in score.deductions[0].reason
    assert "2026-02-01至2026-08-31" in score.deductions[1].reason


def test_the_pdf_page_is_the_views_text_escaped_with_every_part():
    view = {"title": "交接班报告", "shift": "测试学校 · 夜班", "summary": [{"label": "本班新增报警", "value": "2"}],
            "on_call": {"title": "值班人员", "items": [{"label": "夜班", "value": "张三"}]},
            "cards": [{"title": "使用的处置卡", "columns": ["报警", "处置卡"], "rows": [["A-1", "火灾处置卡"]]}],
            "tables": [{"title": "值班意见", "columns": ["内容"], "rows": [['<img src="http://127.0.0.1:9/x">']]},
                       {"title": "本班升级记录", "columns": ["时间"], "rows": []}]}
    html = handover_html(view, "zh", printed="2026-12-06 08:05")
    assert '<img src="http' not in html and "&lt;img src=&quot;http://127.0.0.1:9/x&quot;&gt;" in html
    for text in ("测试学校 · 夜班", "本班新增报警", "值班人员", "张三", "使用的处置卡", "火灾处置卡", "本班升级记录",
                 "打印时间"):
        assert text in html, text


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.css", "https://fonts.example/noto.woff2", "data:text/css,a{}",
                                 "file:///etc/passwd", "file:///work/../etc/hostname"])
def test_the_pdf_fetches_nothing_but_its_own_stylesheet(url):
    with pytest.raises(Refused):
        local_only(url)
    from ledger.handover_pdf import CSS_FILE
    assert local_only(CSS_FILE.as_uri())["string"].startswith(b"/*")
