"""The files of the spreadsheet exchange: reading what people bring to `python -m ledger import`
(.xlsx, .csv) and writing the lists `python -m ledger export` makes (through the product's one
writer, ledger/spreadsheet.py).

A file brought in is untrusted: random bytes named .xlsx, a truncated zip, a zip bomb, a CSV in
GBK, a cell of 200 kB. Whatever is wrong with the file as a whole is one `UnreadableFile` (the
file and what is wrong, one line); a cell too large to take is a `RowError` (row, column, what).
Nothing else escapes from here: no traceback reaches the person importing.

Bounds, each far above a real ledger and far below what would take the machine down:
- MAX_FILE_BYTES 20 MB: a university's whole hazard ledger of several thousand rows is ~2 MB as
  .xlsx and ~5 MB as .csv.
- MAX_UNPACKED_BYTES 200 MB: an .xlsx is a zip; what its parts unpack to (a zip bomb unpacks
  1,000 times its size), checked from the zip's directory before openpyxl opens anything.
- MAX_ROWS 50,000 records; MAX_COLUMNS 200 (the lists have about 20; more are ignored, as any
  unknown column is).
- A cell: at most MAX_CELL_CHARS (32,767, Excel's own limit: no spreadsheet program makes a longer
  one). Each column has its own, smaller, limit in ledger/exchange.py. The csv module stops at a
  field of more than 131,072 characters; the read ends there, and says at which row.
"""
from __future__ import annotations

import csv
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ledger.control_chars import one_line
from ledger.exchange import RowError
from ledger.spreadsheet import FORMULA_START, MAX_CELL_CHARS, Sheet, save

MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
MAX_UNPACKED_BYTES = 200 * MB
MAX_ROWS = 50_000
MAX_COLUMNS = 200
SUFFIXES = (".xlsx", ".csv")


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; `reason` says why, in one line."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {reason}")


@dataclass
class Table:
    """A file's header row and its non-blank records, with their spreadsheet row numbers (the
    header is row 1), and the cells that could not be taken (their rows are left out)."""

    headers: list[str]
    rows: list[tuple[int, dict]]
    errors: list[RowError] = field(default_factory=list)


def read_table(path: str | Path) -> Table:
    """The table in an .xlsx (its first sheet) or a .csv (UTF-8, with or without Excel's BOM)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(path, "只能导入 .xlsx 或 .csv 文件")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UnreadableFile(path, "不是文件")
    except OSError as exc:
        raise UnreadableFile(path, f"无法打开：{exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(path, f"有 {size / MB:.1f} MB，导入的文件至多 {MAX_FILE_BYTES // MB} MB")
    raw = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    return _table(raw)


def _table(raw: list[tuple[int, list]]) -> Table:
    if not raw:
        return Table([], [])
    headers = [str(h).strip() if h is not None else "" for h in raw[0][1][:MAX_COLUMNS]]
    table = Table(headers, [])
    for number, values in raw[1:]:
        oversized = [(i, v) for i, v in enumerate(values) if isinstance(v, str) and len(v) > MAX_CELL_CHARS]
        for i, value in oversized:
            column = (headers[i] if i < len(headers) else "") or f"第{i + 1}列"
            table.errors.append(RowError(number, column, f"有{len(value)}个字，一个单元格至多{MAX_CELL_CHARS}个字"))
        if not oversized:
            table.rows.append((number, {h: v for h, v in zip(headers, values) if h}))
    return table


class _Rows:
    """The header row and the non-blank records as they are read, with their row numbers; refuses
    the file past MAX_ROWS records (blank rows, which a sheet's stated size may pad out to a
    million, are not kept)."""

    def __init__(self, path: Path):
        self.path, self.kept, self.read = path, [], 0

    def add(self, values) -> None:
        self.read += 1
        values = list(values[:MAX_COLUMNS])
        if self.read > 1 and all(v is None or str(v).strip() == "" for v in values):
            return
        if len(self.kept) > MAX_ROWS:
            raise UnreadableFile(self.path, f"超过 {MAX_ROWS} 行，请分成几个文件导入")
        self.kept.append((self.read, values))


def _read_csv(path: Path) -> list[tuple[int, list]]:
    rows = _Rows(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for values in csv.reader(handle):
                rows.add([_unmarked(v) for v in values])
    except UnicodeDecodeError:
        raise UnreadableFile(path, f"第{rows.read + 1}行附近不是 UTF-8 文字：请在 Excel 中另存为"
                                   "“CSV UTF-8（逗号分隔）”后再导入") from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reason = (f"第{rows.read + 1}行有单元格超过 {csv.field_size_limit()} 个字"
                      f"（一个单元格至多{MAX_CELL_CHARS}个字），无法读下去")
        else:
            reason = f"第{rows.read + 1}行不是有效的 CSV：{one_line(str(exc))}"
        raise UnreadableFile(path, reason) from None
    except OSError as exc:
        raise UnreadableFile(path, f"无法读取：{exc.strerror or exc}") from None
    return rows.kept


def _unmarked(value):
    """A cell without the apostrophe the CSV export puts before formula-like text
    (ledger/spreadsheet.py), so export then import gives the text back as it was. Also in an
    .xlsx: that CSV may have been opened in a spreadsheet program and saved as one."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise UnreadableFile(path, "不是有效的 .xlsx 文件（不是 zip 格式：文件已损坏，"
                                   "或是改了后缀的 .xls 等其他文件）") from None
    except OSError as exc:
        raise UnreadableFile(path, f"无法读取：{exc.strerror or exc}") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(path, f"解压后有 {unpacked / MB:.0f} MB，至多 {MAX_UNPACKED_BYTES // MB} MB")


def _read_xlsx(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    _check_zip(path)
    rows = _Rows(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; they do not matter here.
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                if not book.worksheets:
                    raise UnreadableFile(path, "没有工作表")
                for values in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True):
                    rows.add([_unmarked(v) for v in values])
            finally:
                book.close()
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001
        # What openpyxl raises on a damaged workbook is no documented set: zipfile, zlib and XML
        # parser errors, KeyError for a missing part, ValueError and TypeError from bad values.
        # Whatever it is, the file cannot be read, and the person importing is told so in one line.
        reason = f"{type(exc).__name__}: {one_line(str(exc), 120)}"
        raise UnreadableFile(path, f"不是有效的 .xlsx 文件：{reason}") from None
    return rows.kept


def write_table(path: str | Path, headers: tuple[str, ...], records: list[dict], title: str) -> None:
    """The records, by header, as an .xlsx or .csv (by the suffix) through the one writer."""
    save(path, Sheet(title, headers, [[record.get(h) for h in headers] for record in records]))
