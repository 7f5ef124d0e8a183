"""The shift handover report as an Excel workbook (.xlsx, openpyxl) with Chinese headers.

Sheets: 概况 (the summary, figures as numbers, times in seconds), 交班时未处置报警, 隐患环节变更,
本班处理的报警, 值班意见, 本班升级记录. Times are the school's local time (Excel has no zones; the
summary names the zone). Text people typed is written as text: a note that begins with = + - @
is never stored as a formula, and is marked so Excel keeps it text when someone edits the cell.
"""
from __future__ import annotations

from datetime import datetime
from io import BytesIO

from layouts.i18n import language
from ledger.handover_view import TABLES, TEXT, shift_title, summary_rows, table_columns

# What spreadsheet programs take as the start of a formula (or of a DDE call) in a typed cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ZONE_LABEL = {"zh": "时区", "en": "Time zone"}
SHIFT_LABEL = {"zh": "班次", "en": "Shift"}


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # already the school's local time
    return value


def _put(sheet, row: int, column: int, value: object):
    cell = sheet.cell(row=row, column=column)
    value = _value(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        # openpyxl stores a str beginning with "=" as a formula; set the type back to a string,
        # and quotePrefix keeps it text in Excel if the cell is ever edited and re-entered.
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell


def _fit(sheet) -> None:
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 2))


def handover_workbook(report: dict, *, lang: str | None = "zh", zone: str = "") -> bytes:
    """The report as .xlsx bytes; headers in `lang` (zh by default)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = language(lang)
    t = TEXT[lang]
    book = Workbook()
    summary = book.active
    summary.title = t["summary"]
    for column, header in enumerate((t["item"], t["value"]), start=1):
        _put(summary, 1, column, header).font = Font(bold=True)
    lines = [(SHIFT_LABEL[lang], shift_title(report, lang)), (ZONE_LABEL[lang], zone or None)]
    lines += [(row.label + (t["seconds_unit"] if row.seconds else ""), row.value) for row in summary_rows(report, lang)]
    for number, (label, value) in enumerate(lines, start=2):
        _put(summary, number, 1, label)
        _put(summary, number, 2, value)
    _fit(summary)
    summary.freeze_panes = "A2"

    columns = table_columns(lang)
    for key in TABLES:
        sheet = book.create_sheet(t[key])
        for number, column in enumerate(columns[key], start=1):
            header = column.header + (t["seconds_unit"] if column.seconds else "")
            _put(sheet, 1, number, header).font = Font(bold=True)
        for row_number, row in enumerate(report[key], start=2):
            for number, column in enumerate(columns[key], start=1):
                raw = column.value(row)
                # Names (severity, state, stage) as people read them; figures and times as values.
                shown = raw if raw is None or isinstance(raw, (int, float, datetime)) else column.show(raw)
                _put(sheet, row_number, number, shown)
        _fit(sheet)
        sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
