"""Risk-point list and hazard ledger as spreadsheets: every bad row reported, nothing imported
when one is bad, export -> import round-trips in .xlsx and .csv."""
from __future__ import annotations

import csv
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from demo.seed import load_demo
from ledger import exchange as ex
from ledger import exchange_db, exchange_files
from ledger.grading import GradingRules
from ledger.models import Hazard, OrgUnit, RiskPoint

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)
NOW = datetime.combine(TODAY, time(10, 0), TZ)
RULES = GradingRules()


def _ctx() -> ex.SchoolContext:
    lab = ex.BuildingRef("science", "实验楼", "u1", {"chem-lab": "chem-lab", "化学实验室": "chem-lab"})
    return ex.SchoolContext({"science": lab, "实验楼": lab}, {"教务处": "u1", "u1": "u1"}, TZ, NOW)


def _risk_row(**cells):
    row = {"风险点编号": "RP-1", "风险点名称": "化学实验室危化品使用", "楼宇": "实验楼", "区域": "化学实验室",
           "评价方法": "LEC", "L": "3", "E": 6, "C": 40.0, "辨识日期": "2025-09-01", "复核日期": "2026/9/1",
           "可能导致的事故类型": "火灾、中毒和窒息", "危险源": "有机溶剂；强酸"}
    row.update(cells)
    return row


def test_a_good_risk_row_is_graded_from_its_factors_and_defaults_filled():
    rows, errors = ex.check_risk_points(list(ex.RISK_POINT_COLUMNS), [(2, _risk_row(风险值=1, 风险等级="低风险"))],
                                        _ctx(), RULES)
    assert errors == []
    (r,) = rows
    assert (r.score, r.level, r.colour, r.control_level) == (720, "major", "red", "school")
    assert (r.building, r.zone, r.unit) == ("science", "chem-lab", "u1")
    assert r.sources == ["有机溶剂", "强酸"] and r.last_reviewed_on == date(2026, 9, 1)


def test_every_bad_risk_row_is_reported_with_row_column_and_a_chinese_message():
    table = [
        (2, _risk_row()),
        (3, _risk_row(风险点编号="RP-2", 楼宇="图书馆")),
        (4, _risk_row(风险点编号="RP-3", 区域="三楼")),
        (5, _risk_row(风险点编号="RP-4", L=4)),
        (6, _risk_row(风险点编号="RP-5", 评价方法="LS", L=3, E=None, C=None, S=7)),
        (7, _risk_row(风险点编号="RP-6", 辨识日期="去年")),
        (8, _risk_row(风险点编号="RP-1")),
        (9, _risk_row(风险点编号="RP-7", 可能导致的事故类型="火灾、外星人入侵", 所属单位="财务处")),
        (10, _risk_row(风险点编号="RP-8", 评价方法="ABC")),
        (11, _risk_row(风险点编号="RP-9", 复核日期="2024-01-01")),
    ]
    rows, errors = ex.check_risk_points(list(ex.RISK_POINT_COLUMNS), table, _ctx(), RULES)
    assert [r.row for r in rows] == [2]
    found = {(e.row, e.column) for e in errors}
    assert found == {(3, "楼宇"), (4, "区域"), (5, "L"), (6, "S"), (7, "辨识日期"), (8, "风险点编号"),
                     (9, "可能导致的事故类型"), (9, "所属单位"), (10, "评价方法"), (11, "复核日期")}
    assert "图书馆" in str(next(e for e in errors if e.row == 3)) and str(errors[0]).startswith("第")


def test_control_characters_in_risk_rows_refused_in_names_cleaned_in_prose_and_lists():
    table = [(2, _risk_row(可能导致的事故类型="火灾\n中毒和窒息", 危险源="有机溶剂\x0b强酸\x07",
                           管控措施="通风\r\n佩戴\x00")),
             (3, _risk_row(风险点编号="RP-2", 风险点名称="危化品\x07使用", 责任人="张\x1b三"))]
    rows, errors = ex.check_risk_points(list(ex.RISK_POINT_COLUMNS), table, _ctx(), RULES)
    (r,) = rows
    assert r.accident_types == ["火灾", "中毒和窒息"] and r.sources == ["有机溶剂", "强酸"]
    assert r.measures == "通风\n佩戴" and r.cleaned == ("危险源", "管控措施")  # a LF alone is kept as it is
    assert {(e.row, e.column) for e in errors} == {(3, "风险点名称"), (3, "责任人")}


def test_missing_headers_are_reported_on_row_one():
    _, errors = ex.check_risk_points(["风险点编号", "风险点名称"], [], _ctx(), RULES)
    assert {(e.row, e.column) for e in errors} == {(1, "楼宇"), (1, "评价方法"), (1, "L"), (1, "辨识日期")}


def _hazard_row(**cells):
    row = {"隐患编号": "HZ-1", "隐患名称": "气瓶未固定", "隐患等级": "一般隐患", "楼宇": "science",
           "发现时间": "2026-11-20 09:30", "当前环节": "整改中", "整改期限": "2026-11-30"}
    row.update(cells)
    return row


def test_hazard_rows_are_checked_cell_by_cell():
    table = [
        (2, _hazard_row()),
        (3, _hazard_row(隐患编号="HZ-2", 隐患等级="特大隐患", 当前环节="已完成")),
        (4, _hazard_row(隐患编号="HZ-3", 挂牌督办="是")),
        (5, _hazard_row(隐患编号="HZ-4", 发现时间="2027-01-01 08:00", 整改期限="昨天")),
        (6, _hazard_row(隐患编号="HZ-5", 销号时间="2026-11-21 10:00")),
    ]
    rows, errors = ex.check_hazards(list(ex.HAZARD_COLUMNS), table, _ctx())
    assert [r.row for r in rows] == [2]
    assert rows[0].deadline == datetime(2026, 11, 30, 23, 59, 59, tzinfo=TZ)  # a bare date: end of that day
    assert {(e.row, e.column) for e in errors} == {(3, "隐患等级"), (3, "当前环节"), (4, "挂牌督办"), (5, "发现时间"),
                                                  (5, "整改期限"), (6, "销号时间")}


def test_a_moment_the_ledger_cannot_store_is_a_cell_error_not_a_failed_import():
    """Year 1 at local midnight is the year before in UTC, which Python does not have: the row passed
    the checks, and storing it raised OverflowError (no row named)."""
    table = [(2, _hazard_row(发现时间="0001-01-01")), (3, _hazard_row(隐患编号="HZ-2", 发现时间=datetime(1, 1, 1))),
             (4, _hazard_row(隐患编号="HZ-3", 发现时间="0001-01-01T00:00:00+14:00")),
             (5, _hazard_row(隐患编号="HZ-4", 整改期限="9999-12-31T23:59-23:59")),
             (6, _hazard_row(隐患编号="HZ-5", 整改期限="9999-12-31"))]  # its end, 9999-12-31 15:59:59 UTC: kept
    rows, errors = ex.check_hazards(list(ex.HAZARD_COLUMNS), table, _ctx())
    assert [r.row for r in rows] == [6]
    assert {(e.row, e.column) for e in errors} == {(2, "发现时间"), (3, "发现时间"), (4, "发现时间"), (5, "整改期限")}


# -- against the database ---------------------------------------------------------------------------
def _demo(session) -> None:
    load_demo(session, today=TODAY, rules=RULES)


LEDGER_SEED = _demo  # the demo loaded once per back-end, copied for each test (tests/databases.py)


@pytest.fixture
def demo(session):
    return session


def _records(path):
    table = exchange_files.read_table(path)
    return table.headers, [{k: ("" if v is None else str(v)) for k, v in cells.items()} for _, cells in table.rows]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_into_an_emptied_school_round_trips(demo, tmp_path, suffix):
    session = demo
    points, hazards = tmp_path / f"rp.{suffix}", tmp_path / f"hz.{suffix}"
    assert exchange_db.export_risk_points(session, "demo-middle", points) == 30
    assert exchange_db.export_hazards(session, "demo-middle", hazards, tz=TZ) == 8
    school = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-middle")).one()
    for hazard in session.scalars(select(Hazard).where(Hazard.school_id == school.id)):
        session.delete(hazard)
    session.flush()
    for point in session.scalars(select(RiskPoint).where(RiskPoint.school_id == school.id)):
        session.delete(point)
    session.commit()

    assert exchange_db.import_risk_points(session, "demo-middle", points, rules=RULES, tz=TZ, now=NOW).created == 30
    assert exchange_db.import_hazards(session, "demo-middle", hazards, tz=TZ, now=NOW).created == 8
    session.commit()
    again_points, again_hazards = tmp_path / f"rp2.{suffix}", tmp_path / f"hz2.{suffix}"
    exchange_db.export_risk_points(session, "demo-middle", again_points)
    exchange_db.export_hazards(session, "demo-middle", again_hazards, tz=TZ)
    assert _records(again_points) == _records(points)
    assert _records(again_hazards) == _records(hazards)
    # Imported hazards carry a history the loop allows, up to their stage.
    for hazard in session.scalars(select(Hazard).where(Hazard.school_id == school.id)):
        assert [t.to_stage for t in hazard.transitions][-1] == hazard.stage
        assert hazard.transitions[0].action == "report" and hazard.transitions[0].at == hazard.found_at


def test_csv_export_has_a_bom_so_excel_reads_chinese(demo, tmp_path):
    path = tmp_path / "rp.csv"
    exchange_db.export_risk_points(demo, "demo-primary", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf\"\xe9\xa3\x8e")  # BOM, then "风 (every field quoted)


def test_one_bad_row_imports_nothing_and_each_bad_row_is_reported(demo, tmp_path):
    session = demo
    path = tmp_path / "rp.csv"
    exchange_db.export_risk_points(session, "demo-primary", path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    headers = rows[0]
    new = dict(zip(headers, rows[1]))
    new.update({"风险点编号": "RP-new-01", "风险点名称": "新增风险点"})
    bad_building = dict(new, 风险点编号="RP-new-02", 楼宇="不存在的楼")
    bad_factor = dict(new, 风险点编号="RP-new-03", 评价方法="LS", L="9", E="", C="", S="2")
    rows[2][headers.index("风险点名称")] = "改过的名称"  # an update that must not be written either
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows(rows)
        for record in (new, bad_building, bad_factor):
            writer.writerow([record[h] for h in headers])
    before = session.scalar(select(func.count()).select_from(RiskPoint))
    with pytest.raises(ex.ImportRejected) as refused:
        exchange_db.import_risk_points(session, "demo-primary", path, rules=RULES, tz=TZ, now=NOW)
    session.rollback()
    n = len(rows)
    assert {(e.row, e.column) for e in refused.value.errors} == {(n + 2, "楼宇"), (n + 3, "L")}
    assert session.scalar(select(func.count()).select_from(RiskPoint)) == before
    assert session.scalar(select(func.count()).select_from(RiskPoint).where(RiskPoint.name == "改过的名称")) == 0


def test_an_import_cannot_move_a_hazard_to_another_stage(demo, tmp_path):
    session = demo
    path = tmp_path / "hz.xlsx"
    exchange_db.export_hazards(session, "demo-primary", path, tz=TZ)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    stage_column = list(ex.HAZARD_COLUMNS).index("当前环节") + 1
    code = sheet.cell(2, 1).value
    stored = session.scalar(select(Hazard.stage).where(Hazard.code == code))
    sheet.cell(2, stage_column).value = "已验收销号" if sheet.cell(2, stage_column).value != "已验收销号" else "整改中"
    sheet.cell(3, 2).value = "新名称"
    book.save(path)
    with pytest.raises(ex.ImportRejected) as refused:
        exchange_db.import_hazards(session, "demo-primary", path, tz=TZ, now=NOW)
    session.rollback()
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "当前环节")]
    assert session.scalar(select(Hazard.stage).where(Hazard.code == code)) == stored
    assert session.scalar(select(func.count()).select_from(Hazard).where(Hazard.title == "新名称")) == 0


def test_a_new_hazard_enters_in_its_stage_with_the_steps_before_it(demo, tmp_path):
    session = demo
    path = tmp_path / "hz.csv"
    record = {"隐患编号": "HZ-2026-001", "隐患名称": "灭火毯缺失", "隐患等级": "重大隐患", "楼宇": "食堂",
              "区域": "后厨操作间", "发现人": "王伟", "发现时间": "2026-11-20 09:30", "当前环节": "已反馈待验收",
              "挂牌督办": "是", "整改措施": "配齐灭火毯", "应急措施": "暂停使用油锅"}
    exchange_files.write_table(path, ex.HAZARD_COLUMNS, [record], "隐患治理清单")
    result = exchange_db.import_hazards(session, "demo-primary", path, tz=TZ, now=NOW, by="保卫处")
    session.commit()
    assert (result.created, result.updated) == (1, 0)
    hazard = session.scalars(select(Hazard).where(Hazard.code == "HZ-2026-001")).one()
    assert hazard.stage == "feedback" and hazard.listed_supervision and hazard.grade == "major"
    assert [(t.action, t.by) for t in hazard.transitions] == [
        ("report", "王伟"), ("notify", "保卫处"), ("rectify", "保卫处"), ("feedback", "保卫处")]
    assert hazard.transitions[-1].at == NOW and hazard.responsible_unit_id is not None


# -- control characters and formulas in files -------------------------------------------------------
def _new_hazard(**cells):
    record = {"隐患编号": "HZ-2026-001", "隐患名称": "灭火毯缺失", "隐患等级": "一般隐患", "楼宇": "食堂",
              "发现时间": "2026-11-20 09:30", "当前环节": "已上报"}
    record.update(cells)
    return record


def _raw_csv(path, records):
    """A CSV as another program writes it: every character as it is, nothing neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ex.HAZARD_COLUMNS)
        for record in records:
            writer.writerow([record.get(h, "") for h in ex.HAZARD_COLUMNS])
    return path


def test_a_control_character_in_a_one_line_field_is_a_row_error_naming_it(demo, tmp_path):
    path = _raw_csv(tmp_path / "bad.csv", [_new_hazard(隐患编号="HZ-X\x00"),
                                           _new_hazard(隐患编号="HZ-Y", 隐患名称="灭火毯\x1b[2J缺失"),
                                           _new_hazard(隐患编号="HZ-Z", 发现人="王\n伟", 隐患等级="一般\x07隐患")])
    with pytest.raises(ex.ImportRejected) as refused:
        exchange_db.import_hazards(demo, "demo-primary", path, tz=TZ, now=NOW)
    demo.rollback()
    errors = refused.value.errors
    assert {(e.row, e.column) for e in errors} == {(2, "隐患编号"), (3, "隐患名称"), (4, "发现人"), (4, "隐患等级")}
    assert "U+0000（NUL）" in str(errors[0]) and "U+001B（ESC）" in str(errors[1])
    # One line each, with nothing in it a terminal obeys.
    assert not any(set(str(e)) & {"\x00", "\x1b", "\x07", "\n"} for e in errors)
    assert demo.scalar(select(func.count()).select_from(Hazard).where(Hazard.code.like("HZ-_"))) == 0


def test_control_characters_in_free_text_are_cleaned_and_the_import_says_where(demo, tmp_path):
    path = _raw_csv(tmp_path / "good.csv", [_new_hazard(隐患描述="第一行\r\n第二行\x0b第三行\x00\x07完",
                                                        整改措施="措施\x0c二\x7f", 应急措施="无控制字符\t对齐")])
    result = exchange_db.import_hazards(demo, "demo-primary", path, tz=TZ, now=NOW)
    demo.commit()
    assert result.created == 1 and result.cleaned == ((2, "隐患描述"), (2, "整改措施"))
    hazard = demo.scalars(select(Hazard).where(Hazard.code == "HZ-2026-001")).one()
    # NUL never reaches PostgreSQL (which refuses it); line breaks of every kind are kept as LF.
    assert (hazard.description, hazard.measures, hazard.emergency_measures) == (
        "第一行\n第二行\n第三行完", "措施\n二", "无控制字符\t对齐")


def test_the_csv_export_marks_formulas_and_the_import_gives_them_back(demo, tmp_path):
    school = demo.scalars(select(OrgUnit).where(OrgUnit.code == "demo-primary")).one()
    hazard = demo.scalars(select(Hazard).where(Hazard.school_id == school.id).order_by(Hazard.code)).first()
    hazard.title, hazard.measures = '=HYPERLINK("http://evil.example","点我")', "@SUM(1)"
    demo.commit()
    first, again = tmp_path / "hz.csv", tmp_path / "hz2.csv"
    exchange_db.export_hazards(demo, "demo-primary", first, tz=TZ)
    text = first.read_bytes().decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""点我"")"' in text and '"\'@SUM(1)"' in text
    exchange_db.import_hazards(demo, "demo-primary", first, tz=TZ, now=NOW)
    demo.commit()
    demo.refresh(hazard)
    assert hazard.title.startswith("=HYPERLINK") and hazard.measures == "@SUM(1)"  # no apostrophe piles up
    exchange_db.export_hazards(demo, "demo-primary", again, tz=TZ)
    assert again.read_bytes() == first.read_bytes()
