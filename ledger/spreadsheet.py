"""The one writer of every spreadsheet the product produces, .xlsx and .csv: the hazard ledger
download (ledger/hazard_ledger_xlsx.py), the shift handover (ledger/handover_export.py) and the
lists of `python -m ledger export` (ledger/exchange_files.py). Data in, bytes out; `save` writes a
file.

Every text cell, headers included, goes through `cell_text` (`xlsx_text` in an .xlsx, which also
writes a CR as LF), so every file behaves alike:
(a) It can hold any text the ledger holds: control characters as their pictures
    (ledger/control_chars.py says why), and a text longer than the 32,767 characters an Excel cell
    holds (Excel "repairs" a file with a longer one, dropping its cells) is cut, saying so.
(b) Text that begins like a formula stays text (OWASP, "CSV Injection"): = + - @ TAB CR, and the
    full-width ＝ ＋ － ＠, which an input method types and Excel's Chinese and Japanese versions
    take for the ASCII ones in a formula.
    .xlsx: the cell is a string (never a formula, nor an error value such as "#N/A"), marked
    quotePrefix: Excel's own record of a leading apostrophe typed before the text, so it shows the
    text as written and keeps it text when someone edits the cell. The text itself is unchanged.
    .csv has no cell types: the apostrophe goes into the cell ("'=1+1"), as OWASP says, and every
    field is quoted, so a , or ; inside one cannot start a new cell in a program that splits on
    another separator. `python -m ledger import` takes the apostrophe off again (exchange_files).
(c) Chinese intact: .xlsx is UTF-8 XML; .csv is UTF-8 with a BOM, without which Excel reads the
    file in the local code page (GBK) and shows mojibake.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ledger.control_chars import pictured

MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
DATETIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
WIDEST, NARROWEST = 60, 8  # column widths, in Excel's units of one Latin character


@dataclass(frozen=True)
class Sheet:
    """One table: a title, a header row and rows of values (None, str, bool, int, float, or a naive
    local datetime or date: Excel has no time zones, so the caller says in whose time)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    freeze: str = "A2"  # the cell below and right of what stays in view when scrolling


@dataclass(frozen=True)
class Link:
    """A cell that shows `text` and opens `url` (an http(s) address the product made, never one a
    person typed). In a .csv, where cells cannot link, only the text."""

    text: str
    url: str

    def __post_init__(self) -> None:
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("a spreadsheet link goes to an http(s) address")


def clipped(text: str) -> str:
    """At most MAX_CELL_CHARS, and a cut text says how long it was."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    marker = f"…〔已截断：全文{len(text)}字〕"
    return text[:MAX_CELL_CHARS - len(marker)] + marker


def cell_text(text: str) -> str:
    """Any text, as a cell of either format can hold it: controls pictured, clipped."""
    return clipped(pictured(text))


def xlsx_text(text: str) -> str:
    """Any text as an .xlsx cell holds it: line breaks as LF, Excel's own (an XML reader turns a
    bare CR into LF anyway, so what is written is what is read back), then `cell_text`."""
    return cell_text(text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _width(value: object) -> int:
    if isinstance(value, Link):
        return len(value.text)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("a spreadsheet time is local: convert it to the school's zone and drop the zone")
        return 19
    if isinstance(value, date):
        return 10
    return 0 if value is None else len(str(value))


def _widths(sheet: Sheet) -> list[float]:
    widths = [_width(h) for h in sheet.header]
    for row in sheet.rows:
        for column, value in enumerate(row[:len(widths)]):
            widths[column] = max(widths[column], _width(value))
    # Twice the characters: a Chinese character is two Latin ones wide.
    return [min(WIDEST, max(NARROWEST, 2 * w)) for w in widths]


def _put(sheet, row: int, column: int, value: object):
    if isinstance(value, Link):
        cell = _put(sheet, row, column, value.text)
        cell.hyperlink = value.url
        cell.style = "Hyperlink"  # Excel's own blue, underlined link style
        return cell
    if value is not None and not isinstance(value, (str, bool, int, float, date)):
        value = str(value)
    if isinstance(value, str):
        value = xlsx_text(value)
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes "=…" a formula and "#N/A" an error value
        if formula_like(value):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as one .xlsx, each with a bold header row that stays in view."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    widths = [_widths(table) for table in sheets]  # first, as it also refuses a zoned time
    # A normal workbook, not openpyxl's write-only one: that writes every string inline through a
    # slower serialiser (5,000 ledger rows: 8 s against 5 s here), and these files are a ledger's
    # size, not a log's.
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table, table_widths in zip(sheets, widths):
        sheet = book.create_sheet(table.title)
        for column, header in enumerate(table.header, start=1):
            _put(sheet, 1, column, header).font = bold
        for number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                _put(sheet, number, column, value)
        for column, width in enumerate(table_widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = table.freeze
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_field(value: object) -> str:
    """One value as CSV text: times as the ledger's import reads them, formula-like text marked."""
    if value is None:
        return ""
    if isinstance(value, Link):
        value = value.text
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("a spreadsheet time is local: convert it to the school's zone and drop the zone")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bool, int, float)):
        return str(value)
    text = cell_text(str(value))
    return "'" + text if formula_like(text) else text


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV: UTF-8 with a BOM, every field quoted, CRLF between records."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([csv_field(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow([csv_field(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def save(path: str | Path, sheet: Sheet) -> None:
    """Write the sheet as .xlsx or .csv, by the path's suffix. The file appears whole or not at
    all: written beside it, then renamed, so a failed export never leaves half a list behind."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{path}: a spreadsheet is written as .xlsx or .csv")
    data = xlsx_bytes([sheet]) if suffix == ".xlsx" else csv_bytes(sheet)
    part = path.with_name(f".{path.name}.part")
    try:
        part.write_bytes(data)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
