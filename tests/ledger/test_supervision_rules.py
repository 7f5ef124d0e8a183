"""Supervision items' state machine and the checks of what a form sends (ledger/supervision.py), and
the supervision and notice pages' builders, pure: no database, no server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.pages.bureau_notices import view as notices_part
from dashboard.pages.bureau_supervision import view as bureau_part
from dashboard.pages.notices import view as inbox_part
from dashboard.pages.supervision import view as school_part
from layouts.phone_view import PhoneView
from ledger import supervision as rules
from ledger.supervision import SupervisionRefused
from queries.ledger.notices import NoticeRow, ReceiptRow, SchoolNotice
from queries.ledger.supervision import Counts, ItemRow, StepRow
from tests.dashboard.lead_support import component_props, component_texts

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=timezone.utc)
KEY = "ab" * 16


def test_the_state_machine_goes_down_up_back_and_closes():
    journey = [("open", "answer", "answered"), ("answered", "return", "returned"), ("returned", "answer", "answered"),
               ("answered", "close", "closed"), ("open", "close", "closed"), ("returned", "close", "closed")]
    for state, action, to_state in journey:
        assert rules.move(state, action) == rules.Move(to_state), (state, action)
    # The same step again (a double submit) finds the item where it leads: done, nothing to write.
    for state, action in (("answered", "answer"), ("returned", "return"), ("closed", "close")):
        assert rules.move(state, action).repeat, (state, action)
    for state, action, zh in (("open", "return", "该督办事项待答复，现在不能退回"),
                              ("closed", "answer", "该督办事项已办结，现在不能学校答复"),
                              ("closed", "return", "现在不能退回"), ("open", "reopen", "没有这个督办步骤")):
        with pytest.raises(SupervisionRefused) as refused:
            rules.move(state, action)
        assert zh in refused.value.zh and str(refused.value), (state, action)


def test_overdue_is_past_the_deadline_and_not_closed():
    deadline = NOW + timedelta(days=1)
    assert not rules.is_overdue("open", deadline, NOW)
    assert rules.is_overdue("open", deadline, deadline + timedelta(seconds=1))
    assert rules.is_overdue("answered", deadline, deadline + timedelta(days=1))  # still the district's work
    assert not rules.is_overdue("closed", deadline, deadline + timedelta(days=9))


def test_texts_are_cleaned_and_refused_in_both_languages():
    assert rules.text("  整改\x07完成\r\n\t附照片 \x00", what="the answer", what_zh="答复内容", required=True) == \
        "整改完成\n\t附照片"
    assert rules.line("一号楼\n消防通道", what="t", what_zh="标题", required=True, limit=20) == "一号楼 消防通道"
    cases = [(lambda: rules.text(" \x01 ", what="the answer", what_zh="答复内容", required=True), "须填写答复内容"),
             (lambda: rules.text(3, what="the answer", what_zh="答复内容", required=False), "答复内容须是文字"),
             (lambda: rules.text("字" * (rules.TEXT_MAX + 1), what="x", what_zh="答复内容", required=True), "至多"),
             (lambda: rules.line("x" * 201, what="the title", what_zh="标题", required=True, limit=200), "标题有 201"),
             (lambda: rules.kind("person"), "请选择督办对象"),
             (lambda: rules.deadline(NOW, NOW), "办理期限须晚于现在"),
             (lambda: rules.deadline(datetime(2027, 1, 1), NOW), "须填写办理期限"),
             (lambda: rules.form_key("短"), "表单标识缺失")]
    for call, zh in cases:
        with pytest.raises(SupervisionRefused) as refused:
            call()
        assert zh in refused.value.zh and str(refused.value) != refused.value.zh, zh
    assert rules.subject("figure", "整改率 62%（11月）", "") == "指标 整改率 62%（11月）"


def _item(**change) -> ItemRow:
    values = dict(id=7, school="s1", school_name="第一中学", unit="城关区教育局", kind="hazard", ref="H-1",
                  title="<b>消防通道</b>", instructions="三日内清理", deadline=NOW, state="returned", overdue=True,
                  opened_at=NOW, answered_at=None, closed_at=None, hazard_listed_at=NOW)
    return ItemRow(**{**values, **change})


STEPS = [StepRow(0, "open", "城关区教育局 王科长", NOW, "三日内清理", ()),
         StepRow(1, "answer", "第一中学 李老师", NOW, "<script>已清理</script>", (KEY,)),
         StepRow(2, "return", "城关区教育局 王科长", NOW, "照片不清楚", ())]


def test_the_bureau_page_shows_items_by_school_as_text():
    view = PhoneView("zh", "王科长", "leader", csrf="t")
    data = bureau_part.Bureau("城关区教育局", [("s1", "第一中学"), ("s2", "第二中学")],
                              {"s1": Counts(1, 1, 0), "s2": Counts(0, 0, 2)}, [_item()], {7: STEPS}, NOW, timezone.utc)
    texts = component_texts(bureau_part.body(view, data))
    assert "<b>消防通道</b>" in texts and "<script>已清理</script>" in texts  # text, never markup
    assert {"已退回", "已逾期", "退回", "学校答复", "第一中学 · 隐患 H-1"} <= set(texts)
    assert any("已挂牌督办" in t for t in texts)
    assert f"/photos/{KEY}/thumbnail" in component_props(bureau_part.body(view, data), "src")
    assert bureau_part.act_options("en", data) == [{"label": "第一中学 · <b>消防通道</b> · Returned", "value": 7}]
    assert "督办由区县、市或省级单位的领导或管理员进行" in "".join(component_texts(
        bureau_part.body(view, bureau_part.Bureau(None))))


def test_the_schools_page_answers_only_open_or_returned_items_and_carries_the_photo_button():
    view = PhoneView("en", "李老师", "safety", csrf="tok")
    data = school_part.Own("s1", "第一中学", [_item(), _item(id=8, state="answered", title="已答")], {7: STEPS},
                           timezone.utc)
    body = school_part.body(view, data)
    assert school_part.options("en", data) == [{"label": "<b>消防通道</b> · Returned", "value": 7}]
    assert "tok" in component_props(body, "data-csrf") and "s1" in component_props(body, "data-school")
    assert len(school_part.preview([KEY, "../etc", 3])) == 1  # only a photo key's shape is drawn


def test_notices_show_receipts_to_the_bureau_and_a_confirm_button_to_the_school():
    sent = notices_part.Sent("城关区教育局", [("s1", "一中"), ("s2", "二中")],
                             [NoticeRow(3, "<i>寒假安全</i>", "正文", NOW, "王科长", 2, 1)],
                             {3: [ReceiptRow("s2", "二中", None, None), ReceiptRow("s1", "一中", NOW, "李老师")]},
                             timezone.utc)
    texts = component_texts(notices_part.body(PhoneView("zh", "王", "leader"), sent, "k" * 16))
    assert {"<i>寒假安全</i>", "已阅 1/2", "未阅", "2026-12-06 02:00 李老师 已阅"} <= set(texts)
    inbox = inbox_part.Inbox("s1", "一中", [SchoolNotice(3, "寒假安全", "正文", NOW, "城关区教育局", None, None),
                                           SchoolNotice(2, "旧", "旧文", NOW, "城关区教育局", NOW, "李老师")],
                             timezone.utc)
    ids = component_props(inbox_part.body(PhoneView("zh", "李", "safety"), inbox), "id")
    assert {"type": "school-notices-confirm", "notice": 3} in ids
    assert {"type": "school-notices-confirm", "notice": 2} not in ids  # already read: no button
