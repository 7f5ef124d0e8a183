"""Reading the files people bring to an import, pure: every kind of broken or oversized file is one
`UnreadableFile` naming what is wrong, every oversized cell one row error, and nothing else escapes.
tests/ledger/test_cli.py runs the same files through `python -m ledger import`."""
from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from ledger import exchange as ex
from ledger import exchange_files as files

HEADER = list(ex.HAZARD_COLUMNS)
ROW = {"隐患编号": "HZ-1", "隐患名称": "灭火器过期", "隐患等级": "一般隐患", "发现时间": "2026-11-20 09:30",
       "当前环节": "已上报"}


def write_csv(path: Path, records: list[dict], encoding: str = "utf-8-sig") -> Path:
    """A CSV as another program would write it: no neutralising, control characters as they are."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for record in records:
            writer.writerow([record.get(h, "") for h in HEADER])
    return path


def write_xlsx(path: Path, records: list[dict]) -> Path:
    """An .xlsx straight from openpyxl, bypassing the product's writer (and its limits)."""
    book = Workbook()
    book.active.append(HEADER)
    for record in records:
        book.active.append([record.get(h) for h in HEADER])
    book.save(path)
    return path


def swap_in_zip(path: Path, old: bytes, new: bytes) -> None:
    """Replace bytes inside every part of a zip, as a program other than openpyxl might have written it."""
    with zipfile.ZipFile(path) as archive:
        parts = [(item, archive.read(item)) for item in archive.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item, data in parts:
            archive.writestr(item, data.replace(old, new))


# Each maker writes a broken file into a directory and returns its path; the text its one line says.
def random_bytes(d: Path) -> Path:
    (d / "random.xlsx").write_bytes(os.urandom(4096))
    return d / "random.xlsx"


def truncated_zip(d: Path) -> Path:
    whole = write_xlsx(d / "whole.xlsx", [ROW] * 50).read_bytes()
    (d / "truncated.xlsx").write_bytes(whole[:len(whole) // 2])
    return d / "truncated.xlsx"


def broken_sheet(d: Path) -> Path:
    source = write_xlsx(d / "source.xlsx", [ROW])
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(d / "broken.xlsx", "w") as new:
        for item in old.infolist():
            data = old.read(item)
            cut = b"<worksheet><sheetData><row><c r="
            new.writestr(item, cut if item.filename.endswith("sheet1.xml") else data)
    return d / "broken.xlsx"


def zip_bomb(d: Path) -> Path:
    """250 MB of zeros in a sheet, ~250 kB packed."""
    with zipfile.ZipFile(d / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(250):
                member.write(chunk)
    return d / "bomb.xlsx"


def too_big(d: Path) -> Path:
    with (d / "big.csv").open("wb") as handle:
        handle.truncate(files.MAX_FILE_BYTES + 1)  # sparse: no 20 MB written to the disk
    return d / "big.csv"


def huge_csv_cell(d: Path) -> Path:
    return write_csv(d / "huge-cell.csv", [ROW, dict(ROW, 隐患编号="HZ-2", 隐患描述="长" * 200_000)])


def gbk_csv(d: Path) -> Path:
    return write_csv(d / "gbk.csv", [ROW], encoding="gbk")


def not_a_spreadsheet(d: Path) -> Path:
    (d / "list.txt").write_text("隐患编号\nHZ-1\n", encoding="utf-8")
    return d / "list.txt"


FILE_PROBLEMS = [
    (random_bytes, "不是有效的 .xlsx 文件"), (truncated_zip, "不是有效的 .xlsx 文件"),
    (broken_sheet, "不是有效的 .xlsx 文件"), (zip_bomb, "解压后有 250 MB"), (too_big, "至多 20 MB"),
    (huge_csv_cell, "第3行有单元格超过 131072 个字"), (gbk_csv, "不是 UTF-8"), (not_a_spreadsheet, "只能导入"),
]


@pytest.mark.parametrize(("make", "says"), FILE_PROBLEMS, ids=[m.__name__ for m, _ in FILE_PROBLEMS])
def test_a_file_that_cannot_be_read_is_one_problem_naming_it(tmp_path, make, says):
    path = make(tmp_path)
    with pytest.raises(files.UnreadableFile) as refused:
        files.read_table(path)
    assert refused.value.path == path and says in refused.value.reason
    assert "\n" not in str(refused.value) and str(refused.value).startswith(f"{path}: ")


def test_a_missing_file_and_a_directory_are_unreadable(tmp_path):
    for path, says in ((tmp_path / "none.csv", "无法打开"), (tmp_path / "folder.xlsx", "不是文件")):
        if says == "不是文件":
            path.mkdir()
        with pytest.raises(files.UnreadableFile, match=says):
            files.read_table(path)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_cell_longer_than_excel_allows_is_a_row_error_and_the_other_rows_are_read(tmp_path, suffix):
    records = [ROW, dict(ROW, 隐患编号="HZ-2", 隐患描述="长" * 40_000), dict(ROW, 隐患编号="HZ-3")]
    if suffix == "xlsx":
        records[1]["隐患名称"] = "LONG-NAME"  # made 200 k below: openpyxl cuts what it writes at 32,767
    path = (write_csv if suffix == "csv" else write_xlsx)(tmp_path / f"long.{suffix}", records)
    if suffix == "xlsx":
        swap_in_zip(path, b"LONG-NAME", ("名" * 200_000).encode())
    table = files.read_table(path)
    assert [number for number, _ in table.rows] == [2, 4]
    # (openpyxl cut the description at 32,767 when writing the .xlsx, so there only the name is too long.)
    expected = {(3, "隐患名称")} if suffix == "xlsx" else {(3, "隐患描述")}
    assert {(e.row, e.column) for e in table.errors} == expected
    assert all("一个单元格至多32767个字" in e.message for e in table.errors)


def test_too_many_rows_are_refused_but_blank_rows_do_not_count(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 3)  # the bound's logic, not 50,000 rows
    blank = {h: "" for h in HEADER}
    path = write_csv(tmp_path / "rows.csv", [ROW, blank, blank, blank, blank, ROW, ROW])
    assert [n for n, _ in files.read_table(path).rows] == [2, 7, 8]
    write_csv(path, [ROW] * 4)
    with pytest.raises(files.UnreadableFile, match="超过 3 行"):
        files.read_table(path)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_the_csv_exports_apostrophe_before_a_formula_is_taken_off(tmp_path, suffix):
    record = dict(ROW, 隐患名称="'=1+1", 隐患描述="'abc", 整改措施="'＠x")
    path = (write_csv if suffix == "csv" else write_xlsx)(tmp_path / f"f.{suffix}", [record])
    (_, cells), = files.read_table(path).rows
    assert (cells["隐患名称"], cells["隐患描述"], cells["整改措施"]) == ("=1+1", "'abc", "＠x")


def test_control_characters_in_a_file_are_read_as_they_are(tmp_path):
    """Reading keeps them; the checks (ledger/exchange.py) refuse or clean them by the column."""
    path = write_csv(tmp_path / "c.csv", [dict(ROW, 隐患名称="名\x00\x1b", 隐患描述="述\x07")])
    (_, cells), = files.read_table(path).rows
    assert cells["隐患名称"] == "名\x00\x1b" and cells["隐患描述"] == "述\x07"


def test_a_lone_surrogate_cannot_come_in_through_a_csv(tmp_path):
    """UTF-8 has no encoding for one (ED A0 80 is what a careless encoder writes): not UTF-8."""
    path = write_csv(tmp_path / "s.csv", [dict(ROW, 隐患名称="LONE")])
    path.write_bytes(path.read_bytes().replace(b"LONE", b"\xed\xa0\x80"))
    with pytest.raises(files.UnreadableFile, match="不是 UTF-8"):
        files.read_table(path)
