"""Risk-point sheets for the import tests: good rows for the school of register_support, and bad ones."""
from __future__ import annotations

import csv
import io

from ledger import exchange as ex


def risk_row(code: str, **cells) -> dict:
    row = {"风险点编号": code, "风险点名称": f"化学实验室 {code}", "楼宇": "实验楼", "区域": "三层", "评价方法": "LEC",
           "L": "3", "E": "6", "C": "40", "辨识日期": "2025-09-01", "复核日期": "2026-09-01",
           "可能导致的事故类型": "火灾、中毒和窒息", "危险源": "有机溶剂；强酸", "管控措施": "通风橱每日检查"}
    row.update(cells)
    return row


def risk_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ex.RISK_POINT_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def good_and_bad() -> bytes:
    """Rows 2 and 4 good; row 3 names a building the school lacks, row 5 a factor off the LEC table."""
    return risk_csv([risk_row("RP-1"), risk_row("RP-2", 楼宇="图书馆"), risk_row("RP-3"), risk_row("RP-4", L="4")])
