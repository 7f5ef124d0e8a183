"""The handover report as people read it (page rows, zh and en) and as an Excel download. Pure."""
from __future__ import annotations

import zipfile
from io import BytesIO

from openpyxl import load_workbook

from ledger.handover import CommentRow, EscalationRow, HazardStepRow, build_report
from ledger.handover_export import handover_workbook
from ledger.handover_view import duration_text, handover_view
from tests.ledger.test_handover import NIGHT, TZ, alert, at

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", "=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0"]


def sample():
    return build_report(
        shift=NIGHT,
        alerts=[alert("A-open", 600, severity="critical"),
                alert("A-done", 10, ack=12, dispatch=15, resolve=70, outcome="false_alarm"),
                alert("A-ack", 20, ack=21)],
        escalations=[EscalationRow("A-open", 1, at(601))],
        hazard_steps=[HazardStepRow("H-1", "通风橱失效", "major", "notify", "reported", "notified", FORMULAS[0],
                                    at(30), note=FORMULAS[1]),
                      HazardStepRow("H-2", "灭火器过期", "ordinary", "report", None, "reported", "李四", at(31))],
        comments=[CommentRow("H-1", "通风橱失效", "值班员甲", at(40), text) for text in FORMULAS],
        tz=TZ)


def test_duration_text():
    assert [duration_text(s, "zh") for s in (0, 45, 60, 125, 3725, 90000, None)] == [
        "0秒", "45秒", "1分", "2分5秒", "1小时2分", "1天1小时", "—"]
    assert duration_text(3725, "en") == "1 h 2 min"


def test_view_in_chinese_by_default():
    view = handover_view(sample())
    assert view["title"] == "交接班报告"
    assert view["shift"] == "夜班 2026-11-24 20:00 至 2026-11-25 08:00"
    summary = {row["label"]: row["value"] for row in view["summary"]}
    assert summary["本班新增报警"] == "3"
    assert summary["新增报警：特别严重"] == "1"
    assert summary["平均确认用时"] == "1分30秒"  # A-done after 2 min, A-ack after 1 min
    assert summary["交班时未处置报警"] == "2"
    assert summary["其中误报"] == "1"
    tables = {t["key"]: t for t in view["tables"]}
    open_alerts = tables["open_at_end"]
    assert open_alerts["columns"][:3] == ["级别", "类型", "领域"]
    assert [row[-1] for row in open_alerts["rows"]] == ["A-ack", "A-open"]  # oldest first
    assert open_alerts["rows"][1][0] == "特别严重" and open_alerts["rows"][1][7] == "第1级"
    assert open_alerts["rows"][0][5] == "已确认"
    changes = tables["hazard_changes"]["rows"]
    assert changes[0][5] == "已上报 → 已下发整改通知"
    assert changes[1][5] == "新上报 → 已上报"


def test_view_in_english():
    view = handover_view(sample(), "en")
    assert view["shift"].startswith("Night shift 2026-11-24 20:00")
    tables = {t["key"]: t for t in view["tables"]}
    assert tables["handled_alerts"]["rows"][0][-1] == "False alarm"
    assert tables["open_at_end"]["rows"][1][0] == "Critical"


def test_user_text_stays_as_typed_in_the_view():
    view = handover_view(sample())
    comments = {t["key"]: t for t in view["tables"]}["comments"]["rows"]
    assert [row[-1] for row in comments] == FORMULAS


def test_workbook_opens_and_holds_the_figures():
    book = load_workbook(BytesIO(handover_workbook(sample(), zone="Asia/Shanghai")))
    assert book.sheetnames == ["概况", "交班时未处置报警", "隐患环节变更", "本班处理的报警", "值班意见", "本班升级记录",
                               "本班使用的处置卡"]
    summary = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["本班新增报警"] == 3
    assert summary["平均确认用时（秒）"] == 90
    assert summary["处置用时（90%在此之内）（秒）"] == 3600
    assert summary["时区"] == "Asia/Shanghai"
    assert summary["班次"] == "夜班 2026-11-24 20:00 至 2026-11-25 08:00"
    open_rows = list(book["交班时未处置报警"].iter_rows(values_only=True))
    assert open_rows[0][:3] == ("级别", "类型", "领域")
    assert open_rows[0][6] == "已等待（秒）"
    assert [r[-1] for r in open_rows[1:]] == ["A-ack", "A-open"]
    assert open_rows[2][0] == "特别严重" and open_rows[2][7] == 1 and open_rows[2][6] == 120 * 60
    assert open_rows[1][4].isoformat() == "2026-11-24T20:20:00"  # school time, as Excel has no zones
    handled = list(book["本班处理的报警"].iter_rows(values_only=True))
    assert [r[0] for r in handled[1:]] == ["A-done", "A-ack"]
    assert handled[1][-1] == "误报"


def test_formula_like_text_is_written_as_text_not_as_a_formula():
    data = handover_workbook(sample())
    book = load_workbook(BytesIO(data))
    sheet = book["值班意见"]
    cells = [row[4] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == FORMULAS
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    changes = book["隐患环节变更"]
    assert changes.cell(row=2, column=7).value == FORMULAS[0] and changes.cell(row=2, column=7).data_type == "s"
    # The file itself holds no formula anywhere: no <f> element in any sheet.
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_english_workbook_headers():
    book = load_workbook(BytesIO(handover_workbook(sample(), lang="en")))
    assert book.sheetnames[0] == "Summary"
    assert next(book["Summary"].iter_rows(values_only=True)) == ("Item", "Value")
