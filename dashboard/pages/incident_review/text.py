"""The incident review page's words, Simplified Chinese first and English (the review itself — its
summary and timeline — is worded by ledger/incident_review.py, for the page and the PDF alike)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "事后评估", "wall": "当时大屏：{what}", "past_wall": "查看当时大屏", "findings": "经过与原因",
        "measures": "整改措施", "save": "保存评估", "pdf": "导出 PDF", "saved": "已保存（第 {version} 版）",
        "unchanged": "内容未变，未重复保存", "refused": "未保存：{reason}",
        "failed": "未保存：账本暂时无法访问，请稍后再试", "not_allowed": "您的角色不能填写事后评估",
        "unwritten": "尚未填写评估", "open_alert": "报警尚未处置完毕：评估可先写，处置完毕后再补充",
    },
    "en": {
        "title": "Incident review", "wall": "The wall then: {what}", "past_wall": "Open the wall as it was",
        "findings": "Findings", "measures": "Measures", "save": "Save the review", "pdf": "Export PDF",
        "saved": "Saved (version {version})", "unchanged": "Nothing changed: not saved again",
        "refused": "Not saved: {reason}", "failed": "Not saved: the ledger cannot be reached, try again shortly",
        "not_allowed": "Your role does not write incident reviews", "unwritten": "Not written yet",
        "open_alert": "The alert is still open: the review may be started now and completed when it is resolved",
    },
}

trv = text_lookup(TEXT)
