"""The hazard ledger and risk register pages, pure: reading filters from a URL, the grid's rows,
the download address, a hazard's record with typed text kept as text, the Excel cells, the
annual review's words; no services."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from dashboard.pages.lead_hazards import view as lh
from dashboard.pages.lead_risks import view as lr
from layouts.lead_ledger_text import TEXT
from ledger.exchange import HAZARD_COLUMNS
from ledger.hazard_ledger_xlsx import COLUMNS, ledger_workbook
from queries.ledger.hazards import HazardFilter
from queries.ledger.lead_hazards import LedgerRow, filter_query, ledger_filter
from queries.ledger.lead_risks import NO_UNIT, RiskFilter, RiskRow, due_on, risk_filter
from tests.dashboard.lead_support import component_texts as _texts

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # 10:00 at the school
XSS = '<img src=x onerror="window.__xss = 1">'


def row(**changes) -> LedgerRow:
    base = dict(id=1, code="H-1", title="通风橱失效", description="", grade="ordinary", stage="rectifying",
                building="chem", building_zh="化学楼", building_en="Chemistry", zone_zh="三楼",
                found_at=NOW - timedelta(days=5),
                found_by="张三", source="self_inspection", measures="", emergency_measures="",
                deadline=NOW - timedelta(days=2, hours=3), unit="s/u01", unit_zh="化学院", unit_en=None,
                person="李四", recheck_result=None, listed_supervision=False, supervised_by=None, closed_at=None)
    return LedgerRow(**{**base, **changes})


@pytest.mark.parametrize("query, expected", [
    ({}, HazardFilter()),
    ({"stage": "rectifying", "grade": "major", "overdue": "1"},
     HazardFilter(stage="rectifying", grade="major", overdue=True)),
    ({"overdue": "0", "unit": "s/u01", "building": "chem"}, HazardFilter(unit="s/u01", overdue=False, building="chem")),
    ({"overdue": "yes"}, HazardFilter(overdue=True)), ({"overdue": "否"}, HazardFilter(overdue=False)),
    # A stale or hand-typed value is no filter: the whole ledger, never an error page.
    ({"stage": "done", "grade": "huge", "overdue": "maybe", "unit": " ", "building": ""}, HazardFilter()),
    ({"stage": ["notified", "accepted"]}, HazardFilter(stage="notified")),  # a repeated key: the first
    ({"unit": "u" * 200}, HazardFilter()),
])
def test_filters_are_read_forgivingly_from_the_url(query, expected):
    assert ledger_filter(query) == expected


def test_a_filter_survives_the_round_trip_through_a_link():
    for filters in (HazardFilter(), HazardFilter(stage="feedback", grade="ordinary", unit="s/u01", overdue=False,
                                                 building="b-1"), HazardFilter(overdue=True)):
        assert ledger_filter(filter_query(filters)) == filters


def test_the_download_link_carries_the_school_the_filter_and_the_language():
    query = filter_query(HazardFilter(stage="notified", unit="demo-univ/u01", overdue=True))
    href = lh.download_href("demo-univ", query, "en")
    parts = urlsplit(href)
    assert parts.path == "/lead/hazards.xlsx"
    query = parse_qs(parts.query)
    assert query == {"school": ["demo-univ"], "stage": ["notified"], "unit": ["demo-univ/u01"], "overdue": ["1"],
                     "lang": ["en"]}
    assert ledger_filter({k: v[0] for k, v in query.items()}) == HazardFilter(stage="notified", unit="demo-univ/u01",
                                                                               overdue=True)
    assert "lang" not in lh.download_href("s", filter_query(HazardFilter()), "zh")


@pytest.mark.parametrize("changes, expected", [
    ({}, 3),  # 2 days 3 hours late: the started day counts
    ({"deadline": NOW - timedelta(minutes=5)}, 1),
    ({"deadline": NOW + timedelta(hours=1)}, None),
    ({"deadline": None}, None),
    ({"stage": "accepted", "closed_at": NOW}, None),  # closed late is not overdue now
])
def test_days_overdue(changes, expected):
    assert row(**changes).days_overdue(NOW) == expected


def test_a_grid_row_in_either_language():
    zh = lh.grid_row("zh", row(grade="major", listed_supervision=True), now=NOW, tz=TZ)
    assert zh["grade"] == "重大隐患" and zh["major"] is True and zh["stage"] == "整改中"
    assert zh["place"] == "化学楼 · 三楼" and zh["listed"] == "是" and zh["overdue_days"] == 3
    assert zh["deadline"] == (NOW - timedelta(days=2, hours=3)).astimezone(TZ).strftime("%Y-%m-%d %H:%M")
    en = lh.grid_row("en", row(), now=NOW, tz=TZ)
    assert en["grade"] == "Ordinary" and en["stage"] == "Rectifying" and en["place"] == "Chemistry · 三楼"
    assert en["unit"] == "化学院"  # a unit without an English name keeps its Chinese one


def test_the_grid_keeps_the_ledgers_order():
    grid = lh.grid("zh", [])
    assert grid.defaultColDef["sortable"] is False  # a header tap must not reorder it away from the download
    assert grid.getRowId == "params.data.code"
    assert [c["field"] for c in grid.columnDefs][:2] == ["code", "title"]
    assert not any("cellRenderer" in c for c in grid.columnDefs)  # cells are text


def test_count_line_says_when_the_grid_is_cut():
    assert lh.count_line("zh", 12, 12) == "共 12 条"
    assert "500" in lh.count_line("en", 900, 500) and "900" in lh.count_line("en", 900, 500)


def test_filter_options_offer_a_code_from_the_url_that_no_hazard_names():
    choices = {"units": [{"code": "s/u01", "name_zh": "化学院", "name_en": None}], "buildings": []}
    options = lh.filter_options("zh", choices, filter_query(HazardFilter(unit="s/u09", building="b-x")))
    assert [o["value"] for o in options[lh.F_UNIT]] == ["", "s/u01", "s/u09"]
    assert [o["value"] for o in options[lh.F_BUILDING]] == ["", "b-x"]
    assert [o["value"] for o in options[lh.F_STAGE]][1:] == ["reported", "notified", "rectifying", "feedback",
                                                             "accepted"]
    assert lh.filter_values(filter_query(HazardFilter(overdue=False))) == {
        lh.F_STAGE: "", lh.F_GRADE: "", lh.F_UNIT: "", lh.F_OVERDUE: "0", lh.F_BUILDING: ""}


def test_the_record_shows_every_step_comment_and_refusal_with_typed_text_as_text():
    record = {
        "hazard": row(description=XSS, measures="**加装**", recheck_result=None),
        "steps": [{"action": "report", "from_stage": None, "to_stage": "reported", "by": "张三",
                   "at": NOW - timedelta(days=5), "note": XSS},
                  {"action": "notify", "from_stage": "reported", "to_stage": "notified", "by": None,
                   "at": NOW - timedelta(days=4), "note": ""}],
        "comments": [{"by": "值班员", "at": NOW, "text": "<b>请尽快</b>"}],
        "violations": [{"action": "accept", "stage": "rectifying", "by": "王五", "at": NOW, "reason": "not allowed"}],
    }
    texts = _texts(lh.record_panel("zh", record, tz=TZ, now=NOW))
    assert XSS in texts and "**加装**" in texts and "<b>请尽快</b>" in texts  # as typed, as strings
    assert "上报隐患（— → 已上报）" in texts and "下发整改通知（已上报 → 已下发整改通知）" in texts
    assert "未记录" in texts  # a step without a person says so
    assert any("验收销号" in t and "not allowed" in t for t in texts)
    assert any("已逾期 3 天" in t for t in texts)
    assert _texts(lh.record_panel("en", None, tz=TZ, now=NOW)) == ["This hazard is not in the school's ledger"]


def test_every_text_has_both_languages():
    assert set(TEXT["zh"]) == set(TEXT["en"])


def test_the_workbook_has_the_ledgers_columns_and_keeps_formula_like_text_as_text():
    rows = [row(code="H-2", title="=HYPERLINK(\"http://evil\")", measures="+1 加装", person="@人"),
            row(code="H-1", grade="major", listed_supervision=True, supervised_by="演示区教育局", stage="accepted",
                closed_at=NOW - timedelta(days=1), deadline=NOW - timedelta(days=3))]
    sheet = load_workbook(BytesIO(ledger_workbook(rows, lang="zh", tz=TZ, now=NOW))).active
    header = [c.value for c in sheet[1]]
    assert header == list(COLUMNS) and header[1:-2] == list(HAZARD_COLUMNS)  # the exchange's columns, importable
    got = [dict(zip(header, (c.value for c in line))) for line in sheet.iter_rows(min_row=2)]
    assert [g["隐患编号"] for g in got] == ["H-2", "H-1"] and [g["序号"] for g in got] == [1, 2]
    assert got[0]["隐患名称"] == "=HYPERLINK(\"http://evil\")" and sheet["C2"].data_type == "s"
    assert got[0]["整改措施"] == "+1 加装" and got[0]["责任人"] == "@人"
    assert got[0]["逾期天数"] == 3 and got[1]["逾期天数"] is None
    assert got[1]["隐患等级"] == "重大隐患" and got[1]["挂牌督办"] == "是" and got[1]["当前环节"] == "已验收销号"
    assert got[1]["销号时间"] == (NOW - timedelta(days=1)).astimezone(TZ).replace(tzinfo=None)
    english = load_workbook(BytesIO(ledger_workbook(rows, lang="en", tz=TZ, now=NOW))).active
    assert [c.value for c in english[1]][:3] == ["No.", "Code", "Hazard"]
    assert english.cell(row=3, column=5).value == "Major"


def test_each_hazards_photos_are_counted_and_linked_to_the_first():
    rows = [row(id=1, code="H-1"), row(id=2, code="H-2")]
    url = "https://anquan.example.edu.cn/photos/{}".format
    data = ledger_workbook(rows, lang="zh", tz=TZ, now=NOW, photos={2: (3, "ab" * 16)}, photo_url=url)
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.cell(row=1, column=len(COLUMNS)).value == "照片"
    none, three = sheet.cell(row=2, column=len(COLUMNS)), sheet.cell(row=3, column=len(COLUMNS))
    assert (none.value, none.hyperlink) == (0, None)
    assert three.value == "3 张" and three.hyperlink.target == url("ab" * 16)
    english = load_workbook(BytesIO(ledger_workbook(rows, lang="en", tz=TZ, now=NOW, photos={1: (1, "cd" * 16)},
                                                    photo_url=url))).active
    assert english.cell(row=2, column=len(COLUMNS)).value == "1 photo(s)"
    assert english.cell(row=1, column=len(COLUMNS)).value == "Photos"
    from ledger.spreadsheet import Link, csv_field
    assert csv_field(Link("3 张", url("x"))) == "3 张"
    with pytest.raises(ValueError):  # a link goes to an address the product made, never javascript: or file:
        Link("x", "javascript:alert(1)")


def test_risk_filters_and_review_words():
    assert risk_filter({"colour": "red", "unit": "s/u01"}) == RiskFilter("red", "s/u01")
    assert risk_filter({"colour": "purple", "unit": ""}) == RiskFilter()
    assert risk_filter({"unit": NO_UNIT}).unit == NO_UNIT
    today = date(2026, 11, 24)
    assert lr.review_status("zh", date(2026, 11, 20), today) == ("逾期 4 天", "late")
    assert lr.review_status("en", today, today) == ("due today", "soon")
    assert lr.review_status("en", date(2026, 12, 3), today) == ("due in 9 d", "soon")


def test_colour_totals_add_up_the_units():
    units = [{"unit": "a", "name_zh": "甲", "name_en": None, "red": 1, "orange": 0, "yellow": 2, "blue": 3},
             {"unit": None, "name_zh": None, "name_en": None, "red": 0, "orange": 1, "yellow": 0, "blue": 1}]
    assert lr.colour_totals(units) == {"red": 1, "orange": 1, "yellow": 2, "blue": 4}
    table = lr.unit_table("zh", units, lambda **q: "/lead/risks?" + "&".join(f"{k}={v}" for k, v in q.items() if v),
                          no_unit=NO_UNIT)
    assert "未指定单位" in _texts(table)


def test_the_review_table_orders_as_given_and_says_how_late():
    point = RiskRow("RP-1", XSS, "major", "red", 720.0, "LEC", None, None, None, "楼", None, "人", "school",
                    date(2025, 11, 1))
    table = lr.reviews_table("zh", [(point, due_on(point, 365))], today=date(2026, 11, 24), total=1)
    [row] = _grid_rows(table, lr.DUE_GRID)
    texts = list(row.values())
    assert XSS in texts and "2026-11-01" in texts and "逾期 23 天" in texts and row["tone"] == "late"
    assert _texts(table) == []  # every review is a grid row, not a component of its own
    # A cut list says how many are left out.
    cut = lr.reviews_table("en", [(point, due_on(point, 365))], today=date(2026, 11, 24), total=7)
    assert len(_grid_rows(cut, lr.DUE_GRID)) == 1 and any("7" in t for t in _texts(cut))


def test_the_risk_list_is_a_grid_of_plain_rows_in_the_order_given():
    points = [RiskRow(f"RP-{n}", XSS if n == 2 else f"点{n}", "major", colour, 720.0 - n, "LEC", None, None, None,
                      "楼", None, None, "school", date(2026, 1, n)) for n, colour in ((1, "red"), (2, "blue"))]
    grid = lr.risk_table("en", points)
    rows = _grid_rows(grid, lr.GRID)
    assert [r["code"] for r in rows] == ["RP-1", "RP-2"]
    assert rows[1]["name"] == XSS and rows[1]["level"] == "Low" and rows[0]["level"] != "Low"
    assert rows[0]["person"] == "—" and rows[0]["reviewed"] == "2026-01-01"
    assert all(isinstance(v, (str, int, float)) for r in rows for v in r.values())  # text, never components
    assert [c["headerName"] for c in grid.columnDefs][:3] == ["Code", "Risk point", "Level"]


def _grid_rows(component, grid_id: str) -> list[dict]:
    """The rowData of the AG Grid `grid_id` inside `component`."""
    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                found = walk(child)
                if found is not None:
                    return found
        elif getattr(node, "id", None) == grid_id:
            return node.rowData
        elif node is not None and hasattr(node, "children"):
            return walk(node.children)
        return None
    found = walk(component)
    assert found is not None, f"no grid {grid_id}"
    return found


def test_the_kernel_names_the_ledger_s_grades_and_colours():
    """The builders take hazard grades and risk colours from the kernel: the ledger's own must match."""
    from kernel.catalogue import HAZARD_GRADES, HAZARD_STAGES, RISK_COLOURS
    from ledger import grading, hazard_loop
    from queries.ledger.lead_risks import COLOURS

    assert HAZARD_GRADES == hazard_loop.GRADES and HAZARD_STAGES == hazard_loop.STAGES
    assert RISK_COLOURS == COLOURS == tuple(grading.COLOUR_OF_LEVEL.values())
