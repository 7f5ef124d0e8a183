"""The phone report's pure parts: the checks of what POST /m/report/send receives
(dashboard/phone_report_form.py) and the page's builders (view.py). No services."""
from __future__ import annotations

import json

import pytest

from dashboard import phone_report_form as form
from dashboard.pages.phone_report import ids
from dashboard.pages.phone_report.text import SCRIPT, TEXT
from dashboard.pages.phone_report.view import DraftStart, ReportStart, body, form_data
from layouts.phone_view import PhoneView
from queries.ledger.report_places import BuildingPlace, Named, PointPlace, SchoolPlaces
from tests.dashboard.lead_support import component_props, component_texts

ONE = frozenset({"s1"})
GOOD = {"client_key": "0f3a9c2e-5b7d-4e1a-9c3f-2d8e6b1a7c40", "building": "lab", "zone": "3F",
        "description": "水槽漏水"}


def parse(body, readable=ONE, mimetype="application/json"):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return form.parse(raw, mimetype, readable)


def test_a_good_report_is_taken_with_the_persons_only_school():
    sent = parse(GOOD)
    assert (sent.school, sent.building, sent.zone, sent.point, sent.grade, sent.photos, sent.draft) == (
        "s1", "lab", "3F", None, "ordinary", (), None)
    scanned = parse({**GOOD, "building": None, "zone": None, "point": "RP-1", "grade": "major",
                     "photos": ["a" * 32, "a" * 32], "draft": 12})
    assert (scanned.point, scanned.grade, scanned.photos, scanned.draft) == ("RP-1", "major", ("a" * 32,), 12)
    # Free text is kept as the ledger keeps it: line breaks as LF, other controls dropped.
    assert parse({**GOOD, "description": "插座\x1b[31m冒烟\r\n二楼"}).description == "插座[31m冒烟\n二楼"


@pytest.mark.parametrize("change, readable, status, words", [
    ({"school": "s2"}, ONE, 403, "outside your scope"),
    ({"school": "s1/../s2"}, ONE, 400, "malformed"),
    ({"school": 7}, ONE, 400, "malformed"),
    ({}, frozenset({"s1", "s2"}), 400, "choose the school"),  # reading several: the school is named
    ({}, None, 400, "choose the school"),  # every school
    ({"client_key": "short"}, ONE, 400, "form key"),
    ({"client_key": None}, ONE, 400, "form key"),
    ({"building": "lab\x1b[2J"}, ONE, 400, "control characters"),
    ({"zone": "3F\u0085"}, ONE, 400, "control characters"),
    ({"point": "P" * 65}, ONE, 400, "at most 64"),
    ({"building": None, "zone": None}, ONE, 400, "choose the place"),
    ({"description": ""}, ONE, 400, "description"),
    ({"description": ["not", "text"]}, ONE, 400, "text"),
    ({"description": "长" * 2001}, ONE, 400, "2000"),
    ({"grade": "huge"}, ONE, 400, "grade"),
    ({"photos": ["x"]}, ONE, 400, "32 hex"),
    ({"photos": [f"{i:032x}" for i in range(10)]}, ONE, 400, "at most 9"),
    ({"draft": True}, ONE, 400, "item"),
    ({"draft": 0}, ONE, 400, "item"),
    ({"draft": 2**31}, ONE, 400, "item"),
    ({"draft": "12"}, ONE, 400, "item"),
    ({"by": "somebody"}, ONE, 400, "unknown field"),
])
def test_every_field_is_checked_with_a_refusal_in_both_languages(change, readable, status, words):
    with pytest.raises(form.Refused) as refused:
        parse({**GOOD, **change}, readable)
    assert refused.value.status == status and words in refused.value.en and refused.value.zh


@pytest.mark.parametrize("raw, mimetype, status", [
    (b"{not json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"[1, 2]", "application/json", 400),
    (json.dumps(GOOD).encode(), "text/plain", 415),
    (json.dumps({**GOOD, "description": "x" * form.MAX_BODY}).encode(), "application/json", 413),
])
def test_a_body_that_is_no_report_is_refused(raw, mimetype, status):
    with pytest.raises(form.Refused) as refused:
        form.parse(raw, mimetype, ONE)
    assert refused.value.status == status and refused.value.zh


SCHOOL = SchoolPlaces("s1", "第一中学", "No. 1 Middle School", (
    BuildingPlace("lab", "实验楼", "Lab building", (Named("3F", "三层", None),)),
    BuildingPlace("canteen", "食堂", None)))


def view(lang="zh") -> PhoneView:
    return PhoneView(lang, "李老师", "reporter", ("phone_report",), "csrf-token")


def test_the_form_data_carries_the_places_words_and_limits_for_the_script():
    start = ReportStart(7, (SCHOOL,), PointPlace("s1", "RP-1", "燃气<管道>", "lab", "3F"), max_photos=9, max_text=2000)
    data = form_data(view("en"), start)
    assert (data["user"], data["csrf"], data["send"], data["photo"]) == (7, "csrf-token", ids.SEND_PATH, "/photos")
    assert data["hazard"] == "/m/hazards/{school}/{code}?lang=en"
    assert data["schools"] == [{"code": "s1", "name": "No. 1 Middle School", "buildings": [
        {"code": "lab", "name": "Lab building", "zones": [{"code": "3F", "name": "三层"}]},
        {"code": "canteen", "name": "食堂", "zones": []}]}]
    assert data["point"] == {"school": "s1", "code": "RP-1", "name": "燃气<管道>", "building": "lab", "zone": "3F"}
    assert set(data["words"]) == set(SCRIPT) and data["words"]["kept"] == TEXT["en"]["kept"]
    assert form_data(view(), start)["words"]["kept"] == "已保存在本机，联网后自动发送"


def test_the_page_body_says_what_of_the_address_was_not_used():
    draft = DraftStart(5, "s1", "lab", None, None, None, "第 1 项", ("b" * 32,))
    start = ReportStart(7, (SCHOOL,), None, draft, ("point_ignored",))
    shown = body(view(), start)
    assert TEXT["zh"]["point_ignored"] in component_texts(shown)
    [data] = [json.loads(value) for value in component_props(shown, "data-form")]
    assert data["draft"]["photos"] == [{"key": "b" * 32, "thumbnail": f"/photos/{'b' * 32}/thumbnail"}]
    assert data["draft"]["id"] == 5 and data["point"] is None
    reported = ReportStart(7, (SCHOOL,), None, DraftStart(5, "s1", "lab", None, None, None, "x", reported_as="YH-1"))
    texts = component_texts(body(view(), reported))
    assert "这条巡查不合格项已上报为隐患 YH-1" in texts and "/m/hazards/s1/YH-1" in component_props(
        body(view(), reported), "href")
    assert form_data(view(), reported)["draft"] is None  # a reported draft is not filled in again
    assert TEXT["zh"]["no_school"] in component_texts(body(view(), ReportStart(7)))
