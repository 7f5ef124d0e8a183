"""The phone's "my work" and hazard pages' builders, pure (no services): the lists by role with their
counts, marks and empty states; the hazard page at every stage with every role's buttons (from the
ledger's own predicate, ledger/hazard_work_rules.py), user text kept as text, both languages."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dash import no_update
from dash.development.base_component import Component

from dashboard.pages.phone_hazard import callbacks, forms, ids
from dashboard.pages.phone_hazard import view as hazard_view
from dashboard.pages.phone_work import view as work_view
from layouts.phone_view import PhoneView
from ledger import hazard_loop, hazard_work_rules, photo_files
from ledger.hazard_work_rules import Person
from queries.ledger.hazard_page import HazardPage, Step
from queries.ledger.my_work import KINDS, WorkItem, WorkList
from queries.ledger.photos import PhotoView

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 6, 6, 0, tzinfo=timezone.utc)
MARKUP = '<img src=x onerror="alert(1)">&amp;'


def _view(lang: str = "zh") -> PhoneView:
    return PhoneView(lang, "周师傅", "reporter", ("phone_work",), "csrf-token-1")


def texts(node) -> list[str]:
    found: list[str] = []

    def walk(n):
        if isinstance(n, str):
            found.append(n)
        elif isinstance(n, (list, tuple)):
            for child in n:
                walk(child)
        elif n is not None and hasattr(n, "children"):
            walk(n.children)

    walk(node)
    return found


def components(node) -> list:
    found: list = []

    def walk(n):
        if isinstance(n, (list, tuple)):
            for child in n:
                walk(child)
        elif isinstance(n, Component):
            found.append(n)
            walk(getattr(n, "children", None))

    walk(node)
    return found


def by_id(node, component_id: str):
    return next((c for c in components(node) if getattr(c, "id", None) == component_id), None)


def item(code="H-1", *, title="灭火器过期", overdue=False, due_soon=False, days=3.0, stage="notified", grade="ordinary",
         supervised=False) -> WorkItem:
    return WorkItem("s1", "第一中学", code, title, grade, stage, "lab", "实验楼", NOW - timedelta(days=2),
                    NOW + timedelta(days=days), overdue, due_soon, days, "周师傅", supervised)


# ---- my work ----------------------------------------------------------------------------------------

def test_my_work_lists_each_hazard_as_a_link_marked_by_urgency_with_counts():
    lists = [WorkList("to_start", [item("H-1", overdue=True, days=-2.4), item("H-2", due_soon=True, days=1.2),
                                   item("H-3", days=9)], 3, 1, 1),
             WorkList("in_rectification", [], 0, 0, 0)]
    page = work_view.body(_view(), work_view.Work(lists, [], NOW, TZ))
    links = [c for c in components(page) if getattr(c, "href", None)]
    assert [c.href for c in links] == ["/m/hazards/s1/H-1", "/m/hazards/s1/H-2", "/m/hazards/s1/H-3"]
    assert [c.className for c in links] == ["phone-item is-overdue", "phone-item is-due-soon", "phone-item"]
    shown = " ".join(texts(page))
    assert "待开始整改" in shown and "共 3 条" in shown and "逾期 1" in shown and "即将到期 1" in shown
    assert "已逾期 2 天" in shown and "剩 1 天" in shown
    assert "没有进行中的整改。" in shown  # an empty list says so
    assert "您还没有上报过隐患" in shown  # and what to do
    english = " ".join(texts(work_view.body(_view("en"), work_view.Work(lists, [], NOW, TZ))))
    assert "Notices to start" in english and "1 overdue" in english and "2 days overdue" in english
    assert [c.href for c in components(work_view.body(_view("en"), work_view.Work(lists, [], NOW, TZ)))
            if getattr(c, "href", None)][0] == "/m/hazards/s1/H-1?lang=en"


def test_what_the_bureau_asks_of_the_school_links_to_its_pages_and_is_absent_when_nothing_waits():
    from dashboard.pages.phone_work import ids as work_ids

    asked = work_view.Bureau(to_answer=2, overdue=1, unread=3)
    page = work_view.body(_view(), work_view.Work([], [], NOW, TZ, asked))
    section = by_id(page, work_ids.BUREAU)
    assert [c.href for c in components(section) if getattr(c, "href", None)] == ["/supervision", "/notices"]
    shown = " ".join(texts(section))
    assert "待答复的督办 2 项" in shown and "其中逾期 1" in shown and "未读通报 3 份" in shown
    english = by_id(work_view.body(_view("en"), work_view.Work([], [], NOW, TZ, asked)), work_ids.BUREAU)
    assert "2 supervision items to answer" in " ".join(texts(english))
    assert [c.href for c in components(english) if getattr(c, "href", None)] == ["/supervision?lang=en",
                                                                                   "/notices?lang=en"]
    only_notices = work_view.body(_view(), work_view.Work([], [], NOW, TZ, work_view.Bureau(None, None, 1)))
    assert [c.href for c in components(by_id(only_notices, work_ids.BUREAU)) if getattr(c, "href", None)] == [
        "/notices"]  # a role without /supervision is not counted nor linked there
    for quiet in (work_view.Bureau(0, 0, 0), work_view.Bureau(None, None, None), None):
        assert by_id(work_view.body(_view(), work_view.Work([], [], NOW, TZ, quiet)), work_ids.BUREAU) is None


@pytest.mark.parametrize("kinds", [("to_assign", "to_start", "in_rectification", "to_accept"),
                                   ("to_start", "in_rectification"), ("to_start", "in_rectification", "to_accept"),
                                   ("to_start", "in_rectification", "to_supervise", "supervised")])
def test_nothing_waiting_says_what_to_do_for_every_role(kinds):
    lists = [WorkList(kind, [], 0, 0, 0) for kind in kinds]
    assert set(kinds) <= set(KINDS)
    for lang, words in (("zh", "发现隐患？点下方“随手拍”上报"), ("en", "Found a hazard? Tap Report below")):
        page = work_view.body(_view(lang), work_view.Work(lists, [], NOW, TZ))
        assert words in " ".join(texts(page))
        assert not [c for c in components(page) if getattr(c, "href", None)]


def test_every_roles_lists_are_drawn_with_their_names():
    lists = [WorkList(kind, [item(f"H-{kind}")], 1, 0, 0) for kind in KINDS]
    page = work_view.body(_view(), work_view.Work(lists, [], NOW, TZ))
    for kind, (zh, _en) in KINDS.items():
        section = by_id(page, f"phone-work-{kind.replace('_', '-')}")
        assert section is not None and zh in texts(section), kind


def test_what_a_person_typed_is_text_and_my_reports_say_where_each_stands():
    reports = [item("H-9", title=MARKUP, stage="reported", days=0), item("H-8", stage="accepted", supervised=True,
                                                                        grade="major")]
    page = work_view.body(_view(), work_view.Work([], reports, NOW, TZ))
    assert MARKUP in texts(page)  # a string child: React renders it as text, never as markup
    assert not any(getattr(c, "dangerously_allow_html", False) for c in components(page))
    shown = " ".join(texts(page))
    assert "已上报" in shown and "已验收销号" in shown and "重大隐患" in shown and "督办" in shown
    assert "责任人 周师傅" in shown


# ---- the hazard page --------------------------------------------------------------------------------

def photo(n: int, step: int | None) -> PhotoView:
    return PhotoView(f"{n:032x}", "s1", 1, NOW, "image/jpeg", 64, 32, 1000, "0" * 64, 1, step, None)


def hazard(stage: str, open_steps=(), *, deadline_days: float | None = 5, grade: str = "ordinary",
           supervised: bool = False, title: str = "燃气软管老化") -> HazardPage:
    deadline = NOW + timedelta(days=deadline_days) if deadline_days is not None and stage != "reported" else None
    status = hazard_loop.deadline_status(stage, deadline, NOW, due_soon_days=3)
    steps = [Step("report", "reported", "李老师", NOW - timedelta(days=3), MARKUP, (photo(1, 10),))]
    if stage != "reported":
        steps.append(Step("notify", "notified", "安主任", NOW - timedelta(days=2), "更换软管"))
    if stage in ("feedback", "accepted"):
        steps += [Step("rectify", "rectifying", "周师傅", NOW - timedelta(days=1), ""),
                  Step("feedback", "feedback", "周师傅", NOW - timedelta(hours=5), "已更换", (photo(2, 12),))]
    if stage == "accepted":
        steps.append(Step("accept", "accepted", "严老师", NOW - timedelta(hours=1), "合格"))
    return HazardPage(
        school="s1", school_name="第一中学", code="YH-1", title=title, description=title + "\n" + MARKUP, grade=grade,
        stage=stage, source="self_inspection", place=("实验楼", "305 化学实验室"), place_en=("Lab", "Room 305"),
        risk_point=None, found_at=NOW - timedelta(days=3), found_by="李老师", deadline=deadline, status=status,
        requirement="更换软管" if deadline else None, responsible_unit_code="s1-chem" if deadline else None,
        responsible_unit="化学组" if deadline else None, responsible_unit_en="Chemistry" if deadline else None,
        responsible_person="周师傅" if deadline else None,
        measures="已更换" if stage in ("feedback", "accepted") else "",
        recheck_result="合格" if stage == "accepted" else None, supervised_by="金水区 王科长" if supervised else None,
        supervised_at=NOW - timedelta(days=1) if supervised else None,
        supervision_deadline=NOW + timedelta(days=1) if supervised else None,
        supervision_status=hazard_loop.deadline_status(stage, NOW + timedelta(days=1), NOW, due_soon_days=3),
        supervision_note="限期整改" if supervised else None, steps=tuple(steps), before=(photo(1, 10),),
        after=(photo(2, 12),) if stage in ("feedback", "accepted") else (), open_steps=tuple(open_steps),
        units=(("s1-chem", "化学组", "Chemistry"),) if "notify" in open_steps else (),
        candidates=((4, "周师傅", "reporter"),) if "notify" in open_steps else ())


def page_of(h: HazardPage, lang: str = "zh"):
    return hazard_view.body(_view(lang), hazard_view.Shown(h, NOW, TZ))


def buttons(page) -> set[str]:
    return {c.id for c in components(page) if "phone-send" in (getattr(c, "className", "") or "")}


PEOPLE = {  # role: (user id, unit above the school?)
    "safety": Person(1, "an", "安主任", "safety", frozenset({"s1"}), "s1"),
    "inspector": Person(2, "yan", "严老师", "inspector", frozenset({"s1"}), "s1"),
    "responsible": Person(4, "zhou", "周师傅", "reporter", frozenset({"s1"}), "s1"),
    "reporter": Person(3, "li", "李老师", "reporter", frozenset({"s1"}), "s1-chem"),
    "district": Person(5, "wang", "王科长", "leader", frozenset({"s1"}), "d1"),
    "duty": Person(6, "xu", "徐值班", "duty", frozenset({"s1"}), "s1"),
    "admin": Person(7, "root", "管理员", "admin", None, None),
}


@pytest.mark.parametrize("stage", hazard_loop.STAGES)
@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_every_role_at_every_stage_sees_the_buttons_of_its_steps_and_no_other(stage, who):
    person = PEOPLE[who]
    fed_back_by = [4] if stage in ("feedback", "accepted") else []
    open_steps = hazard_work_rules.steps_open_to(
        person, stage=stage, grade="major", responsible_user_id=None if stage == "reported" else 4,
        fed_back_by=fed_back_by, supervised=False, above_school=who in ("district", "admin"))
    page = page_of(hazard(stage, open_steps, grade="major"))
    assert buttons(page) == {ids.SEND[s] for s in open_steps}, (who, stage, open_steps)
    expected = {  # what the loop gives each part, as docs/hazards.md says
        ("safety", "reported"): {"notify"}, ("admin", "reported"): {"notify", "supervise"},
        ("responsible", "notified"): {"rectify"}, ("responsible", "rectifying"): {"feedback"},
        ("inspector", "feedback"): {"accept", "reject"}, ("responsible", "feedback"): set(),
        ("reporter", "notified"): set(), ("district", "rectifying"): {"supervise"}, ("duty", "feedback"): set(),
    }
    if (who, stage) in expected:
        assert set(open_steps) == expected[(who, stage)]
    if not open_steps:
        words = "已验收销号，闭环完成。" if stage == "accepted" else "这条隐患现在没有需要您办理的步骤。"
        assert words in texts(by_id(page, ids.STEPS))


def test_the_hazard_page_shows_its_facts_history_and_photos_as_text_in_both_languages():
    h = hazard("feedback", ("accept", "reject"), title=MARKUP, supervised=True)
    page = page_of(h)
    shown = texts(page)
    assert shown.count(MARKUP) >= 2 and not any(getattr(c, "dangerously_allow_html", False) for c in components(page))
    joined = " ".join(shown)
    for words in ("一般隐患", "已反馈待验收", "第一中学 · 实验楼 · 305 化学实验室", "更换软管", "化学组 / 周师傅",
                  "挂牌督办", "金水区 王科长", "限期整改", "上报隐患", "下发整改通知", "反馈整改结果", "验收",
                  "剩 5 天"):
        assert words in joined, words
    history = by_id(page, ids.HISTORY)
    links = [c for c in components(history) if getattr(c, "href", None)]
    assert [c.href for c in links] == [f"/photos/{1:032x}", f"/photos/{2:032x}"]
    assert [c.children.src for c in links] == [f"/photos/{1:032x}/thumbnail", f"/photos/{2:032x}/thumbnail"]
    assert by_id(page, ids.BEFORE).children[0].href == f"/photos/{1:032x}"
    assert by_id(page, ids.AFTER).children[0].href == f"/photos/{2:032x}"
    store = by_id(page, ids.HAZARD)
    assert store.data == {"school": "s1", "code": "YH-1", "lang": "zh"}
    english = " ".join(texts(page_of(h, "en")))
    for words in ("Ordinary", "Awaiting acceptance", "Lab · Room 305", "Chemistry / 周师傅", "Accept and close",
                  "Reject: back to rectifying", "5 days left"):
        assert words in english, words


def test_a_deadline_is_marked_overdue_or_due_soon():
    overdue = page_of(hazard("rectifying", deadline_days=-2.5))
    assert "已逾期 2 天" in " ".join(texts(by_id(overdue, ids.FACTS)))
    assert any("is-overdue" in (getattr(c, "className", "") or "") for c in components(overdue))
    soon = page_of(hazard("notified", deadline_days=1.5), "en")
    assert "Due soon · 1 days left" in " ".join(texts(by_id(soon, ids.FACTS)))
    assert "尚未下发整改通知" in texts(by_id(page_of(hazard("reported")), ids.FACTS))


def test_the_notice_form_offers_the_units_and_people_and_the_feedback_form_what_the_script_needs():
    page = page_of(hazard("reported", ("notify",)))
    assert by_id(page, ids.ASSIGN_UNIT).options == [{"label": "化学组", "value": "s1-chem"}]
    assert by_id(page, ids.ASSIGN_PERSON).options == [{"label": "周师傅（隐患上报员）", "value": 4}]
    assert by_id(page, ids.ASSIGN_DEADLINE).value == "2026-12-13"  # a week from the school's today
    add = by_id(page_of(hazard("rectifying", ("feedback",))), ids.FEEDBACK_ADD)
    attributes = add.to_plotly_json()["props"]
    assert attributes["data-csrf"] == "csrf-token-1" and attributes["data-school"] == "s1"
    assert attributes["data-store"] == ids.FEEDBACK_PHOTOS and "{n}" in attributes["data-sent"]


def test_the_after_photo_preview_draws_photo_keys_only():
    key = "ab" * 16
    drawn = forms.preview([key, "../../etc/passwd", 5, key.upper()])
    assert [img.src for img in drawn] == [f"/photos/{key}/thumbnail"]
    assert forms.preview("not a list") == [] and forms.preview(None) == []


def test_the_builders_own_copies_of_the_ledgers_figures_agree_with_it():
    assert forms.TEXT_MAX == hazard_work_rules.TEXT_MAX
    assert forms.GRADES == hazard_loop.GRADES
    assert forms.KEY.pattern == photo_files.KEY.pattern


def test_a_step_is_taken_only_by_a_tap():
    """A redraw puts a step's button on the page and Dash calls its callback with n_clicks 0: nothing."""
    for clicks in (None, 0, False, True, "1", -1):
        assert callbacks.take("rectify", clicks, {"school": "s1", "code": "YH-1"}, None) == (no_update, no_update)
    assert set(callbacks.PERMISSION) == set(ids.SEND) == {s for s, *_ in callbacks.STEPS}
    assert re.fullmatch(r"[a-z]+", "".join(ids.SEND))  # the steps are the ledger's names
    assert set(ids.SEND) == set(hazard_loop.ACTIONS) - {"report"} | {"supervise"}
