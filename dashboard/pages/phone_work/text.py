"""The "my work" page's words, Simplified Chinese first and English. The lists' own names are
queries/ledger/my_work.py KINDS; stages and grades are kernel/names.py's."""
from __future__ import annotations

from layouts.i18n import text_lookup

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "我的待办",
        "waiting": "等我处理",
        "counts": "共 {total} 条",
        "overdue_n": "逾期 {n}",
        "due_soon_n": "即将到期 {n}",
        "more": "另有 {n} 条未列出，请先处理上面的",
        "nothing_waits": "目前没有等您处理的隐患。发现隐患？点下方“随手拍”上报。",
        "empty_to_assign": "没有待下发的新上报。新的上报会出现在这里。",
        "empty_to_start": "没有待开始的整改通知。",
        "empty_in_rectification": "没有进行中的整改。",
        "empty_to_accept": "没有待验收的整改反馈。",
        "empty_to_supervise": "辖区内没有未督办的重大隐患。",
        "empty_supervised": "没有挂牌督办中的隐患。",
        "my_reports": "我上报的隐患",
        "no_reports": "您还没有上报过隐患。发现隐患时，点下方“随手拍”，拍照即可上报。",
        "deadline": "期限 {when}",
        "overdue": "已逾期 {days} 天",
        "due_soon": "{days} 天内到期",
        "no_deadline": "未定期限",
        "found": "上报于 {when}",
        "supervised": "督办",
        "responsible": "责任人 {name}",
    },
    "en": {
        "title": "My work",
        "waiting": "Waiting for me",
        "counts": "{total} in all",
        "overdue_n": "{n} overdue",
        "due_soon_n": "{n} due soon",
        "more": "{n} more not listed: deal with the ones above first",
        "nothing_waits": "Nothing waits for you. Found a hazard? Tap Report below.",
        "empty_to_assign": "No new reports to assign. New reports appear here.",
        "empty_to_start": "No rectification notices to start.",
        "empty_in_rectification": "No rectifications in progress.",
        "empty_to_accept": "No feedback to accept.",
        "empty_to_supervise": "No major hazard in your district waits for supervision.",
        "empty_supervised": "No hazard is listed for supervision.",
        "my_reports": "Hazards I reported",
        "no_reports": "You have not reported a hazard yet. When you find one, tap Report below and take a photo.",
        "deadline": "due {when}",
        "overdue": "{days} days overdue",
        "due_soon": "due within {days} days",
        "no_deadline": "no deadline yet",
        "found": "reported {when}",
        "supervised": "Supervised",
        "responsible": "responsible: {name}",
    },
}

tw = text_lookup(TEXT)
