"""The phone's inspection pages' builders, pure (no services): today's list and the checklist in
both languages, what each links to, and user text (plan names, items, notes) shown as text."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import plotly
import pytest

from dashboard.pages.phone_inspection import ids as sheet_ids
from dashboard.pages.phone_inspection import view as sheet_view
from dashboard.pages.phone_inspections import ids as list_ids
from dashboard.pages.phone_inspections import view as list_view
from layouts.phone_view import PhoneView
from queries.ledger.inspections import HazardDraft, Place, Sheet, SheetItem, TodayInspection
from tests.dashboard.lead_support import component_texts

TZ = ZoneInfo("Asia/Shanghai")
NASTY = '<img src=x onerror="alert(1)">实验室&amp;'
PLACE = Place("s1", "第一中学", "lab", "实验楼", "3F", "三层", "RP-305", "化学实验室305",
              "No. 1 Middle School", "Lab building")
AT = datetime(2026, 12, 7, 1, 30, tzinfo=timezone.utc)  # 09:30 in Shanghai


def view(lang: str) -> PhoneView:
    return PhoneView(lang, "张巡查", "inspector", ("phone_work", "phone_inspections"), "csrf-1")


def today(status: str, plan_id: int, *, name: str = "305实验室日查", frequency: str = "daily", answered: int = 0,
          failed: int = 0) -> TodayInspection:
    inspection = None if status == "due" else 100 + plan_id
    return TodayInspection(plan_id, name, frequency, PLACE, "2026-12-07" if frequency == "daily" else "2026-W50",
                           date(2026, 12, 7), date(2026, 12, 7) if frequency == "daily" else date(2026, 12, 13),
                           status, inspection, answered, 3, failed, "张巡查" if status == "done" else None,
                           AT if status == "done" else None)


def draft(result_id: int = 42, *, title: str = "通风橱每日检查", note: str = "") -> HazardDraft:
    return HazardDraft(result_id, "s1", "第一中学", "lab", "实验楼", "3F", "三层", "RP-305", "化学实验室305",
                       title, title, note, [], "school_inspection", "insp1", AT, 7, "305实验室日查", None, PLACE)


def component_props(component, name: str) -> list:
    """Every value of the property `name` set in a component tree, in order (stores and inputs too)."""
    found: list = []

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json()["props"]
            if props.get(name) is not None:
                found.append(props[name])
            walk(props.get("children"))

    walk(component)
    return found


def serialised(component) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_todays_list_shows_each_inspection_with_its_place_period_and_way_in(lang):
    found = list_view.Today([today("due", 1), today("in_progress", 2, frequency="weekly", answered=2, failed=1),
                             today("done", 3, answered=3)], [draft()], TZ)
    body = list_view.body(view(lang), found)
    texts = component_texts(body)
    suffix = "?lang=en" if lang == "en" else ""
    hrefs = component_props(body, "href")
    assert hrefs == [f"/m/inspections/1{suffix}", f"/m/inspections/2{suffix}", f"/m/inspections/3{suffix}",
                     "/m/report?" + ("lang=en&" if lang == "en" else "") + "draft=42"]
    words = {"zh": ("开始巡查", "继续巡查", "查看结果", "待检查", "检查中", "已完成", "每周 · 2026-W50 · 至 12-13",
                    "已检查 2/3 项 · 不合格 1 项", "待上报的不合格项", "上报为隐患", "张巡查 于 09:30 签字"),
             "en": ("Start", "Continue", "See the results", "Due", "In progress", "Done",
                    "Weekly · 2026-W50 · until 12-13", "2 of 3 items checked · 1 failed",
                    "Findings not yet reported", "Report as a hazard", "signed by 张巡查 at 09:30")}[lang]
    for word in words:
        assert any(word in t for t in texts), word
    # The place in the page's language where it has a name; a risk point's name as it was entered.
    place = {"zh": "实验楼 · 三层 · 化学实验室305", "en": "Lab building · 三层 · 化学实验室305"}[lang]
    assert place in texts
    assert list_ids.EMPTY not in component_props(body, "id")


@pytest.mark.parametrize("lang, words", [("zh", "今天没有需要做的巡查"), ("en", "No inspection due today")])
def test_nothing_due_today_says_so_and_lists_no_findings(lang, words):
    body = list_view.body(view(lang), list_view.Today([], [], TZ))
    assert words in component_texts(body)
    assert list_ids.EMPTY in component_props(body, "id") and list_ids.DRAFTS not in component_props(body, "id")


def test_the_list_shows_user_text_as_text():
    body = list_view.body(view("zh"), list_view.Today([today("due", 1, name=NASTY)], [draft(title=NASTY, note=NASTY)],
                                                      TZ))
    texts = component_texts(body)
    assert texts.count(NASTY) == 3  # the plan's name, the finding's title and its note, each a text node
    assert "dangerouslySetInnerHTML" not in serialised(body)


def sheet(results: list[str | None], *, finished: bool = False, late: bool | None = None,
          text: str = "灭火器在有效期内", note: str = "", hazard: str | None = None) -> Sheet:
    items = [SheetItem(i, f"{text} {i + 1}", r, note if r == "fail" else "", ["a" * 32] if r == "fail" else [],
                       None if r is None else 500 + i, hazard if r == "fail" else None)
             for i, r in enumerate(results)]
    return Sheet(7, 1, "305实验室日查", PLACE, "2026-12-07", date(2026, 12, 7), date(2026, 12, 8), "insp1", AT,
                 AT if finished else None, "张巡查" if finished else None, late, not finished, items)


def found(results, **kw) -> sheet_view.Found:
    return sheet_view.Found(today("in_progress", 1), sheet(results, **kw), TZ, "csrf-1")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_plan_not_started_offers_the_start(lang):
    page = sheet_view.page(view(lang), sheet_view.Found(today("due", 1), None, TZ, "csrf-1"))
    assert sheet_ids.START in component_props(page, "id")
    assert {"zh": "开始巡查", "en": "Start the inspection"}[lang] in component_texts(page)
    assert {"zh": "共 3 项检查内容", "en": "3 items to check"}[lang] in component_texts(page)
    assert sheet_ids.INSPECTION not in component_props(page, "id")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_checklist_shows_every_saved_answer_and_where_to_continue(lang):
    page = sheet_view.page(view(lang), found(["pass", "fail", None]))
    texts = component_texts(page)
    ids_shown = component_props(page, "id")
    cards = [i for i in ids_shown if isinstance(i, dict) and i["type"] == sheet_ids.ITEM]
    assert [c["item"] for c in cards] == [0, 1, 2]
    assert component_props(page, "className").count("phone-inspection-card is-answered is-pass") == 1
    assert "phone-inspection-card is-answered is-fail" in component_props(page, "className")
    assert {"zh": "从第 3 项继续", "en": "Continue at item 3"}[lang] in texts
    assert "#phone-inspection-at-2" in component_props(page, "href")
    # The failed item offers its draft on the report form, by its result's id; its photo as a thumbnail.
    suffix = "lang=en&" if lang == "en" else ""
    assert f"/m/report?{suffix}draft=501" in component_props(page, "href")
    assert f"/photos/{'a' * 32}/thumbnail" in component_props(page, "src")
    buttons = [i for i in ids_shown if isinstance(i, dict) and i["type"].startswith(sheet_ids.ANSWER + "-")]
    assert buttons[:3] == [sheet_ids.answer(r, 0) for r in ("pass", "fail", "na")] and len(buttons) == 9
    assert {"zh": ("合格", "不合格", "不适用"), "en": ("Pass", "Fail", "N/A")}[lang][1] in texts
    assert sheet_ids.FINISH in ids_shown and {"inspection": 7} in component_props(page, "data")
    # What the photo script needs: the school and the session's token.
    checklist = sheet_view.checklist(view(lang), found([None]))
    assert checklist.to_plotly_json()["props"]["data-school"] == "s1"
    assert checklist.to_plotly_json()["props"]["data-csrf"] == "csrf-1"


def test_a_reported_finding_names_its_hazard_instead_of_the_link():
    page = sheet_view.page(view("zh"), found(["fail"], hazard="H-2026-0007"))
    assert "已上报为隐患 H-2026-0007" in component_texts(page)
    assert not [h for h in component_props(page, "href") if h.startswith("/m/report")]


def test_every_item_answered_says_finish():
    page = sheet_view.page(view("en"), found(["pass", "na"]))
    assert "Every item is checked: finish and sign" in component_texts(page)


def test_the_checklist_shows_user_text_as_text():
    page = sheet_view.page(view("zh"), found(["fail", None], text=NASTY, note=NASTY))
    texts = component_texts(page)
    assert f"{NASTY} 1" in texts and f"{NASTY} 2" in texts
    assert NASTY in component_props(page, "value")  # the note, as the textarea's value
    assert "dangerouslySetInnerHTML" not in serialised(page)


@pytest.mark.parametrize("lang, late, words", [
    ("zh", False, ("合格 1 项", "不合格 1 项", "不适用 1 项", "按时完成", "巡查已完成，张巡查 于 12-07 09:30 签字",
                   "返回今日巡查")),
    ("en", True, ("1 passed", "1 failed", "1 not applicable", "Finished late",
                  "Inspection finished, signed by 张巡查 at 12-07 09:30", "Back to today's inspections")),
])
def test_the_summary_counts_the_answers_and_says_late_or_on_time(lang, late, words):
    page = sheet_view.page(view(lang), found(["pass", "fail", "na"], finished=True, late=late))
    texts = component_texts(page)
    for word in words:
        assert word in texts, word
    assert sheet_ids.SUMMARY in component_props(page, "id") and sheet_ids.FINISH not in component_props(page, "id")
    suffix = "lang=en&" if lang == "en" else ""
    assert f"/m/report?{suffix}draft=501" in component_props(page, "href")
