"""The phone's checklist page's words, Simplified Chinese first and English (?lang=en)."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "巡查检查表", "items_count": "共 {n} 项检查内容", "start": "开始巡查",
        "start_hint": "开始后逐项检查，每项选择后立即保存；网络中断后重新打开可从中断处继续。",
        "continue_at": "从第 {n} 项继续", "all_answered": "所有项目已检查，可以完成签字",
        "pass": "合格", "fail": "不合格", "na": "不适用", "note": "说明（可选）",
        "note_placeholder": "发现的问题、位置等", "add_photo": "拍照 / 添加照片", "photo_alt": "第 {n} 项的照片",
        "report": "上报为隐患", "reported": "已上报为隐患 {code}",
        "finish": "完成并签字", "finished": "巡查已完成，{name} 于 {at} 签字",
        "already": "该巡查已完成（{name} 于 {at} 签字），无需再次提交",
        "summary": "巡查结果", "passed_n": "合格 {n} 项", "failed_n": "不合格 {n} 项", "na_n": "不适用 {n} 项",
        "late": "逾期完成", "on_time": "按时完成", "back": "返回今日巡查", "failed_items": "不合格项",
        "started_by": "{who} 于 {at} 开始", "uploading": "正在上传照片…",
        "photo_failed": "照片未上传：{reason}", "photo_offline": "照片未上传：网络不通，请稍后重试",
        "answer_first": "请先选择合格、不合格或不适用，说明随结果一起保存",
    },
    "en": {
        "title": "Inspection checklist", "items_count": "{n} items to check", "start": "Start the inspection",
        "start_hint": "Check item by item; each answer is saved as you give it. If the connection drops, "
                      "open the page again to continue where you stopped.",
        "continue_at": "Continue at item {n}", "all_answered": "Every item is checked: finish and sign",
        "pass": "Pass", "fail": "Fail", "na": "N/A", "note": "Note (optional)",
        "note_placeholder": "What is wrong, and where", "add_photo": "Take or add a photo",
        "photo_alt": "photo of item {n}",
        "report": "Report this as a hazard", "reported": "Reported as hazard {code}",
        "finish": "Finish and sign", "finished": "Inspection finished, signed by {name} at {at}",
        "already": "This inspection is finished already (signed by {name} at {at}); nothing to send again",
        "summary": "Results", "passed_n": "{n} passed", "failed_n": "{n} failed", "na_n": "{n} not applicable",
        "late": "Finished late", "on_time": "Finished on time", "back": "Back to today's inspections",
        "failed_items": "Failed items", "started_by": "started by {who} at {at}", "uploading": "Uploading the photo…",
        "photo_failed": "Photo not uploaded: {reason}", "photo_offline": "Photo not uploaded: no connection; try again",
        "answer_first": "Choose pass, fail or N/A first: the note is saved with the answer",
    },
}

tc = text_lookup(TEXT)
