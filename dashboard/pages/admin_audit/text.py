"""The audit page's words, Simplified Chinese first and English."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "审计日志", "filter": "筛选", "since": "起始日期", "until": "截止日期",
        "date_hint": "YYYY-MM-DD 或 YYYY-MM-DD HH:MM", "actor": "操作人（用户名）",
        "action": "操作（如 org 或 org.create）", "school": "学校代码", "q": "对象包含",
        "apply": "查询", "clear": "清除筛选", "xlsx": "导出 Excel", "csv": "导出 CSV",
        "at": "时间", "who": "操作人", "from": "来源地址", "what": "操作", "target": "对象",
        "change": "变更（前 → 后）", "field": "字段", "before": "变更前", "after": "变更后",
        "none": "—", "empty": "没有符合条件的记录", "older": "更早的记录", "newest": "回到最新",
        "scope_note": "您可查看本单位范围内各学校的记录，以及您本人的操作记录。",
        "read_only": "审计日志只能查看和导出，任何人都不能在网页上修改或删除记录。",
        "bad_since": "起始日期无法识别：请填写 YYYY-MM-DD 或 YYYY-MM-DD HH:MM",
        "bad_until": "截止日期无法识别或早于起始日期：请填写 YYYY-MM-DD 或 YYYY-MM-DD HH:MM",
        "bad_actor": "操作人过长或含控制字符", "bad_action": "操作过长或含控制字符",
        "bad_school": "学校代码过长或含控制字符", "bad_q": "对象过长或含控制字符",
        "shown": "显示 {n} 条，按时间由新到旧",
    },
    "en": {
        "title": "Audit log", "filter": "Filter", "since": "From", "until": "Until",
        "date_hint": "YYYY-MM-DD or YYYY-MM-DD HH:MM", "actor": "Who (username)",
        "action": "Action (e.g. org or org.create)", "school": "School code", "q": "Target contains",
        "apply": "Search", "clear": "Clear the filter", "xlsx": "Download Excel", "csv": "Download CSV",
        "at": "When", "who": "Who", "from": "From", "what": "Action", "target": "Target",
        "change": "Change (before → after)", "field": "Field", "before": "Before", "after": "After",
        "none": "—", "empty": "No entries match", "older": "Older entries", "newest": "Back to the newest",
        "scope_note": "You read the entries of the schools within your unit, and the entries you made.",
        "read_only": "The audit log can be read and downloaded; nobody can change or delete an entry on the web.",
        "bad_since": "The start date cannot be read: write YYYY-MM-DD or YYYY-MM-DD HH:MM",
        "bad_until": "The end date cannot be read or is before the start: write YYYY-MM-DD or YYYY-MM-DD HH:MM",
        "bad_actor": "Who: too long, or holds control characters",
        "bad_action": "Action: too long, or holds control characters",
        "bad_school": "School code: too long, or holds control characters",
        "bad_q": "Target: too long, or holds control characters",
        "shown": "{n} entries, newest first",
    },
}

tu = text_lookup(TEXT)
