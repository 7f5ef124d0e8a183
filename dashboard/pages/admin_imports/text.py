"""The imports page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "批量导入", "school": "导入到学校", "kind": "导入内容", "kind_risk_points": "风险点清单",
        "kind_hazards": "隐患排查治理台账",
        "drop": "将 .xlsx 或 .csv 文件拖到此处，或点击选择（至多 {mb} MB）",
        "rules": "全部行校验通过才导入；任何一行有错，则不导入任何数据，并逐行列出错误。"
                 "学校以此处所选为准，不读取文件中的学校。",
        "phase_queued": "已上传，等待处理…", "phase_read": "正在读取文件…", "phase_check": "正在校验 {total} 行…",
        "phase_write": "正在写入：{done} / {total} 行",
        "done": "导入完成：新增 {created} 条，更新 {updated} 条", "cleaned": "（已清除 {n} 处不可见字符）",
        "refused": "未导入任何数据：{reason}", "refused_rows": "未导入任何数据：{n} 处错误，请修改后重新上传",
        "more": "仅显示前 {shown} 处", "failed": "导入失败：台账暂时无法写入，未导入任何数据，请稍后重试",
        "unknown": "找不到这次导入（已过期或不是您发起的）",
        "th_row": "行", "th_column": "列", "th_message": "问题", "no_school": "您的管理范围内没有学校",
    },
    "en": {
        "title": "Imports", "school": "Into school", "kind": "List", "kind_risk_points": "Risk points",
        "kind_hazards": "Hazard ledger",
        "drop": "Drop an .xlsx or .csv file here, or click to choose one (at most {mb} MB)",
        "rules": "Imported only when every row passes; one bad row and nothing is imported, every error listed. "
                 "The school is the one chosen here, never the file's.",
        "phase_queued": "Uploaded, waiting…", "phase_read": "Reading the file…",
        "phase_check": "Checking {total} rows…",
        "phase_write": "Writing: {done} of {total} rows",
        "done": "Imported: {created} new, {updated} updated", "cleaned": " ({n} invisible characters removed)",
        "refused": "Nothing imported: {reason}",
        "refused_rows": "Nothing imported: {n} errors; fix them and upload again",
        "more": "the first {shown} shown",
        "failed": "Import failed: the ledger cannot be written now; nothing imported",
        "unknown": "No such import (expired, or not yours)",
        "th_row": "Row", "th_column": "Column", "th_message": "Problem",
        "no_school": "No school lies within what you manage",
    },
}

ti = text_lookup(TEXT)
