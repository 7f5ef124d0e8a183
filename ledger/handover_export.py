"""The shift handover report as an Excel workbook (.xlsx) with Chinese headers.

Sheets: 概况 (the summary, figures as numbers, times in seconds), 交班时未处置报警, 隐患环节变更,
本班处理的报警, 值班意见, 本班升级记录. Times are the school's local time (Excel has no zones; the
summary names the zone). Written by the product's one spreadsheet writer (ledger/spreadsheet.py):
text people typed stays text, whatever it begins with or holds.
"""
from __future__ import annotations

from datetime import datetime

from kernel.names import language
from ledger.handover_view import TABLES, TEXT, shift_title, summary_rows, table_columns
from ledger.oncall import duty_line
from ledger.spreadsheet import Sheet, xlsx_bytes

ZONE_LABEL = {"zh": "时区", "en": "Time zone"}
SHIFT_LABEL = {"zh": "班次", "en": "Shift"}


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # already the school's local time
    return value


def handover_sheets(report: dict, *, lang: str | None = "zh", zone: str = "") -> list[Sheet]:
    """The report as sheets: the summary, then one per table; headers in `lang` (zh by default)."""
    lang = language(lang)
    t = TEXT[lang]
    lines = [(SHIFT_LABEL[lang], shift_title(report, lang)), (ZONE_LABEL[lang], zone or None),
             (t["on_call"], duty_line(report.get("on_call") or [], lang))]
    lines += [(row.label + (t["seconds_unit"] if row.seconds else ""), row.value)
              for row in summary_rows(report, lang)]
    sheets = [Sheet(t["summary"], (t["item"], t["value"]), [(label, _value(value)) for label, value in lines])]
    columns = table_columns(lang)
    for key in TABLES:
        header = [c.header + (t["seconds_unit"] if c.seconds else "") for c in columns[key]]
        rows = []
        for row in report.get(key, []):  # a report built before cards were used has none
            cells = []
            for column in columns[key]:
                raw = column.value(row)
                # Names (severity, state, stage) as people read them; figures and times as values.
                shown = raw if raw is None or isinstance(raw, (int, float, datetime)) else column.show(raw)
                cells.append(_value(shown))
            rows.append(cells)
        sheets.append(Sheet(t[key], header, rows))
    return sheets


def handover_workbook(report: dict, *, lang: str | None = "zh", zone: str = "") -> bytes:
    """The report as .xlsx bytes; headers in `lang` (zh by default)."""
    return xlsx_bytes(handover_sheets(report, lang=lang, zone=zone))
