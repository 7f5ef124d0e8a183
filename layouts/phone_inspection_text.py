"""The words both phone inspection pages use (the list and the checklist), Simplified Chinese first
and English (?lang=en). The frame's words (tabs, states) are layouts/phone_text.py's."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "今日巡查", "today": "今天的巡查", "none_today": "今天没有需要做的巡查",
        "start": "开始巡查", "continue": "继续巡查", "open_done": "查看结果",
        "progress": "已检查 {answered}/{items} 项", "failed_count": "不合格 {n} 项",
        "signed": "{name} 于 {at} 签字", "until": "至 {day}",
        "drafts": "待上报的不合格项", "drafts_hint": "巡查中不合格的项目，上报后进入隐患整改流程",
        "report_draft": "上报为隐患", "found": "{who} · {at}",
    },
    "en": {
        "title": "Today's inspections", "today": "Today's inspections", "none_today": "No inspection due today",
        "start": "Start", "continue": "Continue", "open_done": "See the results",
        "progress": "{answered} of {items} items checked", "failed_count": "{n} failed",
        "signed": "signed by {name} at {at}", "until": "until {day}",
        "drafts": "Findings not yet reported",
        "drafts_hint": "Failed items of your inspections: reported, each becomes a hazard to rectify",
        "report_draft": "Report as a hazard", "found": "{who} · {at}",
    },
}

ti = text_lookup(TEXT)
